"""The fieldwork part of the two_grids cast, shared by fieldwork's tests and matrix modules."""

from __future__ import annotations

import datetime as dt

from fangxian.fieldwork.models import Campaign, Section, SectionBuilding, Team


def fieldwork_cast(cast):
    """An open campaign of the cast's community; team B (bob, frank) walks section B (building B),
    team A (alice) section A (building A). Idempotent: a second call changes nothing."""
    if getattr(cast, "campaign", None) is not None:
        return cast
    users = cast.users
    cast.campaign = Campaign.objects.create(
        community=cast.community, name="春节返程敲门行动", purpose="摸清每户人员", starts_on=dt.date(2026, 2, 25),
        ends_on=dt.date(2026, 3, 10), back_since=dt.date(2026, 1, 20), created_by=users["carol"])
    cast.team_a = Team.objects.create(community=cast.community, name="第一小队")
    cast.team_a.members.add(users["alice"])
    cast.team_b = Team.objects.create(community=cast.community, name="第二小队")
    cast.team_b.members.add(users["bob"], users["frank"])
    cast.section_a = Section.objects.create(community=cast.community, name="一片区", team=cast.team_a)
    cast.section_b = Section.objects.create(community=cast.community, name="二片区", team=cast.team_b)
    SectionBuilding.objects.create(section=cast.section_a, building=cast.building_a)
    SectionBuilding.objects.create(section=cast.section_b, building=cast.building_b)
    cast.dwelling_a, cast.dwelling_b = cast.person_a.dwelling, cast.person_b.dwelling
    return cast
