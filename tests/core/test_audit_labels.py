"""The audit log names fields and choices in the reader's language: "身份证号", not
`national_id`; "已入住 → 居家隔离", not "occupied → quarantine"."""

from __future__ import annotations

import re

from django.urls import reverse

from fangxian.core.models import AuditEvent


def _cells(html: str) -> list[list[str]]:
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [[re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
            for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)]


def _log(client, two_grids, **events):
    for field, (target_type, detail) in events.items():
        AuditEvent.objects.create(actor=two_grids.users["carol"], action="update", target_type=target_type,
                                  target_id="1", community=two_grids.community, field=field, detail=detail)
    client.force_login(two_grids.users["carol"])
    html = client.get(reverse("audit_log"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    return {row[4]: row[6] for row in _cells(html)}  # field → detail, as shown


def test_it_names_the_personal_fields_in_chinese(client, two_grids):
    client.force_login(two_grids.users["bob"])
    for field in ("national_id", "phone"):
        client.post(reverse("registry:person_reveal", args=[two_grids.person_b.pk]),
                    {"field": field, "reason": "核对身份"})
    client.force_login(two_grids.users["carol"])
    html = client.get(reverse("audit_log"), {"action": "reveal"}, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    fields = [row[4] for row in _cells(html)]
    assert sorted(fields) == sorted(["身份证号", "手机号"])
    assert "national_id" not in html and ">phone<" not in html


def test_it_shows_a_change_of_choice_by_its_labels(client, two_grids):
    shown = _log(client, two_grids, status=("registry.Dwelling", "occupied → quarantine"),
                 outcome=("access.FeverAlert", "fever_clinic"))
    assert shown == {"状态": "已入住 → 居家隔离", "处置结果": "转送发热门诊"}


def test_it_keeps_what_is_not_a_choice_as_written(client, two_grids):
    shown = _log(client, two_grids, revoked_at=("access.Pass", "2026-03-01 → 2026-03-02"),
                 members=("gone.Model", "3 → 4"))
    assert shown == {"作废时间": "2026-03-01 → 2026-03-02", "members": "3 → 4"}
