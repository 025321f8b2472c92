"""The pass codec: round trips, Base45 vectors, and one test per failure kind.

Interoperability with independent COSE implementations is in test_passcodec_interop.py,
fuzzing in test_passcodec_fuzz.py. No database: the codec is pure Python.
"""

import datetime as dt
import zlib

import cbor2
import pytest
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from hypothesis import given
from hypothesis import strategies as st

from fangxian.access import passcodec as pc
from fangxian.access.base45 import Base45DecodeError, b45decode, b45encode

NOW = dt.datetime(2022, 4, 1, 8, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
PREFIX = "FX1:"
ES_KEY = ec.generate_private_key(ec.SECP256R1())
ED_KEY = ed25519.Ed25519PrivateKey.generate()
ES_KID, ED_KID = pc.key_id(ES_KEY), pc.key_id(ED_KEY)
KEYS = {ES_KID: ES_KEY.public_key(), ED_KID: ED_KEY.public_key()}
PRIVATE = {"ES256": (ES_KEY, ES_KID), "EdDSA": (ED_KEY, ED_KID)}


def claims(extra=None, *, iat=NOW - dt.timedelta(hours=1), exp=NOW + dt.timedelta(days=30)):
    base = pc.pass_claims(cti=pc.new_cti(), iat=iat, exp=exp, estate=7, kind="resident")
    base.update(extra or {})
    return base


def make(body=None, *, alg="ES256", **options):
    key, kid = PRIVATE[alg]
    return pc.encode(claims() if body is None else body, prefix=PREFIX, private_key=key, kid=kid,
                     alg=alg, **options)


def read(text, **options):
    options.setdefault("now", NOW)
    return pc.decode(text, prefix=PREFIX, keys=KEYS, **options)


def wrap(raw: bytes, prefix=PREFIX) -> str:
    return prefix + b45encode(raw)


def raw_of(text: str) -> bytes:
    data = b45decode(text[len(PREFIX):])
    return zlib.decompress(data) if data[:1] == b"\x78" else data


# --- Base45 (RFC 9285 §4.3 and §4.4) -----------------------------------------------------

@pytest.mark.parametrize(("data", "text"), [
    (b"AB", "BB8"),
    (b"Hello!!", "%69 VD92EX0"),
    (b"base-45", "UJCLQE7W581"),
    (b"ietf!", "QED8WEX0"),
    (b"", ""),
    (b"\x00", "00"),
    (b"\xff\xff", "FGW"),
])
def test_it_encodes_and_decodes_the_rfc_9285_vectors(data, text):
    assert b45encode(data) == text
    assert b45decode(text) == data


@pytest.mark.parametrize("text", [
    "GGW",        # 65536 > 0xFFFF
    "::::",       # group overflow, then a pair > 0xFF
    "FGW0",       # one dangling character
    "6",          # length 1
    "QED8WEx0",   # lower case is not in the alphabet
    "QED8WE\u00d70",
    "BB8\n",
    "ZZZ",        # 35 + 35*45 + 35*2025 = 72485
    "Z7",         # final pair 35 + 7*45 = 350 > 0xFF
])
def test_it_rejects_bad_base45_text(text):
    with pytest.raises(Base45DecodeError):
        b45decode(text)


@given(st.binary(max_size=300))
def test_it_round_trips_any_bytes_through_base45(data):
    text = b45encode(data)
    assert b45decode(text) == data
    assert len(text) == len(data) // 2 * 3 + len(data) % 2 * 2


@given(st.text(alphabet="0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:", max_size=60))
def test_it_decodes_base45_to_the_one_text_that_encodes_it(text):
    """Strict means canonical: whatever decodes re-encodes to the same text."""
    try:
        data = b45decode(text)
    except Base45DecodeError:
        return
    assert b45encode(data) == text


# --- Round trips ------------------------------------------------------------------------

@pytest.mark.parametrize("alg", ["ES256", "EdDSA"])
@pytest.mark.parametrize("tagged", [True, False])
@pytest.mark.parametrize("kid_in", ["protected", "unprotected"])
@pytest.mark.parametrize("compress", [None, True, False])
def test_it_round_trips(alg, tagged, kid_in, compress):
    body = claims()
    text = make(body, alg=alg, tagged=tagged, kid_in=kid_in, compress=compress)
    assert text.startswith(PREFIX)
    assert read(text) == body
    raw = raw_of(text)
    assert raw[:1] == (b"\xd2" if tagged else b"\x84")
    message = cbor2.loads(raw)
    message = message.value if tagged else message
    protected = cbor2.loads(message[0])
    assert protected[1] == {"ES256": -7, "EdDSA": -8}[alg]
    assert (4 in protected) == (kid_in == "protected")
    assert (4 in message[1]) == (kid_in == "unprotected")


def test_it_accepts_the_alg_as_its_integer_identifier():
    body = claims()
    assert read(make(body, alg="EdDSA")) == body
    text = pc.encode(body, prefix=PREFIX, private_key=ED_KEY, kid=ED_KID, alg=-8)
    assert read(text) == body


def test_it_keeps_the_pass_free_of_personal_data_and_in_the_architecture_layout():
    cti = pc.new_cti()
    body = pc.pass_claims(cti=cti, iat=NOW, exp=NOW + dt.timedelta(days=1), estate=3, kind="tenant")
    assert body == {7: cti, 6: int(NOW.timestamp()), 4: int(NOW.timestamp()) + 86400,
                    -70001: {"estate": 3, "kind": "tenant"}}
    assert len(cti) == 16 and pc.new_cti() != cti
    text = make(body)
    # The default pass: tag 18, ES256, protected {1: alg, 4: kid}, and a QR-sized text.
    message = cbor2.loads(raw_of(text))
    assert message.tag == 18 and cbor2.loads(message.value[0]) == {1: -7, 4: ES_KID}
    assert message.value[1] == {}
    assert len(text) < 250


def test_it_compresses_only_when_it_helps():
    small = make()
    assert b45decode(small[len(PREFIX):])[:1] == b"\xd2"  # random cti + signature: zlib loses
    padded = claims({-70002: "楼栋" * 200})
    auto = make(padded)
    assert b45decode(auto[len(PREFIX):])[:1] == b"\x78"
    assert len(auto) < len(make(padded, compress=False))
    assert read(auto) == padded
    forced = make(compress=True)
    assert b45decode(forced[len(PREFIX):])[:1] == b"\x78" and len(forced) > len(small)


def test_it_lets_the_protected_kid_win_over_the_unprotected_one():
    payload = cbor2.dumps(claims())
    raw = pc.sign1(payload, private_key=ES_KEY, protected={1: -7, 4: ES_KID}, unprotected={4: ED_KID})
    assert read(wrap(raw))[6] == claims()[6]
    # ...and the other way round: the protected kid (unknown here) decides, not the good one.
    raw = pc.sign1(payload, private_key=ES_KEY, protected={1: -7, 4: b"rotated"}, unprotected={4: ES_KID})
    with pytest.raises(pc.UnknownKidError):
        read(wrap(raw))
    # The same holds for alg: a protected ES256 beats an unprotected EdDSA.
    raw = pc.sign1(payload, private_key=ES_KEY, protected={1: -7, 4: ES_KID}, unprotected={1: -8})
    read(wrap(raw))


def test_it_accepts_the_cwt_tag_around_the_cose_tag():
    payload = cbor2.dumps(claims())
    message = cbor2.loads(pc.sign1(payload, private_key=ES_KEY, protected={1: -7, 4: ES_KID}))
    assert read(wrap(cbor2.dumps(cbor2.CBORTag(61, message))))[4] == claims()[4]


def test_it_returns_claims_it_does_not_know_untouched():
    body = claims({1: "东山社区", 3: ["checkpoint"], -70002: [1, 2.5, None, True]})
    assert read(make(body)) == body


def test_it_gives_the_helpers_their_documented_shapes():
    cti = bytes(range(16))
    assert pc.revocation_id(cti) == bytes.fromhex("be45cb2605bf36bebde684841a28f0fd")
    assert len(pc.key_id(ES_KEY.public_key())) == 8
    assert pc.key_id(ES_KEY) == pc.key_id(ES_KEY.public_key()) != pc.key_id(ED_KEY)
    jwk = pc.public_key_jwk(ES_KEY.public_key())
    assert set(jwk) == {"kty", "crv", "x", "y"} and jwk["kty"] == "EC" and jwk["crv"] == "P-256"
    numbers = ES_KEY.public_key().public_numbers()
    import base64

    def unb64(text):
        return int.from_bytes(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)), "big")
    assert "=" not in jwk["x"] + jwk["y"]
    assert (unb64(jwk["x"]), unb64(jwk["y"])) == (numbers.x, numbers.y)
    okp = pc.public_key_jwk(ED_KEY.public_key())
    assert okp["kty"] == "OKP" and okp["crv"] == "Ed25519" and len(okp["x"]) == 43


