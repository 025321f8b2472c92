"""Base45 (RFC 9285), strict.

Why Base45 and not Base64: a QR code's alphanumeric mode stores exactly these 45
characters (digits, upper-case letters, space and ``$%*+-./:``) at 5.5 bits each, so
Base45 text in alphanumeric mode is smaller than Base64 text in byte mode. It is the
encoding of the EU Digital COVID Certificate (``HC1:``) and of our pass (``FX1:``).

Strict because a pass decoder is an attack surface and because a lenient decoder hides
scanner faults: any character outside the alphabet (lower case included: the QR mode
cannot even carry it), a length that leaves a single dangling character, or a group
whose value overflows (> 0xFFFF for three characters, > 0xFF for the final two) is an
error, never silently repaired. Every failure is a :class:`Base45DecodeError` (a
``ValueError``), so callers have exactly one thing to catch.
"""

from __future__ import annotations

import struct

__all__ = ["ALPHABET", "Base45DecodeError", "b45decode", "b45encode"]

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"
_INVALID = 0xFF
# byte → its Base45 value, or 0xFF for every byte outside the alphabet (lower case included).
_TABLE = bytes(ALPHABET.index(chr(b)) if chr(b) in ALPHABET else _INVALID for b in range(256))


class Base45DecodeError(ValueError):
    """The text is not valid Base45."""


def b45encode(data: bytes) -> str:
    """Bytes → Base45 text: each two bytes become three characters, a last odd byte two."""
    data = bytes(data)
    out = []
    append = out.append
    full = len(data) - len(data) % 2
    for i in range(0, full, 2):
        n = (data[i] << 8) | data[i + 1]
        n, c = divmod(n, 45)
        e, d = divmod(n, 45)
        append(ALPHABET[c] + ALPHABET[d] + ALPHABET[e])
    if full != len(data):
        d, c = divmod(data[-1], 45)
        append(ALPHABET[c] + ALPHABET[d])
    return "".join(out)


def b45decode(text: str) -> bytes:
    """Base45 text → bytes, rejecting anything RFC 9285 does not produce.

    Written for speed as well as strictness (the server re-checks every scanned pass):
    one ``bytes.translate`` maps characters to their values, and the groups are summed
    with slices and ``zip`` instead of a per-character loop.
    """
    if not isinstance(text, str):
        raise Base45DecodeError("Base45 input must be text")
    if len(text) % 3 == 1:
        # Three characters carry two bytes and two carry one; a lone character carries nothing.
        raise Base45DecodeError(f"invalid Base45 length {len(text)}")
    try:
        values = text.encode("ascii").translate(_TABLE)
    except UnicodeEncodeError as error:
        raise Base45DecodeError(f"invalid Base45 character {text[error.start]!r}") from None
    if _INVALID in values:
        raise Base45DecodeError(f"invalid Base45 character {text[values.index(_INVALID)]!r}")
    full = len(values) - len(values) % 3
    triples = zip(values[0:full:3], values[1:full:3], values[2:full:3], strict=True)
    groups = [c + d * 45 + e * 2025 for c, d, e in triples]
    if groups and max(groups) > 0xFFFF:
        at = next(i for i, n in enumerate(groups) if n > 0xFFFF) * 3
        raise Base45DecodeError(f"Base45 group at {at} exceeds 0xFFFF")
    out = struct.pack(f">{len(groups)}H", *groups)
    if full != len(values):
        n = values[full] + values[full + 1] * 45
        if n > 0xFF:
            raise Base45DecodeError("final Base45 pair exceeds 0xFF")
        out += bytes((n,))
    return out
