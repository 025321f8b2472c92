"""The requests pages: erin asks from her phone, the office sees the requests ranked, approves,
issues in two parts, erin says they arrived; refusals are told with a message and change
nothing. The clock stands at 2026-03-02 10:00."""

import datetime as dt
import logging
import re
from html import escape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from fangxian.core.scope import Scope
from fangxian.supplies import request_selectors, selectors, services, stock
from fangxian.supplies.models import Movement, SupplyRequest
from tests.factories import BuildingFactory, GridFactory
from tests.i18n import zh
from tests.roles import ROLES, walk_matrix
from tests.supplies import matrix_requests

pytestmark = pytest.mark.usefixtures("frozen_clock")
S = SupplyRequest.Status


@pytest.fixture
def cast(two_grids):
    matrix_requests.equip(two_grids)
    return two_grids


@pytest.mark.parametrize("role", ROLES)
def test_the_matrix_rows_hold(client, cast, role):
    wrong = walk_matrix(client, cast, role, matrix_requests)
    assert not wrong, "\n".join(wrong)


def page(client, cast, user, name="supplies:request_list", *args, **query) -> str:
    client.force_login(cast.users[user])
    response = client.get(reverse(name, args=args), query)
    assert response.status_code == 200
    return response.content.decode()


def card(text: str, request) -> str:
    """The card of one request on the list, its classes included."""
    found = re.search(rf'<li class="card req-card[^"]*" id="request-{request.pk}">.*?</li>', text, re.S)
    assert found, f"request #{request.pk} is not listed"
    return found.group(0)


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


def test_erin_asks_from_her_phone_and_sees_her_request(client, cast):
    text = page(client, cast, "erin")
    # The ask form on top, before her list; every field a big one; nothing wider than a phone.
    assert text.index('action="' + reverse("supplies:request_add")) < text.index('id="mine-title"')
    assert 'name="quantity"' in text and 'inputmode="numeric"' in text and 'name="event_id"' in text
    assert cast.gate_place.name in text and cast.store.name not in text  # she asks for her checkpoint only
    assert "<table" not in text and 'style="' not in text and "<script>" not in text
    assert 'maxlength="100"' in text
    # The office's pages are not in her menu of supplies.
    assert f'href="{reverse("supplies:stock")}"' not in text and reverse("supplies:donation_list") not in text
    response = client.post(reverse("supplies:request_add"), {
        "place": cast.gate_place.pk, "item": cast.disinfectant.pk, "quantity": "8", "people": "4", "note": "换班消毒"},
        follow=True)
    made = SupplyRequest.objects.get(note="换班消毒")
    assert (made.asked_by, made.quantity, made.people, made.status) == (cast.users["erin"], 8, 4, S.WAITING)
    assert response.redirect_chain[-1][0] == reverse("supplies:request_list")
    text = response.content.decode()
    assert "消毒液" in card(text, made) and zh("Waiting for approval") in card(text, made)
    assert any("8" in m for m in messages_of(response))


def test_a_bad_ask_names_the_field_and_stores_nothing(client, cast):
    client.force_login(cast.users["erin"])
    before = SupplyRequest.objects.count()
    response = client.post(reverse("supplies:request_add"), {
        "place": cast.gate_place.pk, "item": cast.masks.pk, "quantity": "0", "people": "-3"})
    assert response.status_code == 400
    text = response.content.decode()
    assert zh("Enter a whole number of units from 1 to 1,000,000.") in text
    assert zh("Enter how many people it serves, 0 or more.") in text
    response = client.post(reverse("supplies:request_add"), {"place": cast.gate_place.pk, "quantity": "3"})
    assert response.status_code == 400 and zh("Choose what is needed.") in response.content.decode()
    # Another community's item does not go to carol's gate.
    response = client.post(reverse("supplies:request_add"), {
        "place": cast.gate_place.pk, "item": cast.other_masks.pk, "quantity": "3"})
    assert response.status_code == 400
    assert escape(zh("Choose one of the community's items.")) in response.content.decode()
    # The office store is not hers to ask for.
    response = client.post(reverse("supplies:request_add"), {
        "place": cast.store.pk, "item": cast.masks.pk, "quantity": "3"})
    assert response.status_code == 404
    assert SupplyRequest.objects.count() == before