def test_it_refuses_to_build_a_pass_it_should_not():
    with pytest.raises(ValueError):
        pc.pass_claims(cti=b"short", iat=NOW, exp=NOW + dt.timedelta(days=1), estate=1, kind="resident")
    with pytest.raises(ValueError):
        pc.pass_claims(cti=pc.new_cti(), iat=NOW, exp=NOW, estate=1, kind="resident")
    with pytest.raises(TypeError):
        pc.pass_claims(cti=pc.new_cti(), iat=NOW.replace(tzinfo=None), exp=NOW + dt.timedelta(days=1),
                       estate=1, kind="resident")
    with pytest.raises(TypeError):
        pc.encode(claims(), prefix=PREFIX, private_key=ED_KEY, kid=ED_KID, alg="ES256")
    with pytest.raises(ValueError):
        pc.encode(claims(), prefix=PREFIX, private_key=ES_KEY, kid=ES_KID, alg="PS256")


def test_it_turns_datetimes_into_numeric_dates_when_encoding():
    body = {4: NOW + dt.timedelta(days=1), 6: NOW, 7: b"x"}
    assert read(make(body)) == {4: int(NOW.timestamp()) + 86400, 6: int(NOW.timestamp()), 7: b"x"}


# --- One test per failure kind -----------------------------------------------------------

