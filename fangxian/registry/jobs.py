"""Periodic jobs of the registry (run by `fangxian worker`)."""

from __future__ import annotations

from fangxian.core.periodic import periodic

from .roster import roster_discard_stale


@periodic(every_seconds=3600)
def roster_uploads_purge() -> int:
    """A checked roster that nobody imports within a day is discarded: it holds personal data."""
    return roster_discard_stale()
