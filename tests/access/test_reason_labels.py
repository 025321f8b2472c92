"""The passage log shows the consoles' reason codes in words, on the page and in its Excel:
"签名无效", never "signature"; and once, not "签名无效 · 签名无效"."""

from __future__ import annotations

import io
import re

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from fangxian.access import services
from fangxian.access.models import Scan
from fangxian.access.reason_labels import CONSOLE_REASONS, console_reason_label, scan_reason_text
from fangxian.core.scope import Scope
from tests.access.conftest import scan_event

# Every code a console sends with a scanned pass (static/access/console.js), and the verdict
# it shows with it.
CONSOLE_CODES = {
    "ok": "green", "unreadable": "red", "signature": "red", "fever": "red", "estate": "red",
    "stale": "amber", "no_bundle": "amber", "unknown_key": "amber", "revoked": "red", "expired": "red",
    "not_yet_valid": "red", "quarantine": "red", "move_in": "green",
}
CJK = re.compile(r"[\u4e00-\u9fff]")


def _scanned_with_every_code(gate):
    text = services.pass_qr_text(gate.pass_a)
    events = [scan_event(gate.checkpoint, text, verdict=verdict, reason=code, seq=n,
                         temperature=38.2 if code == "fever" else None)
              for n, (code, verdict) in enumerate(CONSOLE_CODES.items(), start=1)]
    acks = services.scans_sync(device_id="gate-phone-1", events=events, user=gate.users["erin"],
                               scope=Scope.for_user(gate.users["erin"]))
    assert {a["status"] for a in acks} == {"stored"}, acks


def _raw_codes_in(text: str) -> list[str]:
    codes = set(CONSOLE_CODES) | {"valid", "wrong_estate", "suspended", "refused", "manual"}
    return sorted(code for code in codes if re.search(rf"(?<![A-Za-z_]){code}(?![A-Za-z_])", text))


def _reason_cells(html: str) -> list[str]:
    """The last cell of each row of the passages table, as the reader sees it."""
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)
    return [re.sub(r"<[^>]+>", "", re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)[-1]).strip() for row in rows]


def test_every_console_code_has_a_chinese_label():
    assert set(CONSOLE_CODES) <= set(CONSOLE_REASONS)
    with translation.override("zh-hans"):
        untranslated = {code: console_reason_label(code) for code in CONSOLE_CODES
                        if not CJK.search(console_reason_label(code))}
    assert untranslated == {}


def test_an_unknown_code_is_named_as_another_reason():
    with translation.override("en"):
        assert console_reason_label("from_a_newer_console") == "Other reason (from_a_newer_console)"
        assert console_reason_label("") == ""


def test_a_volunteers_own_words_are_shown_as_written():
    scan = Scan(kind=Scan.Kind.REFUSAL, server_reason="refused", reason="拒绝配合测温")
    with translation.override("zh-hans"):
        assert scan_reason_text(scan).endswith(" · 拒绝配合测温")


def test_the_passages_page_shows_each_console_reason_in_chinese_once(client, gate):
    _scanned_with_every_code(gate)
    client.force_login(gate.users["carol"])
    html = client.get(reverse("access:passage_list"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    cells = _reason_cells(html)
    assert len(cells) == len(CONSOLE_CODES)
    assert _raw_codes_in(" ".join(cells)) == []
    assert all(CJK.search(cell) for cell in cells), cells
    # The server found the pass valid: a console that said so too shows it once.
    assert "通行证有效" in cells
    assert "通行证有效 · 签名无效" in cells
    assert not [cell for cell in cells if " · " in cell and len(set(cell.split(" · "))) == 1]


def test_the_passages_excel_holds_no_raw_reason_code(client, gate):
    _scanned_with_every_code(gate)
    client.force_login(gate.users["carol"])
    response = client.get(reverse("access:passage_export"), HTTP_ACCEPT_LANGUAGE="zh-hans")
    sheet = load_workbook(io.BytesIO(response.content), read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    header = list(rows[0])
    reasons = [row[header.index("原因")] for row in rows[1:]]
    checks = [row[header.index("服务器核验结果")] for row in rows[1:]] if "服务器核验结果" in header else []
    assert len(reasons) == len(CONSOLE_CODES)
    assert _raw_codes_in(" ".join(str(value or "") for value in reasons + checks)) == []
    assert all(CJK.search(str(value)) for value in reasons), reasons


@pytest.mark.parametrize("code", ["signature", "unreadable"])
def test_the_label_is_the_servers_own_when_they_agree(code):
    server = {"signature": "signature", "unreadable": "cbor"}[code]
    scan = Scan(kind=Scan.Kind.SCAN, server_reason=server, reason=code)
    with translation.override("zh-hans"):
        assert " · " not in scan_reason_text(scan)