def test_it_raises_typeerror_for_a_naive_now():
    with pytest.raises(TypeError):
        read(make(), now=NOW.replace(tzinfo=None))
    with pytest.raises(TypeError):
        read(make(), now=NOW.date())


@pytest.mark.parametrize("text", ["HC1:" + make()[4:], make()[4:], "fx1:" + make()[4:], "", None, b"FX1:"])
def test_it_rejects_a_wrong_prefix(text):
    with pytest.raises(pc.PrefixError) as caught:
        read(text)
    assert caught.value.reason == "prefix"


@pytest.mark.parametrize("mutate", [
    lambda t: t + "A",            # dangling character
    lambda t: t[:-1] + "a",       # lower case
    lambda t: t + "\n",           # a scanner's newline is the caller's to strip
    lambda t: t[:4] + "GGW" + t[4:],  # group > 0xFFFF
    lambda t: t + "Z7",           # final pair > 0xFF
])
def test_it_rejects_a_pass_with_bad_base45(mutate):
    with pytest.raises(pc.Base45Error) as caught:
        read(mutate(make()))
    assert caught.value.reason == "base45"


def test_it_rejects_text_longer_than_the_size_limit_before_decoding_it():
    with pytest.raises(pc.Base45Error):
        read(PREFIX + "0" * (3 * 40000))


def test_it_rejects_corrupt_zlib():
    packed = zlib.compress(raw_of(make()), 9)
    for bad in (packed[:-6], packed[:2] + bytes(b ^ 0x55 for b in packed[2:12]) + packed[12:],
                packed[:-1] + bytes([packed[-1] ^ 1]), packed + b"\x00"):
        with pytest.raises(pc.ZlibError) as caught:
            read(wrap(bad))
        assert caught.value.reason == "zlib"


def test_it_refuses_a_zlib_bomb_without_inflating_it_all():
    bomb = zlib.compress(b"\x00" * (10 * 1024 * 1024), 9)
    assert len(bomb) < 11_000
    with pytest.raises(pc.ZlibError, match="inflates beyond"):
        read(wrap(bomb))
    just_over = zlib.compress(b"\xd2" + b"\x00" * pc.MAX_SIZE, 9)
    with pytest.raises(pc.ZlibError):
        read(wrap(just_over))


