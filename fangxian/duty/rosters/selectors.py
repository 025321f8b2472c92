"""Reads of the roster work: the roster grid, what a re-plan changes, a person's schedule,
who is on shift at a checkpoint, and the no-shows."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from ..models import Assignment, Attendance, RosterPlan, ShiftTemplate, Volunteer

NO_SHOW_AFTER = dt.timedelta(minutes=30)  # a shift started this long ago without a check-in
CHECKIN_OPENS = dt.timedelta(minutes=30)  # the console lists a shift this long before it starts


def assignments_of(plan: RosterPlan) -> QuerySet:
    return plan.assignments.select_related("volunteer", "template__checkpoint", "checkpoint")


@dataclass
class GridRow:
    template: ShiftTemplate
    cells: list[list[Assignment]]  # one list of assignments per day
    short: list[bool] = field(default_factory=list)  # fewer than the minimum, or no leader, that day

    @property
    def pairs(self):
        return list(zip(self.cells, self.short))


def plan_grid(plan: RosterPlan, assignments: list[Assignment] | None = None) -> list[GridRow]:
    """Rows per checkpoint and shift (the leader on duty first), a cell per day."""
    assignments = assignments if assignments is not None else list(assignments_of(plan))
    templates = {a.template_id: a.template for a in assignments}
    for t in ShiftTemplate.objects.filter(community_id=plan.community_id, active=True).select_related("checkpoint"):
        templates.setdefault(t.pk, t)
    index = {d: i for i, d in enumerate(plan.dates)}
    rows = {pk: GridRow(template=t, cells=[[] for _ in plan.dates]) for pk, t in templates.items()}
    for a in assignments:
        if a.date in index:
            rows[a.template_id].cells[index[a.date]].append(a)
    ordered = sorted(rows.values(), key=lambda r: (r.template.checkpoint_id is not None,
                                                   r.template.post_name, r.template.start))
    for r in ordered:
        r.short = [len(c) < r.template.minimum or (r.template.leader_required and not any(map(is_leader, c)))
                   for c in r.cells]
    return ordered


def is_leader(a: Assignment) -> bool:
    return a.volunteer.is_shift_leader or a.volunteer.kind == Volunteer.Kind.STAFF


@dataclass
class Change:
    volunteer: Volunteer
    removed: list[Assignment]
    added: list[Assignment]


def plan_changes(plan: RosterPlan) -> list[Change]:
    """Per person, the shifts a re-planned version takes away and gives, against the plan it replaces."""
    if not plan.replaces_id:
        return []

    def key(a):
        return (a.volunteer_id, a.date, a.template_id)

    before = {key(a): a for a in assignments_of(plan.replaces)}
    after = {key(a): a for a in assignments_of(plan)}
    people: dict[int, Change] = {}
    for k in before.keys() - after.keys():
        a = before[k]
        people.setdefault(a.volunteer_id, Change(a.volunteer, [], [])).removed.append(a)
    for k in after.keys() - before.keys():
        a = after[k]
        people.setdefault(a.volunteer_id, Change(a.volunteer, [], [])).added.append(a)
    for c in people.values():
        c.removed.sort(key=lambda a: (a.date, a.template.start))
        c.added.sort(key=lambda a: (a.date, a.template.start))
    return sorted(people.values(), key=lambda c: (c.volunteer.name, c.volunteer.pk))


def person_counts(assignments: list[Assignment]) -> list[tuple[Volunteer, int, int]]:
    """(person, shifts, night shifts), most shifts first: the fairness the admin looks at."""
    counts: dict[int, list] = {}
    for a in assignments:
        row = counts.setdefault(a.volunteer_id, [a.volunteer, 0, 0])
        row[1] += 1
        row[2] += a.template.is_night
    return sorted((tuple(r) for r in counts.values()), key=lambda r: (-r[1], r[0].name))


def upcoming_shifts(volunteer: Volunteer, now=None) -> list[Assignment]:
    """The person's published shifts that have not ended (yesterday's night shift may still run)."""
    now = now or timezone.now()
    rows = Assignment.objects.filter(volunteer=volunteer, published=True,
                                     date__gte=timezone.localdate(now) - dt.timedelta(days=1)).select_related(
        "template__checkpoint").prefetch_related("swaps")
    return [a for a in rows if a.ends_at > now]


def on_shift(checkpoint, now=None) -> list[Assignment]:
    """Published shifts at the checkpoint that run now or start within half an hour."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    rows = Assignment.objects.filter(checkpoint=checkpoint, published=True,
                                     date__in=[today - dt.timedelta(days=1), today]).select_related(
        "volunteer", "template").annotate(checked_in=Exists(Attendance.objects.filter(assignment=OuterRef("pk"))))
    rows = [a for a in rows if a.starts_at - CHECKIN_OPENS <= now < a.ends_at]
    return sorted(rows, key=lambda a: (a.starts_at, a.volunteer.name))


def no_shows(queryset: QuerySet, now=None, *, date: dt.date | None = None, checkpoint_id: int | None = None):
    """Published shifts that started more than half an hour ago with no check-in."""
    now = now or timezone.now()
    cutoff = timezone.localtime(now) - NO_SHOW_AFTER
    rows = queryset.filter(published=True).filter(
        Q(date__lt=cutoff.date()) | Q(date=cutoff.date(), template__start__lte=cutoff.time())
    ).exclude(Exists(Attendance.objects.filter(assignment=OuterRef("pk"))))
    if date is not None:
        rows = rows.filter(date=date)
    if checkpoint_id is not None:
        rows = rows.filter(checkpoint_id=checkpoint_id)
    return rows.select_related("volunteer", "template__checkpoint").order_by("-date", "-template__start",
                                                                            "volunteer__name", "pk")


def free_volunteers(assignment: Assignment) -> QuerySet:
    """Approved people of the community with no published shift on the day: who may take it over."""
    busy = Assignment.objects.filter(volunteer=OuterRef("pk"), date=assignment.date, published=True)
    rows = Volunteer.objects.filter(community_id=assignment.volunteer.community_id,
                                    status=Volunteer.Status.APPROVED).exclude(pk=assignment.volunteer_id)
    if assignment.template.checkpoint_id is None:
        rows = rows.filter(kind=Volunteer.Kind.STAFF)
    return rows.exclude(Exists(busy)).order_by("name", "pk")
