"""The pass codec: a signed CWT in a QR code, as text.

Wire format (the same layering as the EU Digital COVID Certificate ``HC1:``, so standard
COSE/CWT tools can read and write it)::

    PREFIX + Base45( [zlib]( COSE_Sign1( CWT claims ) ) )

- **Base45** (RFC 9285, :mod:`fangxian.access.base45`): fits a QR code's alphanumeric mode.
- **zlib**, optional: inflated only when the data starts with a zlib header (``0x78`` and a
  valid FCHECK). A COSE message itself never starts with ``0x78`` (tag 18 is ``0xD2``, an
  untagged array ``0x84``, the CWT tag ``0xD8 0x3D``), so the sniff is unambiguous. Small
  passes are usually *longer* compressed (random cti, signature), so the encoder compresses
  only when it helps, and the decoder must accept both.
- **COSE_Sign1** (RFC 9052 §4.2): ``[protected bstr, unprotected map, payload bstr,
  signature bstr]``, tagged 18 or untagged (optionally inside the CWT tag 61), ES256 (alg -7,
  RFC 9053 §2.1: the signature is raw ``r || s``, 64 bytes, not DER) or EdDSA (alg -8,
  Ed25519).
- **CWT** (RFC 8392) claims map with integer keys: 4 exp, 5 nbf, 6 iat, 7 cti, and our
  private-use claim -70001 (RFC 8392 §9.1 reserves integers below -65536 for private use).

:func:`decode` is generic (any prefix, any kid → key map) because the same function checks
our passes, the checkpoint bundle, and — in the tests — certificates made by independent
encoders. Every way an input can be wrong raises exactly one subclass of
:class:`PassCodecError`, each with a short ``reason`` code that the checkpoint console and
the server turn into a Chinese message (``zh`` carries a default one). Nothing else ever
escapes for any text (fuzzed with hypothesis in tests/access/test_passcodec_fuzz.py); only
programmer errors (a naive ``now``, a key of the wrong type in ``keys``) raise ``TypeError``.

Check order matters for security: the structure is parsed, the key is found by kid and the
signature verified *before* the payload is parsed as claims, so nothing an unsigned payload
says (times, estate) is ever acted on or reported.
"""

from __future__ import annotations

import base64
import hashlib
import io
import math
import secrets
import zlib
from collections.abc import Mapping
from datetime import datetime

import cbor2
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature, encode_dss_signature

from .base45 import Base45DecodeError, b45decode, b45encode

__all__ = [
    "ALG_EDDSA", "ALG_ES256", "CLAIM_CTI", "CLAIM_EXP", "CLAIM_FANGXIAN", "CLAIM_IAT", "CLAIM_NBF",
    "DEFAULT_LEEWAY", "MAX_SIZE", "PASS_PREFIX", "REASONS",
    "Base45Error", "CborError", "ClaimsError", "CoseStructureError", "ExpiredError", "NotYetValidError",
    "PassCodecError", "PrefixError", "SignatureError", "UnknownKidError", "UnsupportedAlgorithmError",
    "ZlibError",
    "decode", "encode", "key_id", "new_cti", "pass_claims", "public_key_jwk", "revocation_id", "sign1",
]

PASS_PREFIX = "FX1:"

# COSE header labels (RFC 9052 §3.1) and algorithm identifiers (RFC 9053).
HDR_ALG, HDR_CRIT, HDR_KID = 1, 2, 4
ALG_ES256, ALG_EDDSA = -7, -8
_ALG_NAMES = {"ES256": ALG_ES256, "EdDSA": ALG_EDDSA}
TAG_COSE_SIGN1, TAG_CWT = 18, 61

# CWT claim keys (RFC 8392 §4) and ours.
CLAIM_EXP, CLAIM_NBF, CLAIM_IAT, CLAIM_CTI = 4, 5, 6, 7
CLAIM_FANGXIAN = -70001

# 64 KiB: far above any QR code (at most 4,296 alphanumeric characters ≈ 2.8 KB) or a
# checkpoint bundle, far below anything that hurts a phone or the server. It bounds the
# Base45 input, the inflated size (zlib bomb) and so everything CBOR has to parse.
MAX_SIZE = 64 * 1024
# A checkpoint phone's clock can lag the server's by minutes; a pass issued "now" must not
# be refused as not yet valid. Applied to iat/nbf only (see _check_times).
DEFAULT_LEEWAY = 300


