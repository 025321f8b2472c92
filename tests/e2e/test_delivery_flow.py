"""Home delivery through the real pages at phone width (360 × 740): the household's link,
opened without a login, and frank's run sheet, the courier of building B.

- Shopping: bob, the grid worker, reads the household's link off its page; the household asks
  for shopping with a budget; frank sees it on his run sheet, picks it up, records the receipt
  amount with a photo of the receipt, delivers it at the door; the household confirms and pays
  him back; its link says it owes nothing and the office's ledger shows every balance at zero.
- A meal, generated the night before (set-up, as the worker does): frank sees it with the
  number of people and the dietary notes, delivers it; the household confirms.
- A garbage pickup the household asks for: frank picks it up and takes it away; confirmed.

Set-up only: grid B's household in home quarantine (tests.returnees.conftest), frank's
standing assignment to building B, the household's dietary note.
"""

from __future__ import annotations

import io
import re

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from fangxian.delivery import meals
from fangxian.delivery.ledger import balances
from fangxian.delivery.models import Assignment, Household, LedgerEntry, Task
from tests.e2e.conftest import no_overflow, shot
from tests.i18n import zh
from tests.returnees.conftest import equip_returnees

# Reads the date or the hour: .ci/run runs it again at 03:00 and at 23:59 Asia/Shanghai.
pytestmark = [pytest.mark.browser, pytest.mark.clock_sensitive, pytest.mark.usefixtures("frozen_clock_or_ci_clock")]

FULL_ID = re.compile(r"\d{17}[\dXx]")
FULL_MOBILE = re.compile(r"(?<!\d)1\d{10}(?!\d)")



@pytest.fixture
def flow(transactional_db, two_grids):
    cache.clear()  # the link's rate limit counts posts per address and hour, across tests
    equip_returnees(two_grids)
    two_grids.household = two_grids.quarantine_b.dwelling
    Assignment.objects.create(building=two_grids.building_b, courier=two_grids.users["frank"],
                              assigned_by=two_grids.users["carol"])
    Household.objects.create(dwelling=two_grids.household, dietary="清真", phone_shared=False)
    two_grids.day = timezone.localdate()
    return two_grids


def _link_of(page, live_server, household) -> str:
    """The link as the grid worker reads it off the household's page."""
    page.goto(live_server.url + reverse("delivery:household_detail", args=[household.pk]))
    link = page.get_attribute(".hh-link input[readonly]", "value")
    assert link.startswith(live_server.url + "/delivery/h/"), link
    return link


def _open_run_sheet(page, live_server, flow, task: Task):
    """Frank's sheet of the flow's day, and his row of `task` on it."""
    page.goto(f"{live_server.url}{reverse('delivery:run_sheet')}?day={flow.day:%Y-%m-%d}")
    no_overflow(page)
    row = page.locator(f"#task-{task.pk}")
    assert row.count() == 1, f"task {task.pk} is not on the run sheet"
    return row


def _submit(page, form) -> None:
    """Post a form of the run sheet and wait for the page it lands on."""
    with page.expect_navigation():
        form.locator("button").last.click()


def _step(page, live_server, flow, task: Task, button: str) -> None:
    row = _open_run_sheet(page, live_server, flow, task)
    form = row.locator("form", has=page.locator("button", has_text=button))
    _submit(page, form)
    assert page.locator(".messages").count(), "the sheet says what was saved"


def _deliver(page, live_server, flow, task: Task, *, photo: bytes | None = None) -> None:
    row = _open_run_sheet(page, live_server, flow, task)
    row.locator("summary", has_text=zh("Delivered")).click()
    form = row.locator("form", has=page.locator("input[name=step][value=delivered]"))
    assert form.locator("input[name=contact_free]").is_checked(), "contact-free is the default"
    if photo:
        form.locator("input[name=photo]").set_input_files(
            {"name": "door.png", "mimeType": "image/png", "buffer": photo})
    _submit(page, form)
    task.refresh_from_db()
    assert (task.status, task.contact_free) == (Task.Status.DELIVERED, True)


def _confirm_on_link(phone, link, task: Task) -> None:
    phone.goto(link)
    no_overflow(phone)
    form = phone.locator("form", has=phone.locator(f"input[name=task][value='{task.pk}']"))
    with phone.expect_navigation():
        form.locator("button", has_text=zh("I received it")).click()
    task.refresh_from_db()
    assert task.confirmed_at is not None
    assert phone.locator(f"input[name=task][value='{task.pk}']").count() == 0, "confirmed once, the button goes"


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (240, 320), (250, 250, 240)).save(buffer, "PNG")
    return buffer.getvalue()


def _least_knowledge(page) -> None:
    text = page.inner_text("body")
    assert not FULL_ID.search(text) and not FULL_MOBILE.search(text), "no ID number, no phone"


