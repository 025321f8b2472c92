"""Hypothesis fuzzing of ``decode``: whatever the text, only PassCodecError subclasses escape.

The checkpoint server re-verifies every scanned text a phone uploads, so ``decode`` sees
attacker-chosen input; an unexpected exception there would be a 500 and a lost batch. The
strategies go deeper layer by layer: arbitrary text, Base45 of arbitrary bytes (raw and
zlib-wrapped), arbitrary CBOR shaped like COSE, mutations of valid passes, and validly
*signed* messages with arbitrary headers and payloads (the only way to reach the claims
checks behind the signature).
"""

import datetime as dt
import zlib

import cbor2
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fangxian.access import passcodec as pc
from fangxian.access.base45 import ALPHABET, b45decode, b45encode

NOW = dt.datetime(2022, 4, 1, tzinfo=dt.timezone.utc)
PREFIX = "FX1:"
ES_KEY = ec.generate_private_key(ec.SECP256R1())
ED_KEY = ed25519.Ed25519PrivateKey.generate()
ES_KID, ED_KID = pc.key_id(ES_KEY), pc.key_id(ED_KEY)
KEYS = {ES_KID: ES_KEY.public_key(), ED_KID: ED_KEY.public_key()}
VALID = pc.encode(pc.pass_claims(cti=bytes(16), iat=NOW - dt.timedelta(hours=1), exp=NOW + dt.timedelta(days=1),
                                 estate=1, kind="resident"),
                  prefix=PREFIX, private_key=ES_KEY, kid=ES_KID, compress=False)
VALID_RAW = b45decode(VALID[len(PREFIX):])

FUZZ = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def check(text, **options):
    """decode returns a claims dict or raises a PassCodecError; anything else fails the test."""
    options.setdefault("now", NOW)
    try:
        claims = pc.decode(text, prefix=PREFIX, keys=KEYS, **options)
    except pc.PassCodecError as error:
        assert error.reason in pc.REASONS
        assert isinstance(str(error), str)
        return error
    assert isinstance(claims, dict)
    return claims


def wrap(data: bytes) -> str:
    return PREFIX + b45encode(data)


# CBOR values, including tags whose cbor2 decoders are the likeliest to misbehave on junk:
# dates (0, 1), bignums (2, 3), decimal/bigfloat (4, 5), embedded CBOR (24), shared
# references (28, 29), rational (30), regex (35), MIME (36), UUID (37), sets (258),
# IP addresses (260, 261), and the COSE/CWT tags themselves.
INTERESTING_TAGS = [0, 1, 2, 3, 4, 5, 16, 17, 18, 21, 24, 25, 28, 29, 30, 32, 35, 36, 37, 61, 96, 97, 98,
                    256, 258, 260, 261, 55799]
scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-(2**70), 2**70), st.floats(allow_nan=True),
    st.binary(max_size=40), st.text(max_size=20),
    st.sampled_from([-7, -8, 1, 4, 5, 6, 7, ES_KID, ED_KID, b"", "ES256", float("inf"), 2**64 - 1, -(2**64)]),
)
cbor_values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=5),
        st.dictionaries(st.one_of(st.integers(-10, 10), st.text(max_size=5), st.binary(max_size=5)), inner,
                        max_size=5),
        st.builds(cbor2.CBORTag, st.one_of(st.sampled_from(INTERESTING_TAGS), st.integers(0, 2**64 - 1)), inner),
    ),
    max_leaves=20,
)
header_maps = st.dictionaries(st.sampled_from([1, 2, 3, 4, 5, -1, "alg"]),
                              st.one_of(st.sampled_from([-7, -8, -35, ES_KID, ED_KID, b"foo"]), cbor_values),
                              max_size=4)


@FUZZ
@given(st.text())
def test_it_survives_arbitrary_text(text):
    check(text)
    check(PREFIX + text)


@FUZZ
@given(st.text(alphabet=ALPHABET, max_size=400))
def test_it_survives_arbitrary_base45_alphabet_text(body):
    check(PREFIX + body)


@FUZZ
@given(st.binary(max_size=600), st.booleans())
def test_it_survives_base45_of_arbitrary_bytes(data, compress):
    check(wrap(zlib.compress(data) if compress else data))
    check(wrap(b"\x78\x9c" + data))  # a zlib header in front of junk
    check(wrap(b"\xd2" + data))      # a COSE tag in front of junk


@FUZZ
@given(cbor_values, st.booleans())
def test_it_survives_arbitrary_cbor(value, compress):
    raw = cbor2.dumps(value)
    check(wrap(zlib.compress(raw) if compress else raw))