def test_the_office_sees_the_open_requests_ranked_with_the_store_and_the_long_unmet_in_red(client, cast,
                                                                                           frozen_clock):
    carol = cast.users["carol"]
    office = Scope.for_user(carol)
    frozen_clock.shift(dt.timedelta(hours=1))
    few = services.request_make(scope=office, user=carol, item=cast.disinfectant, place=cast.gate_place,
                                quantity=30, people=2)
    frozen_clock.shift(dt.timedelta(hours=49))
    text = page(client, cast, "carol")
    open_part, closed_part = text.split(zh("Met and closed"))
    # 50 h × 12 people first, then 49 h × 3 (the approved bottles), then 49 h × 2.
    order = [open_part.index(f'id="request-{r.pk}"') for r in (cast.gate_request, cast.approved_request, few)]
    assert order == sorted(order)
    gate = card(text, cast.gate_request)
    assert "req-long" in gate and "req-long" not in card(text, cast.issued_request)
    assert zh("Long unmet") in gate and (zh("waited %(days)d d %(hours)d h") % {"days": 2, "hours": 2}) in gate
    assert (zh("in store: %(n)s %(unit)s") % {"n": 930, "unit": "只"}) in gate  # 950 less the 20 issued
    assert zh("the store can cover it") in gate
    assert zh("the store cannot cover it") in card(text, few)  # 30 bottles asked, 20 in the store
    # The issued request is below, greyed out, with its progress.
    assert f'id="request-{cast.issued_request.pk}"' in closed_part
    assert 'value="20"' in card(text, cast.issued_request)
    # Olga sees none of carol's; dave reads them all.
    assert f'id="request-{cast.gate_request.pk}"' not in page(client, cast, "olga")
    assert f'id="request-{cast.gate_request.pk}"' in page(client, cast, "dave")


def test_the_filters_cut_the_list(client, cast):
    text = page(client, cast, "carol", status="issued")
    assert f'id="request-{cast.issued_request.pk}"' in text and f'id="request-{cast.gate_request.pk}"' not in text
    text = page(client, cast, "carol", q="消毒")
    assert f'id="request-{cast.approved_request.pk}"' in text and f'id="request-{cast.gate_request.pk}"' not in text
    text = page(client, cast, "carol", place=str(cast.store.pk))
    assert zh("No open request matches these filters.") in text
    assert zh("No closed request matches these filters.") in text


