"""The memberships as the access policy reads them (`core.scope.Scope.for_user`).

Registered with core when Django starts (`AccountsConfig.ready`): core knows no app, so the
app that owns the memberships tells it how to read them.
"""

from __future__ import annotations

from django.db.models import Q

from fangxian.core.scope import Grant, Role

from .models import Membership

# Communities, reached through the membership's own relation: accounts does not import the
# registry, which sits above it.
_Community = Membership._meta.get_field("community").related_model


def grants_for(user) -> tuple[list[Grant], dict[int, int]]:
    """The user's grants, and {community id: subdistrict id} for every community they reach
    (their memberships' and their subdistricts'). Two queries."""
    rows = Membership.objects.filter(user=user).values_list(
        "role", "subdistrict_id", "community_id", "grid_id", "grid__community_id", "group_id", "group__community_id")
    grants = [
        Grant(role=Role(role), subdistrict_id=subdistrict, grid_id=grid, group_id=group,
              community_id=grid_community or group_community or community)
        for role, subdistrict, community, grid, grid_community, group, group_community in rows
    ]
    subdistricts = {g.subdistrict_id for g in grants if g.subdistrict_id}
    communities = {g.community_id for g in grants if g.community_id}
    if not (subdistricts or communities):
        return grants, {}
    places = _Community.objects.filter(Q(subdistrict_id__in=subdistricts) | Q(pk__in=communities))
    return grants, dict(places.values_list("pk", "subdistrict_id"))
