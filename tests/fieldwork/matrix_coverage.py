"""This app's part of the scope matrix and of the list-page query counts: the coverage pages
of a campaign (detail, section board, never-reached doors, closing, gap reasons, exports, walk sheet).

Who gets what, as the policy honestly gives it (fieldwork/selectors.py):
- the campaign's pages open for whoever `sees_fieldwork` and belongs to (or reads) the
  campaign's community: carol (admin), dave (officer, reads), alice and bob (grid workers),
  frank (team B member), root. Each sees the doors of the buildings they see: alice building A,
  bob and frank building B. Erin and gina are members of the community but in no team and no
  grid: refused (403). Olga runs another community: the campaign is unknown to her (404).
- the walk sheet of building B: as the detail, but alice is refused (building B is not hers).
- closing: the community's runners, carol and root.
- a gap reason for dwelling B: the runners and the door's grid worker (bob); frank walks it but
  gives no reasons; dave reads and does not write; alice does not see the door (404).

Pages that take more than one id (gap_reason, walk_sheet) give a tuple of ids; list pages take
the campaign's id (LIST_ARGS), which test_list_queries must pass to `reverse`.
"""

from __future__ import annotations

import datetime as dt

from fangxian.fieldwork.models import Knock, SectionBuilding
from tests.conftest import FROZEN_AT
from tests.fieldwork.cast import fieldwork_cast
from tests.roles import DENY, LOGIN, OK, row

CAMPAIGN_READ = row(LOGIN, OK, OK, OK, OK, DENY, OK, DENY, OK, gina=DENY)
BUILDING_B = row(LOGIN, DENY, OK, OK, OK, DENY, OK, DENY, OK, gina=DENY)
RUNNERS = row(LOGIN, DENY, DENY, OK, DENY, DENY, DENY, DENY, OK, gina=DENY)
REASON_B = row(LOGIN, DENY, OK, OK, DENY, DENY, DENY, DENY, OK, gina=DENY)


def _campaign(c):
    return c.campaign.pk


PAGES: dict = {
    "fieldwork:campaign_detail": ("get", _campaign, CAMPAIGN_READ),
    "fieldwork:board": ("get", _campaign, CAMPAIGN_READ),
    "fieldwork:never_reached": ("get", _campaign, CAMPAIGN_READ),
    "fieldwork:export_doors": ("get", _campaign, CAMPAIGN_READ),
    "fieldwork:export_coverage": ("get", _campaign, CAMPAIGN_READ),
    "fieldwork:walk_sheet": ("get", lambda c: (c.campaign.pk, c.building_b.pk), BUILDING_B),
    "fieldwork:gap_reason": ("post", lambda c: (c.campaign.pk, c.dwelling_b.pk), REASON_B),
    "fieldwork:campaign_close": ("get", _campaign, RUNNERS),
}
POST_DATA: dict = {
    "fieldwork:gap_reason": {"reason": "矩阵测试：常年空置"},
}
API: dict = {}
LIST_CASES: dict = {
    "fieldwork:board": ("carol", "dave", "bob"),
    "fieldwork:never_reached": ("carol", "dave", "bob"),
}
LIST_ARGS: dict = {
    "fieldwork:board": lambda c: [c.campaign.pk],
    "fieldwork:never_reached": lambda c: [c.campaign.pk],
}


def knock(campaign, dwelling, outcome: str, *, days_ago: float = 1, answers=None) -> Knock:
    return Knock.objects.create(campaign=campaign, dwelling=dwelling, outcome=outcome, answers=answers or {},
                                occurred_at=FROZEN_AT - dt.timedelta(days=days_ago))


def equip(cast) -> None:
    """Dwelling B knocked three times with nobody home: it is never reached, bob's to explain."""
    fieldwork_cast(cast)
    for days_ago in (3, 2, 1):
        knock(cast.campaign, cast.dwelling_b, Knock.Outcome.NOBODY_HOME, days_ago=days_ago)


def grow(cast, building, i: int) -> None:
    """The new building joins section B (bob's team); each of its doors knocked three times
    with nobody home (never reached), and one of them then visited."""
    fieldwork_cast(cast)
    SectionBuilding.objects.get_or_create(building=building, defaults={"section": cast.section_b})
    for n, dwelling in enumerate(building.dwellings.all()):
        for days_ago in (3, 2, 1):
            knock(cast.campaign, dwelling, Knock.Outcome.NOBODY_HOME, days_ago=days_ago + i / 10)
        if n == 0 and i % 2:
            knock(cast.campaign, dwelling, Knock.Outcome.VISITED, days_ago=0.5, answers={"people_home": 2})
