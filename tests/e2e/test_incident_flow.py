"""Incidents and the wall dashboard in a real browser: a grid worker reports on a phone, the
community admin sees the badge, assigns and closes; the dashboard fills one 1920×1080 screen
without scrolling, stacks on a phone, and refreshes itself (with an offline hint)."""

import datetime as dt
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from fangxian.access.models import FeverAlert, Scan
from fangxian.incidents.models import Incident
from fangxian.returnees.models import Quarantine
from tests.access.conftest import make_checkpoint
from tests.e2e.conftest import log_in, new_context, shot
from tests.factories import DwellingFactory, PersonFactory
from tests.incidents.matrix import equip as equip_incident
from tests.returnees.conftest import PNG

# Reads the date or the hour: .ci/run runs it again at 03:00 and at 23:59 Asia/Shanghai.
pytestmark = [pytest.mark.browser, pytest.mark.clock_sensitive]
WALL = {"width": 1920, "height": 1080}


@pytest.fixture
def cast(transactional_db, two_grids, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return two_grids


def test_it_reports_on_a_phone_and_the_admin_assigns_and_closes(live_server, cast, phone, browser, tmp_path):
    log_in(phone, live_server, "alice", "pw-alice")
    phone.goto(live_server.url + reverse("incidents:create"))
    assert phone.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    phone.fill("#id_title", "东门有人聚集，未戴口罩")
    phone.check("input[name=urgency][value=critical]")
    phone.fill("#id_location", "东门岗亭")
    phone.select_option("#id_estate", str(cast.estate.pk))
    photo = tmp_path / "gate.png"
    photo.write_bytes(PNG)
    phone.set_input_files("#id_photo", str(photo))
    shot(phone, "phone-incident-report-form")
    phone.click("form.incident-form button[type=submit]")
    phone.wait_for_selector(".messages .success")
    incident = Incident.objects.get()
    assert incident.reported_by == cast.users["alice"] and incident.urgency == "critical" and incident.photo
    # The page is shown before its photo has arrived: wait for the image to decode (a broken
    # image rejects), then read its size.
    assert phone.locator(".incident-photo img").evaluate("img => img.decode().then(() => img.naturalWidth)") == 1
    shot(phone, "phone-incident-reported")
    phone.goto(live_server.url + reverse("incidents:list"))
    assert phone.locator("table.incident-list tbody tr").count() == 1
    assert phone.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    shot(phone, "phone-incident-list")

    context = new_context(browser, viewport={"width": 1280, "height": 860}, locale="zh-CN")
    desktop = context.new_page()
    log_in(desktop, live_server, "carol", "pw-carol")
    badge = desktop.locator(f".sidenav a[href='{reverse('incidents:list')}'] .badge")
    assert badge.inner_text() == "1"
    desktop.click(f".sidenav a[href='{reverse('incidents:list')}']")
    shot(desktop, "desktop-incident-list")
    desktop.click(f"a[href='{reverse('incidents:detail', args=[incident.pk])}']")
    desktop.select_option("#id_assignee", str(cast.users["bob"].pk))
    desktop.fill("#id_department", "物业")
    desktop.click(f"form[action='{reverse('incidents:assign', args=[incident.pk])}'] button")
    desktop.wait_for_selector(".messages .success")
    desktop.fill("#id_note", "已通知物业到场，人员已劝离")
    desktop.click(f"form[action='{reverse('incidents:report_in', args=[incident.pk])}'] button")
    desktop.wait_for_selector(".messages .success")
    desktop.select_option("#id_outcome", "resolved")
    dialogs = []
    desktop.once("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.accept()))
    desktop.click(f"form[action='{reverse('incidents:close', args=[incident.pk])}'] button")
    desktop.wait_for_selector(".messages .success")
    assert dialogs
    shot(desktop, "desktop-incident-closed")
    incident.refresh_from_db()
    assert incident.status == "closed" and incident.assigned_to == cast.users["bob"] and incident.closed_at
    assert desktop.locator(f".sidenav a[href='{reverse('incidents:list')}'] .badge").count() == 0
    context.close()


def _month_at_the_gate(cast) -> None:
    """Thirty days of passages at two gates, fever alerts, quarantines and incidents."""
    now = timezone.localtime()
    today = now.date()
    gates = [make_checkpoint(cast.estate, "东门"), make_checkpoint(cast.estate, "西门"),
             make_checkpoint(cast.estate, "北门")]
    rows = []
    for back in range(30):
        day = today - dt.timedelta(days=back)
        for n in range(20 + (back * 7) % 15):
            hour = 6 + (n * 5 + back) % 16
            when = timezone.make_aware(dt.datetime.combine(day, dt.time(hour, n % 60)))
            if when > now:
                continue
            gate = gates[n % 3]
            kind = "refusal" if n % 9 == 0 else "scan"
            rows.append(Scan(event_id=uuid.uuid4(), device_id="demo", device_seq=n, batch=uuid.uuid4(), checkpoint=gate,
                             community=cast.community, kind=kind, direction="in", occurred_at=when, received_at=when,
                             device_verdict="green", server_verdict="red" if kind == "refusal" else "green"))
    Scan.objects.bulk_create(rows)
    for scan in Scan.objects.filter(kind="scan").order_by("-occurred_at")[:3]:
        FeverAlert.objects.create(scan=scan, checkpoint=scan.checkpoint, community=cast.community, temperature="38.1",
                                  raised_at=scan.occurred_at)
    for i in range(9):
        person = PersonFactory(dwelling=DwellingFactory(building=cast.building_a))
        Quarantine.objects.create(person=person, dwelling=person.dwelling, reason="来自高风险地区",
                                  starts_on=today - dt.timedelta(days=14 - i),
                                  planned_end=today + dt.timedelta(days=i % 7))
    equip_incident(cast)
    from tests.incidents.conftest import report

    report(cast, "alice", title="独居老人家中无人应门", location="3栋502", urgency="critical")
    report(cast, "erin", title="外卖员翻越围挡进入小区", location="西侧围挡", urgency="low")


def test_it_fills_the_wall_without_scrolling_and_refreshes_itself(live_server, cast, browser):
    _month_at_the_gate(cast)
    context = new_context(browser, viewport=WALL, locale="zh-CN")
    wall = context.new_page()
    log_in(wall, live_server, "carol", "pw-carol")
    wall.goto(live_server.url + reverse("reports:dashboard"))
    wall.wait_for_selector("#chart-hourly canvas")
    assert wall.evaluate("document.documentElement.scrollHeight <= window.innerHeight")
    assert wall.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    number = wall.locator("[data-figure=passages_today]")
    assert int(number.inner_text().replace(",", "")) == Scan.objects.exclude(kind="refusal").filter(
        occurred_at__date=timezone.localdate()).count()
    assert number.evaluate("el => parseFloat(getComputedStyle(el).fontSize)") >= 60  # readable across a room
    assert wall.locator("#list-incidents li").count() == 3
    shot(wall, "wall-dashboard-1920")

    # The refresh: a new incident appears without reloading the page; a failed fetch says so.
    from tests.incidents.conftest import report

    report(cast, "bob", title="临时卡口帐篷被风吹倒", location="南门卡口", urgency="high")
    wall.evaluate("window.fangxianDashboardRefresh()")
    wall.wait_for_function("document.querySelector('[data-figure=open_incidents]').textContent === '4'")
    assert wall.locator("#wall-offline").is_hidden()
    context.set_offline(True)
    wall.evaluate("window.fangxianDashboardRefresh()")
    wall.wait_for_selector("#wall-offline", state="visible")
    shot(wall, "wall-dashboard-1920-offline")
    context.set_offline(False)  # the page fetches again by itself when the network is back
    wall.wait_for_selector("#wall-offline", state="hidden")
    context.close()


def test_it_stacks_the_dashboard_on_a_phone(live_server, cast, phone):
    _month_at_the_gate(cast)
    log_in(phone, live_server, "dave", "pw-dave")
    phone.goto(live_server.url + reverse("reports:dashboard"))
    phone.wait_for_selector("#chart-trend canvas")
    shot(phone, "phone-wall-dashboard")
    assert phone.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
