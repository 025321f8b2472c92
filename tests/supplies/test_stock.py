"""The stock ledger: stock is the sum of its movements, per item and place; an act that would
take a stock below zero is refused with a message naming the item and the place and changes
nothing; a reversal undoes a movement (a transfer's two halves together) once; a repeated
event_id is stored once. The clock stands at 2026-03-02 10:00."""

import uuid

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fangxian.core.scope import Scope
from fangxian.supplies import stock
from fangxian.supplies.models import Movement
from tests.supplies.cast import supplies_cast

pytestmark = pytest.mark.usefixtures("frozen_clock")
K = Movement.Kind


@pytest.fixture
def cast(two_grids):
    return supplies_cast(two_grids)


def levels():
    """Every non-zero stock of every community."""
    return {key: level for key, level in stock.stock_levels(Movement.objects.all()).items() if level}


def test_the_cast_stands_where_its_movements_say(cast):
    assert stock.stock_of(cast.masks, cast.store) == 1000 + 200 + 50 - 300
    assert stock.stock_of(cast.masks, cast.gate_place) == 300 - 30
    assert stock.stock_of(cast.disinfectant, cast.store) == 20


def test_an_issue_beyond_the_stock_is_refused_naming_item_and_place_and_changes_nothing(cast):
    carol = cast.users["carol"]
    before = levels(), Movement.objects.count()
    with pytest.raises(ValidationError) as refused:
        stock.stock_out(scope=Scope.for_user(carol), user=carol, item=cast.disinfectant, place=cast.store,
                        kind=K.ISSUE, quantity=21, recipient=Movement.Recipient.DELIVERY)
    message = " ".join(refused.value.message_dict["quantity"])
    assert "消毒液" in message and cast.store.name in message and "20" in message
    assert (levels(), Movement.objects.count()) == before


def test_a_transfer_is_reversed_whole_and_only_once(cast):
    carol = cast.users["carol"]
    office = Scope.for_user(carol)
    out_half = next(m for m in cast.to_gate if m.kind == K.TRANSFER_OUT)
    # 30 of the 300 were used at the gate: undoing the transfer would take the gate below zero.
    with pytest.raises(ValidationError):
        stock.movement_reverse(scope=office, user=carol, movement=out_half, reason="记错了")
    stock.movement_reverse(scope=office, user=carol, movement=cast.used_at_gate, reason="其实没有用掉")
    made = stock.movement_reverse(scope=office, user=carol, movement=out_half, reason="送错了门岗")
    assert sorted(m.change for m in made) == [-300, 300]
    assert stock.stock_of(cast.masks, cast.gate_place) == 0
    assert stock.stock_of(cast.masks, cast.store) == 1250
    with pytest.raises(ValidationError):
        stock.movement_reverse(scope=office, user=carol, movement=out_half, reason="再来一次")


def test_a_repeated_event_id_is_stored_once(cast):
    carol = cast.users["carol"]
    event_id = uuid.uuid4()
    for _ in range(2):
        stock.transfer(scope=Scope.for_user(carol), user=carol, item=cast.disinfectant, source=cast.store,
                       target=cast.gate_place, quantity=4, event_id=event_id)
    assert Movement.objects.filter(act=event_id).count() == 2
    assert stock.stock_of(cast.disinfectant, cast.gate_place) == 4


def test_only_the_office_moves_stock(cast):
    for name in ("alice", "dave", "erin", "frank", "olga"):
        user = cast.users[name]
        with pytest.raises(PermissionDenied):
            stock.stock_out(scope=Scope.for_user(user), user=user, item=cast.masks, place=cast.store, kind=K.USE,
                            quantity=1)


def test_a_loss_needs_a_reason(cast):
    carol = cast.users["carol"]
    with pytest.raises(ValidationError) as refused:
        stock.stock_out(scope=Scope.for_user(carol), user=carol, item=cast.masks, place=cast.store, kind=K.LOSS,
                        quantity=5, note="  ")
    assert list(refused.value.message_dict) == ["note"]


