"""Delivery's API as a courier's phone uses it: the day's tasks (no ID number, no phone, other
couriers' tasks left out), a step sent twice stored once, refusals in the project's one shape.
Frozen at 2026-03-02 10:00."""

import json
import re
import uuid

import pytest

from fangxian.accounts.models import Role
from fangxian.core.personal import mask_name
from fangxian.delivery.models import Household, Task, TaskEvent
from fangxian.registry.rooms import door_order, floor_of
from tests.conftest import FROZEN_AT
from tests.delivery import matrix_run
from tests.factories import make_user

pytestmark = pytest.mark.usefixtures("frozen_clock")
TASKS = "/api/v1/delivery/tasks"
FULL_ID = re.compile(r"\d{17}[\dXx]")
FULL_MOBILE = re.compile(r"(?<!\d)1\d{10}(?!\d)")


@pytest.fixture
def cast(two_grids):
    matrix_run.equip(two_grids)
    return two_grids


def steps_url(task) -> str:
    return f"{TASKS}/{task.pk}/steps"


def post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def test_frank_gets_his_tasks_in_stair_order_without_id_or_phone(client, cast):
    Household.objects.filter(dwelling=cast.household_b).update(phone_shared=True)
    henry = make_user("henry", Role.DELIVERY_VOLUNTEER, cast.community)
    now = FROZEN_AT
    other = Task.objects.create(dwelling=cast.dwelling_a, kind=Task.Kind.GARBAGE, day=FROZEN_AT.date(),
                                due_by=now, status=Task.Status.ASSIGNED, courier=henry, source=Task.Source.WORKER,
                                created_at=now)
    client.force_login(cast.users["frank"])
    response = client.get(TASKS)
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    body = response.json()
    ids = [item["id"] for item in body["items"]]
    assert set(ids) == {cast.lunch_b.pk, cast.shopping_b.pk, cast.run_task.pk} and other.pk not in ids
    rooms = [item["room"] for item in body["items"]]  # all of building B: by floor, then room
    assert rooms == sorted(rooms, key=door_order) and "R1709" in rooms
    assert [item["floor"] for item in body["items"]] == [floor_of(room) for room in rooms]
    text = response.content.decode()
    assert not FULL_ID.search(text) and not FULL_MOBILE.search(text)
    assert all("phone" not in item and "national_id" not in item for item in body["items"])
    lunch = next(item for item in body["items"] if item["id"] == cast.lunch_b.pk)
    assert lunch["masked_name"] == mask_name(cast.quarantine_b.person.name) and lunch["dietary"] == "清真"
    assert body["day"] == "2026-03-02"


def test_the_office_gets_the_days_tasks_it_sees(client, cast):
    client.force_login(cast.users["carol"])
    ids = {item["id"] for item in client.get(TASKS, {"day": "2026-03-02"}).json()["items"]}
    assert {cast.lunch_b.pk, cast.garbage_a.pk, cast.run_task.pk} <= ids
    client.force_login(cast.users["alice"])
    ids = {item["id"] for item in client.get(TASKS).json()["items"]}
    assert cast.garbage_a.pk in ids and cast.lunch_b.pk not in ids
    assert client.get(TASKS, {"day": "2026-03-03"}).json()["items"] == []
    assert client.get(TASKS, {"limit": 1000}).status_code == 422  # the page size is bounded


def test_a_step_sent_twice_is_stored_once_with_the_same_answer(client, cast):
    client.force_login(cast.users["frank"])
    body = {"step": "picked_up", "event_id": str(uuid.uuid4())}
    first = post(client, steps_url(cast.run_task), body)
    again = post(client, steps_url(cast.run_task), body)
    assert first.status_code == again.status_code == 200
    assert first.json() == again.json() and first.json()["status"] == "picked_up"
    assert TaskEvent.objects.filter(event_id=body["event_id"]).count() == 1


def test_refusals_have_the_projects_shape(client, cast):
    client.force_login(cast.users["frank"])
    bad = post(client, steps_url(cast.run_task), {"step": "teleported", "event_id": str(uuid.uuid4())})
    assert bad.status_code == 422 and bad.json()["detail"][0]["field"] == "step"
    missing = post(client, steps_url(cast.run_task), {"step": "picked_up"})
    assert missing.status_code == 422 and missing.json()["detail"][0]["field"] == "event_id"
    no_reason = post(client, steps_url(cast.run_task), {"step": "failed", "event_id": str(uuid.uuid4())})
    assert no_reason.status_code == 422 and no_reason.json()["detail"][0]["field"] == "note"
    assert Task.objects.get(pk=cast.run_task.pk).status == Task.Status.ASSIGNED
    client.force_login(cast.users["alice"])  # grid A: the task is not hers to see
    assert post(client, steps_url(cast.run_task), {"step": "picked_up", "event_id": str(uuid.uuid4())}
                ).status_code == 404
    client.force_login(cast.users["dave"])  # reads it, may not move it on
    assert post(client, steps_url(cast.run_task), {"step": "picked_up", "event_id": str(uuid.uuid4())}
                ).status_code == 403
    client.force_login(cast.users["erin"])
    assert client.get(TASKS).status_code == 403
