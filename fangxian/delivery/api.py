"""Delivery's API, under /api/v1/delivery/, for a courier's phone (and any device).

- GET  /delivery/tasks?day=YYYY-MM-DD: a courier's tasks of the day (and the ones still open
  from before), in the order of the stairs, each only as the door needs it (CourierView: no
  ID number, and no phone: a call goes through the run sheet's audited button); for the
  office (selectors.sees_delivery), the tasks of that day it sees, names masked.
- POST /delivery/tasks/{id}/steps: a step (picked up, delivered, failed) with the event_id the
  phone made: the same event_id again answers the same and stores nothing more.

With a bearer token or the browser session (CSRF on the step); a task the caller does not see
is 404, one they see but may not move on 403.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Literal, Optional

from django.conf import settings
from django.http import Http404, HttpResponse
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from fangxian.api.errors import ERRORS, WRITE_ERRORS
from fangxian.core.scope import Scope, scope_of

from . import run_sheet, selectors, services
from .models import Task

router = Router(tags=["delivery"])

MAX_LIMIT = 200
MAX_OFFSET = 1_000_000
MAX_ID = 2**63 - 1
Step = Literal["picked_up", "delivered", "failed"]


def _caller(request) -> Scope:
    scope = scope_of(request)
    scope.require(selectors.sees_run_sheet(scope))
    return scope


class TaskParams(Schema):
    day: Optional[dt.date] = Field(None, description="The day (YYYY-MM-DD); today when not given")
    limit: int = Field(settings.FANGXIAN_PAGE_SIZE, ge=1, le=MAX_LIMIT)
    offset: int = Field(0, ge=0, le=MAX_OFFSET)


class TaskOut(Schema):
    id: int
    kind: str
    kind_label: str = Field(description="In the caller's language")
    meal_label: str
    status: str
    status_label: str
    address: str
    building: str
    room: str
    floor: Optional[int] = Field(description="Read from the room number (1502 → 15); null when it cannot be told")
    masked_name: str = Field(description="Masked: the first and the last character (张*三)")
    people: int
    dietary: str
    items: str
    budget: Optional[str] = Field(description="Yuan, two decimals; null when none was given")
    due_by: dt.datetime
    late: bool
    courier: Optional[str] = Field(description="The courier's username")


class TaskPage(Schema):
    count: int = Field(description="How many there are, over all pages")
    limit: int
    offset: int
    day: dt.date
    items: list[TaskOut] = Field(description="In stair order: building, floor, room")


def _out(row: run_sheet.RunRow, courier: str | None) -> dict:
    view = row.view
    return {
        "id": view.task_id, "kind": view.kind, "kind_label": view.kind_label, "meal_label": view.meal_label,
        "status": view.status, "status_label": view.status_label, "address": view.address,
        "building": view.building, "room": view.room, "floor": row.floor, "masked_name": view.name,
        "people": view.people, "dietary": view.dietary, "items": view.items,
        "budget": None if view.budget is None else f"{view.budget:.2f}", "due_by": view.due_by, "late": view.late,
        "courier": courier,
    }


@router.get("/tasks", response={200: TaskPage, **ERRORS}, summary="The day's delivery tasks")
def delivery_task_list(request, params: Query[TaskParams], response: HttpResponse):
    """A courier's own tasks of the day in stair order; for the office, the day's tasks it sees.
    Never an ID number, never a phone."""
    scope = _caller(request)
    day = params.day or timezone.localdate()
    if selectors.sees_delivery(scope):
        # A community's day may hold thousands of tasks: ordered and cut by the database.
        tasks = (selectors.visible_tasks(scope).filter(day=day).exclude(status=Task.Status.CANCELLED)
                 .select_related("dwelling__building__estate", "courier")
                 .order_by("dwelling__building__estate__name", "dwelling__building__name", "dwelling__building_id",
                           "dwelling__room", "due_by", "pk"))
        count = tasks.count()
        chosen = list(tasks[params.offset:params.offset + params.limit])
    else:  # one courier's day: in the order of the stairs
        everything = sorted(selectors.courier_tasks(request.user.pk, day).select_related("courier"),
                            key=run_sheet.stair_key)
        count, chosen = len(everything), everything[params.offset:params.offset + params.limit]
    couriers = {t.pk: (t.courier.get_username() if t.courier_id else None) for t in chosen}
    # No user: a phone would come masked, and TaskOut has no phone field anyway.
    rows = run_sheet.run_rows(chosen, user_id=None)
    response["Cache-Control"] = "no-store"
    return {"count": count, "limit": params.limit, "offset": params.offset, "day": day,
            "items": [_out(row, couriers[row.view.task_id]) for row in rows]}


class StepIn(Schema):
    model_config = {"extra": "forbid"}

    step: Step
    event_id: uuid.UUID = Field(description="Made by the phone; the same one again is stored once")
    note: str = Field("", max_length=200, description="Why it failed (required for failed)")
    contact_free: bool = Field(True, description="Delivered: left at the door without contact")


class StepOut(Schema):
    task: int
    status: str
    status_label: str
    step: str
    event_id: uuid.UUID
    at: dt.datetime


@router.post("/tasks/{id}/steps", response={200: StepOut, **WRITE_ERRORS}, summary="Move a task on by one step")
def delivery_task_step(request, id: int, payload: StepIn):
    """picked_up, delivered or failed (with a note saying why). 404 for a task the caller does
    not see; 422 for a step the task cannot take now."""
    scope = _caller(request)
    if not 1 <= id <= MAX_ID:
        raise Http404
    task = selectors.visible_tasks(scope).filter(pk=id).first()
    if task is None:
        raise Http404
    event = services.task_step(task=task, step=payload.step, user=request.user, scope=scope,
                               event_id=payload.event_id, note=payload.note, contact_free=payload.contact_free)
    task = Task.objects.only("status").get(pk=task.pk)
    return {"task": task.pk, "status": task.status, "status_label": str(task.get_status_display()),
            "step": event.step, "event_id": event.event_id, "at": event.at}

