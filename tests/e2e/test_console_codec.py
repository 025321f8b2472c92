"""The console's JavaScript codec (static/access/codec.js) in Debian's Chromium.

A page at a localhost address (a secure context, where WebCrypto exists) served by Playwright
itself: no Django server is needed.

It must read what the Python codec writes, and what an independent encoder (cbor2 and
cryptography by hand, below) writes; refuse each failure with its typed kind; and agree with
the Python codec on which texts to accept, for texts mutated at random.
"""

from __future__ import annotations

import datetime as dt
import random
import zlib

import cbor2
import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from django.contrib.staticfiles import finders

from fangxian.access import passcodec
from fangxian.access.base45 import b45encode

pytestmark = pytest.mark.browser

NOW = dt.datetime(2026, 3, 1, 8, 0, tzinfo=dt.timezone.utc)
T = int(NOW.timestamp())
ORIGIN = "http://localhost/codec-test"  # localhost: a secure context, where WebCrypto exists


@pytest.fixture(scope="module")
def js(browser):
    page = browser.new_page()
    page.route(ORIGIN, lambda route: route.fulfill(status=200, content_type="text/html",
                                                    body="<!doctype html><title>codec</title>"))
    page.goto(ORIGIN)
    page.add_script_tag(path=finders.find("access/codec.js"))
    page.evaluate("""() => {
      window.decodeAll = async (texts, keyList, now, prefix) => {
        const keys = new Map();
        for (const k of keyList) { const i = await FxCodec.importKey(k); keys.set(i.kidHex, i); }
        const out = [];
        for (const text of texts) {
          try {
            const { claims } = await FxCodec.decode(text, { prefix: prefix || "FX1:", keys, now });
            const body = claims.get(-70001);
            out.push({ ok: true, estate: body instanceof Map ? body.get("estate") : null,
                       kind: body instanceof Map ? body.get("kind") : null,
                       cti: claims.get(7) instanceof Uint8Array ? FxCodec.toHex(claims.get(7)) : null });
          } catch (e) {
            out.push({ ok: false, kind: e instanceof FxCodec.CodecError ? e.kind : "UNTYPED " + e });
          }
        }
        return out;
      };
    }""")
    yield page
    page.close()


def _decode_all(js, texts, keys, *, now=T, prefix="FX1:"):
    key_list = [{"kid": kid.hex(), "alg": alg, "jwk": passcodec.public_key_jwk(public)}
                for kid, (alg, public) in keys.items()]
    return js.evaluate("([t, k, n, p]) => decodeAll(t, k, n, p)", [texts, key_list, now, prefix])


@pytest.fixture(scope="module")
def es256():
    private = ec.generate_private_key(ec.SECP256R1())
    return private, passcodec.key_id(private)


def _claims(**changes):
    claims = {7: bytes(range(16)), 6: T - 60, 4: T + 86400, -70001: {"estate": 42, "kind": "resident"}}
    claims.update({int(k.removeprefix("c")): v for k, v in changes.items()})
    return claims


# -- an independent encoder: cbor2 and cryptography, by hand -----------------------------


def _by_hand(private, kid, claims, *, tag=18, kid_unprotected=False, compress=False, cwt_tag=False):
    protected = cbor2.dumps({1: -7} if kid_unprotected else {1: -7, 4: kid})
    payload = cbor2.dumps(claims)
    to_be_signed = cbor2.dumps(["Signature1", protected, b"", payload])
    r, s = decode_dss_signature(private.sign(to_be_signed, ec.ECDSA(hashes.SHA256())))
    message = [protected, {4: kid} if kid_unprotected else {}, payload, r.to_bytes(32, "big") + s.to_bytes(32, "big")]
    item = cbor2.CBORTag(18, message) if tag == 18 else message
    if cwt_tag:
        item = cbor2.CBORTag(61, item)
    data = cbor2.dumps(item)
    return "FX1:" + b45encode(zlib.compress(data, 9) if compress else data)


