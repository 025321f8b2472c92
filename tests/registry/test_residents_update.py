"""The register kept up from Excel: export in full (audited), edit in Excel, import again.

A row whose ID number is in the community's register is that person: the preview lists what the
file adds, changes (column, before → after, masked), leaves as it is, and leaves out (never
removed); the commit applies it all at once, audited field by field, unless the register changed
since the preview.
"""

from __future__ import annotations

import io
import re

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext, ngettext
from openpyxl import load_workbook

from fangxian.core.models import AuditEvent
from fangxian.core.personal import mask_phone
from fangxian.registry import residents_import
from fangxian.registry.models import Person, ResidentsImport
from tests.factories import DwellingFactory, PersonFactory, make_national_id

pytestmark = pytest.mark.usefixtures("frozen_clock")
REASON = "更新花名册后重新导入"


def zh(text: str) -> str:
    """A message as the (Chinese) page shows it, escaped: whatever the catalogue holds."""
    with translation.override("zh-hans"):
        return escape(gettext(text))


@pytest.fixture
def cast(two_grids, settings, tmp_path):
    """two_grids, with a third resident, 李三, beside person_b in grid B, and a spare room 909 there."""
    settings.MEDIA_ROOT = tmp_path / "media"
    two_grids.spare = DwellingFactory(building=two_grids.building_b, room="909")
    two_grids.li = PersonFactory(dwelling=two_grids.person_b.dwelling, name="李三", phone="")
    return two_grids


def export_in_full(client, cast) -> bytes:
    response = client.post(reverse("registry:person_export_full", args=[cast.community.pk]), {"reason": REASON})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "no-store" in response["Cache-Control"]
    return response.content


def edited(data: bytes, edits: dict[tuple[str, str], object]) -> bytes:
    """The workbook with cells changed: (ID number, header) → new value."""
    workbook = load_workbook(io.BytesIO(data))
    sheet = workbook.worksheets[0]
    headers = {cell.value: cell.column for cell in sheet[1]}
    rows = {sheet.cell(row, headers["身份证号"]).value: row for row in range(2, sheet.max_row + 1)}
    for (national_id, header), value in edits.items():
        sheet.cell(rows[national_id], headers[header], value)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(client, data: bytes, name: str = "花名册.xlsx"):
    response = client.post(reverse("registry:residents_import_upload"),
                           {"file": SimpleUploadedFile(name, data, content_type="application/octet-stream")})
    assert response.status_code == 302, response.content.decode()[:500]
    return ResidentsImport.objects.latest("pk"), client.get(response.url).content.decode()


def change_rows(page: str) -> list[tuple[str, str, str]]:
    """(column, before, after) of each line of the preview's table of changes."""
    lines = re.findall(r'<tr class="change">(.*?)</tr>', page, re.S)
    cells = [re.findall(r"<td[^>]*>(.*?)</td>", line, re.S) for line in lines]
    return [tuple(c[-3:]) for c in cells]


