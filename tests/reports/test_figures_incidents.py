"""Incidents open, closed and overdue in the subdistrict's report. Overdue: still open at the
end of the day, reported longer ago than its urgency's closure target (incidents.report_sections
CLOSURE_TARGET: critical 4 h, high 24 h, low 3 days)."""

import datetime as dt

import pytest
from django.utils import timezone

from fangxian.incidents import services
from fangxian.incidents.models import Incident
from fangxian.incidents.report_sections import CLOSURE_TARGET
from fangxian.reports import selectors
from tests.incidents.conftest import report, scope_of_user

pytestmark = pytest.mark.usefixtures("english", "frozen_clock")


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def make(cast, reported: dt.datetime, urgency: str, closed: dt.datetime | None = None, community=None) -> Incident:
    carol = cast.users["carol"]
    incident = report(cast, "carol" if community is None else cast.users["olga"], community=community,
                      urgency=urgency)
    if closed:
        services.incident_close(scope=scope_of_user(carol), user=carol, incident=incident, outcome="resolved")
    Incident.objects.filter(pk=incident.pk).update(reported_at=reported, closed_at=closed)
    return incident


def by_hand(community, day: dt.date) -> dict:
    end = at(day + dt.timedelta(days=1), 0)
    open_at_end = [i for i in Incident.objects.filter(community=community)
                   if i.reported_at < end and (i.closed_at is None or i.closed_at >= end)]
    return {"open": len(open_at_end),
            "closed_today": sum(i.closed_at is not None and timezone.localtime(i.closed_at).date() == day
                                for i in Incident.objects.filter(community=community)),
            "overdue": sum(end - i.reported_at > CLOSURE_TARGET[i.urgency] for i in open_at_end)}


def test_overdue_counts_the_open_incidents_past_their_urgencys_target(two_grids):
    day = timezone.localdate()
    tomorrow = day + dt.timedelta(days=1)
    make(two_grids, at(day, 21), "critical")  # 3 h before the day ends: within 4 h
    make(two_grids, at(day, 19), "critical")  # 5 h: overdue
    make(two_grids, at(day, 1), "high")  # 23 h: within 24 h
    make(two_grids, at(day - dt.timedelta(days=1), 23), "high")  # 25 h: overdue
    make(two_grids, at(day - dt.timedelta(days=2), 1), "low")  # 2 days 23 h: within 3 days
    make(two_grids, at(day - dt.timedelta(days=3), 23), "low")  # 3 days 1 h: overdue
    make(two_grids, at(day - dt.timedelta(days=5), 8), "low", closed=at(day, 9))  # closed today: not open
    make(two_grids, at(day - dt.timedelta(days=5), 8), "critical", closed=at(tomorrow, 9))  # open at the end
    make(two_grids, at(day - dt.timedelta(days=5), 8), "high", community=two_grids.other)

    drafted = selectors.draft([two_grids.community.pk, two_grids.other.pk], day)
    mine = {key: drafted[two_grids.community.pk]["incidents"][key] for key in ("open", "closed_today", "overdue")}
    assert mine == by_hand(two_grids.community, day) == {"open": 7, "closed_today": 1, "overdue": 4}
    assert drafted[two_grids.other.pk]["incidents"]["overdue"] == 1


def test_a_past_days_report_measures_overdue_at_that_days_end(two_grids):
    day = timezone.localdate()
    yesterday = day - dt.timedelta(days=1)
    make(two_grids, at(yesterday, 12), "high")  # 12 h old at yesterday's end; 36 h at today's
    make(two_grids, at(yesterday, 10), "critical", closed=at(day, 8))  # overdue last night, closed since

    assert selectors.draft([two_grids.community.pk], yesterday)[two_grids.community.pk]["incidents"]["overdue"] \
        == by_hand(two_grids.community, yesterday)["overdue"] == 1
    assert selectors.draft([two_grids.community.pk], day)[two_grids.community.pk]["incidents"]["overdue"] \
        == by_hand(two_grids.community, day)["overdue"] == 1