def test_it_reads_what_the_python_codec_writes(js, es256):
    private, kid = es256
    texts = [
        passcodec.encode(_claims(), prefix="FX1:", private_key=private, kid=kid),
        passcodec.encode(_claims(), prefix="FX1:", private_key=private, kid=kid, tagged=False),
        passcodec.encode(_claims(), prefix="FX1:", private_key=private, kid=kid, compress=True),
        passcodec.encode(_claims(), prefix="FX1:", private_key=private, kid=kid, kid_in="unprotected"),
    ]
    results = _decode_all(js, texts, {kid: (-7, private.public_key())})
    assert results == [{"ok": True, "estate": 42, "kind": "resident", "cti": bytes(range(16)).hex()}] * 4


def test_it_reads_an_independent_encoders_passes(js, es256):
    private, kid = es256
    texts = [
        _by_hand(private, kid, _claims()),
        _by_hand(private, kid, _claims(), tag=None),
        _by_hand(private, kid, _claims(), compress=True),
        _by_hand(private, kid, _claims(), kid_unprotected=True),
        _by_hand(private, kid, _claims(), cwt_tag=True),
    ]
    results = _decode_all(js, texts, {kid: (-7, private.public_key())})
    assert [r["ok"] for r in results] == [True] * 5, results


def test_it_verifies_eddsa_where_the_browser_has_ed25519(js):
    private = ed25519.Ed25519PrivateKey.generate()
    kid = passcodec.key_id(private)
    text = passcodec.encode(_claims(), prefix="FX1:", private_key=private, kid=kid, alg="EdDSA")
    [result] = _decode_all(js, [text], {kid: (-8, private.public_key())})
    assert result["ok"], result


def test_it_reads_a_bundle_prefix(js, es256):
    private, kid = es256
    text = passcodec.encode({6: T, 4: T + 3600, -70002: {"version": 7}}, prefix="FXB1:", private_key=private, kid=kid)
    [result] = _decode_all(js, [text], {kid: (-7, private.public_key())}, prefix="FXB1:")
    assert result["ok"]
    [wrong] = _decode_all(js, [text], {kid: (-7, private.public_key())})
    assert wrong == {"ok": False, "kind": "prefix"}


def test_it_names_each_failure(js, es256):
    private, kid = es256
    other = ec.generate_private_key(ec.SECP256R1())
    good = passcodec.encode(_claims(), prefix="FX1:", private_key=private, kid=kid)
    cases = {
        "prefix": "HC1:" + good[4:],
        "base45": "FX1:abc",
        "zlib": "FX1:" + b45encode(b"\x78\x9c\x00\x01\x02"),
        "cbor": "FX1:" + b45encode(b"\xd2\x84\xff"),
        "cose": "FX1:" + b45encode(cbor2.dumps([1, 2, 3])),
        "kid": passcodec.encode(_claims(), prefix="FX1:", private_key=private, kid=b"unknown!"),
        "signature": passcodec.encode(_claims(), prefix="FX1:", private_key=other, kid=kid),
        "not_yet_valid": passcodec.encode(_claims(c5=T + 3600), prefix="FX1:", private_key=private, kid=kid),
        "expired": passcodec.encode(_claims(c4=T - 1), prefix="FX1:", private_key=private, kid=kid),
    }
    results = _decode_all(js, list(cases.values()), {kid: (-7, private.public_key())})
    expected = {kind: {"ok": False, "kind": kind} for kind in cases}
    assert {kind: r for kind, r in zip(cases, results, strict=True)} == expected


def test_it_gives_a_phone_clock_the_same_leeway_as_the_server(js, es256):
    private, kid = es256
    keys = {kid: (-7, private.public_key())}
    soon = passcodec.encode(_claims(c6=T + 200), prefix="FX1:", private_key=private, kid=kid)
    later = passcodec.encode(_claims(c6=T + 400), prefix="FX1:", private_key=private, kid=kid)
    at_exp = passcodec.encode(_claims(c4=T), prefix="FX1:", private_key=private, kid=kid)
    assert [r["ok"] for r in _decode_all(js, [soon, later, at_exp], keys)] == [True, False, False]