def test_a_household_asks_for_shopping_the_courier_buys_delivers_and_is_paid_back(
        live_server, flow, phone, staff):
    bob, frank = staff("bob"), staff("frank")
    link = _link_of(bob, live_server, flow.household)

    # 1. The household asks for shopping on its link, with a budget.
    phone.goto(link)
    no_overflow(phone)
    assert zh("You owe nothing.") in phone.inner_text("body")
    phone.locator("summary", has_text=zh("Shopping")).click()
    phone.fill("#ask-shopping-items", "大米 5斤\n青菜 2斤")
    phone.fill("#ask-shopping-budget", "80")
    shot(phone, "delivery-flow-1-household-asks")
    with phone.expect_navigation():
        phone.locator("form", has=phone.locator("#ask-shopping-items")).locator("button").click()
    task = Task.objects.get(dwelling=flow.household, kind=Task.Kind.SHOPPING)
    assert (task.status, task.courier, str(task.budget)) == (Task.Status.ASSIGNED, flow.users["frank"], "80.00")
    assert "大米 5斤" in phone.inner_text("body")

    # 2. Frank sees it on his run sheet, with the items and the budget, and no personal data.
    row = _open_run_sheet(frank, live_server, flow, task)
    assert "大米 5斤" in row.inner_text() and "80" in row.inner_text()
    assert flow.quarantine_b.person.name not in frank.inner_text("body"), "the name is masked"
    _least_knowledge(frank)
    shot(frank, "delivery-flow-2-run-sheet")
    _step(frank, live_server, flow, task, zh("Picked up"))
    task.refresh_from_db()
    assert task.status == Task.Status.PICKED_UP

    # 3. He records the receipt amount with a photo of the receipt, then delivers at the door.
    row = _open_run_sheet(frank, live_server, flow, task)
    row.locator("summary", has_text=zh("Record the receipt")).click()
    form = row.locator("form[action$='/purchase/']")
    form.locator("input[name=amount]").fill("63.40")
    form.locator("input[name=receipt]").set_input_files(
        {"name": "receipt.png", "mimeType": "image/png", "buffer": _png()})
    shot(frank, "delivery-flow-3-receipt")
    _submit(frank, form)
    purchase = LedgerEntry.objects.get(task=task, kind=LedgerEntry.Kind.PURCHASE)
    assert (str(purchase.amount), purchase.payer, bool(purchase.receipt)) == ("63.40", flow.users["frank"], True)
    _deliver(frank, live_server, flow, task, photo=_png())

    # 4. The household confirms receipt; it owes what the receipt says.
    _confirm_on_link(phone, link, task)
    assert "63.40" in phone.inner_text(".hh-owes")
    shot(phone, "delivery-flow-4-household-owes")

    # 5. It pays frank back in cash; he records it on his sheet (the amount owed is filled in).
    row = _open_run_sheet(frank, live_server, flow, task)
    row.locator("summary", has_text=zh("Money received")).click()
    form = row.locator("form[action$='/repayment/']")
    assert form.locator("input[name=amount]").input_value() == "63.40"
    _submit(frank, form)
    repayment = LedgerEntry.objects.get(task=task, kind=LedgerEntry.Kind.REPAYMENT)
    assert (str(repayment.amount), repayment.payee) == ("63.40", flow.users["frank"])

    # 6. The balances are zero: on the household's link, on the office's ledger, and summed apart.
    phone.goto(link)
    assert zh("You owe nothing.") in phone.inner_text("body") and phone.locator(".hh-owes").count() == 0
    shot(phone, "delivery-flow-5-household-settled")
    carol = staff("carol")
    carol.goto(live_server.url + reverse("delivery:ledger"))
    no_overflow(carol)
    balances_text = carol.inner_text(".ledger-balances")
    assert zh("No household owes anything.") in balances_text
    assert zh("Nobody is owed or holds anything.") in balances_text
    shot(carol, "delivery-flow-6-ledger-zero")
    totals = balances(LedgerEntry.objects.all())
    assert set(totals.households.values()) == {0} and set(totals.users.values()) == {0}


def test_a_generated_meal_reaches_the_door_and_the_household_confirms(live_server, flow, phone, staff):
    # Set-up: the worker's nightly run made the day's meals (no one types them).
    meals.meals_generate(day=flow.day)
    served = list(Task.objects.filter(dwelling=flow.household, kind=Task.Kind.MEAL).order_by("due_by"))
    assert served and {t.people for t in served} == {2} and {t.courier for t in served} == {flow.users["frank"]}
    meal = served[-1]
    bob, frank = staff("bob"), staff("frank")
    link = _link_of(bob, live_server, flow.household)

    phone.goto(link)
    assert meal.get_meal_display() in phone.inner_text(".hh-tasks")

    row = _open_run_sheet(frank, live_server, flow, meal)
    text = row.inner_text()
    assert "清真" in text, "the dietary note travels with the meal"
    assert zh("Record the receipt") not in text, "a meal costs the household nothing"
    _least_knowledge(frank)
    shot(frank, "delivery-flow-7-meal-on-sheet")
    _step(frank, live_server, flow, meal, zh("Picked up"))
    _deliver(frank, live_server, flow, meal)

    _confirm_on_link(phone, link, meal)
    assert zh("You owe nothing.") in phone.inner_text("body")
    shot(phone, "delivery-flow-8-meal-confirmed")
    assert not LedgerEntry.objects.exists()


def test_a_household_asks_for_a_garbage_pickup_and_the_courier_takes_it_away(live_server, flow, phone, staff):
    bob, frank = staff("bob"), staff("frank")
    link = _link_of(bob, live_server, flow.household)

    phone.goto(link)
    with phone.expect_navigation():
        phone.locator("button", has_text=zh("Take my garbage away")).click()
    garbage = Task.objects.get(dwelling=flow.household, kind=Task.Kind.GARBAGE)
    assert (garbage.status, garbage.courier) == (Task.Status.ASSIGNED, flow.users["frank"])
    shot(phone, "delivery-flow-9-garbage-asked")

    _step(frank, live_server, flow, garbage, zh("Picked up"))
    garbage.refresh_from_db()
    assert garbage.status == Task.Status.PICKED_UP
    _deliver(frank, live_server, flow, garbage)
    shot(frank, "delivery-flow-10-garbage-done")

    _confirm_on_link(phone, link, garbage)
    assert garbage.get_kind_display() in phone.inner_text(".hh-tasks")
