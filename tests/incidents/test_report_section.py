"""The incidents' section of the daily report equals counts made by hand."""

import datetime as dt

from django.utils import timezone

from fangxian.core.reporting import sections
from fangxian.incidents import services
from fangxian.incidents.models import Incident
from fangxian.incidents.report_sections import CLOSURE_TARGET
from tests.incidents.conftest import report, scope_of_user


def at(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def test_it_is_registered_with_its_five_figures():
    section = next(s for s in sections() if s.key == "incidents")
    assert [f.key for f in section.figures] == ["open", "new_today", "closed_today", "critical_open", "overdue"]
    assert [f.kind for f in section.figures] == ["level", "today", "today", "level", "level"]


def test_it_counts_open_new_closed_and_critical_as_by_hand(two_grids, clock, django_assert_num_queries):
    carol = two_grids.users["carol"]
    day = dt.date(2026, 3, 2)
    yesterday, tomorrow = day - dt.timedelta(days=1), day + dt.timedelta(days=1)

    def make(reported, closed=None, urgency="high", community=None):
        incident = report(two_grids, "carol" if community is None else two_grids.users["olga"],
                          community=community, urgency=urgency)
        if closed:
            services.incident_close(scope=scope_of_user(carol), user=carol, incident=incident, outcome="resolved")
        Incident.objects.filter(pk=incident.pk).update(reported_at=reported, closed_at=closed)

    make(at(yesterday, 9))  # still open: open
    make(at(yesterday, 9), urgency="critical")  # open and critical
    make(at(yesterday, 10), closed=at(day, 8))  # closed today
    make(at(yesterday, 10), closed=at(yesterday, 20))  # closed before: nothing today
    make(at(day, 7))  # new today, open
    make(at(day, 7), closed=at(day, 11), urgency="critical")  # new and closed today
    make(at(day, 9), closed=at(tomorrow, 9), urgency="critical")  # new; open at the end of the day
    make(at(tomorrow, 1))  # not yet reported on the day
    make(at(day, 12), community=two_grids.other)  # another community's

    section = next(s for s in sections() if s.key == "incidents")
    ids = [two_grids.community.pk, two_grids.other.pk]
    with django_assert_num_queries(1):
        counts = section.compute(ids, day)

    mine = Incident.objects.filter(community=two_grids.community)
    start, end = at(day, 0), at(tomorrow, 0)
    open_at_end = [i for i in mine if i.reported_at < end and (i.closed_at is None or i.closed_at >= end)]
    assert counts[two_grids.community.pk] == {
        "open": len(open_at_end),
        "new_today": len([i for i in mine if start <= i.reported_at < end]),
        "closed_today": len([i for i in mine if i.closed_at and start <= i.closed_at < end]),
        "critical_open": len([i for i in open_at_end if i.urgency == "critical"]),
        "overdue": len([i for i in open_at_end if end - i.reported_at > CLOSURE_TARGET[i.urgency]]),
    } == {"open": 4, "new_today": 3, "closed_today": 2, "critical_open": 2, "overdue": 3}
    assert counts[two_grids.other.pk] == {"open": 1, "new_today": 1, "closed_today": 0, "critical_open": 0,
                                          "overdue": 0}


def test_it_gives_zeros_to_a_community_without_incidents(two_grids):
    section = next(s for s in sections() if s.key == "incidents")
    assert section.compute([two_grids.community.pk], dt.date(2026, 3, 2)) == {
        two_grids.community.pk: {"open": 0, "new_today": 0, "closed_today": 0, "critical_open": 0, "overdue": 0}}
