"""The demo's 30-day return peak (issue 12): a subdistrict of several communities whose
passages, returnees, quarantines, incidents and daily reports agree with each other.

The registry (Dongshan and its four neighbours) is built once for the module, inside a
transaction rolled back at the end, at the suite's frozen moment (2026-03-02 10:00 Asia/
Shanghai); the history is told for one small neighbour (东涌, about 600 people) to stay cheap.
"""

from __future__ import annotations

import collections
import datetime as dt
import hashlib

import pytest
import time_machine
from django.db import transaction
from django.utils import timezone

from fangxian.access.demo import demo_access, demo_passages
from fangxian.access.models import Checkpoint, FeverAlert, Scan
from fangxian.incidents.demo import demo_incident_history
from fangxian.incidents.models import Incident
from fangxian.registry import models as m
from fangxian.registry.demo import (
    DEMO_COMMUNITY_CODE,
    NEIGHBOURS,
    UNREPORTED_TODAY_CODE,
    demo_build,
    story_communities,
)
from fangxian.reports.days import day_view
from fangxian.reports.demo import demo_reports
from fangxian.reports.models import DailyReport, FigureSnapshot
from fangxian.returnees.demo import demo_returnees
from fangxian.returnees.models import CheckIn, Quarantine, Registration
from tests.conftest import FROZEN_AT

SMALL = "DONGCHONG"
TODAY = FROZEN_AT.date()


@pytest.fixture(scope="module")
def story(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), time_machine.travel(FROZEN_AT, tick=False):
        with transaction.atomic():
            summary = demo_build(neighbours=True)
            small = m.Community.objects.get(code=SMALL)
            demo_access(community=small)
            demo_passages(community=small)
            demo_returnees(community=small)
            demo_incident_history(community=small)
            yield summary, small
            transaction.set_rollback(True)


def _history_hash(community) -> str:
    """A hash of the key rows of a community's month: passages, alerts, returnees, check-ins."""
    rows = [sorted(Scan.objects.filter(community=community).values_list(
        "event_id", "checkpoint__name", "kind", "occurred_at", "person__national_id", "temperature"))]
    rows.append(sorted(FeverAlert.objects.filter(community=community).values_list("raised_at", "closed_at", "outcome")))
    rows.append(sorted(Registration.objects.filter(community=community).values_list(
        "national_id", "arrival_date", "status", "created_at")))
    rows.append(sorted(Quarantine.objects.filter(dwelling__building__community=community).values_list(
        "person__national_id", "starts_on", "planned_end", "status")))
    rows.append(sorted(CheckIn.objects.filter(quarantine__dwelling__building__community=community).values_list(
        "quarantine__person__national_id", "at", "slot", "temperature")))
    return hashlib.sha256(repr(rows).encode()).hexdigest()


def test_it_builds_a_subdistrict_of_dongshan_and_smaller_neighbours(story, db):
    summary, _small = story
    communities = story_communities()
    assert [c.code for c in communities] == [DEMO_COMMUNITY_CODE] + [code for code, *_rest in NEIGHBOURS]
    assert len(communities) >= 4 and summary.communities == len(communities)
    assert {c.subdistrict.name for c in communities} == {"南澳街道"}
    for community in communities[1:]:
        people = m.Person.objects.filter(community=community).count()
        assert 300 <= people <= 1_500, (community.name, people)
        assert community.groups.count() >= 3 and community.grids.count() >= 2
        assert m.Entrance.objects.filter(estate__community=community).exists()


def test_the_same_seed_tells_the_same_month(story, db):
    _summary, small = story
    before = _history_hash(small)
    counts = (Scan.objects.count(), Registration.objects.count(), CheckIn.objects.count())
    CheckIn.objects.all().delete()
    Quarantine.objects.all().delete()
    Registration.objects.all().delete()
    FeverAlert.objects.all().delete()
    Scan.objects.all().delete()
    demo_passages(community=small, now=FROZEN_AT)
    demo_returnees(community=small, now=FROZEN_AT)
    assert (Scan.objects.count(), Registration.objects.count(), CheckIn.objects.count()) == counts
    assert _history_hash(small) == before
    demo_passages(community=small, now=FROZEN_AT, seed=7)  # a community with passages is left alone
    assert Scan.objects.count() == counts[0]


def test_every_dwelling_in_quarantine_has_its_open_quarantine_and_no_other_has_one(story, frozen_clock):
    _summary, small = story
    marked = set(m.Dwelling.objects.filter(building__community=small, status=m.Dwelling.Status.QUARANTINE)
                 .values_list("pk", flat=True))
    open_ = Quarantine.objects.filter(dwelling__building__community=small, status=Quarantine.Status.ACTIVE)
    assert marked and set(open_.values_list("dwelling_id", flat=True)) == marked
    for quarantine in open_:
        assert TODAY - dt.timedelta(days=14) <= quarantine.starts_on <= TODAY
        assert quarantine.planned_end == quarantine.starts_on + dt.timedelta(days=14) >= TODAY
        assert quarantine.registration.status == Registration.Status.HOME_QUARANTINE
    released = Quarantine.objects.filter(dwelling__building__community=small, status=Quarantine.Status.RELEASED)
    assert released.exists()
    assert not released.exclude(dwelling__status=m.Dwelling.Status.OCCUPIED).exists()
    assert not released.filter(ended_on__gte=TODAY).exists()


