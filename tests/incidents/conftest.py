"""Incident fixtures: a clock the tests move, and a helper to report one."""

import datetime as dt

import pytest
from django.utils import timezone

from fangxian.core.scope import Scope
from fangxian.incidents import services

SHANGHAI_NOON = dt.datetime(2026, 3, 2, 12, 0)


class Clock:
    """timezone.now() under the test's control (the services read the time through it)."""

    def __init__(self, monkeypatch, start: dt.datetime):
        self.now = timezone.make_aware(start)
        monkeypatch.setattr("django.utils.timezone.now", lambda: self.now)

    def advance(self, **delta) -> dt.datetime:
        self.now += dt.timedelta(**delta)
        return self.now


@pytest.fixture
def clock(monkeypatch):
    return Clock(monkeypatch, SHANGHAI_NOON)


def scope_of_user(user) -> Scope:
    return Scope.for_user(user)


def report(cast, user="alice", *, community=None, title="楼道堆放杂物", location="3栋楼道", urgency="high", **extra):
    user = cast.users[user] if isinstance(user, str) else user
    return services.incident_report(scope=scope_of_user(user), user=user, community=community or cast.community,
                                    title=title, location=location, urgency=urgency, **extra)
