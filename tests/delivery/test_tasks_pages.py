"""The office's delivery tasks as their users meet them: the day's list (who sees what, the
filters, the counts, the empty day), a task's page (its history, its money, its photo, the
courier's narrower view), and the office's steps on it: assign, cancel, reopen. The clock
stands at 2026-03-02 10:00."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.urls import reverse

from fangxian.core.personal import mask_name
from fangxian.delivery.models import Task, TaskEvent
from fangxian.registry.models import Person
from tests.conftest import FROZEN_AT
from tests.delivery import matrix_tasks
from tests.i18n import zh
from tests.roles import ROLES, walk_matrix

pytestmark = pytest.mark.usefixtures("frozen_clock")


@pytest.fixture
def cast(two_grids):
    two_grids.person_b.name = "乙网格居民"
    two_grids.person_b.save(update_fields=["name"])
    two_grids.person_a.name = "甲网格居民"
    two_grids.person_a.save(update_fields=["name"])
    matrix_tasks.equip(two_grids)
    return two_grids



def page(client, user, name="delivery:task_list", *args, **query):
    client.force_login(user)
    response = client.get(reverse(name, args=list(args)), query)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def listed(response_html: str, cast) -> set[str]:
    """Which of the cast's tasks the list links to."""
    names = {"lunch_b": cast.lunch_b, "shopping_b": cast.shopping_b, "garbage_a": cast.garbage_a,
             "failed_b": cast.failed_b, "delivered_b": cast.delivered_b, "cancel_b": cast.cancel_b}
    return {name for name, task in names.items()
            if f'href="{reverse("delivery:task_detail", args=[task.pk])}"' in response_html}


@pytest.mark.parametrize("role", ROLES)
def test_the_matrix_rows_hold(client, cast, role):
    def check(name, method, response):
        if role == "alice" and method == "get" and response.status_code == 200 and "html" in response["Content-Type"]:
            assert mask_name("乙网格居民") not in response.content.decode(), name

    wrong = walk_matrix(client, cast, role, matrix_tasks, check)
    assert not wrong, "\n".join(wrong)


def test_the_office_sees_the_days_tasks_and_a_grid_worker_their_grids(client, cast):
    everything = page(client, cast.users["carol"])
    assert listed(everything, cast) == {"lunch_b", "shopping_b", "garbage_a", "failed_b", "delivered_b", "cancel_b"}
    assert listed(page(client, cast.users["dave"]), cast) == listed(everything, cast)
    assert listed(page(client, cast.users["bob"]), cast) == {"lunch_b", "shopping_b", "failed_b", "delivered_b",
                                                              "cancel_b"}
    grid_a = page(client, cast.users["alice"])
    assert listed(grid_a, cast) == {"garbage_a"}
    assert mask_name("甲网格居民") in grid_a and "甲网格居民" not in grid_a  # the contact, masked
    assert listed(page(client, cast.users["olga"]), cast) == set()


def test_it_never_shows_a_full_name_an_id_number_or_a_phone(client, cast):
    people = Person.objects.filter(dwelling_id__in=[cast.household_b.pk, cast.dwelling_a.pk])
    html = page(client, cast.users["carol"]) + page(client, cast.users["carol"], "delivery:task_detail",
                                                     cast.shopping_b.pk)
    for person in people:
        assert person.national_id not in html
        assert person.name not in html
        if person.phone:
            assert person.phone not in html


def test_it_counts_the_tasks_per_status(client, cast):
    html = page(client, cast.users["carol"])
    # lunch_b and cancel_b assigned, shopping_b picked up, garbage_a requested, one failed, one delivered
    for status, n in (("assigned", 2), ("picked_up", 1), ("requested", 1), ("failed", 1), ("delivered", 1),
                      ("cancelled", 0)):
        label = zh(str(Task.Status(status).label))
        assert f'<span class="task-status {status}">{label}</span> <b>{n}</b>' in html, status


def test_the_filters(client, cast):
    carol = cast.users["carol"]
    assert listed(page(client, carol, status="failed"), cast) == {"failed_b"}
    assert listed(page(client, carol, kind="meal"), cast) == {"lunch_b"}
    assert listed(page(client, carol, courier="none"), cast) == {"garbage_a"}
    assert listed(page(client, carol, courier=str(cast.users["frank"].pk)), cast) == {
        "lunch_b", "shopping_b", "failed_b", "delivered_b", "cancel_b"}
    assert listed(page(client, carol, q=cast.dwelling_a.room), cast) == {"garbage_a"}
    html = page(client, carol, q="x" * 300)
    assert 'maxlength="100"' in html


def test_needs_attention_shows_the_failed_and_the_late(client, cast):
    carol = cast.users["carol"]
    assert listed(page(client, carol, flag="1"), cast) == {"failed_b"}
    # Past noon the lunch is late; an open task of yesterday that is past due shows too.
    Task.objects.filter(pk=cast.lunch_b.pk).update(due_by=FROZEN_AT - dt.timedelta(hours=1))
    Task.objects.filter(pk=cast.garbage_a.pk).update(day=dt.date(2026, 3, 1),
                                                     due_by=cast.garbage_a.due_by - dt.timedelta(days=2))
    html = page(client, carol, flag="1")
    assert listed(html, cast) == {"failed_b", "lunch_b", "garbage_a"}
    assert 'class="task-status late"' in html
    assert listed(page(client, cast.users["alice"], flag="1"), cast) == {"garbage_a"}