# ---------------------------------------------------------------------------------------
# Errors: one class per failure kind, each with a stable reason code.


class PassCodecError(Exception):
    """Base of every decoding failure. ``reason`` is a stable code, ``zh`` a default message."""

    reason = "invalid"
    zh = "通行证无效"

    def __init__(self, detail: str = "", *, claims: dict | None = None):
        super().__init__(detail or self.zh)
        self.detail = detail
        # Only set on failures found after the signature verified (not yet valid, expired):
        # then the claims are authentic and the server may log which pass was shown.
        self.claims = claims


class PrefixError(PassCodecError):
    reason, zh = "prefix", "不是本系统的通行证"


class Base45Error(PassCodecError):
    reason, zh = "base45", "二维码内容不完整或已损坏"


class ZlibError(PassCodecError):
    reason, zh = "zlib", "二维码内容已损坏（解压失败）"


class CborError(PassCodecError):
    reason, zh = "cbor", "二维码内容格式错误"


class CoseStructureError(PassCodecError):
    reason, zh = "cose", "通行证结构错误"


class UnsupportedAlgorithmError(CoseStructureError):
    reason, zh = "unsupported_alg", "不支持的签名算法"


class ClaimsError(CoseStructureError):
    """The signed payload is not a CWT claims map, or a time claim is not a number."""

    reason, zh = "claims", "通行证内容格式错误"


class UnknownKidError(PassCodecError):
    # On a checkpoint phone this usually means the cached bundle predates a key rotation.
    # Reason "kid", the word ARCHITECTURE.md and the browser codec (static/access/codec.js) use.
    reason, zh = "kid", "签发密钥未知，请更新核验数据"


class SignatureError(PassCodecError):
    reason, zh = "signature", "签名无效，通行证可能被伪造或篡改"


class NotYetValidError(PassCodecError):
    reason, zh = "not_yet_valid", "通行证尚未生效"


class ExpiredError(PassCodecError):
    reason, zh = "expired", "通行证已过期"


REASONS: dict[str, str] = {
    cls.reason: cls.zh
    for cls in (PassCodecError, PrefixError, Base45Error, ZlibError, CborError, CoseStructureError,
                UnsupportedAlgorithmError, ClaimsError, UnknownKidError, SignatureError,
                NotYetValidError, ExpiredError)
}


# ---------------------------------------------------------------------------------------
# Decoding


def _decoder_options() -> dict:
    """Strictest CBORDecoder options the installed cbor2 understands.

    Duplicate map keys are rejected because two readers could pick different values
    (RFC 9052 §3: labels MUST be unique); a depth limit keeps hostile nesting cheap.
    Detected once, because cbor2 5.x lacks some of them.
    """
    options = {}
    for name, value in (("allow_duplicate_keys", False), ("max_depth", 64)):
        try:
            cbor2.CBORDecoder(io.BytesIO(b""), **{name: value})
        except TypeError:
            continue
        options[name] = value
    return options


_DECODER_OPTIONS = _decoder_options()