def test_it_does_not_inflate_data_without_a_zlib_header():
    # 0x78 with a bad FCHECK is not a zlib header: it goes to CBOR as is (a text string head).
    with pytest.raises(pc.CborError):
        read(wrap(b"\x78\x00" + b"\x00" * 10))


@pytest.mark.parametrize("raw", [
    b"",
    b"\xff",
    b"\x1c",                          # reserved additional info
    b"\x84\x40\xa0",                  # truncated array
    bytes.fromhex("d2844da20126") ,   # truncated inside the tag
    cbor2.dumps([b"", {}, b"", b""]) + b"\x00",  # trailing bytes
    b"\x7f\x61",                      # unterminated indefinite text
    bytes.fromhex("c1fb7ff0000000000000"),  # epoch datetime of +inf
    bytes.fromhex("a20101 0102".replace(" ", "")),  # duplicate map key
])
def test_it_rejects_what_is_not_cbor(raw):
    with pytest.raises(pc.CborError) as caught:
        read(wrap(raw))
    assert caught.value.reason == "cbor"


def _sign1_array(**replace):
    message = list(cbor2.loads(pc.sign1(cbor2.dumps(claims()), private_key=ES_KEY,
                                        protected={1: -7, 4: ES_KID}, tagged=False)))
    for index, value in replace.items():
        message[int(index[1:])] = value
    return message


@pytest.mark.parametrize(("obj", "why"), [
    ({1: 2}, "not an array"),
    (b"just bytes", "not an array"),
    ([b"", {}, b""], "3 elements"),
    (_sign1_array() + [b""], "5 elements"),
    (_sign1_array(i0={1: -7, 4: ES_KID}), "protected header is not a byte string"),
    (_sign1_array(i0="text"), "protected header is not a byte string"),
    (_sign1_array(i0=cbor2.dumps([1, -7])), "protected header is not a map"),
    (_sign1_array(i1=[]), "unprotected header is not a map"),
    (_sign1_array(i2=None), "payload is not a byte string"),
    (_sign1_array(i3="sig"), "signature is not a byte string"),
    (cbor2.CBORTag(98, _sign1_array()), "tag 98"),
    (cbor2.CBORTag(61, _sign1_array()), "tag 61"),
    (_sign1_array(i0=cbor2.dumps({1: -7, 4: ES_KID, 2: [99]})), "critical"),
    (_sign1_array(i0=cbor2.dumps({1: -7, 4: 7})), "kid is not a byte string"),
])
def test_it_rejects_a_wrong_cose_structure(obj, why):
    with pytest.raises(pc.CoseStructureError, match=why) as caught:
        read(wrap(cbor2.dumps(obj)))
    assert caught.value.reason == "cose"


@pytest.mark.parametrize("protected", [{4: ES_KID}, {1: -37, 4: ES_KID}, {1: "ES256", 4: ES_KID},
                                       {True: -7, 4: ES_KID}])
def test_it_rejects_an_unsupported_or_missing_alg(protected):
    obj = _sign1_array(i0=cbor2.dumps(protected))
    with pytest.raises(pc.UnsupportedAlgorithmError) as caught:
        read(wrap(cbor2.dumps(obj)))
    assert caught.value.reason == "unsupported_alg"
    assert isinstance(caught.value, pc.CoseStructureError)


def test_it_rejects_an_unknown_kid():
    other = ec.generate_private_key(ec.SECP256R1())
    text = pc.encode(claims(), prefix=PREFIX, private_key=other, kid=pc.key_id(other))
    with pytest.raises(pc.UnknownKidError) as caught:
        read(text)
    assert caught.value.reason == "kid"
    raw = pc.sign1(cbor2.dumps(claims()), private_key=ES_KEY, protected={1: -7})
    with pytest.raises(pc.UnknownKidError):
        read(wrap(raw))


