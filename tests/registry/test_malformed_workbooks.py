"""A broken or hostile workbook gets one clear message, on the page and on the command line:
never a 500, never a traceback, nothing written.

Each bad file is made here from a good register with zipfile: a sheet cut in half (a broken
download), an external entity (XXE), nested entities (billion laughs), a declaration hidden
past the first look, a zip of something else, a zip cut short or corrupt, no zip at all, an
old .xls, an empty file.
"""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from openpyxl import Workbook

from fangxian.core import workbook as core_workbook
from fangxian.registry.models import Person, ResidentsImport
from tests.factories import DwellingFactory, make_national_id

SHEET = "xl/worksheets/sheet1.xml"
XXE = (b'<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE worksheet [<!ENTITY secret SYSTEM "file:///etc/passwd">]>\n'
       b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
       b'<row r="1"><c r="A1" t="inlineStr"><is><t>&secret;</t></is></c></row></sheetData></worksheet>')
LAUGHS = (b'<?xml version="1.0"?>\n<!DOCTYPE worksheet [<!ENTITY a "hahahahahahahahahaha">'
          + b"".join(b'<!ENTITY %s "%s">' % (chr(98 + i).encode(), (b"&%s;" % chr(97 + i).encode()) * 10)
                     for i in range(9))
          + b']>\n<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&j;</t></is></c></row></sheetData></worksheet>')


