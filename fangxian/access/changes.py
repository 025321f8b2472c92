"""The bundle's change log: every change a checkpoint must learn of (a pass issued or revoked,
a key made or retired, a rule in force) adds a row, and the community's bundle version is
the last row's id."""

from __future__ import annotations

from django.db.models import Max

from .models import AccessChange


def change_log(community_id: int, what: str) -> None:
    """One more row in the bundle's change log: the community's bundle version grows."""
    AccessChange.objects.create(community_id=community_id, what=what)


def bundle_version(community_id: int) -> int:
    return AccessChange.objects.filter(community_id=community_id).aggregate(v=Max("pk"))["v"] or 0
