"""Daily report fixtures: two_grids with a day of data in every registered section."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from fangxian.core.scope import Scope
from fangxian.reports import services, views
from tests.access.conftest import make_checkpoint
from tests.factories import GroupFactory

# Tests run at a fixed moment of a fixed day: 10:00 local on TODAY.
TODAY = dt.date(2026, 3, 2)


def at(hour: int, minute: int = 0, day: dt.date = TODAY) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


@pytest.fixture
def frozen(monkeypatch):
    """A settable clock for the pages: frozen.now = at(18) moves it past the deadline."""
    class Clock:
        now = at(10)

    clock = Clock()
    monkeypatch.setattr(views, "clock", lambda: clock.now)
    return clock


@pytest.fixture
def english(client, settings):
    """The tests read the English texts, whatever the default language and its translations
    (used by this app's test modules through `pytestmark`)."""
    from django.utils import translation

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def two_groups(two_grids, frozen_clock, frozen):
    """carol's community with a second residential group 二组 and a checkpoint that have not
    filed; gina's group has filed (0 / 2 / 3)."""
    two_grids.second = GroupFactory(community=two_grids.community, name="二组")
    two_grids.gate = make_checkpoint(two_grids.estate)
    gina = two_grids.users["gina"]
    services.report_save(scope=Scope.for_user(gina), user=gina, community=two_grids.community,
                         group=two_grids.estate.group, day=TODAY, submit=True, now=at(9),
                         data={"confirmed": "0", "suspected": "2", "close_contacts": "3"})
    return two_grids
