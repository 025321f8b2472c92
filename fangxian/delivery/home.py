"""Delivery's tile on the home page and the count of its menu badge (wired in plugins.py).

- A courier (delivery volunteer): today's tasks, how many are delivered, the next three
  stops in the order of the stairs (building, then floor and room), a link to the run sheet.
- Whoever sees the office's delivery pages (the community's readers, grid workers): today's
  meals delivered out of all, the open requests (shopping, medicine, garbage, other), and the
  tasks that need attention (failed, or late), linking to the task list filtered to them.

None for a user with neither, or with nothing to show: the home page shows no tile. A fixed
number of queries.
"""

from __future__ import annotations

from django.db.models import Count, Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from fangxian.core.scope import Scope
from fangxian.registry.rooms import door_order

from . import selectors
from .models import Task

NEXT_STOPS = 3


def attention_count(scope: Scope) -> int:
    """The tasks the user sees that need attention (failed, or open past their due time): the
    menu's badge. One query; 0 with none for a user who does not see the office's pages."""
    if not selectors.sees_delivery(scope):
        return 0
    return selectors.flagged(selectors.visible_tasks(scope)).count()


def stair_key(task: Task) -> tuple:
    building = task.dwelling.building
    return (building.estate.name, building.name, door_order(task.dwelling.room), task.due_by, task.pk)


def _url(name: str) -> str | None:
    try:
        return reverse(name)
    except NoReverseMatch:  # the page is not there (yet): the tile says what it knows, without a link
        return None


def courier_part(scope: Scope) -> dict | None:
    today = timezone.localdate()
    tasks = list(selectors.courier_tasks(scope.user_id, today))
    if not tasks:
        return None
    stops = sorted((t for t in tasks if t.is_open), key=stair_key)[:NEXT_STOPS]
    return {
        "total": len(tasks), "done": sum(t.status == Task.Status.DELIVERED for t in tasks),
        "stops": [{"building": f"{t.dwelling.building.estate.name} {t.dwelling.building.name}",
                   "room": t.dwelling.room, "kind": t.get_kind_display(),
                   "meal": t.get_meal_display() if t.meal else "",
                   "late": selectors.is_late(t)} for t in stops],
        "url": _url("delivery:run_sheet"),
    }


def office_part(scope: Scope) -> dict | None:
    today, now = timezone.localdate(), timezone.now()
    meal, live = Q(kind=Task.Kind.MEAL, day=today), ~Q(status=Task.Status.CANCELLED)
    # as selectors.flagged: failed, or open past the due time
    flagged = Q(status=Task.Status.FAILED) | Q(status__in=Task.OPEN, due_by__lt=now)
    found = selectors.visible_tasks(scope).aggregate(
        meals=Count("pk", filter=meal & live), delivered=Count("pk", filter=meal & Q(status=Task.Status.DELIVERED)),
        requests=Count("pk", filter=~Q(kind=Task.Kind.MEAL) & Q(status__in=Task.OPEN)),
        attention=Count("pk", filter=flagged))
    if not any(found.values()):
        return None
    base = reverse("delivery:task_list")
    return {**found, "url": base, "attention_url": f"{base}?flag=1"}


def delivery_tile(request, scope: Scope) -> dict | None:
    if scope.user_id is None:
        return None
    courier = courier_part(scope) if selectors.is_courier(scope) else None
    office = office_part(scope) if selectors.sees_delivery(scope) else None
    if courier is None and office is None:
        return None
    return {"courier": courier, "office": office}