def test_it_agrees_with_the_python_codec_on_mutated_texts(js, es256):
    """Differential fuzzing: the phone and the server accept exactly the same texts, and the
    phone fails only with its typed errors."""
    private, kid = es256
    keys = {kid: (-7, private.public_key())}
    rng = random.Random(20200301)
    seeds = [
        passcodec.encode(_claims(), prefix="FX1:", private_key=private, kid=kid),
        passcodec.encode(_claims(), prefix="FX1:", private_key=private, kid=kid, compress=True),
        _by_hand(private, kid, _claims(), kid_unprotected=True),
    ]
    alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"
    texts = list(seeds)
    for _ in range(600):
        text = rng.choice(seeds)
        if rng.random() < 0.5:  # change characters of the Base45 text
            chars = list(text)
            for _ in range(rng.randint(1, 3)):
                chars[rng.randrange(4, len(chars))] = rng.choice(alphabet)
            text = "".join(chars)
        else:  # change, drop or add bytes under the Base45
            from fangxian.access.base45 import b45decode

            data = bytearray(b45decode(text[4:]))
            for _ in range(rng.randint(1, 3)):
                choice = rng.random()
                if choice < 0.6:
                    data[rng.randrange(len(data))] = rng.randrange(256)
                elif choice < 0.8:
                    del data[rng.randrange(len(data)):]
                else:
                    data.insert(rng.randrange(len(data)), rng.randrange(256))
            text = "FX1:" + b45encode(bytes(data))
        texts.append(text)
    results = _decode_all(js, texts, keys)
    disagreements = []
    for text, result in zip(texts, results, strict=True):
        assert result["ok"] or result["kind"] in {
            "prefix", "base45", "zlib", "cbor", "cose", "kid", "signature", "not_yet_valid", "expired"}, result
        try:
            passcodec.decode(text, prefix="FX1:", keys={kid: private.public_key()}, now=NOW)
            server_ok = True
        except passcodec.PassCodecError:
            server_ok = False
        if server_ok != result["ok"]:
            disagreements.append((text, result))
    assert not disagreements, disagreements[:3]
    assert sum(r["ok"] for r in results) >= len(seeds)


def test_it_lists_revocations_as_the_bundle_does(js):
    ctis = [bytes([i]) * 16 for i in range(5)]
    ours = js.evaluate("async (ctis) => Promise.all(ctis.map((h) => FxCodec.revocationId(FxCodec.fromHex(h))))",
                       [c.hex() for c in ctis])
    assert ours == [passcodec.revocation_id(c).hex() for c in ctis]


def test_it_speaks_base45_as_rfc_9285(js):
    samples = [b"", b"A", b"AB", b"Hello!!", b"\x00\xff" * 7, bytes(range(256))]
    # RFC 9285 §4.3's examples first.
    assert js.evaluate("() => FxCodec.base45Encode(new TextEncoder().encode('AB'))") == "BB8"
    assert js.evaluate("() => new TextDecoder().decode(FxCodec.base45Decode('QED8WEX0'))") == "ietf!"
    encoded = js.evaluate("(xs) => xs.map((h) => FxCodec.base45Encode(FxCodec.fromHex(h)))", [s.hex() for s in samples])
    assert encoded == [b45encode(s) for s in samples]
    decoded = js.evaluate("(xs) => xs.map((t) => FxCodec.toHex(FxCodec.base45Decode(t)))", encoded)
    assert decoded == [s.hex() for s in samples]
    refused = js.evaluate("""(xs) => xs.map((t) => { try { FxCodec.base45Decode(t); return "ok"; }
                             catch (e) { return e.kind; } })""", ["A", "GGW", "ab", "::"])
    assert refused == ["base45"] * 4
