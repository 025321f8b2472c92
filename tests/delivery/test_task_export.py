"""The Excel of the day's tasks: a row per task the user sees in the order of the stairs,
masked names, no phone and no ID number, and a summary of the day. The clock stands at
2026-03-02 10:00."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from fangxian.core.models import AuditEvent
from fangxian.core.personal import mask_name
from fangxian.delivery.models import Task
from fangxian.registry.models import Person
from fangxian.registry.rooms import door_order
from tests.delivery import matrix_tasks
from tests.factories import DwellingFactory

pytestmark = pytest.mark.usefixtures("frozen_clock")


@pytest.fixture
def cast(two_grids):
    matrix_tasks.equip(two_grids)
    return two_grids


def workbook(client, user, **query):
    client.force_login(user)
    response = client.get(reverse("delivery:task_export"), query)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return load_workbook(io.BytesIO(response.content))


def cells(book) -> str:
    return "\n".join(str(value) for sheet in book for row in sheet.iter_rows(values_only=True)
                     for value in row if value is not None)


def test_it_lists_the_days_tasks_in_stair_order(client, cast):
    upstairs = DwellingFactory(building=cast.building_b, room="1201")
    Task.objects.create(dwelling=upstairs, kind=Task.Kind.MEAL, meal="dinner", day=cast.delivery_day,
                        due_by=cast.lunch_b.due_by, source=Task.Source.GENERATED, created_at=cast.lunch_b.created_at)
    book = workbook(client, cast.users["bob"])
    sheet = book.worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    body, room = rows[1:], 3  # estate, building, floor, room, ...
    assert len(body) == 6  # grid B's five of the cast and the matrix, and the dinner upstairs
    rooms = [line[room] for line in body]
    assert "1201" in rooms
    by_building: dict = {}
    for line in body:
        by_building.setdefault(line[1], []).append(line[room])
    for building_rooms in by_building.values():  # up the stairs within each building
        assert building_rooms == sorted(building_rooms, key=door_order)
    assert set(rooms) == {cast.household_b.room, "1201"}
    assert AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT, target_type="delivery.Task").exists()


def test_it_masks_names_and_writes_no_phone_nor_id_number(client, cast):
    text = cells(workbook(client, cast.users["carol"]))
    for person in Person.objects.filter(dwelling_id__in=[cast.household_b.pk, cast.dwelling_a.pk]):
        assert person.national_id not in text and person.name not in text
        if person.phone:
            assert person.phone not in text
    assert mask_name(cast.quarantine_b.person.name) in text
    assert "药店关门" in text  # the failure reason


def test_a_grid_worker_gets_their_grids_tasks_only(client, cast):
    rows = list(workbook(client, cast.users["alice"]).worksheets[0].iter_rows(values_only=True))[1:]
    assert [row[3] for row in rows] == [cast.dwelling_a.room]


def test_the_summary_gives_the_days_figures(client, cast):
    summary = workbook(client, cast.users["carol"]).worksheets[1]
    values = [value for row in summary.iter_rows(values_only=True) for value in row]
    assert values[:2] == [values[0], "2026-03-02"]
    numbers = [row[1] for row in summary.iter_rows(values_only=True)][1:8]
    # tasks, meals due, meals delivered, households served, shopping runs, garbage pickups, failed or late
    assert numbers == [6, 1, 0, 1, 0, 1, 1]


def test_another_day_is_empty(client, cast):
    rows = list(workbook(client, cast.users["carol"], day="2026-02-01").worksheets[0].iter_rows(values_only=True))
    assert len(rows) == 1  # the headers
