"""Reads of users and memberships for other apps: who can be given a task in a community."""

from __future__ import annotations

from typing import Iterable

from django.contrib.auth import get_user_model
from django.db.models import QuerySet

from fangxian.core.scope import Role

from .models import Membership


def members_of(community_ids: int | Iterable[int], *, roles: Iterable[Role] | None = None,
               exclude_roles: Iterable[Role] = ()) -> QuerySet:
    """The active users with a membership (of these roles, if given) in the communities,
    by username."""
    if isinstance(community_ids, int):
        community_ids = [community_ids]
    memberships = Membership.objects.filter(community_id__in=list(community_ids))
    if roles is not None:
        memberships = memberships.filter(role__in=list(roles))
    if exclude_roles:
        memberships = memberships.exclude(role__in=list(exclude_roles))
    return get_user_model().objects.filter(pk__in=memberships.values("user_id"), is_active=True).order_by("username")
