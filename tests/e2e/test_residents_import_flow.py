"""A community admin imports a register on the office PC: check, fix, import."""

import io

import openpyxl
import pytest

from fangxian.registry import residents_import
from fangxian.registry.models import Person
from tests.e2e.conftest import log_in, shot
from tests.factories import make_national_id

pytestmark = pytest.mark.browser


@pytest.fixture
def cast(transactional_db, two_grids):
    return two_grids


def register_file(tmp_path, cast, *, phone: str) -> tuple[str, int]:
    """The downloaded template, filled in with one person."""
    workbook = openpyxl.load_workbook(io.BytesIO(residents_import.residents_import_template()))
    sheet = workbook.worksheets[0]
    header_row = next(cell.row for row in sheet.iter_rows(max_row=10) for cell in row
                      if isinstance(cell.value, str) and cell.value.strip(" *") == "姓名")
    headers = {cell.value.strip(" *"): cell.column for cell in sheet[header_row] if isinstance(cell.value, str)}
    dwelling = cast.person_a.dwelling
    values = {"姓名": "新居民", "身份证号": make_national_id(), "手机号": phone, "人员类型": "租户",
              "小区": cast.estate.name, "楼栋": dwelling.building.name, "房号": dwelling.room}
    sheet.delete_rows(header_row + 1, sheet.max_row)  # the made-up example row
    for header, value in values.items():
        sheet.cell(header_row + 1, headers[header], value)
    path = tmp_path / f"register-{phone}.xlsx"
    workbook.save(path)
    return str(path), header_row + 1


def test_it_checks_fixes_and_imports_a_register(live_server, cast, desktop, tmp_path):
    log_in(desktop, live_server, "carol", "pw-carol")
    desktop.goto(f"{live_server.url}/registry/import/")
    path, row = register_file(tmp_path, cast, phone="1391234")
    desktop.set_input_files("input[type=file]", path)
    desktop.get_by_role("button", name="上传并检查").click()
    error_rows = desktop.locator("table tbody tr")
    error_rows.first.wait_for()
    shot(desktop, "desktop-register-errors")
    assert error_rows.count() == 1
    cells = error_rows.first.locator("td").all_inner_texts()
    assert cells[:2] == [str(row), "手机号"]
    assert desktop.get_by_role("button", name="导入 1 人").count() == 0
    assert not Person.objects.filter(name="新居民").exists()

    desktop.goto(f"{live_server.url}/registry/import/")
    desktop.set_input_files("input[type=file]", register_file(tmp_path, cast, phone="139 1234 0000")[0])
    desktop.get_by_role("button", name="上传并检查").click()
    desktop.once("dialog", lambda dialog: dialog.accept())
    desktop.get_by_role("button", name="导入 1 人").click()
    desktop.wait_for_selector(".messages .success")
    shot(desktop, "desktop-register-imported")
    assert Person.objects.get(name="新居民").phone == "13912340000"


def test_it_updates_the_register_from_an_exported_file(live_server, cast, desktop, tmp_path, settings):
    """Export in full with a reason, change a mobile in Excel, import: the preview shows the one
    change, masked; importing applies it."""
    settings.MEDIA_ROOT = tmp_path / "media"
    person = cast.person_a
    log_in(desktop, live_server, "carol", "pw-carol")
    desktop.goto(f"{live_server.url}/registry/people/")
    desktop.locator("a[href*='/register-full/']").click()
    desktop.fill("textarea[name=reason], input[name=reason]", "更新花名册")
    with desktop.expect_download() as download:
        desktop.locator("form.card button.btn").first.click()
    exported = tmp_path / "exported.xlsx"
    download.value.save_as(exported)

    workbook = openpyxl.load_workbook(exported)
    sheet = workbook.worksheets[0]
    row = next(r for r in range(2, sheet.max_row + 1) if sheet.cell(r, 4).value == person.national_id)
    sheet.cell(row, 5, "13600006666")
    workbook.save(exported)

    desktop.goto(f"{live_server.url}/registry/import/")
    desktop.set_input_files("input[type=file]", str(exported))
    desktop.get_by_role("button", name="上传并检查").click()
    changes = desktop.locator("table.register-changes tr.change")
    changes.first.wait_for()
    shot(desktop, "desktop-register-update-preview")
    assert changes.count() == 1
    assert changes.first.locator("td").all_inner_texts()[-3:] == ["手机号", person.phone_masked, "136****6666"]
    desktop.once("dialog", lambda dialog: dialog.accept())
    desktop.locator("form[action$='/commit/'] button").click()
    desktop.wait_for_selector(".messages .success")
    person.refresh_from_db()
    assert person.phone == "13600006666"