@pytest.mark.parametrize("alg", ["ES256", "EdDSA"])
def test_it_rejects_a_bad_signature_or_a_tampered_payload(alg):
    key, kid = PRIVATE[alg]
    message = cbor2.loads(raw_of(make(alg=alg))).value
    protected, unprotected, payload, signature = message
    forged = cbor2.loads(payload)
    forged[-70001] = {"estate": 8, "kind": "resident"}  # another estate
    flipped = bytes([signature[0] ^ 1]) + signature[1:]
    stranger = ec.generate_private_key(ec.SECP256R1()) if alg == "ES256" else ed25519.Ed25519PrivateKey.generate()
    resigned = cbor2.loads(pc.sign1(payload, private_key=stranger, alg=alg,
                                        protected=cbor2.loads(protected))).value
    for bad in ([protected, unprotected, cbor2.dumps(forged), signature],
                [protected, unprotected, payload, flipped],
                [protected, unprotected, payload, signature[:-1]],
                [protected, unprotected, payload, b""],
                [protected, unprotected, payload, bytes(64)],
                [cbor2.dumps({1: {"ES256": -7, "EdDSA": -8}[alg], 4: kid, 99: 1}), unprotected, payload, signature],
                list(resigned)):
        with pytest.raises(pc.SignatureError) as caught:
            read(wrap(cbor2.dumps(cbor2.CBORTag(18, bad))))
        assert caught.value.reason == "signature"


def test_it_rejects_an_alg_that_does_not_match_the_kids_key():
    # EdDSA-signed message that names the P-256 key's kid: no algorithm substitution.
    payload = cbor2.dumps(claims())
    raw = pc.sign1(payload, private_key=ED_KEY, alg="EdDSA", protected={1: -8, 4: ES_KID})
    with pytest.raises(pc.SignatureError, match="not Ed25519"):
        read(wrap(raw))
    p384 = ec.generate_private_key(ec.SECP384R1())
    with pytest.raises(pc.SignatureError, match="not P-256"):
        pc.decode(make(), prefix=PREFIX, keys={ES_KID: p384.public_key()}, now=NOW)


def test_it_parses_the_claims_only_after_the_signature_verified():
    raw = pc.sign1(b"\xff not cbor", private_key=ES_KEY, protected={1: -7, 4: ES_KID})
    with pytest.raises(pc.CborError):
        read(wrap(raw))
    raw = pc.sign1(cbor2.dumps([1, 2]), private_key=ES_KEY, protected={1: -7, 4: ES_KID})
    with pytest.raises(pc.ClaimsError):
        read(wrap(raw))
    for bad_time in ("2022-04-01", None, float("nan"), float("inf"), True, cbor2.CBORTag(1, 1648771200)):
        with pytest.raises(pc.ClaimsError) as caught:
            read(make({4: bad_time}))
        assert caught.value.reason == "claims"


@pytest.mark.parametrize("label", [5, 6])
def test_it_rejects_nbf_or_iat_in_the_future_beyond_the_leeway(label):
    now = int(NOW.timestamp())
    assert read(make({label: now + 299, 4: now + 3600})) == {label: now + 299, 4: now + 3600}
    with pytest.raises(pc.NotYetValidError) as caught:
        read(make({label: now + 301, 4: now + 3600}))
    assert caught.value.reason == "not_yet_valid"
    assert caught.value.claims[label] == now + 301
    with pytest.raises(pc.NotYetValidError):
        read(make({label: now + 10, 4: now + 3600}), leeway=0)
    read(make({label: now + 1000, 4: now + 3600}), leeway=1000)


def test_it_rejects_an_expired_pass_without_leeway():
    now = int(NOW.timestamp())
    assert read(make({4: now + 1}))[4] == now + 1
    for exp in (now, now - 1, now - 86400 * 365, -(2**70)):
        with pytest.raises(pc.ExpiredError) as caught:
            read(make({4: exp}))
        assert caught.value.reason == "expired" and caught.value.claims[4] == exp
    # The same pass, a month later, by the clock of a checkpoint in another time zone.
    text = make()
    read(text)
    with pytest.raises(pc.ExpiredError):
        read(text, now=(NOW + dt.timedelta(days=31)).astimezone(dt.timezone.utc))
    assert read(make({4: now + 0.5}))[4] == now + 0.5  # NumericDate may be a float


def test_it_gives_every_reason_a_chinese_message():
    assert set(pc.REASONS) == {"invalid", "prefix", "base45", "zlib", "cbor", "cose", "unsupported_alg",
                               "claims", "kid", "signature", "not_yet_valid", "expired"}
    assert all(message and message.isascii() is False for message in pc.REASONS.values())
    assert str(pc.ExpiredError()) == "通行证已过期"