@FUZZ
@given(st.one_of(st.binary(max_size=30), cbor_values), st.one_of(header_maps, cbor_values),
       st.one_of(st.binary(max_size=60), cbor_values), st.one_of(st.binary(min_size=60, max_size=70), cbor_values),
       st.sampled_from(["tag18", "untagged", "tag61"]))
def test_it_survives_cose_shaped_junk(protected, unprotected, payload, signature, wrapping):
    if isinstance(protected, dict):
        protected = cbor2.dumps(protected)
    message = [protected, unprotected, payload, signature]
    obj = {"tag18": cbor2.CBORTag(18, message), "untagged": message,
           "tag61": cbor2.CBORTag(61, cbor2.CBORTag(18, message))}[wrapping]
    check(wrap(cbor2.dumps(obj)))


mutations = st.lists(
    st.tuples(st.sampled_from(["flip", "set", "insert", "delete", "truncate"]),
              st.integers(0, 10_000), st.integers(0, 255)),
    min_size=1, max_size=6,
)


def mutate(data: bytes, steps) -> bytes:
    data = bytearray(data)
    for kind, where, value in steps:
        if not data and kind != "insert":
            continue
        at = where % (len(data) + (kind == "insert"))
        if kind == "flip":
            data[at] ^= 1 << (value % 8)
        elif kind == "set":
            data[at] = value
        elif kind == "insert":
            data.insert(at, value)
        elif kind == "delete":
            del data[at]
        else:
            del data[at:]
    return bytes(data)


@FUZZ
@given(mutations, st.booleans())
def test_it_survives_mutated_valid_passes(steps, compress):
    mutated = mutate(VALID_RAW, steps)
    result = check(wrap(zlib.compress(mutated) if compress else mutated))
    if mutated != VALID_RAW and isinstance(result, dict):
        # A change that still verifies can only be in the unsigned envelope (e.g. an
        # unprotected header); the signed claims are then the original ones.
        assert result == pc.decode(VALID, prefix=PREFIX, keys=KEYS, now=NOW)


@FUZZ
@given(mutations)
def test_it_survives_mutated_valid_pass_text(steps):
    text = mutate(VALID.encode("ascii"), steps).decode("latin-1")
    check(text)
    check(PREFIX + text[len(PREFIX):])
    # Compressed valid pass, then mutated inside the zlib stream.
    check(wrap(mutate(zlib.compress(VALID_RAW, 9), steps)))


@FUZZ
@given(st.one_of(cbor_values.map(cbor2.dumps), st.binary(max_size=80),
                 st.dictionaries(st.sampled_from([1, 4, 5, 6, 7, -70001]), cbor_values, max_size=6).map(cbor2.dumps)),
       header_maps, header_maps, st.sampled_from(["ES256", "EdDSA"]), st.booleans(),
       st.floats(0, 10**6))
def test_it_survives_validly_signed_junk(payload, protected, unprotected, alg, tagged, leeway):
    """Signed by a key it trusts, so verification passes whenever the headers name that key
    and its algorithm: this reaches the claims and time checks with arbitrary values."""
    key, kid = {"ES256": (ES_KEY, ES_KID), "EdDSA": (ED_KEY, ED_KID)}[alg]
    raw = pc.sign1(payload, private_key=key, alg=alg, protected=protected, unprotected=unprotected, tagged=tagged)
    check(wrap(raw), leeway=leeway)
    headers = {1: {"ES256": -7, "EdDSA": -8}[alg], 4: kid}
    result = check(wrap(pc.sign1(payload, private_key=key, alg=alg, protected=headers, tagged=tagged)),
                   leeway=leeway)
    assert isinstance(result, (dict, pc.CborError, pc.ClaimsError, pc.NotYetValidError, pc.ExpiredError))


@FUZZ
@given(st.dictionaries(st.sampled_from([4, 5, 6]),
                       st.one_of(st.integers(-(2**70), 2**70), st.floats(), st.booleans(), st.none(), st.text()),
                       max_size=3),
       st.datetimes(timezones=st.sampled_from([dt.timezone.utc, dt.timezone(dt.timedelta(hours=8)),
                                               dt.timezone(dt.timedelta(hours=-14, minutes=-30))])))
def test_it_checks_any_time_claims_at_any_moment(times, now):
    text = pc.encode({7: b"x", **times}, prefix=PREFIX, private_key=ED_KEY, kid=ED_KID, alg="EdDSA")
    check(text, now=now)
