"""The task lifecycle and the ledger's parties on the delivery cast."""

import uuid
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from fangxian.core.scope import Scope
from fangxian.delivery import ledger, services
from fangxian.delivery.models import LedgerEntry, Task, TaskEvent
from tests.delivery.cast import delivery_cast

pytestmark = pytest.mark.usefixtures("frozen_clock")


def test_it_gives_a_request_to_the_buildings_courier(two_grids):
    cast = delivery_cast(two_grids)
    assert cast.shopping_b.courier == cast.users["frank"]
    assert Task.objects.get(pk=cast.shopping_b.pk).status == Task.Status.PICKED_UP
    assert cast.shopping_b.people == 2 and cast.shopping_b.dietary == "清真"
    assert cast.garbage_a.courier is None and cast.garbage_a.status == Task.Status.REQUESTED


def test_it_stores_a_repeated_step_once(two_grids):
    cast = delivery_cast(two_grids)
    frank = cast.users["frank"]
    event_id = uuid.uuid4()
    for _ in range(2):
        services.task_step(task=cast.lunch_b, step="delivered", user=frank, scope=Scope.for_user(frank),
                           event_id=event_id)
    assert TaskEvent.objects.filter(event_id=event_id).count() == 1
    assert Task.objects.get(pk=cast.lunch_b.pk).status == Task.Status.DELIVERED


def test_it_refuses_a_courier_another_couriers_task(two_grids):
    cast = delivery_cast(two_grids)
    erin = cast.users["erin"]
    with pytest.raises(PermissionDenied):
        services.task_step(task=cast.lunch_b, step="delivered", user=erin, scope=Scope.for_user(erin))


def test_it_needs_a_reason_for_a_failure(two_grids):
    cast = delivery_cast(two_grids)
    frank = cast.users["frank"]
    with pytest.raises(ValidationError) as error:
        services.task_step(task=cast.lunch_b, step="failed", user=frank, scope=Scope.for_user(frank))
    assert "note" in error.value.message_dict


def test_the_balances_add_up_after_a_repayment_and_a_reversal(two_grids):
    cast = delivery_cast(two_grids)
    frank, bob = cast.users["frank"], cast.users["bob"]
    entry = ledger.repayment_record(scope=Scope.for_user(bob), user=bob, dwelling=cast.household_b,
                                    amount="58.50", method="cash", payee=frank)
    both = ledger.balances(LedgerEntry.objects.all())
    assert both.households[cast.household_b.pk] == 0 and both.users[frank.pk] == 0 and both.adds_up
    ledger.entry_reverse(scope=Scope.for_user(bob), user=bob, entry=entry, reason="记错")
    after = ledger.balances(LedgerEntry.objects.all())
    assert after.households[cast.household_b.pk] == Decimal("58.50") == after.users[frank.pk]


@pytest.mark.parametrize(("typed", "read"), [
    ("58.5", "58.50"), ("¥58.50", "58.50"), ("58.5元", "58.50"), ("５８．５", "58.50"), (" 1,000.50 ", "1000.50"),
    ("1,000", "1000.00"), ("0", "0.00"),
])
def test_it_reads_an_amount_as_a_volunteer_types_it(typed, read):
    assert str(services.clean_money(typed, field="amount")) == read


@pytest.mark.parametrize("typed", ["58,5", "1,00", "10000.01", "-1", "abc", "NaN", "Infinity", "1e3"])
def test_it_refuses_an_amount_it_could_misread_naming_the_field(typed):
    with pytest.raises(ValidationError) as refused:
        services.clean_money(typed, field="amount")
    assert list(refused.value.message_dict) == ["amount"]