def test_it_round_trips_the_register_through_excel(client, cast):
    carol = cast.users["carol"]
    client.force_login(carol)
    a, b, li = cast.person_a, cast.person_b, cast.li
    old_phone = a.phone
    data = export_in_full(client, cast)
    reveals = AuditEvent.objects.filter(action=AuditEvent.Action.REVEAL, actor=carol)
    assert {(e.field, e.reason, e.community_id) for e in reveals} == {
        ("national_id", REASON, cast.community.pk), ("phone", REASON, cast.community.pk)}

    # Three cells changed in Excel: a's mobile, b's kind, li's room (to 909 of the same building).
    data = edited(data, {(a.national_id, "手机号"): "13700001111", (b.national_id, "人员类型"): "租户",
                         (li.national_id, "房号"): "909"})
    upload_row, page = upload(client, data)

    assert upload_row.error_count == 0
    assert sorted(change_rows(page)) == sorted([
        ("手机号", mask_phone(a.phone), "137****1111"),
        ("人员类型", "常住", "租户"),
        ("房号", li.dwelling.room, "909"),
    ])
    assert upload_row.plan["counts"] == {"added": 0, "changed": 3, "unchanged": 0, "removed": 0}
    assert a.phone not in page and a.national_id not in page and "13700001111" not in page
    assert Person.objects.get(pk=a.pk).phone == a.phone  # nothing written yet

    response = client.post(reverse("registry:residents_import_commit", args=[upload_row.pk]), follow=True)

    with translation.override("zh-hans"):
        updated = ngettext("%(count)d person updated.", "%(count)d people updated.", 3) % {"count": 3}
    assert updated in response.content.decode()
    a.refresh_from_db(), b.refresh_from_db(), li.refresh_from_db()
    assert a.phone == "13700001111" and b.kind == Person.Kind.TENANT and li.dwelling == cast.spare
    listed = client.get(reverse("registry:person_list"), {"q": "909"}).content.decode()
    assert "李三" in listed
    changes = AuditEvent.objects.filter(action=AuditEvent.Action.UPDATE, actor=carol).exclude(field="")
    assert {(e.target_id, e.field) for e in changes} == {
        (str(a.pk), "phone"), (str(b.pk), "kind"), (str(li.pk), "dwelling")}
    details = {e.field: e.detail for e in changes}
    assert details["phone"] == f"{mask_phone(old_phone)} → 137****1111"
    assert details["kind"] == "permanent → tenant"
    assert "909" in details["dwelling"]
    assert not any("13700001111" in e.detail or a.national_id in e.detail for e in AuditEvent.objects.all())
    upload_row.refresh_from_db()
    assert upload_row.status == "committed" and not upload_row.file
    assert "changed" not in upload_row.plan  # the names of the preview go with the file


def test_it_finds_nothing_to_do_in_an_unchanged_export(client, cast):
    client.force_login(cast.users["carol"])
    data = export_in_full(client, cast)
    people = list(Person.objects.filter(community=cast.community).order_by("pk").values())
    events = AuditEvent.objects.count()

    upload_row, page = upload(client, data)

    assert upload_row.plan["counts"] == {"added": 0, "changed": 0, "unchanged": 3, "removed": 0}
    assert change_rows(page) == []
    assert reverse("registry:residents_import_commit", args=[upload_row.pk]) not in page
    assert zh("Every row of this file is the same as the register: there is nothing to import.") in page
    assert client.post(reverse("registry:residents_import_commit", args=[upload_row.pk])).status_code == 302
    assert list(Person.objects.filter(community=cast.community).order_by("pk").values()) == people
    assert not AuditEvent.objects.filter(action__in=["update", "create", "import"]).exists()
    assert AuditEvent.objects.count() == events


def test_it_lists_people_left_out_of_the_file_and_keeps_them(client, cast):
    client.force_login(cast.users["carol"])
    workbook = load_workbook(io.BytesIO(export_in_full(client, cast)))
    sheet = workbook.worksheets[0]
    ids = [sheet.cell(row, 4).value for row in range(2, sheet.max_row + 1)]
    sheet.delete_rows(ids.index(cast.li.national_id) + 2)
    newcomer = make_national_id()
    room = cast.person_a.dwelling
    sheet.append(["新来的", None, None, newcomer, None, "租户", cast.estate.name, room.building.name, room.room])
    buffer = io.BytesIO()
    workbook.save(buffer)

    upload_row, page = upload(client, buffer.getvalue())

    assert upload_row.plan["counts"] == {"added": 1, "changed": 0, "unchanged": 2, "removed": 1}
    removed = re.search(r'<table class="register-removed">(.*?)</table>', page, re.S).group(1)
    assert "李三" in removed and cast.li.national_id_masked in removed
    assert zh("Importing does not remove anyone. If a person has moved out, record it on their own page.") in page
    added = re.search(r'<table class="register-added">(.*?)</table>', page, re.S).group(1)
    assert "新来的" in added and newcomer not in page

    client.post(reverse("registry:residents_import_commit", args=[upload_row.pk]))

    assert Person.objects.filter(pk=cast.li.pk).exists()
    assert Person.objects.filter(national_id=newcomer, community=cast.community).exists()


