"""Delivery's "may I" and "which rows", built on the one access policy.

- A community's readers (admins, officers) see all of its delivery; grid workers their
  grids' households; a courier (delivery volunteer) only the tasks given to them, and of a
  household only what the door needs (`CourierView`).
- Writes: the community's admins, the grid workers of the household's grid; a courier works
  (picks up, delivers, buys, takes repayments for) their own tasks.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone

from fangxian.core.dated import in_force_among
from fangxian.core.personal import mask_name
from fangxian.core.scope import Reach, Role, Scope
from fangxian.registry.models import Dwelling, Person
from fangxian.returnees.models import Quarantine

from .models import Assignment, DeliveryRule, Household, Task

OPEN_QUARANTINE = (Quarantine.Status.ACTIVE, Quarantine.Status.EXTENDED)

# The rule in force before a community set one: three meals, and a request due within a day.
DEFAULT_RULE = DeliveryRule(breakfast_by=dt.time(8, 0), lunch_by=dt.time(12, 0), dinner_by=dt.time(18, 0),
                            request_hours=24, effective_from=dt.date(2000, 1, 1))


# -- may I ---------------------------------------------------------------------------------


def is_courier(scope: Scope) -> bool:
    return Role.DELIVERY_VOLUNTEER in scope.roles


def sees_delivery(scope: Scope) -> bool:
    """Opens the office's delivery pages: a community's readers and its grid workers."""
    return scope.reads_communities or bool(scope.grid_ids)


def sees_run_sheet(scope: Scope) -> bool:
    """Opens a run sheet: couriers (their own), and whoever sees the office's pages."""
    return is_courier(scope) or sees_delivery(scope)


def runs_delivery(scope: Scope, community_id: int | None) -> bool:
    """Sets the meal rules and the standing assignments, reimburses couriers: the community's admins."""
    return scope.runs(community_id)


def may_edit_household(scope: Scope, dwelling: Dwelling) -> bool:
    """Enters requests, dietary notes and repayments for a household: its grid's workers and the admins."""
    return scope.can_write(dwelling)


def may_work(scope: Scope, task: Task) -> bool:
    """Moves a task on (picked up, delivered, failed), records its purchase: its courier, and
    whoever may edit its household."""
    return (scope.user_id is not None and task.courier_id == scope.user_id) or scope.can_write(task)


# -- which rows ------------------------------------------------------------------------------


def visible_tasks(scope: Scope) -> QuerySet[Task]:
    """The tasks the user sees: all of the communities they read, their grids', their own as courier."""
    tasks = Task.objects.all()
    if scope.is_superuser:
        return tasks
    seen = Q(pk__in=scope.filter(Task.objects.all()).values("pk"))
    if scope.user_id is not None and is_courier(scope):
        seen |= Q(courier_id=scope.user_id)
    return tasks.filter(seen)


def courier_tasks(user_id: int, day: dt.date) -> QuerySet[Task]:
    """A courier's tasks of a day, and the ones still open from before, in the order of the
    stairs once sorted by `run_order` (building, then floor and room)."""
    return (Task.objects.filter(courier_id=user_id)
            .filter(Q(day=day) | Q(day__lt=day, status__in=Task.OPEN))
            .exclude(status=Task.Status.CANCELLED)
            .select_related("dwelling__building__estate"))


def running_communities(scope: Scope, queryset: QuerySet) -> QuerySet:
    return scope.communities(queryset, Reach.RUN)


def household_profile(dwelling: Dwelling) -> Household:
    """The dwelling's delivery profile, made on first use (its phone link's token with it)."""
    profile, _created = Household.objects.get_or_create(dwelling=dwelling)
    return profile


def rules_of(community_ids) -> dict[int, list[DeliveryRule]]:
    """Every delivery rule of these communities, loaded once: {community id: [rules]}."""
    rules: dict[int, list[DeliveryRule]] = {}
    for rule in DeliveryRule.objects.filter(community_id__in=list(community_ids)):
        rules.setdefault(rule.community_id, []).append(rule)
    return rules


def rule_on(rules: list[DeliveryRule], day: dt.date) -> DeliveryRule:
    """The rule in force on `day` among a community's rules, or the default."""
    return in_force_among(rules, day) or DEFAULT_RULE