def test_quarantines_are_checked_in_twice_a_day_with_a_few_missed(story, frozen_clock):
    _summary, small = story
    quarantine = Quarantine.objects.filter(dwelling__building__community=small, status="released").first()
    slots = collections.Counter(quarantine.checkins.values_list("slot", flat=True))
    assert 24 <= slots["morning"] + slots["evening"] <= 28  # 14 days × 2, a few missed
    expected = 0
    for q in Quarantine.objects.filter(dwelling__building__community=small):
        last = min(q.ended_on - dt.timedelta(days=1) if q.ended_on else TODAY, TODAY)
        expected += 2 * ((last - q.starts_on).days + 1)
    made = CheckIn.objects.filter(quarantine__dwelling__building__community=small).count()
    assert 0.85 * expected <= made < expected  # a few missed, and none of this evening yet
    assert not CheckIn.objects.filter(at__gt=FROZEN_AT).exists()


def test_returnees_arrive_over_the_month_with_a_peak_after_the_holiday(story, frozen_clock):
    _summary, small = story
    days = collections.Counter(timezone.localdate(at) for at in Registration.objects.filter(
        community=small).values_list("created_at", flat=True))
    assert min(days) >= TODAY - dt.timedelta(days=29) and max(days) == TODAY
    first_week = sum(n for day, n in days.items() if day < TODAY - dt.timedelta(days=22))
    peak = (TODAY - dt.timedelta(days=22), TODAY - dt.timedelta(days=15))
    peak_week = sum(n for day, n in days.items() if peak[0] <= day < peak[1])
    assert peak_week > first_week
    assert Registration.objects.filter(community=small, status="pending", created_at__date=TODAY).exists()


def test_passages_cover_30_days_with_a_morning_and_an_evening_peak(story, frozen_clock):
    _summary, small = story
    scans = Scan.objects.filter(community=small)
    days = {timezone.localdate(at) for at in scans.values_list("occurred_at", flat=True)}
    assert days == {TODAY - dt.timedelta(days=n) for n in range(30)}
    hours = collections.Counter(timezone.localtime(at).hour for at in scans.values_list("occurred_at", flat=True))
    assert hours[8] > 1.5 * hours[11] and hours[18] > 1.5 * hours[14]
    assert hours[8] > 4 * hours[3] and hours[18] > 4 * hours[3]
    assert not scans.filter(occurred_at__gt=FROZEN_AT).exists()
    assert scans.filter(kind=Scan.Kind.REFUSAL).exists() and scans.filter(kind=Scan.Kind.MANUAL).exists()
    # Every fever is refused and raised an alert; only the latest stay open.
    fevers = scans.filter(temperature__gte="37.3")
    assert fevers.count() == FeverAlert.objects.filter(community=small).count()
    assert not fevers.exclude(kind=Scan.Kind.REFUSAL).exists()
    closed = FeverAlert.objects.filter(community=small, closed_at__isnull=False)
    assert closed.exists() and all(a.raised_at < a.closed_at for a in closed)
    open_alerts = FeverAlert.objects.filter(community=small, closed_at__isnull=True)
    assert open_alerts.exists()  # one to follow up now, at least
    for alert in open_alerts:
        assert FROZEN_AT - alert.raised_at < dt.timedelta(hours=24)


def test_incidents_of_the_month_are_closed_after_they_are_reported(story, frozen_clock):
    _summary, small = story
    incidents = Incident.objects.filter(community=small)
    assert incidents.count() >= 3
    for incident in incidents:
        assert incident.status == "closed"
        assert incident.reported_at < incident.assigned_at < incident.first_response_at < incident.closed_at
        assert incident.closed_at < FROZEN_AT


def test_reports_are_filed_and_one_community_is_missing_today_after_the_deadline(story, frozen_clock):
    _summary, small = story
    missing = m.Community.objects.get(code=UNREPORTED_TODAY_CODE)
    demo_reports(small, days=3, file_today=True)
    demo_reports(missing, days=3, file_today=False)
    for day in (TODAY - dt.timedelta(days=n) for n in (1, 2, 3)):
        for community in (small, missing):
            filed = DailyReport.objects.filter(community=community, day=day, status="submitted")
            checkpoints = Checkpoint.objects.filter(community=community, active=True).count()
            assert filed.count() == 1 + community.groups.count() + checkpoints
            assert filed.get(group=None, checkpoint=None).missing_units == []
        assert FigureSnapshot.objects.filter(community=small, day=day).exists()
    assert not DailyReport.objects.filter(community=missing, day=TODAY).exists()

    morning = day_view([small, missing], TODAY, now=FROZEN_AT)
    assert {row.community.code: row.state for row in morning.rows} == {SMALL: "submitted",
                                                                        UNREPORTED_TODAY_CODE: "not_yet"}
    evening = day_view([small, missing], TODAY, now=FROZEN_AT.replace(hour=17, minute=30))
    assert {row.community.code: row.state for row in evening.rows} == {SMALL: "submitted",
                                                                        UNREPORTED_TODAY_CODE: "missing"}
    # A few units filed after the 17:00 deadline on a past day.
    late = [r for r in DailyReport.objects.filter(community__in=[small, missing], day__lt=TODAY)
            if timezone.localtime(r.submitted_at).time() >= dt.time(17)]
    on_time = DailyReport.objects.filter(community__in=[small, missing], day__lt=TODAY).count() - len(late)
    assert 0 < len(late) < on_time
