"""The money ledger kept straight: whatever purchases, repayments, reimbursements and reversals
happen, in whatever order, each household's and each user's balance is the sum the test keeps
itself, the totals add up, and a refused operation changes nothing. And who sees which entries."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fangxian.core.scope import Role, Scope
from fangxian.delivery import ledger, ledger_selectors
from fangxian.delivery.models import LedgerEntry, Task
from tests.delivery.cast import delivery_cast
from tests.factories import make_user

pytestmark = pytest.mark.usefixtures("frozen_clock")

LEDGER_FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

# Mostly amounts the ledger takes; now and then 0 or more than 10,000 yuan, which it refuses.
AMOUNTS = st.one_of(
    st.decimals(min_value=Decimal("0.01"), max_value=Decimal("10000"), places=2,
                allow_nan=False, allow_infinity=False),
    st.sampled_from([Decimal("0"), Decimal("0.00"), Decimal("10000.01"), Decimal("25000")]),
)
COURIER, HOUSEHOLD = st.integers(0, 1), st.integers(0, 1)
OPERATIONS = st.lists(st.one_of(
    st.tuples(st.just("purchase"), COURIER, HOUSEHOLD, AMOUNTS),
    st.tuples(st.just("repayment"), HOUSEHOLD, st.integers(0, 2), AMOUNTS),  # payee 2: the admin
    st.tuples(st.just("reimbursement"), COURIER, AMOUNTS),
    st.tuples(st.just("reverse"), st.integers(0, 1000)),  # the n-th entry so far (modulo)
    st.tuples(st.just("repeat"),),  # the last recorded movement sent again with its event_id
), max_size=14)


@pytest.fixture
def books(two_grids):
    """Two couriers (frank and hank) and two households (grid B's and grid A's), a shopping
    task for each pair; the cast's purchase (frank, grid B, 58.50) is already in the ledger."""
    cast = delivery_cast(two_grids)
    cast.hank = make_user("hank", Role.DELIVERY_VOLUNTEER, cast.community)
    cast.couriers = [cast.users["frank"], cast.hank]
    cast.households = [cast.household_b, cast.dwelling_a]
    cast.tasks = {(c, h): Task.objects.create(
        dwelling=dwelling, kind=Task.Kind.SHOPPING, day=cast.shopping_b.day, due_by=cast.shopping_b.due_by,
        status=Task.Status.PICKED_UP, courier=courier, source=Task.Source.WORKER,
        created_at=cast.shopping_b.created_at) for c, courier in enumerate(cast.couriers)
        for h, dwelling in enumerate(cast.households)}
    return cast


class Books:
    """The test's own account of what each party owes or is owed, kept by hand per operation."""

    def __init__(self):
        self.parties: dict[tuple[str, int], Decimal] = {}
        self.entries: list[tuple[int, str, dict]] = []  # (pk, kind, what it moved)
        self.reversed: set[int] = set()

    def move(self, pk: int, kind: str, moves: dict) -> None:
        for party, amount in moves.items():
            self.parties[party] = self.parties.get(party, Decimal("0")) + amount
        self.entries.append((pk, kind, moves))

    def side(self, kind: str) -> dict[int, Decimal]:
        return {pk: amount for (who, pk), amount in self.parties.items() if who == kind and amount != 0}


def _nonzero(balances: dict) -> dict:
    return {pk: amount for pk, amount in balances.items() if amount != 0}


def _assert_agrees(books: Books) -> None:
    both = ledger.balances(LedgerEntry.objects.all())
    assert _nonzero(both.households) == books.side("household")
    assert _nonzero(both.users) == books.side("user")
    assert both.adds_up
    assert LedgerEntry.objects.count() == len(books.entries)


