"""A front-line request through the real pages at phone width (360 × 740).

Erin, a volunteer of the east gate, asks for 200 masks on her phone; carol, the office,
finds it ranked among the requests, approves it and issues it from the store (confirming);
erin acknowledges receipt. The stock page then shows 200 fewer masks in the store and 200
more at the gate, and the public donations page, opened without a login, shows 200 more
masks sent to the gate, with the community's total in stock unchanged.

Set-up only: tests.supplies.cast (masks: 950 in the store, 270 at the gate, 300 sent there).
"""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from fangxian.supplies import stock
from fangxian.supplies.models import SupplyRequest
from tests.e2e.conftest import no_overflow, shot
from tests.i18n import zh
from tests.supplies.cast import supplies_cast

# Reads the date or the hour: .ci/run runs it again at 03:00 and at 23:59 Asia/Shanghai.
pytestmark = [pytest.mark.browser, pytest.mark.clock_sensitive, pytest.mark.usefixtures("frozen_clock_or_ci_clock")]


@pytest.fixture
def flow(transactional_db, two_grids):
    return supplies_cast(two_grids)


def _public_masks(page, live_server, flow) -> tuple[str, str]:
    """(what the public page says went to the gate, what it says is in stock) for masks."""
    page.goto(live_server.url + reverse("supplies:public", args=[flow.community.code]))
    no_overflow(page)
    card = page.locator("article.public-item", has=page.locator("h3", has_text=flow.masks.name))
    gate = card.locator("li", has_text=flow.gate_place.name).locator("b").inner_text()
    return gate, card.locator(".stock dd").inner_text()


def _confirmed_submit(page, form) -> str:
    """Send a form that asks first; accept the question and return it."""
    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    with page.expect_navigation():
        form.locator("button").last.click()
    assert asked, "the page asked before sending"
    return asked[0]


def test_a_checkpoint_asks_for_masks_the_office_issues_and_the_checkpoint_acknowledges(
        live_server, flow, phone, staff):
    assert _public_masks(phone, live_server, flow) == ("300", "1220")
    erin, carol = staff("erin"), staff("carol")

    # 1. Erin asks for 200 masks for the night shift at her gate, on her phone.
    erin.goto(live_server.url + reverse("supplies:request_list"))
    no_overflow(erin)
    ask = erin.locator("form.request-ask")
    ask.locator("select[name=place]").select_option(str(flow.gate_place.pk))
    ask.locator("select[name=item]").select_option(str(flow.masks.pk))
    ask.locator("input[name=quantity]").fill("200")
    ask.locator("input[name=people]").fill("8")
    ask.locator("input[name=note]").fill("夜班口罩")
    shot(erin, "supplies-flow-1-erin-asks")
    with erin.expect_navigation():
        ask.locator("button").click()
    request = SupplyRequest.objects.get(note="夜班口罩")
    assert (request.status, request.quantity, request.people, request.place) == (
        SupplyRequest.Status.WAITING, 200, 8, flow.gate_place)
    detail = reverse("supplies:request_detail", args=[request.pk])
    assert erin.locator(f"a[href='{detail}']").count() >= 1, "erin sees her request waiting"

    # 2. Carol finds it among the open requests, approves it and issues it from the store.
    carol.goto(live_server.url + reverse("supplies:request_list"))
    no_overflow(carol)
    assert carol.locator(f"a[href='{detail}']").count() >= 1, "the new request is on the office's list"
    shot(carol, "supplies-flow-2-office-list")
    carol.goto(live_server.url + detail)
    with carol.expect_navigation():
        carol.locator(f"form[action='{reverse('supplies:request_decide', args=[request.pk])}']").first.locator(
            "button").click()
    request.refresh_from_db()
    assert request.status == SupplyRequest.Status.APPROVED
    issue = carol.locator(f"form[action='{reverse('supplies:request_issue', args=[request.pk])}']")
    assert issue.locator("input[name=quantity]").input_value() == "200", "what is left is proposed"
    shot(carol, "supplies-flow-3-issue")
    _confirmed_submit(carol, issue)
    request.refresh_from_db()
    assert request.status == SupplyRequest.Status.ISSUED

    # 3. Erin says it arrived.
    erin.goto(live_server.url + detail)
    no_overflow(erin)
    acknowledge = reverse("supplies:request_acknowledge", args=[request.pk])
    _confirmed_submit(erin, erin.locator(f"form[action='{acknowledge}']"))
    request.refresh_from_db()
    assert (request.status, request.received_by) == (SupplyRequest.Status.RECEIVED, flow.users["erin"])
    shot(erin, "supplies-flow-4-received")

    # 4. The stock moved: 200 fewer in the store, 200 more at the gate, on the office's stock page.
    assert (stock.stock_of(flow.masks, flow.store), stock.stock_of(flow.masks, flow.gate_place)) == (750, 470)
    carol.goto(live_server.url + reverse("supplies:stock"))
    no_overflow(carol)
    card = carol.locator(f"#item-{flow.masks.pk}")
    places = {row.locator("th").inner_text(): re.sub(r"\D", "", row.locator("td").inner_text())
              for row in card.locator("table.stock-places tr").all() if row.locator("th").count()}
    assert places[flow.store.name] == "750" and places[flow.gate_place.name] == "470", places
    shot(carol, "supplies-flow-5-stock")

    # 5. The public page: 500 masks sent to the gate now, the total in stock unchanged.
    assert _public_masks(phone, live_server, flow) == ("500", "1220")
    assert zh("Thank you to our donors") in phone.inner_text("main")
    shot(phone, "supplies-flow-6-public")
