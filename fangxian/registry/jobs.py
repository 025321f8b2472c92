"""Periodic jobs of the registry (run by `fangxian worker`; registered, with their intervals, in plugins.py)."""

from __future__ import annotations

from .roster import roster_discard_stale


def roster_uploads_purge() -> int:
    """A checked roster that nobody imports within a day is discarded: it holds personal data."""
    return roster_discard_stale()