def test_approve_issue_in_two_parts_and_erin_acknowledges(client, cast, caplog):
    request = cast.gate_request
    client.force_login(cast.users["carol"])
    detail = reverse("supplies:request_detail", args=[request.pk])
    text = client.get(detail).content.decode()
    assert reverse("supplies:request_decide", args=[request.pk]) in text
    assert reverse("supplies:request_issue", args=[request.pk]) not in text  # not approved yet
    response = client.post(reverse("supplies:request_decide", args=[request.pk]), {"decision": "approve"},
                           follow=True)
    assert zh("The request was approved: issue it from stock below.") in messages_of(response)
    text = response.content.decode()
    assert 'data-confirm="' in text and 'name="quantity"' in text and 'value="500"' in text  # what is left
    assert (zh("%(place)s (%(n)s %(unit)s in stock)") % {"place": cast.store.name, "n": 930, "unit": "只"}) in text
    with caplog.at_level(logging.WARNING, logger="fangxian.notify"):
        response = client.post(reverse("supplies:request_issue", args=[request.pk]), {"quantity": "200"},
                               follow=True)
    assert any("supplies_issued" in r.getMessage() for r in caplog.records)
    assert all("carol" not in r.getMessage() and "erin" not in r.getMessage() for r in caplog.records)
    request.refresh_from_db()
    assert (request.status, selectors.issued_for(request)) == (S.APPROVED, 200)
    text = response.content.decode()
    assert 'value="200"' in text and 'max="500"' in text and 'value="300"' in text  # progress; what is left
    response = client.post(reverse("supplies:request_issue", args=[request.pk]), {"quantity": "300"}, follow=True)
    request.refresh_from_db()
    assert request.status == S.ISSUED
    assert stock.stock_of(cast.masks, cast.gate_place) == 270 + 20 + 500
    # Erin sees it to acknowledge, on her list and in her badge.
    erin_scope = Scope.for_user(cast.users["erin"])
    assert request_selectors.waiting_count(erin_scope) == 2  # the gate's 500 and the cast's 20 masks
    text = page(client, cast, "erin")
    assert reverse("supplies:request_acknowledge", args=[request.pk]) in card(text, request)
    # What waits for her word comes first, before what is still open.
    assert text.index(f'id="request-{request.pk}"') < text.index(f'id="request-{cast.approved_request.pk}"')
    response = client.post(reverse("supplies:request_acknowledge", args=[request.pk]), follow=True)
    request.refresh_from_db()
    assert (request.status, request.received_by) == (S.RECEIVED, cast.users["erin"])
    assert zh("Thank you: the office knows the supplies arrived.") in messages_of(response)
    text = page(client, cast, "erin", "supplies:request_detail", request.pk)
    issued = zh("%(who)s issued %(n)s %(unit)s from %(place)s.")
    for quantity in (200, 300):
        assert issued % {"who": "carol", "n": quantity, "unit": "只", "place": cast.store.name} in text
    assert "erin" in text
    assert request_selectors.waiting_count(erin_scope) == 1


def test_refusals_are_told_and_change_nothing(client, cast):
    carol = cast.users["carol"]
    client.force_login(carol)
    request = cast.gate_request
    # A refusal needs a reason.
    response = client.post(reverse("supplies:request_decide", args=[request.pk]), {"decision": "refuse"},
                           follow=True)
    assert (zh("%(field)s: %(message)s") % {"field": zh("Reason"), "message": zh("Say why the request is refused.")}
            in messages_of(response))
    request.refresh_from_db()
    assert request.status == S.WAITING
    # Issuing before approval.
    response = client.post(reverse("supplies:request_issue", args=[request.pk]), {"quantity": "5"}, follow=True)
    assert zh("Only an approved request is issued.") in messages_of(response)
    # Over what is left, over the stock.
    approved = cast.approved_request
    response = client.post(reverse("supplies:request_issue", args=[approved.pk]), {"quantity": "11"}, follow=True)
    assert any("10" in m for m in messages_of(response))
    big = services.request_make(scope=Scope.for_user(carol), user=carol, item=cast.disinfectant,
                                place=cast.gate_place, quantity=50)
    services.request_decide(scope=Scope.for_user(carol), user=carol, request=big, approve=True)
    form = client.get(reverse("supplies:request_detail", args=[big.pk])).content.decode()
    assert re.search(r'name="quantity" value="20"', form)  # at most what the store holds
    response = client.post(reverse("supplies:request_issue", args=[big.pk]), {"quantity": "50"}, follow=True)
    assert any("消毒液" in m and "20" in m for m in messages_of(response))
    assert not Movement.objects.filter(request__in=[request, approved, big]).exists()
    # Refused with a reason; the checkpoint reads it; it is decided once.
    response = client.post(reverse("supplies:request_decide", args=[request.pk]),
                           {"decision": "refuse", "note": "仓库已空"}, follow=True)
    request.refresh_from_db()
    assert (request.status, request.decision_note) == (S.REFUSED, "仓库已空")
    response = client.post(reverse("supplies:request_decide", args=[request.pk]), {"decision": "approve"},
                           follow=True)
    assert zh("This request has been decided already.") in messages_of(response)
    request.refresh_from_db()
    assert request.status == S.REFUSED
    assert "仓库已空" in card(page(client, cast, "erin"), request)
    # A decided request is not cancelled.
    response = client.post(reverse("supplies:request_cancel", args=[request.pk]), follow=True)
    assert zh("Only a request still waiting is cancelled.") in messages_of(response)