@pytest.fixture
def cast(two_grids, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    two_grids.room = DwellingFactory(building=two_grids.building_a, room="808")
    return two_grids


def good_register(cast, rows: int = 300) -> bytes:
    """A register of `rows` new people, all correct: what each bad file is made from."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["姓名", "身份证号", "人员类型", "小区", "楼栋", "房号"])
    for i in range(rows):
        name = "居民" + "甲乙丙丁戊己庚辛壬癸"[i % 10]
        sheet.append([name, make_national_id(), "常住", cast.estate.name, cast.building_a.name, "808"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def rewritten(data: bytes, replace: dict[str, bytes | None], add: dict[str, bytes] | None = None) -> bytes:
    """The zip with some members replaced (None: left out) and others added."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = replace.get(item.filename, source.read(item.filename))
            if content is not None:
                target.writestr(item.filename, content)
        for name, content in (add or {}).items():
            target.writestr(name, content)
    return out.getvalue()


def truncated_sheet(cast) -> bytes:
    data = good_register(cast)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheet = archive.read(SHEET)
    return rewritten(data, {SHEET: sheet[: len(sheet) // 2]})


def external_entity(cast) -> bytes:
    return rewritten(good_register(cast), {SHEET: XXE})


def entity_expansion(cast) -> bytes:
    return rewritten(good_register(cast), {SHEET: LAUGHS})


def hidden_declaration(cast) -> bytes:
    """A DOCTYPE after 8 KB of comment: past the first look, for defusedxml to refuse."""
    padded = LAUGHS.replace(b"<!DOCTYPE", b"<!--" + b" " * 8192 + b"-->\n<!DOCTYPE", 1)
    return rewritten(good_register(cast), {SHEET: padded})


def zip_of_something_else(cast) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("花名册.csv", "姓名,身份证号\n")
    return out.getvalue()


def zip_cut_short(cast) -> bytes:
    data = good_register(cast)
    return data[: len(data) // 2]


def corrupt_zip(cast) -> bytes:
    """The sheet's entry in the zip overwritten: its header no longer says what it holds."""
    data = bytearray(good_register(cast))
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        offset = archive.getinfo(SHEET).header_offset
    data[offset : offset + 30] = b"\x00" * 30
    return bytes(data)


def not_a_zip(cast) -> bytes:
    return "姓名,身份证号\n张三,110101199003070016\n".encode()


def old_xls(cast) -> bytes:
    return core_workbook.OLE_MAGIC + b"\x00" * 1024


def empty(cast) -> bytes:
    return b""


def message(text: str) -> str:
    with translation.override("zh-hans"):
        return str(text)


DAMAGED_SHEET = ("The sheet “%(sheet)s” is damaged and cannot be read to the end (it may be cut off, as after a "
                 "broken download). Open the file in Excel or WPS, save it again and upload that copy.")
DECLARATIONS = ("The workbook contains XML declarations (DOCTYPE or ENTITY) that Excel never writes, so it was "
                "refused for safety. Open it in Excel or WPS, save it again as .xlsx and upload that copy.")
DAMAGED_ZIP = ("The file is damaged: the workbook inside it is incomplete or corrupt, as after a broken "
               "download. Download or save it again, then upload the new copy.")
NOT_WORKBOOK_ZIP = ("This file is a zip archive but not an Excel workbook: there is no workbook inside it. Save the "
                    "register in Excel or WPS as “Excel Workbook (*.xlsx)”, then upload it again.")
NOT_WORKBOOK = ("This file is not an Excel workbook (.xlsx). Open it in Excel or WPS and save it as "
                "“Excel Workbook (*.xlsx)”, then upload it again.")
OLD_XLS = ("This is an old Excel file (.xls) or a workbook protected by a password. Open it in Excel or WPS, "
           "remove any password and save it as “Excel Workbook (*.xlsx)”, then upload it again.")
EMPTY = "The file is empty (0 bytes). Choose the register file again and upload it."

KINDS = {
    "truncated sheet XML": (truncated_sheet, DAMAGED_SHEET, {"sheet": "Sheet"}),
    "external entity": (external_entity, DECLARATIONS, {}),
    "entity expansion": (entity_expansion, DECLARATIONS, {}),
    "declaration past the first look": (hidden_declaration, DECLARATIONS, {}),
    "zip that is not a workbook": (zip_of_something_else, NOT_WORKBOOK_ZIP, {}),
    "zip cut short": (zip_cut_short, DAMAGED_ZIP, {}),
    "corrupt zip": (corrupt_zip, DAMAGED_ZIP, {}),
    "not a zip": (not_a_zip, NOT_WORKBOOK, {}),
    "old .xls": (old_xls, OLD_XLS, {}),
}


def expected(kind: str) -> str:
    _make, text, params = KINDS[kind]
    with translation.override("zh-hans"):
        return translation.gettext(text) % params if params else translation.gettext(text)


@pytest.mark.parametrize("kind", KINDS)
def test_it_names_the_problem_of_a_bad_workbook_on_the_page(client, cast, kind):
    data = KINDS[kind][0](cast)
    client.force_login(cast.users["carol"])
    before = Person.objects.count()

    response = client.post(reverse("registry:residents_import_upload"),
                           {"file": SimpleUploadedFile("花名册.xlsx", data)}, follow=True)

    assert response.status_code == 200
    page = response.content.decode()
    assert escape(expected(kind)) in page, kind
    upload = ResidentsImport.objects.get()
    assert upload.error_count == 1 and not upload.file
    assert reverse("registry:residents_import_commit", args=[upload.pk]) not in page
    assert Person.objects.count() == before
    assert "/etc/passwd" not in page and "root:" not in page


@pytest.mark.parametrize("kind", KINDS)
def test_it_names_the_problem_of_a_bad_workbook_on_the_command_line(cast, tmp_path, kind):
    path = tmp_path / "bad.xlsx"
    path.write_bytes(KINDS[kind][0](cast))
    before = Person.objects.count()
    for extra in ((), ("--commit",)):
        out = io.StringIO()
        with pytest.raises(CommandError) as caught, translation.override("zh-hans"):
            call_command("import", "residents", str(path), "--community", cast.community.code, *extra,
                         stdout=out, stderr=io.StringIO())
        assert caught.value.returncode == 1
        assert out.getvalue().strip() == expected(kind), (kind, extra)
    assert Person.objects.count() == before


def test_it_refuses_an_empty_file_on_the_page_and_the_command_line(client, cast, tmp_path):
    client.force_login(cast.users["carol"])
    response = client.post(reverse("registry:residents_import_upload"), {"file": SimpleUploadedFile("a.xlsx", b"")})
    assert response.status_code == 200 and 'class="errorlist' in response.content.decode()
    assert not ResidentsImport.objects.exists()

    path = tmp_path / "empty.xlsx"
    path.write_bytes(b"")
    out = io.StringIO()
    with pytest.raises(CommandError), translation.override("zh-hans"):
        call_command("import", "residents", str(path), "--community", cast.community.code, stdout=out)
    with translation.override("zh-hans"):
        assert out.getvalue().strip() == translation.gettext(EMPTY)


def test_it_opens_a_good_register_through_the_same_door(cast):
    """The guard refuses nothing that Excel writes: the good register these files come from imports."""
    check_rows = list(core_workbook.sheet_rows(core_workbook.open_workbook(io.BytesIO(good_register(cast, 5))).active))
    assert len(check_rows) == 6 and check_rows[0][0] == "姓名"
