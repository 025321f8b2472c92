"""The order of doors on the stairs: floor first, then the room in natural order (2 before 10).
Every list that a person walks (the canvassing walk, the delivery run sheet) sorts by it."""

from __future__ import annotations

import re

_DIGITS = re.compile(r"\d+")
_CHUNKS = re.compile(r"(\d+)")


def floor_of(room: str) -> int | None:
    """The floor of a room number: its last run of digits without the last two (1502 → 15);
    a room of one or two digits (a bungalow's "3") has no floor we can tell."""
    runs = _DIGITS.findall(room or "")
    if not runs or len(runs[-1]) < 3:
        return None
    return int(runs[-1][:-2])


def door_order(room: str) -> tuple:
    """Floors first (rooms without one last), then the room in natural order."""
    floor = floor_of(room)
    natural = tuple((0, int(part), "") if part.isdigit() else (1, 0, part)
                    for part in _CHUNKS.split(room or "") if part)
    return (floor is None, floor or 0, natural)
