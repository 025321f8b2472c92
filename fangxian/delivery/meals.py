"""Standard meals 标准餐, generated from the community's dated rule: nobody types them.

Every night the worker makes the next day's meals (`nightly_meals`) of every household in home
quarantine: one task per dwelling, day and meal the rule in force that day serves, due at the
rule's time, for as many people as are in quarantine there, with the household's dietary notes,
given to the building's standing courier. The run is idempotent and set-based: what exists is
kept (the rule's new time moves a task still open), what is no longer wanted (the quarantine
ended, the rule serves that meal no more) and still requested or assigned is cancelled, with a
step saying why. A task already picked up or delivered is never touched.

A household is served on a day when one of its open home quarantines has started by then and
either is still running that day (the day before its planned end) or is overdue: still open
although its planned end has come, it keeps getting meals until it is released.

When a quarantine ends early or is shortened (signals.py), `meals_reconcile` cancels the
household's open meals from today on that are no longer wanted.

The meal rules themselves are written here too (`rule_add`, `rule_delete`).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from fangxian.core.models import AuditEvent
from fangxian.core.scope import Scope
from fangxian.core.services import audit_object
from fangxian.registry.models import Community
from fangxian.returnees.models import Quarantine

from . import selectors
from .models import Assignment, DeliveryRule, Household, Task, TaskEvent

S = Task.Status
CANCELLABLE = (S.REQUESTED, S.ASSIGNED)  # a meal picked up or delivered is never cancelled
BATCH = 1000  # rows per INSERT, and ids per IN (...) of an UPDATE: well below SQLite's variable limit
REQUEST_HOURS = (1, 72)
# Why the job cancelled a meal (the step's note).
ENDED, NOT_SERVED = "ended", "not_served"


def _reason(why: str) -> str:
    """The note of the cancelling step, in the project's language (the job has no reader)."""
    with translation.override(settings.LANGUAGE_CODE):
        if why == ENDED:
            return _("The household's home quarantine has ended: no meal is needed.")
        return _("The meal rule in force no longer serves this meal.")


@dataclass(frozen=True)
class MealRun:
    """What one run did: meals made, cancelled (no longer wanted), kept (there already), and of
    the kept ones those whose due time moved with the rule."""

    made: int = 0
    cancelled: int = 0
    kept: int = 0
    moved: int = 0


def serves(starts_on: dt.date, planned_end: dt.date, day: dt.date, today: dt.date) -> bool:
    """Whether an open home quarantine gets meals on `day` (see the module's docstring)."""
    return starts_on <= day and (day < planned_end or planned_end <= today)


def served_quarantines(day: dt.date, today: dt.date):
    """The open home quarantines whose household gets meals on `day`, as one queryset."""
    return (Quarantine.objects.filter(status__in=selectors.OPEN_QUARANTINE, starts_on__lte=day)
            .filter(Q(planned_end__gt=day) | Q(planned_end__lte=today)))


def due_times(rule: DeliveryRule, day: dt.date) -> dict[str, dt.datetime]:
    """{meal: the aware moment it is due on `day`} of the meals the rule serves."""
    zone = timezone.get_default_timezone()
    return {meal: timezone.make_aware(dt.datetime.combine(day, time), zone) for meal, time in rule.meal_times().items()}


# -- generating ------------------------------------------------------------------------------


