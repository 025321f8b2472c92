import contextlib
import datetime as dt
import os
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


# CI's fixed clocks (.ci/run): FANGXIAN_TEST_CLOCK="2026-03-02T03:00:00+08:00" puts every test of
# the run at that moment (ticking), so a test that silently depends on the hour fails at a
# known hour in CI rather than at random. A test that freezes its own clock (frozen_clock,
# time_machine.travel) keeps its own: the inner travel wins.
CLOCK_VARIABLE = "FANGXIAN_TEST_CLOCK"


def ci_clock() -> dt.datetime | None:
    value = os.environ.get(CLOCK_VARIABLE, "").strip()
    if not value:
        return None
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        raise pytest.UsageError(f"{CLOCK_VARIABLE}={value!r} is not an ISO date and time") from None
    if moment.tzinfo is None:
        raise pytest.UsageError(f"{CLOCK_VARIABLE}={value!r} needs its offset, e.g. 2026-03-02T03:00:00+08:00")
    return moment


_session_travel = None


def pytest_configure(config):
    """Session fixtures (the live server, the browser) start at the CI clock too."""
    # Registered here, not in pyproject.toml: its checksum stamps the virtualenv (Makefile),
    # and a changed pyproject reinstalls every package on the next `make test`.
    config.addinivalue_line(
        "markers", "clock_sensitive: reads the date or the hour; .ci/run also runs it at 03:00 and 23:59 Asia/Shanghai")
    global _session_travel
    moment = ci_clock()
    if moment is not None:
        _session_travel = time_machine.travel(moment, tick=True)
        _session_travel.start()


def pytest_unconfigure(config):
    if _session_travel is not None:
        _session_travel.stop()


def pytest_report_header(config):
    moment = ci_clock()
    return f"{CLOCK_VARIABLE}: every test starts at {moment.isoformat()}" if moment else None


@contextlib.contextmanager
def at_the_ci_clock():
    moment = ci_clock()
    if moment is None:
        yield
        return
    with time_machine.travel(moment, tick=True):
        yield


@pytest.fixture(autouse=True)
def _at_the_ci_clock():
    """Each test starts at the CI clock itself, not minutes after it: at 23:59 the whole run
    would otherwise drift past midnight and test the next morning instead."""
    with at_the_ci_clock():
        yield


@pytest.fixture
def frozen_clock_or_ci_clock():
    """For tests meant to hold at any hour: the clock stands at FROZEN_AT (ticking), or at the
    CI clock when the run sets one, so CI still tries them at 03:00 and 23:59."""
    with time_machine.travel(ci_clock() or FROZEN_AT, tick=True) as traveller:
        yield traveller
