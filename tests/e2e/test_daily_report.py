"""The daily report through the real pages: the residential group leader files her group's
sub-report on a phone; the community admin finds it compiled into the community's form and
submits; the subdistrict officer sees the submitted report and exports the day to Excel, and
the file's figures are checked here with openpyxl."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from fangxian.reports.exports import layout
from fangxian.reports.models import DailyReport
from fangxian.reports.totals import Total, total_text
from tests.e2e.conftest import DESKTOP, PHONE, log_in, new_context, shot
from tests.factories import DwellingFactory, PersonFactory

pytestmark = [pytest.mark.browser, pytest.mark.clock_sensitive]


@pytest.fixture
def flow(transactional_db, two_grids):
    for kind in ("tenant", "tenant", "floating"):
        PersonFactory(dwelling=DwellingFactory(building=two_grids.building_a), kind=kind)
    return two_grids  # carol's community: 5 people, 2 of them tenants


def _context(browser, live_server, username, viewport):
    context = new_context(browser, viewport=viewport, locale="zh-CN", device_scale_factor=1, accept_downloads=True)
    page = context.new_page()
    page.on("dialog", lambda dialog: dialog.accept())  # the "submit and lock?" confirmation
    log_in(page, live_server, username, f"pw-{username}")
    return context, page


def test_it_goes_from_the_group_leaders_phone_to_the_officers_spreadsheet(browser, live_server, flow):
    group = flow.estate.group
    # 1. gina, on her phone, fills in her group's sub-report from the menu.
    context, phone = _context(browser, live_server, "gina", PHONE)
    phone.click("summary")
    phone.click(f"nav a[href='{reverse('reports:group', args=[group.pk])}']")
    phone.fill("#id_confirmed", "0")
    phone.fill("#id_close_contacts", "3")
    phone.fill("#id_progress", "一组已全部敲门")
    phone.click("button[name=submit]")  # suspected left blank: refused, naming the field
    assert phone.locator("#id_suspected + ul.errorlist, .errorlist").first.is_visible()
    assert not DailyReport.objects.exists()
    phone.fill("#id_suspected", "0")
    phone.click("button[name=submit]")
    phone.wait_for_selector(".state-submitted")
    shot(phone, "reports-group-phone")
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    context.close()
    sub = DailyReport.objects.get(group=group)
    assert sub.is_submitted and sub.close_contacts == 3

    # 2. carol opens the community report: the group's numbers are compiled into the form.
    context, desk = _context(browser, live_server, "carol", DESKTOP)
    desk.goto(live_server.url + reverse("reports:community", args=[flow.community.pk]))
    assert desk.input_value("#id_close_contacts") == "3"
    assert desk.input_value("#id_suspected") == "0"
    assert "一组已全部敲门" in desk.input_value("#id_progress")
    desk.fill("#id_problems", "请求增派夜班志愿者")
    desk.click("button[name=submit]")
    desk.wait_for_selector("p.state-submitted")
    shot(desk, "reports-community-desktop")
    context.close()
    report = DailyReport.objects.get(group__isnull=True)
    assert report.is_submitted and report.close_contacts == 3 and report.figures["population"]["people"] == 5

    # 3. dave sees it among the subdistrict's communities and exports the day.
    context, desk = _context(browser, live_server, "dave", DESKTOP)
    desk.goto(live_server.url + reverse("reports:day"))
    row = desk.locator("tbody tr", has_text=flow.community.name)
    assert row.locator("td.state-submitted").count() == 1
    assert desk.locator("tbody tr.missing, tbody tr.not_yet", has_text=flow.other.name).count() == 1
    shot(desk, "reports-day-desktop")
    with desk.expect_download() as download:
        desk.click(f"a[href^='{reverse('reports:day_xlsx')}']")
    content = open(download.value.path(), "rb").read()
    desk.goto(live_server.url + reverse("reports:history") + "?figure=fill.close_contacts")
    desk.wait_for_selector("#chart canvas")
    shot(desk, "reports-history-desktop")
    context.close()
    context, phone = _context(browser, live_server, "dave", PHONE)
    phone.goto(live_server.url + reverse("reports:day"))
    shot(phone, "reports-day-phone")
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]  # the table scrolls inside
    context.close()

    # The sheet: title, the grouped section row, the figure labels, one row per community, the total.
    sheet = load_workbook(io.BytesIO(content)).active
    rows = {row[0]: row for row in sheet.iter_rows(min_row=4, values_only=True)}
    mine, other = rows[flow.community.name], rows[flow.other.name]
    total = list(sheet.iter_rows(min_row=6, max_row=6, values_only=True))[0]
    people, tenants = _column("population", "people"), _column("population", "kind_tenant")
    close_contacts = 4  # community, status, confirmed, suspected, close contacts
    assert (mine[people], mine[tenants], mine[close_contacts]) == (5, 2, 3)
    assert (other[people], other[close_contacts]) == (1, None)
    # The other community has not submitted: every total says so in the cell (issue 12).
    with translation.override("zh-hans"):
        assert (total[people], total[tenants], total[close_contacts]) == tuple(
            total_text(Total(value, (flow.other.name,))) for value in (5, 2, 3))


def _column(section: str, figure: str) -> int:
    """A figure's column in the subdistrict sheet: after the community, its status and the three fill-ins."""
    keys = [(s.key, f.key) for s, figures in layout() for f in figures]
    return 5 + keys.index((section, figure))