def test_it_refuses_to_commit_when_the_register_changed_since_the_preview(client, cast):
    client.force_login(cast.users["carol"])
    data = edited(export_in_full(client, cast), {(cast.person_a.national_id, "人员类型"): "流动"})
    upload_row, _page = upload(client, data)
    # Meanwhile a grid worker corrects li's mobile on the person page's form.
    Person.objects.filter(pk=cast.li.pk).update(phone="13911112222")

    response = client.post(reverse("registry:residents_import_commit", args=[upload_row.pk]), follow=True)

    page = response.content.decode()
    with translation.override("zh-hans"):
        message = residents_import._register_changed()
    assert escape(message) in page
    cast.person_a.refresh_from_db()
    assert cast.person_a.kind == Person.Kind.PERMANENT
    upload_row.refresh_from_db()
    assert upload_row.status == "discarded" and not upload_row.file


def test_it_writes_no_change_when_one_fails(cast, tmp_path, monkeypatch):
    """All or nothing: a change the person service refuses undoes the others and the additions."""
    data = residents_import.people_export(Person.objects.filter(community=cast.community), unmasked=True)
    newcomer = make_national_id()
    workbook = load_workbook(io.BytesIO(data))
    sheet = workbook.worksheets[0]
    dwelling = cast.person_a.dwelling
    sheet.append(["新来的", None, None, newcomer, None, "租户", cast.estate.name, dwelling.building.name,
                  dwelling.room])
    for row in range(2, sheet.max_row):
        sheet.cell(row, 6, "流动")  # everyone's kind changes
    path = tmp_path / "edited.xlsx"
    workbook.save(path)
    real_update = residents_import.services.person_update
    calls = []

    def update_that_fails_the_second_time(**kwargs):
        calls.append(kwargs["person"].pk)
        if len(calls) == 2:
            raise ValidationError({"kind": ["矩阵测试：拒绝"]})
        return real_update(**kwargs)

    monkeypatch.setattr(residents_import.services, "person_update", update_that_fails_the_second_time)

    with pytest.raises(residents_import.ResidentsImportRejected) as caught:
        residents_import.residents_import_apply(upload_or_file=path, community=cast.community, user=None)

    assert "矩阵测试：拒绝" in " ".join(caught.value.messages)
    assert not Person.objects.filter(kind=Person.Kind.FLOATING).exists()
    assert not Person.objects.filter(national_id=newcomer).exists()
    assert not AuditEvent.objects.filter(action__in=["update", "import"]).exists()


def test_it_still_refuses_an_id_number_of_another_community(cast):
    data = residents_import.people_export(Person.objects.filter(pk=cast.outsider.pk), unmasked=True)
    workbook = load_workbook(io.BytesIO(data))
    dwelling = cast.person_a.dwelling
    workbook.worksheets[0].cell(2, 7, cast.estate.name)
    workbook.worksheets[0].cell(2, 8, dwelling.building.name)
    workbook.worksheets[0].cell(2, 9, dwelling.room)
    buffer = io.BytesIO()
    workbook.save(buffer)

    check = residents_import.residents_check_file(buffer, community=cast.community)

    assert [(e.row, e.field_label) for e in check.errors] == [(2, "身份证号")]
    with translation.override("zh-hans"):
        assert check.errors[0].message == gettext(
            "This person is already in the registry of another community of the subdistrict.")


def test_it_lists_a_long_preview_a_hundred_rows_a_page(client, cast):
    client.force_login(cast.users["carol"])
    workbook = load_workbook(io.BytesIO(export_in_full(client, cast)))
    sheet = workbook.worksheets[0]
    dwelling = cast.person_a.dwelling
    for i in range(130):
        sheet.append(["新居民" + "甲乙丙丁戊己庚辛壬癸"[i % 10], None, None, make_national_id(), None, "租户",
                      cast.estate.name, dwelling.building.name, dwelling.room])
    buffer = io.BytesIO()
    workbook.save(buffer)

    upload_row, first = upload(client, buffer.getvalue())
    second = client.get(reverse("registry:residents_import_preview", args=[upload_row.pk]), {"added": 2})

    def added_rows(page: str) -> int:
        table = re.search(r'<table class="register-added">(.*?)</table>', page, re.S).group(1)
        return table.count("<tr>") - 1  # less the header row

    assert upload_row.plan["counts"]["added"] == 130
    assert added_rows(first) == 100 and added_rows(second.content.decode()) == 30
    assert "?added=2#added" in first
