"""The register (花名册): template, messy import with preview, atomic commit, CLI, export."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook, load_workbook

from fangxian.core.models import AuditEvent
from fangxian.core.validators import id_check_char
from fangxian.registry import residents_import
from fangxian.registry.models import Person, ResidentsImport
from tests.factories import BuildingFactory, DwellingFactory, EstateFactory, make_national_id

FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


def bad_check_digit(national_id: str) -> str:
    wrong = "0" if national_id[17] != "0" else "1"
    return national_id[:17] + wrong


def id_with_x() -> str:
    """A valid ID number whose check character is X."""
    for order in range(1000):
        first17 = f"44030719900101{order:03d}"
        if id_check_char(first17) == "X":
            return first17 + "X"
    raise AssertionError


@pytest.fixture
def place(two_grids, settings, tmp_path):
    """A community of two_grids with an estate 阳光花园, building 1栋, rooms 101, 102, 201."""
    settings.MEDIA_ROOT = tmp_path / "media"
    estate = EstateFactory(community=two_grids.community, name="阳光花园")
    building = BuildingFactory(estate=estate, grid=two_grids.grid_a, name="1栋")
    for room in ("101", "102", "201"):
        DwellingFactory(building=building, room=room)
    two_grids.sunny = estate
    two_grids.building = building
    return two_grids


# The messy header: a title row, a merged 基本信息 over 姓名...手机号, 序号 and 人员类型 merged
# down over two rows, 住址 merged over 小区, 楼栋, 房号.
TOP = ["序号", "基本信息", None, None, None, None, "人员类型", "住址", None, None, "党员", "孤寡老人", "无智能手机"]
SUB = [None, "姓 名", "性别", "出生日期", "身份证号码", "联系电话", None, "小区", "楼栋", "房号", None, None, None]


def messy_workbook(rows: list[list]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["东山社区居民花名册（2020年2月）"])
    sheet.merge_cells("A1:M1")
    sheet.append(TOP)
    sheet.append(SUB)
    sheet.merge_cells("B2:F2")
    sheet.merge_cells("H2:J2")
    for column in "AGKLM":
        sheet.merge_cells(f"{column}2:{column}3")
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def person_row(number, name, national_id, *, phone="13912345678", kind="常住", estate="阳光花园",
               building="1栋", room="101", sex=None, birth=None, party="否", elderly="", no_phone="否"):
    return [number, name, sex, birth, national_id, phone, kind, estate, building, room, party, elderly, no_phone]


def messy_register(cast) -> tuple[bytes, set[tuple[int, str]], dict]:
    """A register with one problem per row (two on one), and the (row, column) errors expected."""
    good_id = make_national_id(dt.date(1985, 3, 9), sex="F")
    x_id = id_with_x()
    clean = make_national_id(dt.date(1970, 1, 2))
    rows = [
        # row 4: fine — full-width digits and spaces, lowercase x, +86 and dashes, full-width building
        person_row(1, "王芳", "　" + good_id.translate(FULL_WIDTH)[:9] + " " + good_id.translate(FULL_WIDTH)[9:] + "　",
                   phone="+86 139-1234-5678", kind="租户", building="１栋", room=101, party="是"),
        # row 5: fine — lowercase x, sex and birth date given and right
        person_row(2, "阿依古丽·买买提", x_id.lower(), phone=None, sex="男" if int(x_id[16]) % 2 else "女",
                   birth=dt.datetime(1990, 1, 1), room="102", elderly="是"),
        [None] * 13,  # row 6: blank
        person_row(3, "赵一", float(clean[:17] + "0")),  # row 7: numeric ID cell (Excel keeps 15 digits)
        person_row(4, "赵二", "4.40307E+17"),  # row 8: ID as scientific text
        person_row(5, "赵三", bad_check_digit(make_national_id())),  # row 9: bad check digit
        person_row(6, "赵四", make_national_id(), phone="1391234567"),  # row 10: bad phone
        person_row(7, "赵五", make_national_id(), room="999"),  # row 11: unknown room
        person_row(8, "赵六", good_id),  # row 12: duplicate of row 4
        person_row(9, "赵七", cast.person_a.national_id),  # row 13: already in this register: an update, no error
        person_row(10, None, make_national_id()),  # row 14: missing name
        ["  ", None, " ", None, None, None, None, None, None, None, None, None, None],  # row 15: blank
        person_row(11, "赵八", make_national_id(dt.date(1980, 5, 17)), birth="1981-05-17"),  # row 16
        person_row(12, "赵九", make_national_id(), estate="月亮花园"),  # row 17: unknown estate
        person_row(13, "赵十", make_national_id(), phone="12345", kind="外来"),  # row 18: two problems
        person_row(14, "钱一", cast.outsider.national_id),  # row 19: registered in another community
        person_row(15, "钱二", make_national_id(), building="9栋"),  # row 20: unknown building
        person_row(16, "钱三", make_national_id(), party="也许"),  # row 21: not 是/否
    ]
    expected = {
        (7, "身份证号"), (8, "身份证号"), (9, "身份证号"), (10, "手机号"), (11, "房号"), (12, "身份证号"),
        (14, "姓名"), (16, "出生日期"), (17, "小区"), (18, "手机号"), (18, "人员类型"),
        (19, "身份证号"), (20, "楼栋"), (21, "党员"),
    }
    return messy_workbook(rows), expected, {"good_id": good_id, "x_id": x_id}


def clean_register() -> tuple[bytes, dict]:
    good_id = make_national_id(dt.date(1985, 3, 9), sex="F")
    x_id = id_with_x()
    rows = [
        person_row(1, "王芳", "　" + good_id.translate(FULL_WIDTH) + "　", phone="+86 139-1234-5678",
                   kind="租户", building="１栋", room=101, party="是"),
        [None] * 13,
        person_row(2, "阿依古丽•买买提", x_id.lower(), phone="１３８ ００１３ ８０００", birth="1990/1/1",
                   room=" 102 ", elderly="是", no_phone="是"),
    ]
    return messy_workbook(rows), {"good_id": good_id, "x_id": x_id}


def check_bytes(data: bytes, community) -> residents_import.ResidentsCheck:
    return residents_import.residents_check(residents_import.residents_read(io.BytesIO(data)), community=community)


# -- the library ------------------------------------------------------------------------


def test_it_reports_every_bad_row_and_field_of_a_messy_register(place):
    data, expected, _ids = messy_register(place)
    before = Person.objects.count()
    with translation.override("en"):  # the messages are read in English here
        check = check_bytes(data, place.community)

    assert {(e.row, e.field_label) for e in check.errors} == expected
    assert check.row_count == 16  # rows 4 to 21 less the two blank lines
    by_place = {(e.row, e.field_label): e.message for e in check.errors}
    assert "stored by Excel as a number" in by_place[(7, "身份证号")]
    assert "stored by Excel as a number" in by_place[(8, "身份证号")]
    assert "rows 4 and 12" in by_place[(12, "身份证号")]
    assert "another community" in by_place[(19, "身份证号")]
    assert Person.objects.count() == before


def test_it_refuses_to_commit_a_register_with_any_bad_row(place, tmp_path):
    data, _expected, _ids = messy_register(place)
    path = tmp_path / "messy.xlsx"
    path.write_bytes(data)
    before = Person.objects.count()

    with pytest.raises(residents_import.ResidentsImportRejected) as caught:
        residents_import.residents_import_commit(upload_or_file=path, community=place.community,
                                                 user=place.users["carol"])

    assert len(caught.value.check.errors) == 14
    assert Person.objects.count() == before
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.IMPORT).exists()


def test_it_imports_a_clean_register_with_normalised_values(place, tmp_path):
    data, ids = clean_register()
    path = tmp_path / "clean.xlsx"
    path.write_bytes(data)

    count = residents_import.residents_import_commit(upload_or_file=path, community=place.community,
                                                     user=place.users["carol"])

    assert count == 2
    wang = Person.objects.get(national_id=ids["good_id"])
    assert (wang.name, wang.phone, wang.kind, wang.sex, wang.birth_date) == (
        "王芳", "13912345678", Person.Kind.TENANT, "F", dt.date(1985, 3, 9))
    assert wang.dwelling.room == "101" and wang.dwelling.building == place.building
    assert wang.is_party_member and not wang.is_elderly_alone and not wang.no_smartphone
    assert (wang.community, wang.subdistrict) == (place.community, place.community.subdistrict)
    ayi = Person.objects.get(national_id=ids["x_id"])
    assert ayi.name == "阿依古丽·买买提"
    assert ayi.national_id.endswith("X")
    assert ayi.phone == "13800138000"
    assert ayi.dwelling.room == "102"
    assert ayi.is_elderly_alone and ayi.no_smartphone
    event = AuditEvent.objects.get(action=AuditEvent.Action.IMPORT)
    assert event.community == place.community and "2" in event.detail


def test_it_imports_nothing_twice(place, tmp_path):
    """The same file again: the same two people, unchanged; nothing is written the second time."""
    data, _ids = clean_register()
    path = tmp_path / "clean.xlsx"
    path.write_bytes(data)
    residents_import.residents_import_commit(upload_or_file=path, community=place.community, user=None)
    before, events = Person.objects.count(), AuditEvent.objects.count()

    applied = residents_import.residents_import_apply(upload_or_file=path, community=place.community, user=None)

    assert applied == (0, 0)
    assert (Person.objects.count(), AuditEvent.objects.count()) == (before, events)


def test_it_checks_the_register_in_a_constant_number_of_queries(place, django_assert_max_num_queries):
    rows = [person_row(i, "孙" + "一二三四五六七八九十"[i % 10], make_national_id(), room="201") for i in range(60)]
    data = messy_workbook(rows)
    # The community's dwellings, estates, buildings and people, then one query per 900 new ID numbers.
    with django_assert_max_num_queries(5):
        check = check_bytes(data, place.community)
    assert check.row_count == 60 and not check.errors and len(check.people) == 60


def test_it_says_which_required_column_is_missing(place):
    workbook = Workbook()
    workbook.active.append(["姓名", "身份证号", "小区", "楼栋"])
    workbook.active.append(["王芳", make_national_id(), "阳光花园", "1栋"])
    buffer = io.BytesIO()
    workbook.save(buffer)

    check = check_bytes(buffer.getvalue(), place.community)

    assert {(e.row, e.field_label) for e in check.errors} == {(1, "人员类型"), (1, "房号")}
    assert not check.people


def test_it_says_a_file_that_is_not_a_workbook_is_not_one(place):
    check = residents_import.residents_check(residents_import.residents_read(io.BytesIO(b"name,id\n")),
                                             community=place.community)
    assert len(check.errors) == 1 and check.errors[0].row == 0 and ".xlsx" in check.errors[0].message


def test_it_reads_the_template_with_zero_rows_and_no_header_errors(place):
    data = residents_import.residents_import_template()

    rows = list(residents_import.residents_read(io.BytesIO(data)))

    assert rows == []  # the example row is marked 【示例】 and skipped
    workbook = load_workbook(io.BytesIO(data))
    sheet = workbook["花名册"]
    headers = [c.value for c in sheet[2]]
    assert headers[0] == "姓名*" and "身份证号*" in headers and "无智能手机" in headers
    assert sheet["A3"].value.startswith(residents_import.EXAMPLE_MARK)
    id_letter = "D"
    assert sheet.column_dimensions[id_letter].number_format == "@"
    assert sheet[f"{id_letter}3"].number_format == "@"
    assert len(sheet.data_validations.dataValidation) == 3
    assert "填写说明" in workbook.sheetnames


def test_it_imports_a_filled_in_template(place):
    workbook = load_workbook(io.BytesIO(residents_import.residents_import_template()))
    sheet = workbook["花名册"]
    national_id = make_national_id()
    values = {"name": "周杰", "national_id": national_id, "kind": "户籍", "estate": "阳光花园",
              "building": "1栋", "room": "201", "is_party_member": "是"}
    for index, column in enumerate(residents_import.REGISTER_COLUMNS, start=1):
        sheet.cell(row=4, column=index, value=values.get(column.key))
    buffer = io.BytesIO()
    workbook.save(buffer)

    check = check_bytes(buffer.getvalue(), place.community)

    assert not check.errors
    assert [(p.name, p.national_id, p.kind, p.is_party_member) for p in check.people] == [
        ("周杰", national_id, Person.Kind.REGISTERED, True)]


# -- the export ------------------------------------------------------------------------


def test_it_exports_one_masked_row_per_person(place, django_assert_max_num_queries):
    people = Person.objects.filter(community=place.community)
    with django_assert_max_num_queries(2):
        data = residents_import.people_export(people)

    sheet = load_workbook(io.BytesIO(data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("姓名", "性别", "出生日期", "身份证号")
    assert len(rows) - 1 == people.count() == 2
    text = " ".join(str(v) for row in rows for v in row)
    for person in people:
        assert person.national_id not in text and person.phone not in text
        assert person.national_id_masked in text and person.phone_masked in text
    assert not re.search(r"\d{17}[\dXx]", text) and not re.search(r"1\d{10}", text)


def test_it_exports_from_the_command_line(place, tmp_path):
    path = tmp_path / "out.xlsx"
    call_command("export", "residents", "--community", place.community.code, "-o", str(path), stdout=io.StringIO())
    rows = list(load_workbook(path).active.iter_rows(values_only=True))
    assert len(rows) == 3
    assert place.person_a.national_id_masked in {r[3] for r in rows}


# -- the command line and the page give the same errors ---------------------------------


def run_import(path, code, *extra) -> tuple[str, Exception | None]:
    out = io.StringIO()
    try:
        call_command("import", "residents", str(path), "--community", code, *extra, stdout=out, stderr=io.StringIO())
    except CommandError as exc:
        return out.getvalue(), exc
    return out.getvalue(), None


def test_it_gives_the_same_errors_on_the_command_line_and_the_page(place, client, tmp_path):
    data, expected, _ids = messy_register(place)
    path = tmp_path / "messy.xlsx"
    path.write_bytes(data)
    before = Person.objects.count()

    output, failure = run_import(path, place.community.code, "--commit")

    assert failure is not None and failure.returncode == 1
    client.force_login(place.users["carol"])
    with path.open("rb") as handle:
        response = client.post(reverse("registry:residents_import_upload"), {"file": handle})
    upload = ResidentsImport.objects.get()
    assert (response.status_code == 302
            and response.url == reverse("registry:residents_import_preview", args=[upload.pk]))
    page = client.get(response.url).content.decode()
    assert {(e["row"], e["field"]) for e in upload.errors} == expected
    cli_lines = output.strip().splitlines()
    assert len(cli_lines) == len(upload.errors) == 14
    for error, line in zip(upload.errors, cli_lines):
        assert str(error["row"]) in line and error["field"] in line and error["message"] in line
        assert f'<td class="num">{error["row"]}</td>' in page
        assert error["message"].replace("“", "&ldquo;") in page or _escaped(error["message"]) in page
    assert ("residents_import_commit" not in page
            and reverse("registry:residents_import_commit", args=[upload.pk]) not in page)
    assert not upload.file  # a file with errors is never kept
    assert client.post(reverse("registry:residents_import_commit", args=[upload.pk])).status_code == 302
    assert Person.objects.count() == before


def _escaped(text: str) -> str:
    from django.utils.html import escape

    return escape(text)


def test_it_checks_without_writing_and_commits_with_commit_on_the_command_line(place, tmp_path):
    data, ids = clean_register()
    path = tmp_path / "clean.xlsx"
    path.write_bytes(data)
    before = Person.objects.count()

    output, failure = run_import(path, place.community.code)
    assert failure is None and "2" in output
    assert Person.objects.count() == before

    output, failure = run_import(path, place.community.code, "--commit")
    assert failure is None
    assert Person.objects.count() == before + 2
    assert Person.objects.filter(national_id=ids["x_id"]).exists()


def test_it_uploads_previews_and_commits_a_clean_register_on_the_page(place, client):
    data, ids = clean_register()
    client.force_login(place.users["carol"])
    before = Person.objects.count()

    response = client.post(reverse("registry:residents_import_upload"),
                           {"file": _named(data, "东山花名册.xlsx")})
    upload = ResidentsImport.objects.get()
    preview = client.get(response.url).content.decode()

    assert (upload.status, upload.row_count, upload.error_count, upload.original_name) == (
        "checked", 2, 0, "东山花名册.xlsx")
    assert upload.file and "data-confirm=" in preview
    assert reverse("registry:residents_import_commit", args=[upload.pk]) in preview
    assert Person.objects.count() == before
    stored = upload.file.path

    response = client.post(reverse("registry:residents_import_commit", args=[upload.pk]), follow=True)

    upload.refresh_from_db()
    assert upload.status == "committed" and upload.committed_at is not None
    assert not upload.file
    import os
    assert not os.path.exists(stored)
    assert Person.objects.count() == before + 2
    assert "2" in response.content.decode()
    # A second click imports nothing more.
    client.post(reverse("registry:residents_import_commit", args=[upload.pk]))
    assert Person.objects.count() == before + 2


def test_it_lists_recent_uploads_and_links_the_template(place, client):
    client.force_login(place.users["carol"])
    client.post(reverse("registry:residents_import_upload"), {"file": _named(clean_register()[0], "a.xlsx")})
    page = client.get(reverse("registry:residents_import_upload")).content.decode()
    assert reverse("registry:residents_import_template") in page and "a.xlsx" in page
    response = client.get(reverse("registry:residents_import_template"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert list(residents_import.residents_read(io.BytesIO(response.content))) == []


def test_it_paginates_errors_at_a_hundred_a_page(place, client):
    rows = [person_row(i, "吴" + "一二三四五"[i % 5], "123") for i in range(130)]
    client.force_login(place.users["carol"])
    response = client.post(reverse("registry:residents_import_upload"),
                           {"file": _named(messy_workbook(rows), "bad.xlsx")})
    first = client.get(response.url).content.decode()
    second = client.get(response.url + "?page=2").content.decode()
    assert first.count('<td class="num">') == 100
    assert second.count('<td class="num">') == 30


def test_it_keeps_uploads_inside_the_admins_community(place, client):
    client.force_login(place.users["carol"])
    response = client.post(reverse("registry:residents_import_upload"), {"file": _named(clean_register()[0], "a.xlsx")})
    upload = ResidentsImport.objects.get()
    assert upload.community == place.community
    client.force_login(place.users["olga"])  # admin of the other community
    assert client.get(response.url).status_code == 404
    assert client.post(reverse("registry:residents_import_commit", args=[upload.pk])).status_code == 404
    assert "a.xlsx" not in client.get(reverse("registry:residents_import_upload")).content.decode()


@pytest.mark.parametrize("name", ["alice", "bob", "dave", "erin", "frank"])
def test_it_refuses_the_register_pages_to_anyone_but_admins(place, client, name):
    upload = ResidentsImport.objects.create(community=place.community, original_name="x.xlsx")
    client.force_login(place.users[name])
    for url in (reverse("registry:residents_import_upload"), reverse("registry:residents_import_template"),
                reverse("registry:residents_import_preview", args=[upload.pk])):
        assert client.get(url).status_code == 403, url
    response = client.post(reverse("registry:residents_import_upload"), {"file": _named(clean_register()[0], "a.xlsx")})
    assert response.status_code == 403
    assert client.post(reverse("registry:residents_import_commit", args=[upload.pk])).status_code == 403


def test_it_lets_a_superuser_choose_the_community(place, client):
    client.force_login(place.users["root"])
    page = client.get(reverse("registry:residents_import_upload")).content.decode()
    assert "<select" in page and place.other.name in page
    response = client.post(reverse("registry:residents_import_upload"),
                           {"community": place.community.pk, "file": _named(clean_register()[0], "a.xlsx")})
    assert response.status_code == 302
    assert ResidentsImport.objects.get().community == place.community


def test_it_discards_an_upload_and_deletes_its_file(place, client):
    client.force_login(place.users["carol"])
    response = client.post(reverse("registry:residents_import_upload"), {"file": _named(clean_register()[0], "a.xlsx")})
    upload = ResidentsImport.objects.get()
    client.post(response.url, {"discard": "1"})
    upload.refresh_from_db()
    assert upload.status == "discarded" and not upload.file


def _named(data: bytes, name: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def test_it_writes_nothing_when_the_insert_fails_half_way(place, tmp_path, monkeypatch):
    """A person registered between the check and the insert: the whole import rolls back."""
    data, ids = clean_register()
    path = tmp_path / "clean.xlsx"
    path.write_bytes(data)
    real_check = residents_import.residents_check

    def check_that_misses_the_registry(rows, *, community):
        result = real_check(rows, community=community)
        result.people[-1].national_id = place.person_a.national_id  # as if registered meanwhile
        return result

    monkeypatch.setattr(residents_import, "residents_check", check_that_misses_the_registry)
    before = Person.objects.count()

    with pytest.raises(residents_import.ResidentsImportRejected):
        residents_import.residents_import_commit(upload_or_file=path, community=place.community, user=None)

    assert Person.objects.count() == before
    assert not Person.objects.filter(national_id=ids["good_id"]).exists()
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.IMPORT).exists()


def test_it_finds_headers_under_group_labels_and_never_swallows_a_data_row(place):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["居民花名册"])
    # 姓名 and 身份证号 merged down over two rows; 住址 and 标签 are group labels.
    sheet.append(["序号", "姓名", "身份证号", "人员类型", "住址", None, None, "备注"])
    sheet.append([None, None, None, None, "小区", "楼栋", "房号", None])
    national_id = make_national_id()
    sheet.append([1, "郑一", national_id, "常住", "阳光花园", "1栋", "101", "党员"])  # 党员 in the remarks
    for column in "ABCD":
        sheet.merge_cells(f"{column}2:{column}3")
    sheet.merge_cells("E2:G2")
    buffer = io.BytesIO()
    workbook.save(buffer)

    rows = list(residents_import.residents_read(io.BytesIO(buffer.getvalue())))

    assert [(number, record["name"], record["room"]) for number, record in rows] == [(4, "郑一", "101")]
    assert "is_party_member" not in rows[0][1]


def test_it_accepts_a_birth_year_and_month_that_agree_with_the_id(place):
    national_id = make_national_id(dt.date(1980, 5, 17))
    rows = [
        (4, {"name": "孙一", "national_id": national_id, "kind": "常住", "estate": "阳光花园", "building": "1栋",
             "room": "101", "birth_date": birth})
        for birth in ("1980.05", "1980年5月", dt.datetime(1980, 5, 1), "1980-05-17", dt.date(1980, 5, 17))
    ]
    for row in rows:
        check = residents_import.residents_check([row], community=place.community)
        assert not check.errors, (row, check.errors)
    check = residents_import.residents_check([(4, {**rows[0][1], "birth_date": "1980.06"})], community=place.community)
    assert [(e.row, e.field_label) for e in check.errors] == [(4, "出生日期")]