@pytest.mark.parametrize("typed", ["0", "-3", "2.5", "一百", "", "1000001"])
def test_a_quantity_is_a_whole_number_of_units(typed):
    with pytest.raises(ValidationError) as refused:
        stock.clean_quantity(typed)
    assert list(refused.value.message_dict) == ["quantity"]


# -- any sequence ------------------------------------------------------------------------------

STOCK_FUZZ = settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
ITEM, PLACE, QUANTITY = st.integers(0, 1), st.integers(0, 1), st.integers(1, 400)
OPERATIONS = st.lists(st.one_of(
    st.tuples(st.sampled_from(["donation", "purchase"]), ITEM, PLACE, QUANTITY),
    st.tuples(st.sampled_from(["issue", "use", "loss", "expiry"]), ITEM, PLACE, QUANTITY),
    st.tuples(st.just("transfer"), ITEM, PLACE, QUANTITY),  # from PLACE to the other place
    st.tuples(st.just("reverse"), st.integers(0, 1000)),  # the n-th act so far (modulo)
    st.tuples(st.just("repeat"),),  # the last act sent again with its event_id
), max_size=25)


@STOCK_FUZZ
@given(operations=OPERATIONS)
def test_any_sequence_of_movements_keeps_stock_an_independent_sum_never_below_zero(cast, operations):
    carol = cast.users["carol"]
    office = Scope.for_user(carol)
    items, places = [cast.masks, cast.disinfectant], [cast.store, cast.gate_place]
    with transaction.atomic():
        # The test's own books: what each act moved, kept by hand.
        kept = {key: level for key, level in levels().items()}  # olga's community's too: it must not move
        acts: list[tuple[Movement, dict]] = []  # (a movement of the act, {(item, place): change})
        reversed_acts: set[uuid.UUID] = set()
        last = None
        for name, *args in operations:
            before = levels(), Movement.objects.count()
            event_id = uuid.uuid4()
            if name == "repeat":
                if last is not None:
                    last[0](last[1])
                    assert (levels(), Movement.objects.count()) == before
                continue
            if name == "reverse":
                if not acts:
                    continue
                movement, moved = acts[args[0] % len(acts)]
                moves = {key: -change for key, change in moved.items()}
                refused_otherwise = movement.act in reversed_acts

                def send(event_id, movement=movement):
                    return stock.movement_reverse(scope=office, user=carol, movement=movement, reason="更正",
                                                  event_id=event_id)
            else:
                i, p, quantity = args
                item, place, other = items[i], places[p], places[1 - p]
                refused_otherwise = False
                if name in ("donation", "purchase"):
                    moves = {(item.pk, place.pk): quantity}

                    def send(event_id, item=item, place=place, quantity=quantity):
                        return [stock.stock_in(scope=office, user=carol, item=item, place=place, kind=K.PURCHASE,
                                               quantity=quantity, event_id=event_id)]
                elif name == "transfer":
                    moves = {(item.pk, place.pk): -quantity, (item.pk, other.pk): quantity}

                    def send(event_id, item=item, place=place, other=other, quantity=quantity):
                        return stock.transfer(scope=office, user=carol, item=item, source=place, target=other,
                                              quantity=quantity, event_id=event_id)
                else:
                    moves = {(item.pk, place.pk): -quantity}

                    def send(event_id, item=item, place=place, quantity=quantity, kind=name):
                        return [stock.stock_out(scope=office, user=carol, item=item, place=place, kind=kind,
                                                quantity=quantity, note="清点", event_id=event_id)]
            below_zero = any(kept.get(key, 0) + change < 0 for key, change in moves.items())
            if refused_otherwise or below_zero:
                with pytest.raises(ValidationError):
                    send(event_id)
                assert (levels(), Movement.objects.count()) == before, "a refused act changes nothing"
                continue
            made = send(event_id)
            for key, change in moves.items():
                kept[key] = kept.get(key, 0) + change
            if name == "reverse":
                reversed_acts.add(movement.act)
            else:
                acts.append((made[0], moves))
                last = (send, event_id)
            assert levels() == {key: level for key, level in kept.items() if level}
            assert all(level >= 0 for level in levels().values())
        transaction.set_rollback(True)  # the next example starts from the cast again
