"""Periodic jobs of the registry (run by `fangxian worker`; registered, with their intervals, in plugins.py)."""

from __future__ import annotations

from .residents_import import residents_import_discard_stale


def residents_imports_purge() -> int:
    """A checked register that nobody imports within a day is discarded: it holds personal data."""
    return residents_import_discard_stale()