def rule_for(community_id: int, day: dt.date) -> DeliveryRule:
    return rule_on(rules_of([community_id]).get(community_id, []), day)


def courier_of(building_id: int) -> int | None:
    """The building's standing courier's user id, if it has one."""
    return Assignment.objects.filter(building_id=building_id).values_list("courier_id", flat=True).first()


def quarantined_people(dwelling_ids) -> dict[int, int]:
    """{dwelling id: people in open home quarantine there} for these dwellings."""
    counts: dict[int, int] = {}
    for dwelling_id in (Quarantine.objects.filter(dwelling_id__in=list(dwelling_ids), status__in=OPEN_QUARANTINE)
                        .values_list("dwelling_id", flat=True)):
        counts[dwelling_id] = counts.get(dwelling_id, 0) + 1
    return counts


def in_quarantine(dwelling: Dwelling) -> bool:
    return Quarantine.objects.filter(dwelling=dwelling, status__in=OPEN_QUARANTINE).exists()


def is_late(task: Task, now: dt.datetime | None = None) -> bool:
    return task.is_open and task.due_by < (now or timezone.now())


def flagged(tasks: QuerySet[Task], now: dt.datetime | None = None) -> QuerySet[Task]:
    """The tasks a grid worker must look at: failed and not yet retried or cancelled, or late."""
    now = now or timezone.now()
    return tasks.filter(Q(status=Task.Status.FAILED) | Q(status__in=Task.OPEN, due_by__lt=now))


# -- what a courier sees of a household --------------------------------------------------------


def contact_of(dwelling: Dwelling) -> Person | None:
    """Whom the task is for: the first person of the dwelling in home quarantine, else its
    first resident."""
    quarantine = (Quarantine.objects.filter(dwelling=dwelling, status__in=OPEN_QUARANTINE)
                  .select_related("person").order_by("pk").first())
    if quarantine is not None:
        return quarantine.person
    return Person.objects.filter(dwelling=dwelling).order_by("pk").first()


def contacts_of(dwelling_ids) -> dict[int, Person]:
    """{dwelling id: whom its tasks are for}, as contact_of says, for many dwellings in two
    queries. Only the name and the phone are loaded: never the ID number."""
    ids = list(set(dwelling_ids))
    if not ids:
        return {}
    contacts: dict[int, Person] = {}
    for quarantine in (Quarantine.objects.filter(dwelling_id__in=ids, status__in=OPEN_QUARANTINE)
                       .select_related("person").only("dwelling_id", "person__name", "person__phone")
                       .order_by("pk")):
        contacts.setdefault(quarantine.dwelling_id, quarantine.person)
    for person in Person.objects.filter(dwelling_id__in=ids).only("dwelling_id", "name", "phone").order_by("pk"):
        contacts.setdefault(person.dwelling_id, person)
    return contacts


@dataclass(frozen=True)
class CourierView:
    """The least a courier needs to bring a task to the door: the address, the masked name,
    how many people, dietary notes, the items; the phone only when the household agreed.
    Never an ID number."""

    task_id: int
    kind: str
    kind_label: str
    meal_label: str
    status: str
    status_label: str
    address: str
    building: str
    room: str
    name: str
    people: int
    dietary: str
    items: str
    budget: object
    phone: str
    due_by: dt.datetime
    late: bool


def courier_view(task: Task, *, contact: Person | None, profile: Household | None,
                 now: dt.datetime | None = None) -> CourierView:
    building = task.dwelling.building
    phone = contact.phone if contact is not None and profile is not None and profile.phone_shared else ""
    return CourierView(
        task_id=task.pk, kind=task.kind, kind_label=str(task.get_kind_display()),
        meal_label=str(task.get_meal_display()) if task.meal else "", status=task.status,
        status_label=str(task.get_status_display()),
        address=f"{building.estate.name} {building.name} {task.dwelling.room}", building=building.name,
        room=task.dwelling.room, name=mask_name(contact.name) if contact is not None else "",
        people=task.people, dietary=task.dietary, items=task.items, budget=task.budget,
        # Shown in full only to the courier who brings it, and only when the household agreed.
        phone=phone, due_by=task.due_by, late=is_late(task, now))

