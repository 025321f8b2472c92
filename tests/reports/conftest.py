"""Daily report fixtures: two_grids with a day of data in every registered section."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from fangxian.reports import views

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