@LEDGER_FUZZ
@given(operations=OPERATIONS)
def test_any_sequence_of_movements_keeps_the_balances_an_independent_sum(books, operations):
    cast = books
    carol = cast.users["carol"]
    office = Scope.for_user(carol)
    with transaction.atomic():
        kept = Books()
        kept.move(cast.purchase_b.pk, "purchase", {("household", cast.household_b.pk): Decimal("58.50"),
                                                   ("user", cast.users["frank"].pk): Decimal("58.50")})
        last = None  # (how to send it again, its event_id)
        for operation in operations:
            name, *args = operation
            before = (LedgerEntry.objects.count(), ledger.balances(LedgerEntry.objects.all()))
            event_id = uuid.uuid4()
            if name == "purchase":
                c, h, amount = args
                courier, dwelling = cast.couriers[c], cast.households[h]

                def send(event_id, courier=courier, c=c, h=h, amount=amount):
                    return ledger.purchase_record(scope=Scope.for_user(courier), user=courier,
                                                  task=cast.tasks[(c, h)], amount=amount, event_id=event_id)
                moves = {("household", dwelling.pk): amount, ("user", courier.pk): amount}
            elif name == "repayment":
                h, p, amount = args
                dwelling, payee = cast.households[h], (cast.couriers + [carol])[p]

                def send(event_id, dwelling=dwelling, payee=payee, amount=amount):
                    return ledger.repayment_record(scope=office, user=carol, dwelling=dwelling, amount=amount,
                                                   method="cash", payee=payee, event_id=event_id)
                moves = {("household", dwelling.pk): -amount, ("user", payee.pk): -amount}
            elif name == "reimbursement":
                c, amount = args
                courier = cast.couriers[c]

                def send(event_id, courier=courier, amount=amount):
                    return ledger.reimbursement_record(scope=office, user=carol, community_id=cast.community.pk,
                                                       courier=courier, amount=amount, method="transfer",
                                                       event_id=event_id)
                # The office paid the courier: the courier is owed less, the office holds less.
                moves = {("user", carol.pk): amount, ("user", courier.pk): -amount}
            elif name == "reverse":
                pk, kind, earlier = kept.entries[args[0] % len(kept.entries)]
                amount = None
                refused = kind == "reversal" or pk in kept.reversed

                def send(event_id, pk=pk):
                    return ledger.entry_reverse(scope=office, user=carol, entry=LedgerEntry.objects.get(pk=pk),
                                                reason="记错了", event_id=event_id)
                moves = {party: -value for party, value in earlier.items()}
            else:  # repeat
                if last is None:
                    continue
                again, its_event_id = last
                again(its_event_id)
                assert LedgerEntry.objects.count() == before[0]
                _assert_agrees(kept)
                continue

            if name != "reverse":
                refused = not (Decimal("0") < amount <= Decimal("10000"))
            if refused:
                with pytest.raises(ValidationError):
                    send(event_id)
                after = ledger.balances(LedgerEntry.objects.all())
                assert LedgerEntry.objects.count() == before[0]
                assert _nonzero(after.households) == _nonzero(before[1].households)
                assert _nonzero(after.users) == _nonzero(before[1].users)
                continue
            entry = send(event_id)
            if name == "reverse":
                kept.reversed.add(pk)
            kept.move(entry.pk, "reversal" if name == "reverse" else name, moves)
            if name != "reverse":
                last = (send, event_id)
            _assert_agrees(kept)
        rows = ledger_selectors.balance_rows(LedgerEntry.objects.all())
        assert {row.dwelling.pk: row.owes for row in rows.households} == kept.side("household")
        assert {row.user.pk: row.owed for row in rows.users} == kept.side("user")
        assert rows.adds_up and rows.households_total == rows.users_total
        transaction.set_rollback(True)  # the next example starts from the cast again


# -- who sees which entries -------------------------------------------------------------------


def test_a_courier_sees_only_the_entries_where_they_paid_or_received(books):
    cast = books
    frank, hank, carol = cast.users["frank"], cast.hank, cast.users["carol"]
    theirs = ledger.purchase_record(scope=Scope.for_user(hank), user=hank, task=cast.tasks[(1, 1)], amount="12")
    repaid = ledger.repayment_record(scope=Scope.for_user(carol), user=carol, dwelling=cast.household_b,
                                     amount="8", method="transfer", payee=frank)
    paid_back = ledger.reimbursement_record(scope=Scope.for_user(carol), user=carol, community_id=cast.community.pk,
                                            courier=frank, amount="50", method="cash")
    seen = set(ledger_selectors.visible_entries(Scope.for_user(frank)).values_list("pk", flat=True))
    assert seen == {cast.purchase_b.pk, repaid.pk, paid_back.pk}
    assert theirs.pk not in seen
    frank_scope = Scope.for_user(frank)
    entries = list(ledger_selectors.visible_entries(frank_scope))
    # His own purchase and the repayment he received, not the office's reimbursement.
    assert ledger_selectors.reversible_ids(frank_scope, entries) == {cast.purchase_b.pk, repaid.pk}
    with pytest.raises(PermissionDenied):
        ledger.entry_reverse(scope=frank_scope, user=frank, entry=theirs, reason="不是我的")
    with pytest.raises(PermissionDenied):
        ledger.entry_reverse(scope=frank_scope, user=frank, entry=paid_back, reason="不是我的")


def test_grid_workers_see_their_grids_households_and_readers_the_community(books):
    cast = books
    carol = cast.users["carol"]
    in_a = ledger.purchase_record(scope=Scope.for_user(carol), user=carol, task=cast.tasks[(0, 1)], amount="9")
    paid_back = ledger.reimbursement_record(scope=Scope.for_user(carol), user=carol, community_id=cast.community.pk,
                                            courier=cast.hank, amount="5", method="cash")

    def seen(name):
        return set(ledger_selectors.visible_entries(Scope.for_user(cast.users[name])).values_list("pk", flat=True))

    assert seen("alice") == {in_a.pk}
    assert seen("bob") == {cast.purchase_b.pk}
    assert seen("carol") == seen("dave") == seen("root") == {cast.purchase_b.pk, in_a.pk, paid_back.pk}
    assert seen("olga") == seen("erin") == seen("gina") == set()


def test_the_filters_cut_by_kind_day_and_room(books):
    cast = books
    carol = cast.users["carol"]
    ledger.repayment_record(scope=Scope.for_user(carol), user=carol, dwelling=cast.dwelling_a, amount="3",
                            method="cash", payee=carol)
    everything = ledger_selectors.visible_entries(Scope.for_user(carol))

    def kinds(**query):
        entries = ledger_selectors.filtered(everything, ledger_selectors.Filters.from_query(query))
        return sorted(entries.values_list("kind", flat=True))

    assert kinds(kind="repayment") == ["repayment"]
    assert kinds(q=cast.dwelling_a.room) == ["repayment"]
    assert kinds(q=f"{cast.building_b.name} {cast.household_b.room}") == ["purchase"]
    assert kinds(**{"from": "2026-03-03"}) == []
    assert kinds(**{"from": "2026-03-02", "to": "2026-03-02"}) == ["purchase", "repayment"]
    assert kinds(kind="nonsense", to="not a day") == ["purchase", "repayment"]  # ignored, not a 500
    assert len(ledger_selectors.Filters.from_query({"q": "楼" * 500}).q) == 100
