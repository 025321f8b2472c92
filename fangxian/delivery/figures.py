"""Delivery's figures of a day, for many communities at once: the daily report's section
(report_sections), the wall dashboard, the task list's counts and the home tile.

Flows are counted from the steps (`TaskEvent`), which are dated and never change: a meal
delivered on a day is a "delivered" step of a meal task dated that day, a failure a "failed"
step (a failure reopened later stays a failure of its day). "Late" is a task due that day
(its `due_by` within the day, up to the end of it, or up to now for today) that had no
delivered, failed or cancelled step by then: drafted again on a later day, a past day gives
the same answer.

Every function runs a fixed number of queries whatever the number of communities or tasks.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from fangxian.core.reporting import day_bounds
from fangxian.returnees.models import Quarantine

from .models import DeliveryRule, Task, TaskEvent
from .selectors import OPEN_QUARANTINE

Step = TaskEvent.Step
COMMUNITY = "dwelling__building__community_id"
EVENT_COMMUNITY = "task__dwelling__building__community_id"
SHOPPING_KINDS = (Task.Kind.SHOPPING, Task.Kind.MEDICINE)
FINISHING = (Step.DELIVERED, Step.FAILED, Step.CANCELLED)
FLOW_KEYS = ("households_served", "meals_delivered", "shopping_runs", "garbage_pickups", "failed_or_late")


def cutoff_of(day: dt.date, now: dt.datetime | None = None) -> dt.datetime:
    """Where "late" is judged: the end of the day, or now while the day lasts."""
    _start, end = day_bounds(day)
    now = now or timezone.now()
    return min(end, now)


def late_tasks(tasks: QuerySet[Task], day: dt.date, now: dt.datetime | None = None) -> QuerySet[Task]:
    """The tasks due on `day` that had no delivered, failed or cancelled step by its end (by
    now, today)."""
    start, _end = day_bounds(day)
    cutoff = cutoff_of(day, now)
    finished = TaskEvent.objects.filter(task=OuterRef("pk"), step__in=FINISHING, at__lt=cutoff)
    return tasks.filter(~Exists(finished), due_by__gte=start, due_by__lt=cutoff, created_at__lt=cutoff)


def active_communities(community_ids, day: dt.date) -> set[int]:
    """The communities that deliver at all by the end of `day`: a rule in force by then, a
    task ever made by then, or a household in home quarantine on the day (whose meals the
    default rule serves). Three queries."""
    ids = list(community_ids)
    _start, end = day_bounds(day)
    active = set(DeliveryRule.objects.filter(community_id__in=ids, effective_from__lte=day)
                 .values_list("community_id", flat=True).distinct())
    active |= set(Task.objects.filter(**{f"{COMMUNITY}__in": ids}, created_at__lt=end).order_by()
                  .values_list(COMMUNITY, flat=True).distinct())
    in_on_day = Q(starts_on__lte=day) & (Q(ended_on__isnull=True, status__in=OPEN_QUARANTINE) | Q(ended_on__gt=day))
    active |= set(Quarantine.objects.filter(in_on_day, **{f"{COMMUNITY}__in": ids}).order_by()
                  .values_list(COMMUNITY, flat=True).distinct())
    return active


def day_flows(community_ids, day: dt.date, now: dt.datetime | None = None, *,
              tasks: QuerySet[Task] | None = None) -> dict[int, dict[str, int]]:
    """{community: {households_served, meals_delivered, shopping_runs, garbage_pickups,
    failed_or_late}} of `day` for the communities given (None: every community of `tasks`),
    0 where nothing happened (the caller decides what is unknown); `tasks` cuts them to some
    tasks (a user's). Two queries."""
    start, end = day_bounds(day)
    events = TaskEvent.objects.filter(at__gte=start, at__lt=end)
    late_among = Task.objects.all() if tasks is None else tasks
    if community_ids is not None:
        ids = list(community_ids)
        events = events.filter(**{f"{EVENT_COMMUNITY}__in": ids})
        late_among = late_among.filter(**{f"{COMMUNITY}__in": ids})
    else:
        ids = []
    if tasks is not None:
        events = events.filter(task_id__in=tasks.values("pk"))
    counts = {pk: dict.fromkeys(FLOW_KEYS, 0) for pk in ids}
    delivered = Q(step=Step.DELIVERED)
    rows = (events.filter(step__in=(Step.DELIVERED, Step.FAILED))
            .order_by().values(EVENT_COMMUNITY).annotate(
                households_served=Count("task__dwelling_id", distinct=True, filter=delivered),
                meals_delivered=Count("pk", filter=delivered & Q(task__kind=Task.Kind.MEAL)),
                shopping_runs=Count("pk", filter=delivered & Q(task__kind__in=SHOPPING_KINDS)),
                garbage_pickups=Count("pk", filter=delivered & Q(task__kind=Task.Kind.GARBAGE))))
    for row in rows:
        counts.setdefault(row[EVENT_COMMUNITY], dict.fromkeys(FLOW_KEYS, 0)).update(
            {key: row[key] for key in FLOW_KEYS[:-1]})
    # Failed that day, or late at its end: each task once. The failed steps of the day and the
    # late tasks, as (community, task) pairs, in one query (a union).
    failed = events.filter(step=Step.FAILED).order_by().values_list(EVENT_COMMUNITY, "task_id")
    late = late_tasks(late_among, day, now).order_by().values_list(COMMUNITY, "pk")
    flagged: dict[int, set[int]] = {}
    for community_id, task_id in failed.union(late):
        flagged.setdefault(community_id, set()).add(task_id)
    for community_id, found in flagged.items():
        counts.setdefault(community_id, dict.fromkeys(FLOW_KEYS, 0))["failed_or_late"] = len(found)
    return counts


def total_of(flows: dict[int, dict[str, int]]) -> dict[str, int]:
    """The flows of several communities added up."""
    return {key: sum(values[key] for values in flows.values()) for key in FLOW_KEYS}


def meals_of_day(tasks: QuerySet[Task], day: dt.date) -> tuple[int, int]:
    """(meals delivered, meals due) of the day's meal tasks among `tasks` (cancelled ones left
    out): one query."""
    found = tasks.filter(kind=Task.Kind.MEAL, day=day).exclude(
        status=Task.Status.CANCELLED).aggregate(due=Count("pk"),
                                                delivered=Count("pk", filter=Q(status=Task.Status.DELIVERED)))
    return found["delivered"], found["due"]


def status_counts(tasks: QuerySet[Task]) -> dict[str, int]:
    """{status: how many} of these tasks, every status present (0 when none): one query."""
    found = dict(tasks.order_by().values("status").annotate(n=Count("pk")).values_list("status", "n"))
    return {status: found.get(status, 0) for status in Task.Status.values}


DASHBOARD_KEYS = ("meals_delivered", "meals_due", "shopping_runs", "failed_or_late")


def dashboard_figures(community_ids, today: dt.date) -> dict[str, int | None]:
    """For the wall dashboard, the communities added up: today's meals delivered and due,
    shopping runs delivered, tasks failed or late; None for each when none of the communities
    delivers at all (see active_communities). Six queries."""
    active = active_communities(community_ids, today)
    if not active:
        return dict.fromkeys(DASHBOARD_KEYS)
    flows = total_of(day_flows(active, today))
    delivered, due = meals_of_day(Task.objects.filter(**{f"{COMMUNITY}__in": list(active)}), today)
    return {"meals_delivered": delivered, "meals_due": due, "shopping_runs": flows["shopping_runs"],
            "failed_or_late": flows["failed_or_late"]}
