"""The admin's export of the register in full (for updating it in Excel): a reason first,
written to the audit log like a reveal; the masked export stays masked for everyone."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from openpyxl import load_workbook

from fangxian.core.models import AuditEvent
from fangxian.registry import residents_import
from fangxian.registry.models import Person

pytestmark = pytest.mark.usefixtures("frozen_clock")


def url(cast):
    return reverse("registry:person_export_full", args=[cast.community.pk])


def test_it_asks_for_a_reason_and_exports_nothing_without_one(client, two_grids):
    client.force_login(two_grids.users["carol"])
    form = client.get(url(two_grids))
    assert form.status_code == 200 and 'name="reason"' in form.content.decode()

    for reason in ("", " ", "x" * 201):
        response = client.post(url(two_grids), {"reason": reason})
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/html")
        assert 'class="errorlist"' in response.content.decode()
    with translation.override("zh-hans"):
        too_long = translation.gettext("%(field)s has at most %(count)s characters.") % {
            "field": translation.gettext("Reason"), "count": 200}
    assert escape(too_long) in response.content.decode()
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.REVEAL).exists()


def test_it_exports_the_whole_register_in_full_in_the_import_columns(client, two_grids):
    carol = two_grids.users["carol"]
    client.force_login(carol)

    response = client.post(url(two_grids), {"reason": "更新花名册"})

    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    rows = list(load_workbook(io.BytesIO(response.content)).worksheets[0].iter_rows(values_only=True))
    assert list(rows[0]) == [c.header for c in residents_import.REGISTER_COLUMNS]
    people = Person.objects.filter(community=two_grids.community)
    assert {(r[3], r[4]) for r in rows[1:]} == {(p.national_id, p.phone) for p in people}
    assert two_grids.outsider.national_id not in {r[3] for r in rows[1:]}
    events = AuditEvent.objects.filter(action=AuditEvent.Action.REVEAL)
    assert sorted((e.actor, e.field, e.reason, e.community_id) for e in events) == [
        (carol, "national_id", "更新花名册", two_grids.community.pk),
        (carol, "phone", "更新花名册", two_grids.community.pk)]
    assert all(p.national_id not in e.detail for e in events for p in people)
    # The file is read back by the import as it is: the same people, unchanged.
    check = residents_import.residents_check_file(io.BytesIO(response.content), community=two_grids.community)
    assert not check.errors and len(check.unchanged) == people.count() and not check.has_work


@pytest.mark.parametrize("name", ["alice", "bob", "dave", "erin", "frank", "olga", "gina"])
def test_it_refuses_the_full_export_to_anyone_who_does_not_run_the_community(client, two_grids, name):
    client.force_login(two_grids.users[name])
    assert client.get(url(two_grids)).status_code in (403, 404)
    assert client.post(url(two_grids), {"reason": "想看看"}).status_code in (403, 404)
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.REVEAL).exists()


def test_it_offers_the_full_export_on_the_person_list_to_admins_only(client, two_grids):
    client.force_login(two_grids.users["carol"])
    assert url(two_grids) in client.get(reverse("registry:person_list")).content.decode()
    client.force_login(two_grids.users["dave"])
    page = client.get(reverse("registry:person_list")).content.decode()
    assert "register-full" not in page


def test_it_keeps_the_ordinary_export_masked(client, two_grids):
    client.force_login(two_grids.users["carol"])
    response = client.get(reverse("registry:person_export"))
    text = " ".join(str(v) for row in load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True)
                    for v in row)
    assert two_grids.person_a.national_id not in text and two_grids.person_a.national_id_masked in text
