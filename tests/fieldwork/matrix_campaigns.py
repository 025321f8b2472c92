"""Fieldwork's admin pages in the scope matrix (tests/core/test_scope_matrix.py) and the list
query counts (tests/core/test_list_queries.py): campaigns, teams and sections.

Everyone who sees fieldwork opens the three lists: the community's readers (carol, dave), its
grid workers (alice, bob), team members (frank, in team B) and olga, who reads her own
community's (empty) lists; erin and gina are in no team and read no community. Only the
community's admins change things: olga's own create pages open (she runs her community), but
carol's campaign, team and section are not hers.
"""

from __future__ import annotations

import datetime as dt

from fangxian.fieldwork.models import Campaign, Knock, Section, SectionBuilding, Team
from tests.conftest import FROZEN_AT
from tests.fieldwork.cast import fieldwork_cast
from tests.roles import ADMIN_OF_CAROL, ADMIN_ONLY, DENY, LOGIN, OK, row

SEES_FIELDWORK = row(LOGIN, OK, OK, OK, OK, DENY, OK, OK, OK, gina=DENY)

PAGES: dict = {
    "fieldwork:campaign_list": ("get", None, SEES_FIELDWORK),
    "fieldwork:campaign_create": ("get", None, ADMIN_ONLY),
    "fieldwork:campaign_edit": ("get", lambda c: c.campaign.pk, ADMIN_OF_CAROL),
    "fieldwork:team_list": ("get", None, SEES_FIELDWORK),
    "fieldwork:team_create": ("get", None, ADMIN_ONLY),
    "fieldwork:team_edit": ("get", lambda c: c.team_b.pk, ADMIN_OF_CAROL),
    "fieldwork:team_delete": ("post", lambda c: c.spare_team.pk, ADMIN_OF_CAROL),
    "fieldwork:section_list": ("get", None, SEES_FIELDWORK),
    "fieldwork:section_create": ("get", None, ADMIN_ONLY),
    "fieldwork:section_edit": ("get", lambda c: c.section_b.pk, ADMIN_OF_CAROL),
    "fieldwork:section_delete": ("post", lambda c: c.spare_section.pk, ADMIN_OF_CAROL),
}
POST_DATA: dict = {
    # Deleting needs nothing but the POST; the walk deletes spare objects, not the cast's own.
    "fieldwork:team_delete": {},
    "fieldwork:section_delete": {},
}
API: dict = {}
LIST_CASES: dict = {
    "fieldwork:campaign_list": ("carol", "dave", "bob"),
    "fieldwork:team_list": ("carol", "dave", "bob"),
    "fieldwork:section_list": ("carol", "dave", "bob"),
}


def equip(cast) -> None:
    """The fieldwork cast, and a spare team and section (no buildings) for the delete rows."""
    fieldwork_cast(cast)
    if getattr(cast, "spare_team", None) is None:
        cast.spare_team = Team.objects.create(community=cast.community, name="备用小队")
        cast.spare_section = Section.objects.create(community=cast.community, name="备用片区")


def grow(cast, building, i: int) -> None:
    """Around the new building: a campaign with a knock at its door, a team (bob, frank) and a
    section holding it."""
    fieldwork_cast(cast)
    campaign = Campaign.objects.create(community=cast.community, name=f"敲门行动{building.pk}",
                                       starts_on=cast.campaign.starts_on, ends_on=cast.campaign.ends_on,
                                       status=Campaign.Status.CLOSED if i % 2 else Campaign.Status.OPEN)
    dwelling = building.dwellings.first()
    if dwelling is not None:
        Knock.objects.create(campaign=campaign, dwelling=dwelling, outcome=Knock.Outcome.VISITED,
                             occurred_at=FROZEN_AT - dt.timedelta(hours=1))
    team = Team.objects.create(community=cast.community, name=f"小队{building.pk}")
    team.members.add(cast.users["bob"], cast.users["frank"])
    section = Section.objects.create(community=cast.community, name=f"片区{building.pk}", team=team)
    SectionBuilding.objects.create(section=section, building=building)
