"""The daily report's delivery figures (delivery.report_sections), counted by hand from the
steps the test takes. The clock stands at 2026-03-02 10:00."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from fangxian.core.scope import Scope
from fangxian.delivery import services
from fangxian.delivery.models import DeliveryRule, LedgerEntry, Task
from fangxian.delivery.report_sections import SECTIONS, delivery_figures
from fangxian.reports.dashboard_selectors import dashboard
from tests.conftest import FROZEN_AT
from tests.delivery.cast import delivery_cast
from tests.factories import BuildingFactory, CommunityFactory, DwellingFactory, EstateFactory, make_user

pytestmark = pytest.mark.usefixtures("frozen_clock")
TODAY = FROZEN_AT.date()
YESTERDAY = TODAY - dt.timedelta(days=1)
KEYS = ["households_served", "meals_delivered", "shopping_runs", "garbage_pickups", "failed_or_late"]


def at(day, hour, minute=0):
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def meal(dwelling, meal_name, day, due_hour, courier=None):
    return Task.objects.create(dwelling=dwelling, kind=Task.Kind.MEAL, meal=meal_name, day=day,
                               due_by=at(day, due_hour), people=1, status=Task.Status.ASSIGNED if courier else
                               Task.Status.REQUESTED, courier=courier, source=Task.Source.GENERATED,
                               created_at=at(day - dt.timedelta(days=1), 22))


def step(task, name, user, when, **extra):
    task = Task.objects.get(pk=task.pk)  # as a page would load it
    return services.task_step(task=task, step=name, user=user, scope=Scope.for_user(user), at=when, **extra)


@pytest.fixture
def cast(two_grids):
    return delivery_cast(two_grids)


def test_the_section_is_declared_as_flows_of_the_day(db):
    (section,) = SECTIONS
    assert section.key == "delivery" and [f.key for f in section.figures] == KEYS
    assert all(f.kind == "today" for f in section.figures)


def test_the_figures_of_a_day_counted_by_hand(cast):
    frank, carol = cast.users["frank"], cast.users["carol"]
    step(cast.lunch_b, "delivered", frank, at(TODAY, 9, 30))
    step(cast.shopping_b, "delivered", frank, at(TODAY, 9, 45))
    step(cast.garbage_a, "assigned", carol, at(TODAY, 9, 0), courier=frank)
    step(cast.garbage_a, "delivered", frank, at(TODAY, 9, 40))
    medicine = services.request_make(dwelling=cast.household_b, kind=Task.Kind.MEDICINE, items="感冒药",
                                     user=carol, scope=Scope.for_user(carol))
    step(medicine, "failed", frank, at(TODAY, 9, 50), note="药店关门")
    meal(cast.household_b, "breakfast", TODAY, 8, courier=frank)  # open past its 08:00: late
    meal(cast.dwelling_a, "dinner", TODAY, 18)  # due tonight: not late yet

    figures = delivery_figures([cast.community.pk, cast.other.pk], TODAY)

    assert figures[cast.community.pk] == {
        "households_served": 2,  # household B (lunch, shopping) and dwelling A (garbage), each once
        "meals_delivered": 1, "shopping_runs": 1, "garbage_pickups": 1,
        "failed_or_late": 2,  # the medicine that failed, the breakfast still open
    }
    assert figures[cast.other.pk] == dict.fromkeys(KEYS)  # no delivery there: unknown, not 0


def test_a_community_that_delivers_and_served_nobody_says_zero(cast):
    quiet = CommunityFactory(subdistrict=cast.community.subdistrict)
    DeliveryRule.objects.create(community=quiet, effective_from=YESTERDAY)
    future = CommunityFactory(subdistrict=cast.community.subdistrict)
    DeliveryRule.objects.create(community=future, effective_from=TODAY + dt.timedelta(days=3))

    figures = delivery_figures([quiet.pk, future.pk], TODAY)

    assert figures[quiet.pk] == dict.fromkeys(KEYS, 0)
    assert figures[future.pk] == dict.fromkeys(KEYS)  # its rule starts later: nothing to know today


def test_a_household_in_home_quarantine_makes_a_community_deliver(cast):
    # The cast's community has its tasks; a quarantine alone is enough (its meals are owed).
    LedgerEntry.objects.all().delete()
    Task.objects.all().delete()
    figures = delivery_figures([cast.community.pk], TODAY)[cast.community.pk]
    assert figures == {**dict.fromkeys(KEYS, 0)}


def test_a_past_day_drafted_again_gives_the_same_figures(cast):
    frank, carol = cast.users["frank"], cast.users["carol"]
    lunch = meal(cast.household_b, "lunch", YESTERDAY, 12, courier=frank)
    step(lunch, "delivered", frank, at(YESTERDAY, 11, 50))
    dinner = meal(cast.household_b, "dinner", YESTERDAY, 18, courier=frank)
    step(dinner, "failed", frank, at(YESTERDAY, 18, 30), note="无人应门")
    meal(cast.dwelling_a, "dinner", YESTERDAY, 18)  # never delivered: late at the day's end
    before = delivery_figures([cast.community.pk], YESTERDAY)[cast.community.pk]
    assert before == {"households_served": 1, "meals_delivered": 1, "shopping_runs": 0, "garbage_pickups": 0,
                      "failed_or_late": 2}

    # Today the failed dinner is reopened and delivered, the late one delivered too: yesterday stays.
    step(dinner, "reopened", carol, at(TODAY, 8))
    step(dinner, "delivered", frank, at(TODAY, 8, 30))
    late = Task.objects.get(dwelling=cast.dwelling_a, day=YESTERDAY)
    step(late, "assigned", carol, at(TODAY, 8), courier=frank)
    step(late, "delivered", frank, at(TODAY, 8, 40))

    assert delivery_figures([cast.community.pk], YESTERDAY)[cast.community.pk] == before
    today = delivery_figures([cast.community.pk], TODAY)[cast.community.pk]
    assert today["meals_delivered"] == 2 and today["households_served"] == 2


def _community_delivering(n):
    community = CommunityFactory()
    building = BuildingFactory(estate=EstateFactory(community=community))
    courier = make_user(f"courier{n}")
    for room in range(3):
        task = meal(DwellingFactory(building=building, room=f"D{n}0{room}"), "breakfast", TODAY, 8, courier=courier)
        if room:
            Task.objects.filter(pk=task.pk).update(status=Task.Status.DELIVERED, delivered_at=at(TODAY, 7))
            task.events.create(step="delivered", at=at(TODAY, 7, room), by=courier)
    return community.pk


def test_a_fixed_number_of_queries_whatever_the_communities(db):
    one = [_community_delivering(1)]
    three = one + [_community_delivering(2), _community_delivering(3)]
    with CaptureQueriesContext(connection) as for_one:
        delivery_figures(one, TODAY)
    with CaptureQueriesContext(connection) as for_three:
        figures = delivery_figures(three, TODAY)
    assert len(for_three) == len(for_one) <= 5
    assert [(figures[pk]["meals_delivered"], figures[pk]["failed_or_late"]) for pk in three] == [(2, 1)] * 3


def test_the_wall_dashboard_shows_todays_delivery(cast):
    frank = cast.users["frank"]
    step(cast.lunch_b, "delivered", frank, at(TODAY, 9, 30))
    step(cast.shopping_b, "delivered", frank, at(TODAY, 9, 45))
    meal(cast.household_b, "dinner", TODAY, 18, courier=frank)
    meal(cast.dwelling_a, "breakfast", TODAY, 8)  # nobody took it: late
    cancelled = meal(cast.dwelling_a, "dinner", TODAY, 18)
    Task.objects.filter(pk=cancelled.pk).update(status=Task.Status.CANCELLED)

    figures = dashboard([cast.community.pk], TODAY)["figures"]

    assert (figures["meals_delivered"], figures["meals_due"]) == (1, 3)
    assert figures["shopping_runs"] == 1 and figures["failed_or_late"] == 1
    other = dashboard([cast.other.pk], TODAY)["figures"]
    assert [other[key] for key in ("meals_delivered", "meals_due", "shopping_runs", "failed_or_late")] == [None] * 4