def decode(
    text: str,
    *,
    prefix: str,
    keys: Mapping[bytes, ec.EllipticCurvePublicKey | ed25519.Ed25519PublicKey],
    now: datetime,
    leeway: float = DEFAULT_LEEWAY,
    max_size: int = MAX_SIZE,
) -> dict:
    """Verify ``text`` and return its CWT claims (a dict with integer keys, as in CWT).

    ``keys`` maps kid bytes to a ``cryptography`` public key (P-256 for ES256, Ed25519 for
    EdDSA); ``now`` must be an aware datetime. The text is taken as is: a scanner's trailing
    newline is the caller's to strip.

    Raises exactly one :class:`PassCodecError` subclass per failure kind; ``TypeError`` only
    for a naive/non-datetime ``now`` or a ``keys`` value that is not a supported public key.
    """
    now_ts = _timestamp(now, "now")
    if not isinstance(leeway, (int, float)) or isinstance(leeway, bool) or not leeway >= 0:
        raise TypeError("leeway must be a non-negative number of seconds")

    if not isinstance(text, str) or not text.startswith(prefix):
        # Not a str at all (a JSON null from a client, bytes) cannot carry the prefix either.
        raise PrefixError(f"text does not start with {prefix!r}")
    body = text[len(prefix):]
    if len(body) > (max_size // 2) * 3 + 2:
        raise Base45Error(f"text longer than {max_size} bytes can encode")
    try:
        data = b45decode(body)
    except Base45DecodeError as error:
        raise Base45Error(str(error)) from None

    if _is_zlib(data):
        data = _inflate(data, max_size)

    protected, unprotected, payload, signature = _sign1_parts(_cbor_loads(data, "COSE message"))
    protected_map = _protected_map(protected)
    for header in (protected_map, unprotected):
        if _get(header, HDR_CRIT)[0]:
            # RFC 9052 §3.1: a recipient MUST reject headers it is told are critical and it
            # does not understand; we understand none beyond alg and kid.
            raise CoseStructureError("critical header parameters are not supported")

    alg = _header(protected_map, unprotected, HDR_ALG)
    if alg is None:
        raise UnsupportedAlgorithmError("no alg header")
    if type(alg) is not int or alg not in (ALG_ES256, ALG_EDDSA):
        raise UnsupportedAlgorithmError(f"unsupported alg {_brief(alg)}")

    kid = _header(protected_map, unprotected, HDR_KID)
    if kid is None:
        raise UnknownKidError("no kid header")
    if type(kid) is not bytes:
        raise CoseStructureError("kid is not a byte string")
    key = keys.get(kid)
    if key is None:
        raise UnknownKidError(f"unknown kid {_brief(kid)}")

    _verify(key, alg, _sig_structure(protected, payload), signature)

    claims = _cbor_loads(payload, "CWT payload")
    if not isinstance(claims, Mapping):
        raise ClaimsError("the payload is not a CWT claims map")
    claims = dict(claims)
    _check_times(claims, now_ts, leeway)
    return claims


def _brief(value) -> str:
    """A short description of an untrusted value for an error message.

    Never ``repr`` a hostile value whole: a 64 KiB bignum's repr raises ValueError
    (Python's int-to-str digit limit), which would escape the typed errors.
    """
    if type(value) is bytes:
        return value[:16].hex() + ("…" if len(value) > 16 else "")
    if type(value) is int and -(10**12) < value < 10**12:
        return str(value)
    if type(value) is str:
        return repr(value[:32])
    return type(value).__name__


def _timestamp(moment: datetime, name: str) -> float:
    if not isinstance(moment, datetime):
        raise TypeError(f"{name} must be a datetime, not {type(moment).__name__}")
    if moment.tzinfo is None or moment.utcoffset() is None:
        # A naive datetime is local time on one machine and UTC on another: refuse to guess.
        raise TypeError(f"{name} must be an aware datetime (with tzinfo)")
    return moment.timestamp()


def _is_zlib(data: bytes) -> bool:
    """RFC 1950 header: CMF 0x78 (deflate, 32 KiB window) and (CMF*256 + FLG) % 31 == 0."""
    return len(data) >= 2 and data[0] == 0x78 and ((data[0] << 8) | data[1]) % 31 == 0


def _inflate(data: bytes, max_size: int) -> bytes:
    inflater = zlib.decompressobj()
    try:
        # Ask for one byte more than allowed: getting it proves the stream is a bomb
        # without ever holding more than max_size + 1 bytes.
        out = inflater.decompress(data, max_size + 1)
    except zlib.error as error:
        raise ZlibError(f"corrupt zlib data: {error}") from None
    if len(out) > max_size:
        raise ZlibError(f"zlib data inflates beyond {max_size} bytes")
    if not inflater.eof:
        raise ZlibError("truncated zlib data")
    if inflater.unused_data:
        raise ZlibError("bytes after the end of the zlib stream")
    return out


def _cbor_loads(data: bytes, what: str):
    """Exactly one CBOR item filling ``data``; any decoding failure is a CborError."""
    stream = io.BytesIO(data)
    try:
        value = cbor2.CBORDecoder(stream, **_DECODER_OPTIONS).decode()
    except Exception as error:  # noqa: BLE001
        # cbor2 raises CBORDecodeError, but its semantic-tag decoders (dates, decimals,
        # bignums, regexes, …) can let ValueError, OverflowError and friends through on
        # hostile input; all of them mean "not acceptable CBOR" here.
        raise CborError(f"{what} is not valid CBOR: {type(error).__name__}") from None
    if stream.tell() != len(data):
        raise CborError(f"{what}: {len(data) - stream.tell()} bytes after the CBOR item")
    return value


def _sign1_parts(obj) -> tuple[bytes, Mapping, bytes, bytes]:
    if isinstance(obj, cbor2.CBORTag) and obj.tag == TAG_CWT:
        # RFC 8392 §6: a CWT may wrap its tagged COSE message in tag 61.
        obj = obj.value
        if not (isinstance(obj, cbor2.CBORTag) and obj.tag == TAG_COSE_SIGN1):
            raise CoseStructureError("CWT tag 61 does not wrap a tagged COSE_Sign1")
    if isinstance(obj, cbor2.CBORTag):
        if obj.tag != TAG_COSE_SIGN1:
            raise CoseStructureError(f"CBOR tag {obj.tag} is not COSE_Sign1 (18)")
        obj = obj.value
    # cbor2 6 decodes arrays inside a tag as tuples (and maps as frozendicts).
    if not isinstance(obj, (list, tuple)):
        raise CoseStructureError("COSE_Sign1 is not an array")
    if len(obj) != 4:
        raise CoseStructureError(f"COSE_Sign1 has {len(obj)} elements, not 4")
    protected, unprotected, payload, signature = obj
    if type(protected) is not bytes:
        raise CoseStructureError("protected header is not a byte string")
    if not isinstance(unprotected, Mapping):
        raise CoseStructureError("unprotected header is not a map")
    if type(payload) is not bytes:
        # nil would be a detached payload, which a QR code cannot have.
        raise CoseStructureError("payload is not a byte string")
    if type(signature) is not bytes:
        raise CoseStructureError("signature is not a byte string")
    return protected, unprotected, payload, signature


def _protected_map(protected: bytes) -> Mapping:
    if not protected:
        return {}  # RFC 9052 §3: an empty protected header is the zero-length bstr
    headers = _cbor_loads(protected, "protected header")
    if not isinstance(headers, Mapping):
        raise CoseStructureError("protected header is not a map")
    return headers


def _get(mapping: Mapping, label: int) -> tuple[bool, object]:
    """Look a label up by exact integer key.

    Plain ``mapping.get(1)`` would also match a CBOR ``true`` or ``1.0`` key (equal and
    same hash in Python), which no COSE implementation means as label 1.
    """
    for key, value in mapping.items():
        if type(key) is int and key == label:
            return True, value
    return False, None


def _header(protected: Mapping, unprotected: Mapping, label: int):
    """The protected value wins: only it is covered by the signature."""
    found, value = _get(protected, label)
    if found:
        return value
    return _get(unprotected, label)[1]


def _sig_structure(protected: bytes, payload: bytes) -> bytes:
    # RFC 9052 §4.4: Sig_structure = ["Signature1", body_protected, external_aad, payload]
    # with an empty external_aad: what both the signer and the verifier hash.
    return cbor2.dumps(["Signature1", protected, b"", payload])


def _verify(key, alg: int, to_be_signed: bytes, signature: bytes) -> None:
    if not isinstance(key, (ec.EllipticCurvePublicKey, ed25519.Ed25519PublicKey)):
        raise TypeError(f"keys must map to P-256 or Ed25519 public keys, not {type(key).__name__}")
    try:
        if alg == ALG_ES256:
            # Binding alg to the key type stops an attacker from choosing the algorithm.
            if not (isinstance(key, ec.EllipticCurvePublicKey) and key.curve.name == "secp256r1"):
                raise SignatureError("ES256 pass but the kid names a key that is not P-256")
            if len(signature) != 64:
                raise SignatureError(f"ES256 signature is {len(signature)} bytes, not 64")
            der = encode_dss_signature(int.from_bytes(signature[:32], "big"),
                                       int.from_bytes(signature[32:], "big"))
            key.verify(der, to_be_signed, ec.ECDSA(hashes.SHA256()))
        else:
            if not isinstance(key, ed25519.Ed25519PublicKey):
                raise SignatureError("EdDSA pass but the kid names a key that is not Ed25519")
            if len(signature) != 64:
                raise SignatureError(f"EdDSA signature is {len(signature)} bytes, not 64")
            key.verify(signature, to_be_signed)
    except (InvalidSignature, ValueError):
        raise SignatureError("signature does not verify") from None


def _numeric_date(claims: dict, label: int) -> float | int | None:
    found, value = _get(claims, label)
    if not found:
        return None
    # RFC 8392 §2: NumericDate is an int or a float, without tag 1.
    if type(value) not in (int, float) or (type(value) is float and not math.isfinite(value)):
        raise ClaimsError(f"claim {label} is not a NumericDate", claims=claims)
    return value


def _check_times(claims: dict, now_ts: float, leeway: float) -> None:
    """nbf and iat may be up to ``leeway`` ahead of our clock; exp is a hard line.

    The leeway is for a checkpoint phone whose clock lags the server that just issued the
    pass. Not applied to exp: letting an expired pass through is the unsafe direction, and
    passes expire days after issue, so skew there only matters for minutes.
    """
    for label, name in ((CLAIM_NBF, "nbf"), (CLAIM_IAT, "iat")):
        moment = _numeric_date(claims, label)
        if moment is not None and moment > now_ts + leeway:
            raise NotYetValidError(f"{name} is in the future", claims=claims)
    expires = _numeric_date(claims, CLAIM_EXP)
    if expires is not None and now_ts >= expires:
        raise ExpiredError("exp has passed", claims=claims)


# ---------------------------------------------------------------------------------------
# Encoding


def encode(
    claims: Mapping,
    *,
    prefix: str,
    private_key: ec.EllipticCurvePrivateKey | ed25519.Ed25519PrivateKey,
    kid: bytes,
    alg: str | int = "ES256",
    compress: bool | None = None,
    tagged: bool = True,
    kid_in: str = "protected",
) -> str:
    """The mirror of :func:`decode`: sign ``claims`` as a CWT and return the QR text.

    ``compress=None`` applies zlib (level 9) only when that makes the data shorter (rare
    for a pass: its cti and signature are random). ``kid_in="unprotected"`` exists for
    interoperability tests; passes keep the kid protected (ARCHITECTURE.md). Aware
    datetimes under exp/nbf/iat are turned into NumericDate integers.
    """
    if kid_in not in ("protected", "unprotected"):
        raise ValueError("kid_in must be 'protected' or 'unprotected'")
    if type(kid) is not bytes:
        raise TypeError("kid must be bytes")
    alg_id = _alg_id(alg)
    protected = {HDR_ALG: alg_id}
    unprotected = {}
    (protected if kid_in == "protected" else unprotected)[HDR_KID] = kid
    payload = cbor2.dumps(_cwt_claims(claims))
    raw = sign1(payload, private_key=private_key, alg=alg_id, protected=protected,
                unprotected=unprotected, tagged=tagged)
    if compress is None:
        packed = zlib.compress(raw, 9)
        data = packed if len(packed) < len(raw) else raw
    else:
        data = zlib.compress(raw, 9) if compress else raw
    return prefix + b45encode(data)


def sign1(
    payload: bytes,
    *,
    private_key: ec.EllipticCurvePrivateKey | ed25519.Ed25519PrivateKey,
    alg: str | int = "ES256",
    protected: Mapping | None = None,
    unprotected: Mapping | None = None,
    tagged: bool = True,
) -> bytes:
    """A COSE_Sign1 message (bytes) over ``payload`` with the headers given as they are.

    The building block of :func:`encode`, public for the tests that need header layouts
    :func:`encode` never makes (a kid in both buckets, no alg, …).
    """
    alg_id = _alg_id(alg)
    protected_bytes = cbor2.dumps(dict(protected)) if protected else b""
    to_be_signed = _sig_structure(protected_bytes, payload)
    if alg_id == ALG_ES256:
        if not (isinstance(private_key, ec.EllipticCurvePrivateKey) and private_key.curve.name == "secp256r1"):
            raise TypeError("ES256 needs a P-256 private key")
        r, s = decode_dss_signature(private_key.sign(to_be_signed, ec.ECDSA(hashes.SHA256())))
        signature = r.to_bytes(32, "big") + s.to_bytes(32, "big")  # COSE wants raw r || s
    else:
        if not isinstance(private_key, ed25519.Ed25519PrivateKey):
            raise TypeError("EdDSA needs an Ed25519 private key")
        signature = private_key.sign(to_be_signed)
    message = [protected_bytes, dict(unprotected or {}), payload, signature]
    return cbor2.dumps(cbor2.CBORTag(TAG_COSE_SIGN1, message) if tagged else message)


def _alg_id(alg: str | int) -> int:
    if type(alg) is int and alg in (ALG_ES256, ALG_EDDSA):
        return alg
    if alg in _ALG_NAMES:
        return _ALG_NAMES[alg]
    raise ValueError(f"unsupported alg {alg!r}: use 'ES256' (-7) or 'EdDSA' (-8)")


def _cwt_claims(claims: Mapping) -> dict:
    if not isinstance(claims, Mapping):
        raise TypeError("claims must be a mapping")
    out = dict(claims)
    for label in (CLAIM_EXP, CLAIM_NBF, CLAIM_IAT):
        if isinstance(out.get(label), datetime):
            # cbor2 would write a datetime as tag 0/1; CWT wants a bare NumericDate.
            out[label] = int(_timestamp(out[label], f"claim {label}"))
    return out


# ---------------------------------------------------------------------------------------
# Helpers for passes, bundles and the browser


def new_cti() -> bytes:
    """A fresh CWT ID: 16 random bytes, unguessable so a pass cannot be forged by number."""
    return secrets.token_bytes(16)


def pass_claims(*, cti: bytes, iat: datetime, exp: datetime, estate: int, kind: str) -> dict:
    """The claims of a pass QR.

    Deliberately no name, ID number or phone: a QR code is read by anyone with a phone,
    so the card prints the masked name and the room as text and the QR carries only what
    a checkpoint needs to decide (which estate, what kind of pass, valid when).
    """
    if type(cti) is not bytes or len(cti) != 16:
        raise ValueError("cti must be 16 bytes (see new_cti)")
    issued, expires = int(_timestamp(iat, "iat")), int(_timestamp(exp, "exp"))
    if expires <= issued:
        raise ValueError("exp must be after iat")
    if type(estate) is not int:
        raise TypeError("estate must be an int (the estate's id)")
    if not isinstance(kind, str) or not kind:
        raise TypeError("kind must be a non-empty str")
    return {CLAIM_CTI: cti, CLAIM_IAT: issued, CLAIM_EXP: expires,
            CLAIM_FANGXIAN: {"estate": estate, "kind": kind}}


def revocation_id(cti: bytes) -> bytes:
    """What the revocation list in the checkpoint bundle holds: SHA-256(cti)[:16].

    Hashed so the bundle on volunteers' phones does not list live pass ids in clear.
    """
    return hashlib.sha256(cti).digest()[:16]


def _public(key):
    if isinstance(key, (ec.EllipticCurvePrivateKey, ed25519.Ed25519PrivateKey)):
        return key.public_key()
    return key


def key_id(public_key) -> bytes:
    """A kid derived from the key itself: SHA-256 of its SubjectPublicKeyInfo DER, first 8 bytes.

    Derived rather than chosen so a kid can never be reused for a different key across a
    rotation. (A private key is accepted too and its public half used.)
    """
    spki = _public(public_key).public_bytes(serialization.Encoding.DER,
                                            serialization.PublicFormat.SubjectPublicKeyInfo)
    return hashlib.sha256(spki).digest()[:8]


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def public_key_jwk(public_key) -> dict:
    """The public key as a JWK (RFC 7517/7518/8037) for ``crypto.subtle.importKey("jwk", …)``.

    Only the members WebCrypto needs; ``alg``/``kid`` are left out because WebCrypto
    rejects an ``alg`` it does not expect and the kid travels beside the key in the bundle.
    """
    key = _public(public_key)
    if isinstance(key, ec.EllipticCurvePublicKey):
        if key.curve.name != "secp256r1":
            raise ValueError("only P-256 EC keys are supported")
        numbers = key.public_numbers()
        return {"kty": "EC", "crv": "P-256",
                "x": _b64url(numbers.x.to_bytes(32, "big")), "y": _b64url(numbers.y.to_bytes(32, "big"))}
    if isinstance(key, ed25519.Ed25519PublicKey):
        raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        return {"kty": "OKP", "crv": "Ed25519", "x": _b64url(raw)}
    raise TypeError(f"unsupported key type {type(key).__name__}")
