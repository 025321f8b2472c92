"""Decode-and-verify throughput of the pass codec, beside a bare signature verify.

Figure: passes per second through ``passcodec.decode`` — prefix, Base45, zlib sniff, CBOR,
COSE structure, kid lookup, signature, claims and times — over 2,000 distinct ES256 passes
(one community key, as at a checkpoint), and the same for EdDSA.
Floor: ``cryptography`` verifying the very same signatures over the very same To-Be-Signed
bytes, already in the form it wants (DER for ECDSA): what the signature alone costs, so the
ratio is the price of everything the codec does around it.

No database: runs in any process, ``.venv/bin/python -m bench.bench_codec``.
"""

from __future__ import annotations

import datetime as dt
import zlib

import cbor2
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

from bench.common import emit, figure, median_seconds
from fangxian.access import passcodec
from fangxian.access.base45 import b45decode

PASSES = 2_000
PREFIX = passcodec.PASS_PREFIX


def _passes(private_key, alg: str, now: dt.datetime) -> tuple[list[str], dict]:
    kid = passcodec.key_id(private_key)
    texts = []
    for n in range(PASSES):
        claims = passcodec.pass_claims(cti=passcodec.new_cti(), iat=now - dt.timedelta(hours=n % 48),
                                       exp=now + dt.timedelta(days=30), estate=n % 40, kind="resident")
        texts.append(passcodec.encode(claims, prefix=PREFIX, private_key=private_key, kid=kid, alg=alg))
    return texts, {kid: private_key.public_key()}


def _signatures(texts: list[str]) -> list[tuple[bytes, bytes]]:
    """(signature, To-Be-Signed) of each pass, extracted once, outside the timed floor."""
    out = []
    for text in texts:
        data = b45decode(text[len(PREFIX):])
        if data[:1] == b"\x78":
            data = zlib.decompress(data)
        protected, _unprotected, payload, signature = cbor2.loads(data).value
        out.append((signature, passcodec._sig_structure(protected, payload)))
    return out


def _measure(label: str, private_key, alg: str) -> dict:
    now = dt.datetime.now(dt.timezone.utc)
    texts, keys = _passes(private_key, alg, now)
    public = private_key.public_key()
    signed = _signatures(texts)

    def decode_all():
        for text in texts:
            passcodec.decode(text, prefix=PREFIX, keys=keys, now=now)

    if alg == "ES256":
        ecdsa = ec.ECDSA(hashes.SHA256())
        ders = [(encode_dss_signature(int.from_bytes(s[:32], "big"), int.from_bytes(s[32:], "big")), tbs)
                for s, tbs in signed]

        def verify_all():
            for der, tbs in ders:
                public.verify(der, tbs, ecdsa)
    else:
        def verify_all():
            for signature, tbs in signed:
                public.verify(signature, tbs)

    codec_seconds = median_seconds(decode_all, repeat=5, warmup=1)
    floor_seconds = median_seconds(verify_all, repeat=5, warmup=1)
    return figure(
        f"pass_decode_verify_{label}", "passes/s", PASSES / codec_seconds, PASSES / floor_seconds,
        higher_is_better=True, passes=PASSES,
        qr_chars=round(sum(map(len, texts)) / len(texts)),
        codec_us=round(codec_seconds / PASSES * 1e6, 1), verify_us=round(floor_seconds / PASSES * 1e6, 1),
    )


def run() -> list[dict]:
    return [
        _measure("es256", ec.generate_private_key(ec.SECP256R1()), "ES256"),
        _measure("eddsa", ed25519.Ed25519PrivateKey.generate(), "EdDSA"),
    ]


if __name__ == "__main__":
    emit(run())
