"""Delivery's home tile and menu badge count: a courier's day, the office's meals, requests
and tasks that need attention. The clock stands at 2026-03-02 10:00."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse

from fangxian.core.scope import Scope
from fangxian.delivery.home import attention_count, delivery_tile
from fangxian.delivery.models import Task
from tests.conftest import FROZEN_AT
from tests.delivery import matrix_tasks
from tests.factories import DwellingFactory

pytestmark = pytest.mark.usefixtures("frozen_clock")


@pytest.fixture
def cast(two_grids):
    matrix_tasks.equip(two_grids)  # the delivery cast, a failed medicine, a delivered garbage, a shopping to cancel
    return two_grids


def tile(user):
    return delivery_tile(None, Scope.for_user(user))


def test_a_courier_sees_the_day_and_the_next_stops_in_stair_order(cast):
    frank = cast.users["frank"]
    upstairs = DwellingFactory(building=cast.building_b, room="1201")
    downstairs = DwellingFactory(building=cast.building_b, room="201")
    for dwelling in (upstairs, downstairs):
        Task.objects.create(dwelling=dwelling, kind=Task.Kind.MEAL, meal="dinner", day=FROZEN_AT.date(),
                            due_by=FROZEN_AT + dt.timedelta(hours=8), status=Task.Status.ASSIGNED, courier=frank,
                            source=Task.Source.GENERATED, created_at=FROZEN_AT)
    found = tile(frank)["courier"]
    # lunch, shopping (picked up), failed medicine, delivered garbage, shopping to cancel, two dinners
    assert found["total"] == 7 and found["done"] == 1 and len(found["stops"]) == 3
    # Household B's done: the next stops are the dinners, the 2nd floor before the 12th.
    Task.objects.filter(dwelling=cast.household_b).update(status=Task.Status.DELIVERED)
    found = tile(frank)["courier"]
    assert found["total"] == 7 and found["done"] == 5
    assert [stop["room"] for stop in found["stops"]] == ["201", "1201"]
    assert tile(frank)["office"] is None  # a courier has no office figures
    try:
        assert found["url"] == reverse("delivery:run_sheet")
    except NoReverseMatch:
        assert found["url"] is None


def test_the_office_sees_meals_requests_and_what_needs_attention(cast):
    carol, bob, alice = cast.users["carol"], cast.users["bob"], cast.users["alice"]
    office = tile(carol)["office"]
    assert (office["delivered"], office["meals"]) == (0, 1)  # lunch B
    assert office["requests"] == 3  # shopping B (picked up), shopping to cancel, garbage A
    assert office["attention"] == 1 == attention_count(Scope.for_user(carol))  # the failed medicine
    assert office["attention_url"] == reverse("delivery:task_list") + "?flag=1"
    assert tile(bob)["office"]["requests"] == 2
    assert tile(alice)["office"]["requests"] == 1 and attention_count(Scope.for_user(alice)) == 0
    html = render_to_string("delivery/home_tile.html", tile(carol))
    assert "?flag=1" in html


def test_late_tasks_count_as_needing_attention(cast):
    Task.objects.filter(pk=cast.garbage_a.pk).update(due_by=FROZEN_AT - dt.timedelta(minutes=5))
    assert attention_count(Scope.for_user(cast.users["alice"])) == 1
    assert attention_count(Scope.for_user(cast.users["carol"])) == 2


def test_nobody_else_gets_a_tile(cast):
    for user in ("erin", "gina"):
        assert tile(cast.users[user]) is None
        assert attention_count(Scope.for_user(cast.users[user])) == 0
    assert tile(cast.users["olga"]) is None  # her community delivers nothing today
    assert delivery_tile(None, Scope(user_id=None)) is None


def test_a_fixed_number_of_queries(cast):
    frank, carol = cast.users["frank"], cast.users["carol"]

    def count(user):
        scope = Scope.for_user(user)
        with CaptureQueriesContext(connection) as queries:
            delivery_tile(None, scope)
            attention_count(scope)
        return len(queries)

    few = (count(frank), count(carol))
    for i in range(5):
        dwelling = DwellingFactory(building=cast.building_b, room=f"H{i}02")
        Task.objects.create(dwelling=dwelling, kind=Task.Kind.MEAL, meal="dinner", day=FROZEN_AT.date(),
                            due_by=FROZEN_AT + dt.timedelta(hours=8), status=Task.Status.ASSIGNED, courier=frank,
                            source=Task.Source.GENERATED, created_at=FROZEN_AT)
    assert (count(frank), count(carol)) == few