def test_erin_cancels_her_waiting_request_but_decides_nothing(client, cast):
    client.force_login(cast.users["erin"])
    request = cast.gate_request
    text = client.get(reverse("supplies:request_detail", args=[request.pk])).content.decode()
    assert reverse("supplies:request_cancel", args=[request.pk]) in text
    assert reverse("supplies:request_decide", args=[request.pk]) not in text
    assert client.post(reverse("supplies:request_decide", args=[request.pk]),
                       {"decision": "approve"}).status_code == 403
    response = client.post(reverse("supplies:request_cancel", args=[request.pk]), follow=True)
    request.refresh_from_db()
    assert request.status == S.CANCELLED
    assert zh("The request was cancelled.") in messages_of(response)


def test_the_officer_reads_a_request_and_acts_on_none(client, cast):
    text = page(client, cast, "dave", "supplies:request_detail", cast.gate_request.pk)
    assert "夜班执勤" in text and zh("History") in text
    for name in ("supplies:request_decide", "supplies:request_cancel"):
        assert reverse(name, args=[cast.gate_request.pk]) not in text
    client.force_login(cast.users["dave"])
    assert client.post(reverse("supplies:request_cancel", args=[cast.gate_request.pk])).status_code == 403
    assert client.post(reverse("supplies:request_issue", args=[cast.approved_request.pk]),
                       {"quantity": "1"}).status_code == 403
    assert not Movement.objects.filter(request=cast.approved_request).exists()


def test_erin_never_sees_olgas_or_the_office_stores_pages(client, cast):
    olga = cast.users["olga"]
    theirs = services.request_make(scope=Scope.for_user(olga), user=olga, item=cast.other_masks,
                                   place=cast.other_store, quantity=3)
    client.force_login(cast.users["erin"])
    assert client.get(reverse("supplies:request_detail", args=[theirs.pk])).status_code == 404
    assert f'id="request-{theirs.pk}"' not in page(client, cast, "erin")
    for name in ("supplies:stock", "supplies:ledger", "supplies:donation_list", "supplies:items"):
        assert client.get(reverse(name)).status_code in (403, 404), name


def test_the_badge_counts_what_each_must_act_on(cast):
    carol, dave = Scope.for_user(cast.users["carol"]), Scope.for_user(cast.users["dave"])
    assert request_selectors.waiting_count(carol) == 2  # the gate's 500 masks waiting, the 10 bottles approved
    assert request_selectors.waiting_count(dave) == 0  # he reads, decides nothing
    assert request_selectors.waiting_count(Scope.for_user(cast.users["erin"])) == 1  # the 20 masks to acknowledge
    assert request_selectors.waiting_count(Scope.for_user(cast.users["olga"])) == 0


def test_the_empty_states(client, cast):
    Movement.objects.filter(request__isnull=False).delete()
    SupplyRequest.objects.filter(community=cast.community).delete()
    assert zh("Your checkpoints have not asked for anything yet. Use the form above when supplies run short.") in page(
        client, cast, "erin")
    text = page(client, cast, "carol")
    assert zh("No request is waiting. When a checkpoint asks for supplies, its request appears here.") in text
    assert zh("No request has been met or closed yet.") in text


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("user", ["carol", "dave", "erin"])
def test_the_list_runs_a_constant_number_of_queries(client, cast, user):
    client.force_login(cast.users[user])
    url = reverse("supplies:request_list")

    def grow(n, start):
        for i in range(start, start + n):
            building = BuildingFactory(estate=cast.estate, grid=GridFactory(community=cast.community))
            matrix_requests.grow(cast, building, i)

    grow(3, 0)
    few = count_queries(client, url)
    grow(7, 3)
    assert count_queries(client, url) == few
