"""The missing are visible, on a phone (360 px), the clock frozen at 10:00, before the 17:00
deadline: gina files her group's sub-report, 二组 does not; carol sees who is missing, reminds
二组, finds the numbers left blank (not summed from one group), is refused until she confirms
submitting with 二组 missing; dave sees the subdistrict's totals marked incomplete."""

from __future__ import annotations

import pytest
from django.urls import reverse

from fangxian.core.models import AuditEvent
from fangxian.reports import services
from fangxian.reports.models import DailyReport, ReportReminder
from tests.e2e.conftest import PHONE, close_when_idle, log_in, new_context, shot
from tests.factories import GroupFactory
from tests.reports.conftest import TODAY  # the day of the frozen clock

pytestmark = [pytest.mark.browser, pytest.mark.clock_sensitive]


@pytest.fixture
def flow(transactional_db, two_grids, frozen_clock, monkeypatch):
    two_grids.second = GroupFactory(community=two_grids.community, name="二组")
    two_grids.sent = []
    monkeypatch.setattr(services, "notify", lambda kind, **kw: two_grids.sent.append(kw["url"]))
    return two_grids


def _phone(browser, live_server, username):
    context = new_context(browser, viewport=PHONE, locale="zh-CN", device_scale_factor=1)
    page = context.new_page()
    page.on("dialog", lambda dialog: dialog.accept())  # the "submit and lock?" confirmation
    log_in(page, live_server, username, f"pw-{username}")
    return context, page


def _fits(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_the_admin_sees_who_is_missing_reminds_and_confirms(browser, live_server, flow):
    # 1. gina files her group's sub-report; 二组 files nothing.
    context, phone = _phone(browser, live_server, "gina")
    phone.goto(live_server.url + reverse("reports:group", args=[flow.estate.group_id]))
    for field, value in (("confirmed", "0"), ("suspected", "1"), ("close_contacts", "2")):
        phone.fill(f"#id_{field}", value)
    phone.click("button[name=submit]")
    phone.wait_for_selector(".state-submitted")
    close_when_idle(context)

    # 2. carol, on her phone, sees 二组 missing and reminds it.
    context, phone = _phone(browser, live_server, "carol")
    phone.goto(live_server.url + reverse("reports:community", args=[flow.community.pk]))
    missing = phone.locator("#pending-units li", has_text="二组")
    assert missing.count() == 1
    assert phone.locator("#pending-units li", has_text=flow.estate.group.name).count() == 0  # it filed
    missing.locator("button[name=unit]").click()
    phone.wait_for_selector("#pending-units li:has-text('二组') >> text=/10:0\\d/")
    assert flow.sent == [reverse("reports:group", args=[flow.second.pk]) + f"?day={TODAY}"]
    assert ReportReminder.objects.filter(group=flow.second).count() == 1
    assert AuditEvent.objects.filter(actor=flow.users["carol"], detail__startswith="reminded group").exists()

    # 3. The numbers are blank (one group of two is no sum), with the missing group named beside them.
    assert phone.input_value("#id_suspected") == "" and phone.input_value("#id_close_contacts") == ""
    assert "二组" in phone.inner_text("#fill-not-compiled")
    for field in ("confirmed", "suspected", "close_contacts"):
        phone.fill(f"#id_{field}", "0")
    phone.click("button[name=submit]")  # not confirmed: refused, naming 二组
    phone.wait_for_selector(".errorlist:has-text('二组')")
    assert not DailyReport.objects.filter(group=None, checkpoint=None).exists()
    phone.check("#id_confirm_missing")
    phone.click("button[name=submit]")
    phone.wait_for_selector("p.state-submitted")
    assert "二组" in phone.inner_text("#missing-at-submission")
    shot(phone, "reports-community-missing-phone")
    _fits(phone)
    close_when_idle(context)
    report = DailyReport.objects.get(group=None, checkpoint=None)
    assert report.is_submitted and [u["name"] for u in report.missing_units] == ["二组"]

    # 4. dave sees the subdistrict's totals marked incomplete: the other community has not reported.
    context, phone = _phone(browser, live_server, "dave")
    phone.goto(live_server.url + reverse("reports:day"))
    assert flow.other.name in phone.inner_text("#totals-incomplete")
    totals = phone.locator("tfoot tr.totals td.incomplete")
    assert totals.count() > 0 and totals.count() == phone.locator("tfoot tr.totals td.num").count()
    assert flow.other.name in (totals.first.get_attribute("title") or "")
    shot(phone, "reports-day-incomplete-phone")
    _fits(phone)
    close_when_idle(context)
