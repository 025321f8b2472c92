"""This app's part of the scope matrix (tests/core/test_scope_matrix.py): the walk pages, the
walk's service worker and its two API operations.

The walk of building B: team B (bob, frank) walks it; carol runs the community and dave reads
the subdistrict, so both open it; alice walks section A only (404), erin and gina have no
canvassing page, olga belongs to another community.
"""

import datetime as dt
import uuid

from fangxian.fieldwork.models import SectionBuilding
from tests.conftest import FROZEN_AT
from tests.fieldwork.cast import fieldwork_cast
from tests.roles import DENY, LOGIN, OK, PUBLIC, row

WALK_B = row(LOGIN, DENY, OK, OK, OK, DENY, OK, DENY, OK, gina=DENY)
# The campaign's buildings: everyone who opens canvassing pages sees the list (alice sees
# building A on it, olga none: the campaign is not of her community, so 404).
WALK_LIST = row(LOGIN, OK, OK, OK, OK, DENY, OK, DENY, OK, gina=DENY)
# The sync answers everyone who opens canvassing pages; a knock outside one's sections is
# acknowledged as rejected (alice, olga), still a 200.
WALK_SYNC = row(LOGIN, OK, OK, OK, OK, DENY, OK, OK, OK, gina=DENY)

PAGES: dict = {
    "fieldwork:walk_buildings": ("get", lambda c: c.campaign.pk, WALK_LIST),
    "fieldwork:walk": ("get", lambda c: (c.campaign.pk, c.building_b.pk), WALK_B),
    "fieldwork:walk_sw": ("get", None, PUBLIC),  # holds no data; a service worker update must not need a login
}
POST_DATA: dict = {}


def _knock(cast) -> dict:
    return {"device_id": "matrix", "events": [{
        "event_id": str(uuid.uuid4()), "campaign": cast.campaign.pk, "dwelling": cast.dwelling_b.pk,
        "outcome": "nobody_home", "occurred_at": (FROZEN_AT - dt.timedelta(minutes=5)).isoformat(), "answers": {}}]}


API: dict = {
    "walk_doors": (lambda c: c.campaign.pk, lambda c: {"building": c.building_b.pk}, WALK_B),  # GET: the query
    "knocks_sync_batch": (None, _knock, WALK_SYNC),
}
LIST_CASES: dict = {"fieldwork:walk_buildings": ("carol", "dave", "bob")}
LIST_ARGS: dict = {"fieldwork:walk_buildings": lambda c: [c.campaign.pk]}


def equip(cast) -> None:
    fieldwork_cast(cast)


def grow(cast, building, i: int) -> None:
    """One more building for team B to walk."""
    fieldwork_cast(cast)
    SectionBuilding.objects.get_or_create(building=building, defaults={"section": cast.section_b})
