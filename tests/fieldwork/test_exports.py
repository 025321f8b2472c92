"""The campaign's workbooks and the walk sheet: a row per door the user sees, the answers of
the last visit, and no name or phone of anyone found at a door, nor any resident's name in full."""

from __future__ import annotations

import io
import shutil
import subprocess

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from fangxian.core.models import AuditEvent
from fangxian.core.personal import mask_name
from fangxian.fieldwork.models import Knock
from fangxian.fieldwork.questionnaire import BY_KEY
from fangxian.registry.models import Dwelling
from tests.factories import DwellingFactory, PersonFactory
from tests.fieldwork.cast import fieldwork_cast
from tests.fieldwork.matrix_coverage import knock

pytestmark = pytest.mark.usefixtures("frozen_clock")

NEWCOMER, NEWCOMER_PHONE = "欧阳新来", "13912345678"


@pytest.fixture
def field(two_grids):
    """Door B visited twice (the last time with a newcomer), door A nobody home, a B door not yet."""
    c = fieldwork_cast(two_grids)
    knock(c.campaign, c.dwelling_b, Knock.Outcome.VISITED, days_ago=3, answers={"people_home": 5})
    knock(c.campaign, c.dwelling_b, Knock.Outcome.VISITED, days_ago=1, answers={
        "people_home": 3, "back_from_outside": True, "symptoms": False,
        "newcomers": [{"name": NEWCOMER, "phone": NEWCOMER_PHONE, "note": ""}]})
    knock(c.campaign, c.dwelling_a, Knock.Outcome.NOBODY_HOME, days_ago=2)
    c.dwelling_b2 = DwellingFactory(building=c.building_b, room="1203")
    c.resident_b2 = PersonFactory(dwelling=c.dwelling_b2, name="司马长风")
    return c


def cells(content: bytes) -> list[list]:
    book = load_workbook(io.BytesIO(content), read_only=True)
    return [[cell for cell in row] for sheet in book.worksheets for row in sheet.iter_rows(values_only=True)]


def test_the_doors_workbook_has_a_row_per_visible_door_and_no_newcomer(client, field):
    client.force_login(field.users["carol"])
    response = client.get(reverse("fieldwork:export_doors", args=[field.campaign.pk]))
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxml")
    rows = cells(response.content)
    head, body = rows[0], rows[1:]
    with translation.override("zh-hans"):  # the page's language
        assert str(BY_KEY["people_home"].label) in head  # a column per question asked
    assert len(body) == Dwelling.objects.filter(building__community=field.community).count() == 3
    text = " ".join(str(value) for row in rows for value in row if value is not None)
    assert NEWCOMER not in text and NEWCOMER_PHONE not in text
    door_b = next(row for row in body if row[2] == field.dwelling_b.room)
    assert door_b[7] == 2  # knocks
    assert 3 in door_b and 5 not in door_b  # the last visit's answers
    assert door_b[-2] == 1  # one newcomer, counted
    assert AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT, target_type="fieldwork.Campaign").count() == 1


def test_bob_exports_only_the_doors_he_sees(client, field):
    client.force_login(field.users["bob"])
    body = cells(client.get(reverse("fieldwork:export_doors", args=[field.campaign.pk])).content)[1:]
    assert sorted(row[2] for row in body) == sorted([field.dwelling_b.room, "1203"])


def test_the_coverage_workbook_has_sections_teams_and_days(client, field):
    client.force_login(field.users["carol"])
    response = client.get(reverse("fieldwork:export_coverage", args=[field.campaign.pk]))
    book = load_workbook(io.BytesIO(response.content), read_only=True)
    assert len(book.worksheets) == 3
    sections = list(book.worksheets[0].iter_rows(values_only=True))
    by_name = {row[0]: row[1:] for row in sections[1:]}
    assert by_name["二片区"][:2] == (2, 1)  # two doors, one covered
    days = list(book.worksheets[2].iter_rows(values_only=True))[1:]
    assert [row[0] for row in days] == ["2026-02-27", "2026-02-28", "2026-03-01"]
    assert sum(row[-1] for row in days) == 3


def test_the_walk_sheet_is_a_pdf_with_masked_names(client, field, tmp_path):
    client.force_login(field.users["frank"])
    response = client.get(reverse("fieldwork:walk_sheet", args=[field.campaign.pk, field.building_b.pk]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext is not installed")
    (tmp_path / "sheet.pdf").write_bytes(response.content)
    text = subprocess.run(["pdftotext", str(tmp_path / "sheet.pdf"), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert mask_name("司马长风") in text and "司马长风" not in text
    assert field.person_b.name not in text and mask_name(field.person_b.name) in text
    assert "1203" in text and field.person_b.phone not in text
    client.force_login(field.users["alice"])  # building B is not hers
    assert client.get(reverse("fieldwork:walk_sheet", args=[field.campaign.pk, field.building_b.pk])
                      ).status_code == 404