def meals_generate(*, day: dt.date, community_ids: Iterable[int] | None = None,
                   now: dt.datetime | None = None) -> MealRun:
    """Make the standard meals of `day` for the communities (every one when None); cancel the
    meals of that day no longer wanted. Running it again makes nothing more."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    quarantines = served_quarantines(day, today)
    tasks = Task.objects.filter(kind=Task.Kind.MEAL, day=day)
    if community_ids is not None:
        ids = list(community_ids)
        quarantines = quarantines.filter(dwelling__building__community_id__in=ids)
        tasks = tasks.filter(dwelling__building__community_id__in=ids)

    people: dict[int, int] = defaultdict(int)
    place: dict[int, tuple[int, int]] = {}  # dwelling → (building, community)
    for dwelling_id, building_id, community_id in quarantines.values_list(
            "dwelling_id", "dwelling__building_id", "dwelling__building__community_id"):
        people[dwelling_id] += 1
        place[dwelling_id] = (building_id, community_id)
    rules = selectors.rules_of({community for _building, community in place.values()})
    due_of: dict[int, dict[str, dt.datetime]] = {
        community: due_times(selectors.rule_on(rules.get(community, []), day), day)
        for community in {community for _building, community in place.values()}}
    wanted: dict[tuple[int, str], dt.datetime] = {
        (dwelling_id, meal): due
        for dwelling_id, (_building, community) in place.items() for meal, due in due_of[community].items()}

    existing = {(dwelling_id, meal): (pk, status, due_by)
                for pk, dwelling_id, meal, status, due_by in tasks.values_list(
                    "pk", "dwelling_id", "meal", "status", "due_by")}
    to_cancel: dict[str, list[int]] = defaultdict(list)
    to_move: dict[dt.datetime, list[int]] = defaultdict(list)
    for key, (pk, status, due_by) in existing.items():
        if status not in CANCELLABLE:
            continue
        if key not in wanted:
            to_cancel[ENDED if key[0] not in place else NOT_SERVED].append(pk)
        elif due_by != wanted[key]:
            to_move[wanted[key]].append(pk)
    missing = [key for key in wanted if key not in existing]

    with transaction.atomic():
        made = _make(missing, wanted, people, place, quarantines, day, now) if missing else 0
        cancelled = _cancel(to_cancel, now)
        moved = 0
        for due, pks in to_move.items():
            for chunk in _chunks(pks):
                moved += Task.objects.filter(pk__in=chunk, status__in=CANCELLABLE).update(due_by=due)
    return MealRun(made=made, cancelled=cancelled, kept=len(wanted) - len(missing), moved=moved)


def _make(missing, wanted, people, place, quarantines, day: dt.date, now: dt.datetime) -> int:
    """Insert the missing meals in batches; a meal another run made meanwhile is left as it is."""
    dietary = dict(Household.objects.filter(dwelling_id__in=quarantines.values("dwelling_id")).exclude(dietary="")
                   .values_list("dwelling_id", "dietary"))
    couriers = dict(Assignment.objects.filter(building_id__in=quarantines.values("dwelling__building_id"))
                    .values_list("building_id", "courier_id"))
    rows = []
    for dwelling_id, meal in missing:
        courier_id = couriers.get(place[dwelling_id][0])
        rows.append(Task(
            dwelling_id=dwelling_id, kind=Task.Kind.MEAL, meal=meal, day=day, due_by=wanted[dwelling_id, meal],
            people=people[dwelling_id], dietary=dietary.get(dwelling_id, ""),
            status=S.ASSIGNED if courier_id else S.REQUESTED, courier_id=courier_id,
            assigned_at=now if courier_id else None, source=Task.Source.GENERATED, created_at=now,
            event_id=uuid.uuid4()))
    before = Task.objects.filter(kind=Task.Kind.MEAL, day=day).count()
    Task.objects.bulk_create(rows, batch_size=BATCH, ignore_conflicts=True)
    return Task.objects.filter(kind=Task.Kind.MEAL, day=day).count() - before


def _chunks(values: list, size: int = BATCH):
    for start in range(0, len(values), size):
        yield values[start:start + size]


def _cancel(pks_by_why: dict[str, list[int]], now: dt.datetime) -> int:
    """Cancel these meals (those still requested or assigned), each with a step saying why."""
    cancelled = 0
    for why, pks in pks_by_why.items():
        note = _reason(why)
        for chunk in _chunks(sorted(pks)):
            open_ = list(Task.objects.select_for_update().filter(pk__in=chunk, status__in=CANCELLABLE)
                         .values_list("pk", flat=True))
            if not open_:
                continue
            Task.objects.filter(pk__in=open_).update(status=S.CANCELLED, note=note)
            TaskEvent.objects.bulk_create([TaskEvent(task_id=pk, step=TaskEvent.Step.CANCELLED, at=now, by=None,
                                                     note=note, event_id=uuid.uuid4()) for pk in open_],
                                          batch_size=BATCH)
            cancelled += len(open_)
    return cancelled


def meals_reconcile(*, dwelling_ids: Iterable[int], now: dt.datetime | None = None) -> int:
    """The households' quarantines changed (released, released early, shortened): cancel their
    open meals from today on that are no longer wanted. Returns how many were cancelled."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    ids = list(dwelling_ids)
    meals = list(Task.objects.filter(kind=Task.Kind.MEAL, dwelling_id__in=ids, day__gte=today,
                                     status__in=CANCELLABLE)
                 .values_list("pk", "dwelling_id", "meal", "day", "dwelling__building__community_id"))
    if not meals:
        return 0
    spans: dict[int, list[tuple[dt.date, dt.date]]] = defaultdict(list)
    for dwelling_id, starts_on, planned_end in Quarantine.objects.filter(
            dwelling_id__in=ids, status__in=selectors.OPEN_QUARANTINE).values_list(
            "dwelling_id", "starts_on", "planned_end"):
        spans[dwelling_id].append((starts_on, planned_end))
    rules = selectors.rules_of({community for *_rest, community in meals})
    to_cancel: dict[str, list[int]] = defaultdict(list)
    for pk, dwelling_id, meal, day, community in meals:
        if not any(serves(starts_on, end, day, today) for starts_on, end in spans[dwelling_id]):
            to_cancel[ENDED].append(pk)
        elif meal not in selectors.rule_on(rules.get(community, []), day).meal_times():
            to_cancel[NOT_SERVED].append(pk)
    if not to_cancel:
        return 0
    with transaction.atomic():
        return _cancel(to_cancel, now)


