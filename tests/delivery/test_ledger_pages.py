"""The ledger's pages as their users meet them: the balances and the line that says they add up,
a correction that needs a reason and happens once, a courier who sees and corrects only his
own, an admin paying a courier back (and what the form refuses), the receipt's photo, the
Excel, and a constant number of queries. The clock stands at 2026-03-02 10:00."""

from __future__ import annotations

import io
import zipfile
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape
from openpyxl import load_workbook

from fangxian.core.scope import Role, Scope
from fangxian.delivery import ledger
from fangxian.delivery.models import LedgerEntry, Task
from fangxian.registry.models import Person
from tests.delivery import matrix_ledger
from tests.factories import BuildingFactory, GridFactory, make_user
from tests.i18n import zh
from tests.roles import ROLES

pytestmark = pytest.mark.usefixtures("frozen_clock")


@pytest.fixture
def cast(two_grids, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    matrix_ledger.equip(two_grids)
    cast = two_grids
    cast.hank = make_user("hank", Role.DELIVERY_VOLUNTEER, cast.community)
    hank_task = Task.objects.create(dwelling=cast.dwelling_a, kind=Task.Kind.SHOPPING, day=cast.shopping_b.day,
                                    due_by=cast.shopping_b.due_by, status=Task.Status.PICKED_UP, courier=cast.hank,
                                    source=Task.Source.WORKER, created_at=cast.shopping_b.created_at)
    cast.hank_purchase = ledger.purchase_record(scope=Scope.for_user(cast.hank), user=cast.hank, task=hank_task,
                                                amount="33.30", note="汉克的小票")
    return cast



def shown(msgid: str) -> str:
    """As the HTML holds it (quotes escaped)."""
    return escape(zh(msgid))


def page_of(client, user, **query) -> str:
    client.force_login(user)
    response = client.get(reverse("delivery:ledger"), query)
    assert response.status_code == 200
    return response.content.decode()


def reverse_url(entry) -> str:
    return reverse("delivery:ledger_reverse", args=[entry.pk])


@pytest.mark.parametrize("role", ROLES)
def test_the_matrix_rows_hold(client, cast, role):
    if role != "anon":
        client.force_login(cast.users[role])
    wrong = []
    for name, (method, pk_of, expected) in matrix_ledger.PAGES.items():
        url = reverse(name, args=[pk_of(cast)] if pk_of else [])
        response = getattr(client, method)(url, matrix_ledger.POST_DATA.get(name, {}))
        outcome = ("deny" if response.status_code in (403, 404, 405) else
                   "login" if response.status_code == 302 and "/login/" in response["Location"] else
                   "ok" if response.status_code < 400 else f"status {response.status_code}")
        if outcome != expected[role]:
            wrong.append(f"{name}: expected {expected[role]}, got {outcome}")
    assert not wrong, "\n".join(wrong)


def test_the_page_shows_the_balances_and_that_they_add_up(client, cast):
    text = page_of(client, cast.users["carol"])
    # Grid B's household: 58.50 bought, 20 paid back; grid A's: 33.30 bought by hank.
    assert "¥38.50" in text and "¥33.30" in text
    assert f"{cast.building_b.name} {cast.household_b.room}" in text
    assert zh("The totals add up: households owe ¥%(total)s, and people are owed ¥%(total)s less what they "
              "hold.") % {"total": "71.80"} in text
    assert "汉克的小票" in text
    assert reverse("delivery:ledger_receipt", args=[cast.purchase_b.pk]) in text
    # No ID number, no phone, no resident's name on the page.
    for person in Person.objects.all():
        assert person.national_id not in text and person.name not in text
        assert not person.phone or person.phone not in text


def test_a_reversal_needs_a_reason_and_happens_once(client, cast):
    client.force_login(cast.users["bob"])
    refused = client.post(reverse_url(cast.repayment_b), {"reason": "  "})
    assert refused.status_code == 400
    assert f"{zh('Reason for the correction')}: {zh('Give a reason for the correction.')}" in refused.content.decode()
    assert not LedgerEntry.objects.filter(kind="reversal").exists()

    confirm = client.get(reverse_url(cast.repayment_b))  # the confirmation step
    assert confirm.status_code == 200 and 'name="reason"' in confirm.content.decode()
    done = client.post(reverse_url(cast.repayment_b), {"reason": "收款记错了"})
    assert done.status_code == 302
    reversal = LedgerEntry.objects.get(kind="reversal")
    assert reversal.reverses_id == cast.repayment_b.pk and reversal.note == "收款记错了"
    text = page_of(client, cast.users["bob"])
    assert zh("reversed by #%(n)s") % {"n": reversal.pk} in text
    assert "¥58.50" in text  # grid B's household owes the whole purchase again

    again = client.post(reverse_url(cast.repayment_b), {"reason": "再来一次"})
    assert again.status_code == 400 and zh("This entry was already reversed.") in again.content.decode()
    of_reversal = client.post(reverse_url(reversal), {"reason": "撤销撤销"})
    assert of_reversal.status_code == 400
    assert zh("A reversal is not reversed: enter the movement again.") in of_reversal.content.decode()
    assert LedgerEntry.objects.filter(kind="reversal").count() == 1


def test_a_courier_sees_and_corrects_only_his_own(client, cast):
    frank = cast.users["frank"]
    text = page_of(client, frank)
    assert "汉克的小票" not in text and "¥33.30" not in text
    assert reverse_url(cast.purchase_b) in text and reverse_url(cast.repayment_b) in text
    assert reverse("delivery:ledger_reimburse", args=[cast.community.pk]) not in text  # not an admin
    for url in (reverse_url(cast.hank_purchase), reverse("delivery:ledger_receipt", args=[cast.hank_purchase.pk])):
        assert client.get(url).status_code == 404
    assert client.post(reverse_url(cast.hank_purchase), {"reason": "不是我的"}).status_code == 404
    carol = cast.users["carol"]
    paid_back = ledger.reimbursement_record(scope=Scope.for_user(carol), user=carol, community_id=cast.community.pk,
                                            courier=frank, amount="10", method="cash")
    assert client.post(reverse_url(paid_back), {"reason": "不是我记的"}).status_code == 403
    assert not LedgerEntry.objects.filter(kind="reversal").exists()
    assert client.post(reverse_url(cast.purchase_b), {"reason": "小票看错了"}).status_code == 302
    assert LedgerEntry.objects.get(kind="reversal").reverses_id == cast.purchase_b.pk


def test_an_officer_reads_but_does_not_correct(client, cast):
    dave = cast.users["dave"]
    text = page_of(client, dave)
    assert "¥33.30" in text and reverse_url(cast.repayment_b) not in text
    assert client.post(reverse_url(cast.repayment_b), {"reason": "我来改"}).status_code == 403


def test_an_admin_pays_a_courier_back(client, cast):
    carol, frank = cast.users["carol"], cast.users["frank"]
    text = page_of(client, carol)
    url = reverse("delivery:ledger_reimburse", args=[cast.community.pk])
    assert url in text
    response = client.post(url, {"courier": frank.pk, "amount": "38.50", "method": "transfer", "note": "微信转账"})
    assert response.status_code == 302
    entry = LedgerEntry.objects.get(kind="reimbursement")
    assert (entry.payer, entry.payee, entry.amount) == (carol, frank, Decimal("38.50"))
    both = ledger.balances(LedgerEntry.objects.filter(community=cast.community))
    assert both.users[frank.pk] == 0 and both.adds_up


@pytest.mark.parametrize(("data", "field", "message"), [
    ({"amount": "很多", "method": "cash"}, "Amount (yuan)", "Enter an amount from 0 to 10,000 yuan."),
    ({"amount": "0", "method": "cash"}, "Amount (yuan)", "Enter the amount paid."),
    ({"amount": "10000.01", "method": "cash"}, "Amount (yuan)", "Enter an amount from 0 to 10,000 yuan."),
    ({"amount": "", "method": "cash"}, "Amount (yuan)", "Enter an amount in yuan."),
    ({"amount": "10", "method": ""}, "Paid in", "Choose cash or transfer."),
    ({"amount": "10", "method": "bitcoin"}, "Paid in", "Choose cash or transfer."),
    ({"amount": "10", "method": "cash", "courier": "alice"}, "Courier", "Choose one of the community's couriers."),
    ({"amount": "10", "method": "cash", "courier": ""}, "Courier", "Choose the courier you paid back."),
])
def test_a_bad_reimbursement_names_the_field_and_records_nothing(client, cast, data, field, message):
    client.force_login(cast.users["carol"])
    courier = data.pop("courier", "frank")
    data["courier"] = cast.users[courier].pk if courier else ""
    response = client.post(reverse("delivery:ledger_reimburse", args=[cast.community.pk]), data)
    assert response.status_code == 400
    assert f"{shown(field)}: {shown(message)}" in response.content.decode()
    assert not LedgerEntry.objects.filter(kind="reimbursement").exists()


def test_only_the_admins_of_the_community_pay_back(client, cast):
    url = reverse("delivery:ledger_reimburse", args=[cast.community.pk])
    data = {"courier": cast.users["frank"].pk, "amount": "10", "method": "cash"}
    for name in ("olga", "dave", "bob", "frank"):
        client.force_login(cast.users[name])
        assert client.post(url, data).status_code == 404, name
    assert not LedgerEntry.objects.filter(kind="reimbursement").exists()


def test_the_receipt_is_served_to_those_who_see_the_entry(client, cast):
    url = reverse("delivery:ledger_receipt", args=[cast.purchase_b.pk])
    for name in ("frank", "bob", "carol"):
        client.force_login(cast.users[name])
        response = client.get(url)
        assert response.status_code == 200 and response["Content-Type"] == "image/png", name
        assert b"".join(response.streaming_content).startswith(b"\x89PNG")
    client.force_login(cast.users["alice"])
    assert client.get(url).status_code == 404
    client.force_login(cast.users["carol"])  # an entry with no receipt
    assert client.get(reverse("delivery:ledger_receipt", args=[cast.hank_purchase.pk])).status_code == 404


def workbook_of(client, user, **query):
    client.force_login(user)
    response = client.get(reverse("delivery:ledger_export"), query)
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxml")
    assert "attachment" in response["Content-Disposition"]
    return response.content, load_workbook(io.BytesIO(response.content), read_only=True)


def test_the_export_holds_the_entries_and_numbers_equal_to_the_balances(client, cast):
    carol = cast.users["carol"]
    content, book = workbook_of(client, carol)
    entries_sheet, balances_sheet = book.worksheets
    rows = list(entries_sheet.iter_rows(values_only=True))
    assert rows[0][7] == zh("Amount (yuan)")
    amounts = {row[0]: row[7] for row in rows[1:]}
    assert amounts == {e.pk: float(e.amount) for e in LedgerEntry.objects.all()}
    assert all(isinstance(value, (int, float)) for value in amounts.values())  # numbers, not text

    both = ledger.balances(LedgerEntry.objects.all())
    sheet = [tuple(row) + (None,) * 5 for row in balances_sheet.iter_rows(values_only=True)]  # short rows padded
    households = {row[0]: row[4] for row in sheet[1:] if row[4] is not None and row[1]}
    assert households == {f"{d.building.estate.name} {d.building.name} {d.room}": float(both.households[d.pk])
                          for d in (cast.household_b, cast.dwelling_a)}
    users = {row[0]: (row[1] or 0) - (row[2] or 0) for row in sheet
             if row[0] in {"frank", "hank", "carol", "bob"}}
    assert users == {"frank": float(both.users[cast.users["frank"].pk]), "hank": float(both.users[cast.hank.pk])}
    assert (zh("The households' balances add up to the users'."),) in [tuple(v for v in row if v) for row in sheet]

    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        text = " ".join(archive.read(name).decode("utf-8", "ignore") for name in archive.namelist())
    for person in Person.objects.all():
        assert person.national_id not in text and person.name not in text
        assert not person.phone or person.phone not in text


def test_the_export_follows_the_filters_and_the_users_view(client, cast):
    _content, book = workbook_of(client, cast.users["carol"], kind="repayment")
    rows = list(book.worksheets[0].iter_rows(values_only=True))[1:]
    assert [row[0] for row in rows] == [cast.repayment_b.pk]
    _content, book = workbook_of(client, cast.users["frank"])
    rows = list(book.worksheets[0].iter_rows(values_only=True))[1:]
    assert {row[0] for row in rows} == {cast.purchase_b.pk, cast.repayment_b.pk}  # not hank's


def test_the_filters_cut_the_page(client, cast):
    carol = cast.users["carol"]
    text = page_of(client, carol, kind="purchase", q=cast.dwelling_a.room)
    assert "汉克的小票" in text and reverse_url(cast.repayment_b) not in text
    empty = page_of(client, carol, **{"from": "2026-03-05"})
    assert zh("No entry matches these filters.") in empty
    assert 'maxlength="100"' in empty


def test_a_courier_with_no_money_sees_an_empty_state(client, cast):
    quiet = make_user("ivy", Role.DELIVERY_VOLUNTEER, cast.community)
    text = page_of(client, quiet)
    assert zh("You have not advanced or received any money yet.") in text
    assert zh("No household owes anything.") in text


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("user", ["frank", "bob", "carol"])
def test_the_ledger_runs_a_constant_number_of_queries(client, cast, user):
    client.force_login(cast.users[user])
    url = reverse("delivery:ledger")

    def grow(n, start):
        for i in range(start, start + n):
            matrix_ledger.grow(cast, BuildingFactory(estate=cast.estate, grid=GridFactory(community=cast.community)), i)

    grow(3, 0)
    few = count_queries(client, url)
    grow(7, 3)
    assert count_queries(client, url) == few
