"""The missing are visible: the admin reminds the groups and checkpoints that have not filed
(by hand, before the deadline, audited), and the worker still reminds once after it. Also the
messages of the report forms name their field (issue 12, point 4)."""

import pytest
from django.urls import reverse

from fangxian.core.models import AuditEvent
from fangxian.core.scope import Scope
from fangxian.reports import services
from fangxian.reports.models import DailyReport, ReportReminder
from tests.reports.conftest import TODAY, at

pytestmark = [pytest.mark.usefixtures("english"), pytest.mark.clock_sensitive]


@pytest.fixture
def unfiled(two_groups, monkeypatch):
    """carol's community: gina's group has filed, 二组 and the east gate have not; notify recorded."""
    two_groups.sent = []
    monkeypatch.setattr(services, "notify", lambda kind, **kw: two_groups.sent.append(kw["url"]))
    return two_groups


def _page(cast):
    return reverse("reports:community", args=[cast.community.pk]) + f"?day={TODAY}"


def _remind(client, cast, **data):
    return client.post(reverse("reports:remind", args=[cast.community.pk]), data)


def test_it_offers_a_reminder_for_each_unit_not_filed_and_none_for_those_filed(client, unfiled):
    client.force_login(unfiled.users["carol"])
    page = client.get(_page(unfiled)).content.decode()
    assert f'name="unit" value="group:{unfiled.second.pk}"' in page
    assert f'name="unit" value="checkpoint:{unfiled.gate.pk}"' in page
    assert f'value="group:{unfiled.estate.group_id}"' not in page  # gina's group has filed
    assert 'name="all" value="1"' in page


def test_a_reminder_notifies_and_is_audited_and_may_be_sent_again(client, unfiled, frozen):
    client.force_login(unfiled.users["carol"])
    response = _remind(client, unfiled, unit=f"group:{unfiled.second.pk}")
    assert response.status_code == 302
    assert unfiled.sent == [reverse("reports:group", args=[unfiled.second.pk]) + f"?day={TODAY}"]
    assert AuditEvent.objects.filter(actor=unfiled.users["carol"],
                                     detail__startswith=f"reminded group {unfiled.second.pk}").count() == 1
    page = client.get(_page(unfiled)).content.decode()
    assert "last reminded at 10:00" in page and "Remind again" in page
    frozen.now = at(11, 30)
    _remind(client, unfiled, unit=f"group:{unfiled.second.pk}")
    assert len(unfiled.sent) == 2 and "last reminded at 11:30" in client.get(_page(unfiled)).content.decode()
    assert ReportReminder.objects.get(group=unfiled.second).sent_at == at(11, 30)


def test_remind_all_reaches_every_unit_not_filed_and_never_a_filed_one(client, unfiled):
    client.force_login(unfiled.users["carol"])
    _remind(client, unfiled, all="1")
    assert sorted(unfiled.sent) == sorted([
        reverse("reports:group", args=[unfiled.second.pk]) + f"?day={TODAY}",
        reverse("reports:checkpoint", args=[unfiled.gate.pk]) + f"?day={TODAY}"])
    unfiled.sent.clear()
    response = _remind(client, unfiled, unit=f"group:{unfiled.estate.group_id}")  # filed: nobody to remind
    assert unfiled.sent == []
    assert "nobody to remind" in client.get(response["Location"]).content.decode()


def test_the_worker_still_reminds_once_after_the_deadline(unfiled):
    carol = unfiled.users["carol"]
    services.reminder_send(scope=Scope.for_user(carol), user=carol, community=unfiled.community, day=TODAY,
                           units=[{"kind": "group", "id": unfiled.second.pk}], now=at(10))
    unfiled.sent.clear()
    services.reminders_send(now=at(17, 5))
    second = reverse("reports:group", args=[unfiled.second.pk]) + f"?day={TODAY}"
    assert second in unfiled.sent  # the reminder by hand was before the deadline
    unfiled.sent.clear()
    services.reminders_send(now=at(17, 30))
    assert unfiled.sent == []  # once after the deadline


def test_only_the_admin_reminds(client, unfiled):
    for name in ("dave", "gina", "olga"):
        client.force_login(unfiled.users[name])
        assert _remind(client, unfiled, all="1").status_code == 404
    assert unfiled.sent == []


def test_a_long_correction_reason_gets_the_length_message(client, unfiled):
    client.force_login(unfiled.users["gina"])
    report = DailyReport.objects.get(group=unfiled.estate.group)
    response = client.post(reverse("reports:correct", args=[report.pk]), {"reason": "错" * 5000}, follow=True)
    page = response.content.decode()
    assert "Reason for the correction: at most 200 characters." in page and "say what was wrong" not in page
    assert DailyReport.objects.filter(group=unfiled.estate.group).count() == 1
    response = client.post(reverse("reports:correct", args=[report.pk]), {"reason": ""}, follow=True)
    assert "Reason for the correction: say what was wrong." in response.content.decode()


def test_the_report_forms_name_the_field_instead_of_djangos_stock_message(client, unfiled):
    client.force_login(unfiled.users["carol"])
    response = client.post(_page(unfiled), {"confirmed": "2000000", "progress": "进" * 2001, "save": "1"})
    page = response.content.decode()
    assert "Confirmed cases: at most 1,000,000." in page
    assert "Work progress: at most 2000 characters." in page
    assert "Ensure this value" not in page and "确保" not in page
    assert not DailyReport.objects.filter(group=None, checkpoint=None).exists()