def nightly_meals(now: dt.datetime | None = None) -> MealRun:
    """The worker's job: tomorrow's meals of every community. Safe to run every hour: each run
    only adds what is missing and cancels what is no longer wanted."""
    now = now or timezone.now()
    return meals_generate(day=timezone.localdate(now) + dt.timedelta(days=1), now=now)


def meals_generate_for(*, scope: Scope, user, community: Community, now: dt.datetime | None = None) -> MealRun:
    """An admin's "generate tomorrow's meals now" for their community (the nightly job's work, at once)."""
    if not selectors.runs_delivery(scope, community.pk):
        raise PermissionDenied
    now = now or timezone.now()
    day = timezone.localdate(now) + dt.timedelta(days=1)
    run = meals_generate(day=day, community_ids=[community.pk], now=now)
    audit_object(actor=user, action=AuditEvent.Action.CREATE, obj=community, field="delivery_meals",
                 detail=f"meals of {day}: {run.made} made, {run.cancelled} cancelled, {run.kept} kept")
    return run


# -- the rules -------------------------------------------------------------------------------


def rule_history(community_ids: Iterable[int]) -> dict[int, list[DeliveryRule]]:
    """Every meal rule of these communities with who set it, the latest first: {community id: [rules]}."""
    rules: dict[int, list[DeliveryRule]] = {}
    for rule in DeliveryRule.objects.filter(community_id__in=list(community_ids)).select_related("set_by"):
        rules.setdefault(rule.community_id, []).append(rule)
    return rules


def rule_add(*, scope: Scope, user, community: Community, effective_from: dt.date | None,
             breakfast_by: dt.time | None = None, lunch_by: dt.time | None = None, dinner_by: dt.time | None = None,
             request_hours: int | None = 24) -> DeliveryRule:
    """A new dated meal rule of the community, from today or later (the meals of past days are
    kept). A meal with no time is not served; a rule may serve none. From its first day it
    replaces the rule in force; a rule that has not started yet on the same day must be deleted first."""
    if not selectors.runs_delivery(scope, community.pk):
        raise PermissionDenied
    today = timezone.localdate()
    errors: dict[str, list[str]] = {}
    if effective_from is None:
        errors["effective_from"] = [_("Give the first day of the rule.")]
    elif effective_from < today:
        errors["effective_from"] = [_("A rule starts today or later: the meals of past days are kept.")]
    low, high = REQUEST_HOURS
    if request_hours is None or not low <= request_hours <= high:
        errors["request_hours"] = [_("Requests are due within %(low)d to %(high)d hours.") % {"low": low, "high": high}]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        if DeliveryRule.objects.filter(community=community, effective_from=effective_from,
                                       effective_from__gt=today).exists():
            raise ValidationError({"effective_from": [_(
                "A rule from %(day)s has not started yet: delete it first.")
                % {"day": date_format(effective_from, "Y-m-d")}]})
        rule = DeliveryRule.objects.create(community=community, effective_from=effective_from,
                                           breakfast_by=breakfast_by, lunch_by=lunch_by, dinner_by=dinner_by,
                                           request_hours=request_hours, set_by=user)
        meals = ", ".join(f"{meal} {time:%H:%M}" for meal, time in rule.meal_times().items()) or "no meals"
        audit_object(actor=user, action=AuditEvent.Action.CREATE, obj=rule,
                     detail=f"from {effective_from}: {meals}; requests {request_hours} h")
    return rule


def rule_delete(*, scope: Scope, user, rule: DeliveryRule) -> None:
    """Only a rule that has not started: a rule once in force stays in the history."""
    if not selectors.runs_delivery(scope, rule.community_id):
        raise PermissionDenied
    if rule.effective_from <= timezone.localdate():
        raise ValidationError(_("This rule is already in force: add a new rule instead of deleting it."))
    with transaction.atomic():
        audit_object(actor=user, action=AuditEvent.Action.DELETE, obj=rule, detail=f"from {rule.effective_from}")
        rule.delete()
