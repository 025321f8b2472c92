"""The roster as an Excel workbook to print (issue 11, finding 9): A4 landscape, a title,
dates without time, column widths, header rows repeated on every page, shift leaders marked,
uncovered shifts marked, one sheet per checkpoint and one for the leader on duty."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from fangxian.duty.models import Assignment
from tests.access.conftest import make_checkpoint
from tests.duty.matrix_rosters import published_plan, roster_community

MONDAY = dt.date(2026, 2, 2)


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def plan(two_grids):
    """Two checkpoints and the leader on duty; the gate's 16–24 has nobody on Tuesday."""
    cast = roster_community(two_grids, lead=True)
    make_checkpoint(cast.estate, name="南门")
    plan = published_plan(cast, first_day=MONDAY, days=3)
    Assignment.objects.filter(plan=plan, date=MONDAY + dt.timedelta(days=1),
                              template=cast.shift_templates[1]).delete()
    lead = cast.shift_templates[3]
    Assignment.objects.create(plan=plan, volunteer=cast.roster_people[4], date=MONDAY + dt.timedelta(days=2),
                              template=lead, published=True)
    cast.plan = plan
    return cast


def workbook(client, cast):
    client.force_login(cast.users["carol"])
    response = client.get(reverse("duty:roster_plan_excel", args=[cast.plan.pk]))
    assert response.status_code == 200
    return load_workbook(io.BytesIO(response.content))


def test_it_has_one_printable_sheet_per_checkpoint_and_for_the_leader_on_duty(client, plan):
    wb = workbook(client, plan)
    gate = plan.checkpoint.name
    assert wb.sheetnames[:2] == ["Leader on duty", gate]
    assert "By person" in wb.sheetnames and "Shifts" in wb.sheetnames
    for name in wb.sheetnames[:2] + ["By person"]:
        ws = wb[name]
        assert ws.page_setup.orientation == "landscape"
        assert str(ws.page_setup.paperSize) == "9"  # A4
        assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1
        assert ws.page_setup.fitToHeight == 0
        assert ws.print_title_rows == "$1:$3"  # title, legend, header on every page
        assert ws.print_area is not None
        assert ws.column_dimensions["A"].width >= 10 and ws.column_dimensions["B"].width >= 12
    ws = wb[gate]
    title = ws["A1"].value
    assert plan.community.name in title and gate in title and "2026-02-02" in title and "2026-02-04" in title
    assert "★" in ws["A2"].value  # the legend
    header = [c.value for c in ws[3]]
    assert header[0] == "Shift" and header[1].startswith("02-02") and "00:00" not in header[1]


def test_it_marks_leaders_and_uncovered_shifts(client, plan):
    ws = workbook(client, plan)[plan.checkpoint.name]
    rows = {r[0]: r for r in ws.iter_rows(min_row=4, values_only=True)}
    assert rows["08–16"][1] == "张带班★"  # staff lead
    assert set(rows) == {"08–16", "16–24", "00–08 ☾"}
    evening_tuesday = rows["16–24"][2]
    assert "1 short" in evening_tuesday and "no shift leader" in evening_tuesday
    row = next(r for r in ws.iter_rows(min_row=4) if r[0].value == "16–24")
    assert row[2].fill.fgColor.rgb.endswith("FDECEA") and not row[1].fill.fgColor.rgb.endswith("FDECEA")
    lead = {r[0]: r for r in workbook(client, plan)["Leader on duty"].iter_rows(min_row=4, values_only=True)}
    assert lead["08–20"][3] == "钱师傅★"
    assert "1 short" in lead["08–20"][1]  # nobody leads on Monday


def test_dates_carry_no_time(client, plan):
    wb = workbook(client, plan)
    lines = wb["Shifts"]
    assert lines["A2"].number_format == "yyyy-mm-dd"
    assert lines.print_title_rows == "$1:$1" and lines.column_dimensions["A"].width >= 10
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                assert "00:00:00" not in str(c.value if not isinstance(c.value, dt.datetime) else "")
                if isinstance(c.value, dt.datetime):
                    assert "h" not in c.number_format, (ws.title, c.coordinate)
