"""Passes valid at the end of the day, and fever alerts closed on the day, as a subdistrict's
report shows them: each figure equals the rows counted here by hand, at the day's edges."""

import datetime as dt

import pytest
from django.utils import timezone

from fangxian.access import services as access
from fangxian.access.models import FeverAlert, Pass
from fangxian.core.scope import Scope
from fangxian.reports import selectors
from tests.access.conftest import equip_gate, scan_event
from tests.factories import DwellingFactory, PersonFactory

pytestmark = pytest.mark.usefixtures("english", "frozen_clock")


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


@pytest.fixture
def passes(two_grids):
    """Passes of two_grids' community whose validity changes around the frozen day's edges."""
    cast = equip_gate(two_grids)
    carol, today = cast.users["carol"], timezone.localdate()
    tomorrow, yesterday = today + dt.timedelta(days=1), today - dt.timedelta(days=1)

    def a_pass(valid_from, valid_until, revoked_at=None):
        person = PersonFactory(dwelling=DwellingFactory(building=cast.building_a))
        issued = access.pass_issue(person=person, user=carol)
        Pass.objects.filter(pk=issued.pk).update(valid_from=valid_from, valid_until=valid_until,
                                                 revoked_at=revoked_at)
        return issued

    cast.until_midnight = a_pass(at(yesterday, 8), at(tomorrow, 0))  # valid to the day's last instant
    cast.expired_at_noon = a_pass(at(yesterday, 8), at(today, 12))
    cast.revoked_late = a_pass(at(yesterday, 8), at(today, 0) + dt.timedelta(days=30), at(today, 23, 59))
    cast.revoked_tomorrow = a_pass(at(yesterday, 8), at(today, 0) + dt.timedelta(days=30), at(tomorrow, 9))
    cast.starts_tomorrow = a_pass(at(tomorrow, 8), at(tomorrow, 0) + dt.timedelta(days=30))
    cast.started_tonight = a_pass(at(today, 22), at(today, 0) + dt.timedelta(days=30))
    return cast


def valid_at_the_end_of(day: dt.date, community_id: int) -> int:
    last_instant = timezone.make_aware(dt.datetime.combine(day, dt.time.max))
    return sum(p.status_at(last_instant) == "valid" for p in Pass.objects.filter(community_id=community_id))


def test_passes_valid_are_those_still_valid_at_the_days_last_instant(passes):
    today = timezone.localdate()
    drafted = selectors.draft([passes.community.pk, passes.other.pk], today)
    mine = drafted[passes.community.pk]["checkpoints"]
    assert mine["passes_valid"] == valid_at_the_end_of(today, passes.community.pk)
    # Valid tonight: until midnight, revoked only tomorrow, started tonight (and those of
    # equip_gate); not the one expired at noon, the one revoked at 23:59, the one of tomorrow.
    valid_ids = {p.pk for p in Pass.objects.filter(community=passes.community)
                 if p.status_at(timezone.make_aware(dt.datetime.combine(today, dt.time.max))) == "valid"}
    assert {passes.until_midnight.pk, passes.revoked_tomorrow.pk, passes.started_tonight.pk} <= valid_ids
    assert not {passes.expired_at_noon.pk, passes.revoked_late.pk, passes.starts_tomorrow.pk} & valid_ids
    assert drafted[passes.other.pk]["checkpoints"]["passes_valid"] == 0


def test_yesterdays_report_counts_the_passes_valid_last_night(passes):
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    drafted = selectors.draft([passes.community.pk], yesterday)[passes.community.pk]["checkpoints"]
    # Valid last night: the four that began yesterday 08:00, none yet expired or revoked.
    assert drafted["passes_valid"] == valid_at_the_end_of(yesterday, passes.community.pk) == 4


def test_a_group_counts_the_passes_of_its_estates(passes):
    today = timezone.localdate()
    drafted = selectors.draft_groups([passes.community.pk], [passes.estate.group_id], today)
    assert drafted[passes.estate.group_id]["checkpoints"]["passes_valid"] == \
        valid_at_the_end_of(today, passes.community.pk)


def test_fever_alerts_closed_today_beside_those_still_open(passes):
    carol, today = passes.users["carol"], timezone.localdate()
    yesterday = today - dt.timedelta(days=1)
    # The open alert of equip_gate, one closed today, one raised and closed yesterday.
    closed_today = _another_alert(passes, minutes=20)
    access.fever_alert_close(alert=closed_today, outcome="normal_on_remeasure", user=carol)
    closed_yesterday = _another_alert(passes, minutes=30)
    access.fever_alert_close(alert=closed_yesterday, outcome="other", note="复测后离开", user=carol)
    FeverAlert.objects.filter(pk=closed_yesterday.pk).update(raised_at=at(yesterday, 9), closed_at=at(yesterday, 10))

    fever = selectors.draft([passes.community.pk], today)[passes.community.pk]["fever"]
    alerts = list(FeverAlert.objects.filter(community=passes.community))
    assert fever["alerts_closed"] == sum(a.closed_at is not None and timezone.localtime(a.closed_at).date() == today
                                         for a in alerts) == 1
    assert fever["alerts_open"] == sum(a.closed_at is None for a in alerts) == 1
    assert fever["outcome_normal_on_remeasure"] == 1 and fever["outcome_other"] == 0
    last_day = selectors.draft([passes.community.pk], yesterday)[passes.community.pk]["fever"]
    assert last_day["alerts_closed"] == 1 and last_day["outcome_other"] == 1 and last_day["alerts_open"] == 0


def _another_alert(cast, *, minutes: int) -> FeverAlert:
    event = scan_event(cast.checkpoint, access.pass_qr_text(cast.pass_a), temperature=38.4, verdict="red",
                       at=timezone.now() - dt.timedelta(minutes=minutes))
    access.scans_sync(device_id=f"gate-{minutes}", events=[event], user=cast.users["erin"],
                      scope=Scope.for_user(cast.users["erin"]))
    return FeverAlert.objects.get(scan__event_id=event["event_id"])