def test_another_day_and_an_empty_day(client, cast):
    carol = cast.users["carol"]
    html = page(client, carol, day="2026-03-01")
    assert listed(html, cast) == set()
    assert zh("No delivery task on this day. Meals are made every night for the households in home quarantine; "
              "requests come from the households' links or from a grid worker.") in html
    assert listed(page(client, carol, day="not a day"), cast) == listed(page(client, carol), cast)  # today
    assert f'{reverse("delivery:task_export")}?day=2026-03-01' in html


def test_a_tasks_page_tells_its_history_and_its_money(client, cast):
    html = page(client, cast.users["bob"], "delivery:task_detail", cast.shopping_b.pk)
    assert "58.50" in html  # frank's receipt
    assert zh(str(TaskEvent.Step.PICKED_UP.label)) in html and "frank" in html
    assert "大米 5斤" in html and "80" in html
    failed = page(client, cast.users["bob"], "delivery:task_detail", cast.failed_b.pk)
    assert "药店关门" in failed
    delivered = page(client, cast.users["bob"], "delivery:task_detail", cast.delivered_b.pk)
    assert reverse("delivery:task_photo", args=[cast.delivered_b.pk]) in delivered


def test_the_photo_is_served_to_those_who_see_the_task(client, cast):
    client.force_login(cast.users["frank"])
    response = client.get(reverse("delivery:task_photo", args=[cast.delivered_b.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")
    assert client.get(reverse("delivery:task_photo", args=[cast.lunch_b.pk])).status_code == 404  # none
    client.force_login(cast.users["alice"])
    assert client.get(reverse("delivery:task_photo", args=[cast.delivered_b.pk])).status_code == 404


def test_a_courier_sees_their_task_as_a_courier_does(client, cast):
    html = page(client, cast.users["frank"], "delivery:task_detail", cast.lunch_b.pk)
    assert "清真" in html and zh("Address") in html
    assert 'action="' + reverse("delivery:task_assign", args=[cast.lunch_b.pk]) not in html  # no office steps
    contact = cast.quarantine_b.person
    assert contact.name not in html and contact.national_id not in html
    assert not contact.phone or contact.phone not in html  # the household did not share it


def test_the_office_assigns_a_task_once_however_often_the_form_is_sent(client, cast):
    client.force_login(cast.users["carol"])
    event_id = str(uuid.uuid4())
    url = reverse("delivery:task_assign", args=[cast.garbage_a.pk])
    for _ in range(2):
        response = client.post(url, {"courier": cast.users["frank"].pk, "event_id": event_id})
        assert response.status_code == 302
    task = Task.objects.get(pk=cast.garbage_a.pk)
    assert task.status == Task.Status.ASSIGNED and task.courier == cast.users["frank"]
    assert TaskEvent.objects.filter(task=task, step="assigned").count() == 1
    assert zh("The task was assigned.") in client.get(response["Location"]).content.decode()


def test_assigning_without_a_courier_or_to_a_stranger_changes_nothing(client, cast):
    client.force_login(cast.users["carol"])
    url = reverse("delivery:task_assign", args=[cast.garbage_a.pk])
    for data in ({}, {"courier": cast.users["erin"].pk}):  # erin is no delivery volunteer
        response = client.post(url, data, follow=True)
        assert zh("Courier") in response.content.decode()
        assert Task.objects.get(pk=cast.garbage_a.pk).status == Task.Status.REQUESTED
    assert not TaskEvent.objects.filter(task=cast.garbage_a).exists()


def test_cancelling_needs_a_reason_and_a_confirmation(client, cast):
    client.force_login(cast.users["bob"])
    url = reverse("delivery:task_cancel", args=[cast.cancel_b.pk])
    html = client.get(reverse("delivery:task_detail", args=[cast.cancel_b.pk])).content.decode()
    assert "data-confirm=" in html and "fangxian/forms.js" in html
    refused = client.post(url, {"reason": "家属已自行购买"}, follow=True).content.decode()
    assert zh("Tick the box to confirm the cancellation.") in refused
    refused = client.post(url, {"confirm": "on"}, follow=True).content.decode()
    assert zh("Say why the task is cancelled.") in refused
    assert Task.objects.get(pk=cast.cancel_b.pk).status == Task.Status.ASSIGNED
    client.post(url, {"reason": "家属已自行购买", "confirm": "on"})
    task = Task.objects.get(pk=cast.cancel_b.pk)
    assert task.status == Task.Status.CANCELLED and task.note == "家属已自行购买"


def test_a_step_the_task_cannot_take_is_refused_with_a_message(client, cast):
    client.force_login(cast.users["carol"])
    response = client.post(reverse("delivery:task_cancel", args=[cast.delivered_b.pk]),
                           {"reason": "误点", "confirm": "on"}, follow=True)
    assert response.status_code == 200
    assert Task.objects.get(pk=cast.delivered_b.pk).status == Task.Status.DELIVERED


def test_a_failed_task_is_reopened_for_its_courier(client, cast):
    client.force_login(cast.users["bob"])
    client.post(reverse("delivery:task_reopen", args=[cast.failed_b.pk]), {"note": "明早再送"})
    task = Task.objects.get(pk=cast.failed_b.pk)
    assert task.status == Task.Status.ASSIGNED and task.courier == cast.users["frank"] and task.failed_at is None
    html = page(client, cast.users["bob"], flag="1")
    assert "failed_b" not in listed(html, cast)


def test_the_officer_and_the_courier_may_not_take_the_offices_steps(client, cast):
    for user in ("dave", "frank"):
        client.force_login(cast.users[user])
        response = client.post(reverse("delivery:task_reopen", args=[cast.failed_b.pk]))
        assert response.status_code == 403
    assert Task.objects.get(pk=cast.failed_b.pk).status == Task.Status.FAILED
