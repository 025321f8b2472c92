"""Check-in at the checkpoint console, and the no-show list."""

import datetime as dt
import io
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from fangxian.duty.models import Assignment, Attendance, RosterPlan, ShiftTemplate
from fangxian.duty.rosters import services
from fangxian.duty.rosters.selectors import no_shows, on_shift
from tests.duty.matrix_rosters import roster_community

# Reads the date or the hour: .ci/run runs it again at 03:00 and at 23:59 Asia/Shanghai.
pytestmark = [pytest.mark.clock_sensitive, pytest.mark.usefixtures("frozen_clock_or_ci_clock")]

TZ = timezone.get_default_timezone()


@pytest.fixture(autouse=True)
def english(settings):
    """The texts below are the English ones (Chinese is the default)."""
    settings.LANGUAGE_CODE = "en"



def at(y, m, d, h, mi=0):
    return dt.datetime(y, m, d, h, mi, tzinfo=TZ)


@pytest.fixture
def day(two_grids):
    """A published day on 2 Feb 2026: 张 08–16, 李 16–24, 王 00–08."""
    roster_community(two_grids)
    plan = RosterPlan.objects.create(community=two_grids.community, first_day=dt.date(2026, 2, 2), days=1,
                                     status=RosterPlan.Status.PUBLISHED)
    two_grids.shifts = [
        Assignment.objects.create(plan=plan, volunteer=p, date=dt.date(2026, 2, 2), checkpoint=two_grids.checkpoint,
                                  template=t, published=True)
        for p, t in zip(two_grids.roster_people[:3], two_grids.shift_templates)
    ]
    return two_grids


def test_it_lists_who_is_on_shift_now(day):
    morning, evening, night = day.shifts
    assert on_shift(day.checkpoint, now=at(2026, 2, 2, 7, 45)) == [night, morning]  # morning opens 30 min early
    assert on_shift(day.checkpoint, now=at(2026, 2, 2, 12)) == [morning]
    assert on_shift(day.checkpoint, now=at(2026, 2, 2, 23, 59)) == [evening]
    assert on_shift(day.checkpoint, now=at(2026, 2, 3, 0, 1)) == []


def test_it_checks_in_once_whatever_the_repeats(day):
    morning = day.shifts[0]
    event = uuid.uuid4()
    first = services.attendance_checkin(user=day.users["erin"], assignment=morning, event_id=event,
                                        now=at(2026, 2, 2, 7, 55))
    again = services.attendance_checkin(user=day.users["erin"], assignment=morning, event_id=event)
    other_phone = services.attendance_checkin(user=day.users["carol"], assignment=morning, event_id=uuid.uuid4())
    assert first.pk == again.pk == other_phone.pk and Attendance.objects.count() == 1
    assert first.checked_in_at == at(2026, 2, 2, 7, 55)


def test_it_lists_no_shows_half_an_hour_after_the_start(day):
    morning, evening, night = day.shifts
    rows = Assignment.objects.all()
    assert list(no_shows(rows, now=at(2026, 2, 2, 8, 29))) == [night]
    assert list(no_shows(rows, now=at(2026, 2, 2, 8, 31))) == [morning, night]
    Attendance.objects.create(assignment=morning, checked_in_at=at(2026, 2, 2, 8, 5))
    assert list(no_shows(rows, now=at(2026, 2, 3, 9))) == [evening, night]
    assert list(no_shows(rows, now=at(2026, 2, 3, 9), checkpoint_id=day.checkpoint.pk + 99)) == []
    assert list(no_shows(rows, now=at(2026, 2, 3, 9), date=dt.date(2026, 2, 1))) == []
    Assignment.objects.filter(pk=evening.pk).update(published=False)
    assert list(no_shows(rows, now=at(2026, 2, 3, 9))) == [night]


def test_it_shows_and_exports_no_shows(client, day):
    from openpyxl import load_workbook

    client.force_login(day.users["carol"])
    page = client.get(reverse("duty:no_show_list") + "?date=2026-02-02").content.decode()
    assert all(p.name in page for p in day.roster_people[:3])
    response = client.get(reverse("duty:no_show_export") + "?date=2026-02-02")
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert len(rows) == 4 and {r[4] for r in rows[1:]} == {"张带班", "李组长", "王青年"}


def test_it_checks_in_from_the_console_page(client, two_grids, frozen_clock):
    """Today's shift around now, at the gate; erin (the checkpoint's volunteer) checks a person in. At a
    frozen hour: the shift starting an hour ago must not be one of the community's own templates."""
    roster_community(two_grids)
    start = timezone.localtime() - dt.timedelta(hours=1)
    template = ShiftTemplate.objects.create(community=two_grids.community, checkpoint=two_grids.checkpoint,
                                            start=dt.time(start.hour), end=dt.time((start.hour + 8) % 24),
                                            minimum=1, preferred=1)
    plan = RosterPlan.objects.create(community=two_grids.community, first_day=start.date(), days=1,
                                     status=RosterPlan.Status.PUBLISHED)
    shift = Assignment.objects.create(plan=plan, volunteer=two_grids.roster_people[1], date=start.date(),
                                      checkpoint=two_grids.checkpoint, template=template, published=True)
    client.force_login(two_grids.users["erin"])
    url = reverse("duty:attendance_console", args=[two_grids.checkpoint.pk])
    page = client.get(url).content.decode()
    assert "李组长" in page and 'name="event_id"' in page
    console = client.get(reverse("access:console", args=[two_grids.checkpoint.pk])).content.decode()
    assert url in console
    event = str(uuid.uuid4())
    post = reverse("duty:attendance_checkin", args=[two_grids.checkpoint.pk])
    assert client.post(post, {"assignment": shift.pk, "event_id": event}).status_code == 302
    api = "/api/v1/duty/attendance"
    for _ in range(2):  # the phone resends: the same record
        response = client.post(api, {"checkpoint": two_grids.checkpoint.pk, "assignment": shift.pk,
                                     "event_id": event}, content_type="application/json")
        assert response.status_code == 200 and response.json()["event_id"] == event
    assert Attendance.objects.get().checked_in_by == two_grids.users["erin"]
    wrong = client.post(api, {"checkpoint": two_grids.checkpoint.pk, "assignment": 0, "event_id": event},
                        content_type="application/json")
    assert wrong.status_code == 422 and wrong.json()["detail"][0]["field"] == "assignment"
    assert "✓" in client.get(url).content.decode()
    # frank (a delivery volunteer of the community) may not
    client.force_login(two_grids.users["frank"])
    assert client.post(post, {"assignment": shift.pk, "event_id": str(uuid.uuid4())}).status_code == 403
    assert client.post(api, {"checkpoint": two_grids.checkpoint.pk, "assignment": shift.pk,
                             "event_id": str(uuid.uuid4())}, content_type="application/json").status_code == 403
