import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from fangxian.accounts.models import Role
from tests.factories import (
    BuildingFactory,
    CommunityFactory,
    DwellingFactory,
    EstateFactory,
    GridFactory,
    PersonFactory,
    make_user,
)


@pytest.fixture
def two_grids(db):
    """One community with two grids, a building, a dwelling and a person in each,
    and one user per role: the cast of the scope tests.

    alice: grid worker of grid A; bob: grid worker of grid B; carol: community admin;
    dave: subdistrict officer; erin: checkpoint volunteer; frank: delivery volunteer;
    olga: admin of another community; root: superuser; gina: leader of the estate's
    residential group.
    """
    community = CommunityFactory()
    estate = EstateFactory(community=community)
    grid_a, grid_b = GridFactory(community=community, name="网格A"), GridFactory(community=community, name="网格B")
    building_a = BuildingFactory(estate=estate, grid=grid_a)
    building_b = BuildingFactory(estate=estate, grid=grid_b)
    person_a = PersonFactory(dwelling=DwellingFactory(building=building_a))
    person_b = PersonFactory(dwelling=DwellingFactory(building=building_b))
    other = CommunityFactory(subdistrict=community.subdistrict)
    outsider = PersonFactory(dwelling=DwellingFactory(building=BuildingFactory(estate=EstateFactory(community=other))))
    users = {
        "alice": make_user("alice", Role.GRID_WORKER, grid_a),
        "bob": make_user("bob", Role.GRID_WORKER, grid_b),
        "carol": make_user("carol", Role.COMMUNITY_ADMIN, community),
        "dave": make_user("dave", Role.SUBDISTRICT_OFFICER, community.subdistrict),
        "erin": make_user("erin", Role.CHECKPOINT_VOLUNTEER, community),
        "frank": make_user("frank", Role.DELIVERY_VOLUNTEER, community),
        "olga": make_user("olga", Role.COMMUNITY_ADMIN, other),
        "root": make_user("root", superuser=True),
        "gina": make_user("gina", Role.GROUP_LEADER, estate.group),
    }
    return type("Cast", (), dict(
        community=community, other=other, estate=estate, grid_a=grid_a, grid_b=grid_b,
        building_a=building_a, building_b=building_b, person_a=person_a, person_b=person_b,
        outsider=outsider, users=users,
    ))


# A fixed moment for tests whose answers depend on the time: a weekday morning in Shenzhen,
# far from midnight, so that "today" and "in an hour" never cross a day whatever hour CI runs.
FROZEN_AT = dt.datetime(2026, 3, 2, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture
def frozen_clock():
    """The clock stands at FROZEN_AT and ticks on from there (durations still pass)."""
    with time_machine.travel(FROZEN_AT, tick=True) as traveller:
        yield traveller
