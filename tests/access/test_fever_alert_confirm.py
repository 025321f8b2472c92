"""Closing a fever alert asks first, as revoking a pass does: a closed alert cannot be reopened."""

from __future__ import annotations

import re

from django.urls import reverse

from tests.access.conftest import equip_gate


def _form_tag(html: str, action: str) -> str:
    [tag] = re.findall(rf'<form\b[^>]*action="{re.escape(action)}"[^>]*>', html, re.S)
    return tag


def test_the_close_form_asks_before_closing(client, gate):
    equip_gate(gate)
    client.force_login(gate.users["carol"])
    html = client.get(reverse("access:fever_alert_list"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    close = _form_tag(html, reverse("access:fever_alert_close", args=[gate.alert.pk]))
    assert re.search(r'data-confirm="[^"]+"', close), close
    # The same pattern as the revoke button on the pass page.
    revoke_page = client.get(reverse("access:pass_detail", args=[gate.pass_a.pk])).content.decode()
    assert 'data-confirm="' in _form_tag(revoke_page, reverse("access:pass_revoke", args=[gate.pass_a.pk]))
    # Assigning is not final: it does not ask.
    assign = _form_tag(html, reverse("access:fever_alert_assign", args=[gate.alert.pk]))
    assert "confirm" not in assign
