"""Delivery's part of the demo (delivery.demo): a month of meals, errands and money, consistent
with the returnees' home quarantines, on a small community built the way the demo builds one
(the registry's doors, then returnees.demo, then delivery's step)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model

from fangxian.core.scope import Role
from fangxian.delivery import ledger, selectors
from fangxian.delivery.demo import FAILURE_REASON, NOTHING, demo_delivery
from fangxian.delivery.models import Assignment, DeliveryRule, Household, LedgerEntry, Task, TaskEvent
from fangxian.registry.models import Dwelling
from fangxian.returnees.demo import demo_returnees
from fangxian.returnees.models import Quarantine
from tests.conftest import FROZEN_AT
from tests.factories import (
    BuildingFactory,
    CommunityFactory,
    DwellingFactory,
    EstateFactory,
    GridFactory,
    PersonFactory,
    make_user,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock")]
TODAY = FROZEN_AT.date()


@pytest.fixture
def community(frozen_clock):
    """Two grids of three buildings, eight doors each, three of them in home quarantine (one to
    three people each); an admin, a grid worker and two couriers; a month of returnees."""
    community = CommunityFactory(code="DELIVDEMO")
    estate = EstateFactory(community=community)
    for g in range(2):
        grid = GridFactory(community=community, code=f"G{g}", name=f"第{g + 1}网格")
        for b in range(3):
            building = BuildingFactory(estate=estate, grid=grid, name=f"{g + 1}-{b + 1}栋")
            for r in range(8):
                status = Dwelling.Status.QUARANTINE if r < 3 else Dwelling.Status.OCCUPIED
                dwelling = DwellingFactory(building=building, room=f"{r // 4 + 1}0{r % 4 + 1}", status=status)
                for _ in range(1 + (r + b) % 3):
                    PersonFactory(dwelling=dwelling)
    make_user("demo-admin", Role.COMMUNITY_ADMIN, community)
    make_user("demo-grid", Role.GRID_WORKER, grid)
    make_user("demo-courier", Role.DELIVERY_VOLUNTEER, community)
    make_user("demo-courier2", Role.DELIVERY_VOLUNTEER, community)
    demo_returnees(community=community, now=FROZEN_AT)
    return community


def _tasks(community):
    return Task.objects.filter(dwelling__building__community=community)


def _open_on(quarantine: Quarantine, day: dt.date) -> bool:
    return quarantine.starts_on <= day and (quarantine.ended_on is None or day < quarantine.ended_on)


def _signature(community):
    return (sorted(_tasks(community).values_list("dwelling__room", "dwelling__building__name", "kind", "meal", "day",
                                                 "status", "courier__username", "delivered_at", "confirmed_at")),
            sorted(LedgerEntry.objects.filter(community=community).values_list("kind", "amount", "at", "event_id")),
            sorted(Household.objects.filter(dwelling__building__community=community)
                   .values_list("dwelling__room", "dietary", "phone_shared", "token")))


def test_every_task_goes_to_a_household_in_quarantine_on_its_day(community):
    built = demo_delivery(community=community, now=FROZEN_AT)

    quarantines: dict[int, list[Quarantine]] = {}
    for quarantine in Quarantine.objects.filter(dwelling__building__community=community):
        quarantines.setdefault(quarantine.dwelling_id, []).append(quarantine)
    tasks = list(_tasks(community))
    assert len([t for t in tasks if t.kind == Task.Kind.MEAL]) == built["meals"] > 0
    for task in tasks:
        assert any(_open_on(q, task.day) for q in quarantines.get(task.dwelling_id, [])), task
        if task.kind == Task.Kind.MEAL:
            assert task.people == sum(_open_on(q, task.day) for q in quarantines[task.dwelling_id])
    # Every past day of every quarantine has its three meals.
    meals = {(t.dwelling_id, t.day) for t in tasks if t.kind == Task.Kind.MEAL}
    for dwelling_id, rows in quarantines.items():
        for quarantine in rows:
            day = quarantine.starts_on
            while day < min(quarantine.ended_on or quarantine.planned_end, TODAY):
                assert (dwelling_id, day) in meals
                assert sum(1 for t in tasks if t.dwelling_id == dwelling_id and t.day == day
                           and t.kind == Task.Kind.MEAL) == 3
                day += dt.timedelta(days=1)


def test_past_meals_were_delivered_before_they_were_due_and_mostly_confirmed(community):
    demo_delivery(community=community, now=FROZEN_AT)
    past = _tasks(community).filter(kind=Task.Kind.MEAL, day__lt=TODAY).exclude(status=Task.Status.FAILED)
    assert past.exists() and not past.exclude(status=Task.Status.DELIVERED).exists()
    assert all(t.delivered_at <= t.due_by and t.courier_id for t in past)
    assert past.filter(confirmed_at__isnull=False).count() > 0.6 * past.count()
    assert past.filter(contact_free=True).count() > 0.7 * past.count()
    # Each step is a stored event: assigned, picked up, delivered.
    steps = set(TaskEvent.objects.filter(task__in=past).values_list("step", flat=True))
    assert {"assigned", "picked_up", "delivered", "confirmed"} <= steps


def test_nothing_happens_after_now(community):
    demo_delivery(community=community, now=FROZEN_AT)
    for field in ("created_at", "assigned_at", "picked_up_at", "delivered_at", "failed_at", "confirmed_at"):
        latest = max((getattr(t, field) for t in _tasks(community) if getattr(t, field)), default=None)
        assert latest is None or latest <= FROZEN_AT, field
    assert max(TaskEvent.objects.filter(task__dwelling__building__community=community)
               .values_list("at", flat=True)) <= FROZEN_AT
    assert max(LedgerEntry.objects.filter(community=community).values_list("at", flat=True)) <= FROZEN_AT


def test_the_rules_have_a_history_and_one_building_has_no_courier(community):
    demo_delivery(community=community, now=FROZEN_AT)
    rules = list(DeliveryRule.objects.filter(community=community).order_by("effective_from"))
    assert [r.effective_from for r in rules] == [TODAY - dt.timedelta(days=29), TODAY - dt.timedelta(days=7)]
    assert rules[0].breakfast_by == dt.time(8, 0) and rules[1].breakfast_by == dt.time(8, 30)
    assert all(r.lunch_by == dt.time(12, 0) and r.dinner_by == dt.time(18, 0) and r.request_hours == 24
               for r in rules)
    served = {d.building_id for d in Dwelling.objects.filter(quarantines__isnull=False, building__community=community)}
    assigned = set(Assignment.objects.filter(building__community=community).values_list("building_id", flat=True))
    assert len(served - assigned) == 1
    assert {a.courier.username for a in Assignment.objects.all()} == {"demo-courier", "demo-courier2"}
    # Today: the breakfast (due 08:30) delivered; lunch waits with its courier, or with nobody
    # at the building without one.
    today = _tasks(community).filter(kind=Task.Kind.MEAL, day=TODAY)
    assert today.exists()
    assert set(today.filter(meal="breakfast").values_list("status", flat=True)) == {Task.Status.DELIVERED}
    lunches = today.filter(meal="lunch")
    (bare,) = served - assigned
    assert set(lunches.filter(dwelling__building_id=bare).values_list("status", flat=True)) == {"requested"}
    assert set(lunches.exclude(dwelling__building_id=bare).values_list("status", flat=True)) == {"assigned"}


def test_households_have_profiles_with_a_few_dietary_notes(community):
    built = demo_delivery(community=community, now=FROZEN_AT)
    profiles = Household.objects.filter(dwelling__building__community=community)
    assert profiles.count() == built["delivery_households"] == _tasks(community).values("dwelling").distinct().count()
    notes = set(profiles.exclude(dietary="").values_list("dietary", flat=True))
    assert notes == {"清真", "软食", "素食", "低糖"}
    assert 0 < profiles.filter(phone_shared=True).count() < profiles.count()
    # The meals carry the household's notes.
    halal = profiles.filter(dietary="清真").first()
    assert set(_tasks(community).filter(dwelling=halal.dwelling, kind="meal").values_list("dietary", flat=True)) \
        == {"清真"}


def test_the_money_adds_up_four_runs_repaid_one_owing(community):
    built = demo_delivery(community=community, now=FROZEN_AT)
    entries = LedgerEntry.objects.filter(community=community)
    balances = ledger.balances(entries)
    assert balances.adds_up
    owing = {pk: amount for pk, amount in balances.households.items() if amount}
    assert list(owing.values()) == [Decimal("35.60")]
    assert built["repaid"] == 4 and built["owing"] == 1 and built["shopping_runs"] == 4
    assert sum(1 for amount in balances.households.values() if amount == 0) == 4
    # The couriers are square: the office reimbursed the one who advanced the unpaid run.
    couriers = {a.courier_id for a in Assignment.objects.all()}
    assert all(balances.users[pk] == 0 for pk in couriers)
    assert entries.filter(kind="reimbursement").count() == 1
    reversal = entries.get(kind="reversal")
    assert reversal.reverses.amount == Decimal("68.30") and "63.80" in reversal.note
    assert set(entries.filter(kind="repayment").values_list("method", flat=True)) == {"cash", "transfer"}


def test_exactly_one_delivery_failed_and_it_is_flagged(community):
    built = demo_delivery(community=community, now=FROZEN_AT)
    (failed,) = _tasks(community).filter(status=Task.Status.FAILED)
    assert built["failed"] == 1 and failed.failure_reason == FAILURE_REASON
    assert TODAY - dt.timedelta(days=2) <= failed.day < TODAY
    assert failed in selectors.flagged(_tasks(community), now=FROZEN_AT)
    assert failed.events.filter(step="failed", note=FAILURE_REASON).exists()


def test_errands_medicine_and_garbage_some_open_today(community):
    built = demo_delivery(community=community, now=FROZEN_AT)
    requests = _tasks(community).exclude(kind=Task.Kind.MEAL)
    assert requests.count() == built["requests"]
    garbage = requests.filter(kind=Task.Kind.GARBAGE)
    assert garbage.filter(status=Task.Status.DELIVERED).count() >= 3
    medicine = requests.filter(kind=Task.Kind.MEDICINE)
    assert medicine.filter(status=Task.Status.DELIVERED).exists()
    assert medicine.filter(day=TODAY, status__in=Task.OPEN).count() == 1
    # A garbage pickup asked yesterday morning is late, and nobody has taken it.
    late = selectors.flagged(requests, now=FROZEN_AT).exclude(status=Task.Status.FAILED)
    assert [(t.kind, t.courier_id) for t in late] == [("garbage", None)]
    assert requests.filter(source=Task.Source.WORKER).exists() and requests.filter(source="household").exists()


def test_it_is_deterministic_and_runs_once(community):
    demo_delivery(community=community, now=FROZEN_AT)
    first = _signature(community)
    assert demo_delivery(community=community, now=FROZEN_AT) == NOTHING  # left alone
    assert _signature(community) == first
    entries = LedgerEntry.objects.filter(community=community)
    entries.filter(kind="reversal").delete()
    entries.delete()
    _tasks(community).delete()
    for model in (Household, Assignment):
        model.objects.filter(**{"dwelling__building__community" if model is Household
                                else "building__community": community}).delete()
    DeliveryRule.objects.filter(community=community).delete()
    demo_delivery(community=community, now=FROZEN_AT)
    assert _signature(community) == first


def test_a_community_without_a_courier_gets_its_meals_and_no_errands(community):
    get_user_model().objects.filter(username__startswith="demo-courier").update(is_active=False)
    built = demo_delivery(community=community, now=FROZEN_AT)
    assert built["meals"] > 0 and built["delivery_assignments"] == built["requests"] == built["failed"] == 0
    assert not Assignment.objects.exists() and not LedgerEntry.objects.exists()
    assert not _tasks(community).filter(courier__isnull=False).exists()
    assert not _tasks(community).filter(day__lt=TODAY).exclude(status=Task.Status.DELIVERED).exists()
