"""Answers that act: what a knock's answers set going (filled in by the answers work)."""

from __future__ import annotations


def act_on_knocks(knocks, *, user) -> None:
    """Called once for the knocks a sync request stored, inside its transaction."""
