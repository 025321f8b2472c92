"""Every write of the roster work: shift templates, rules, plans and their solving, publishing,
re-planning, swaps and attendance."""

from __future__ import annotations

import datetime as dt
import threading
import uuid

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from fangxian.core.models import AuditEvent
from fangxian.core.services import audit_object

from ..models import (
    Assignment,
    Attendance,
    Pair,
    RosterPlan,
    RosterRules,
    ShiftRequest,
    ShiftTemplate,
    Volunteer,
)
from ..solver import solve as default_solve
from . import swaps
from .problem import assignment_rows, build_problem, roster_hint, shortfall_records

# A plan still "solving" this long after its time ran out was lost with its worker: it may be run again.
STALE_AFTER = dt.timedelta(seconds=120)
PROGRESS_EVERY = 0.5  # seconds between writes of the solver's progress


def _save(obj, *, user, action=AuditEvent.Action.UPDATE, detail=""):
    obj.full_clean()
    obj.save()
    audit_object(actor=user, action=action, obj=obj, detail=detail)
    return obj


# -- templates, rules, requests, pairs ---------------------------------------------------


def shift_template_save(*, user, template: ShiftTemplate) -> ShiftTemplate:
    if template.checkpoint_id:
        template.community_id = template.checkpoint.community_id
    return _save(template, user=user, detail=f"shift {template.hours}")


def roster_rules_set(*, user, rules: RosterRules) -> RosterRules:
    rules.set_by = user if getattr(user, "is_authenticated", False) else None
    return _save(rules, user=user, detail=f"rules from {rules.effective_from}")


def shift_request_save(*, user, request: ShiftRequest) -> ShiftRequest:
    if request.template_id and request.volunteer_id and \
            request.template.community_id != request.volunteer.community_id:
        raise ValidationError({"template": _("This shift is not in the volunteer's community.")})
    return _save(request, user=user)


def pair_save(*, user, pair: Pair) -> Pair:
    return _save(pair, user=user)


def delete(*, user, obj) -> None:
    audit_object(actor=user, action=AuditEvent.Action.DELETE, obj=obj)
    obj.delete()


# -- plans and solving -------------------------------------------------------------------


def plan_create(*, user, community, first_day: dt.date, days: int, seconds: int = 30) -> RosterPlan:
    plan = RosterPlan(community=community, first_day=first_day, days=days, seconds=seconds,
                      created_by=user if getattr(user, "is_authenticated", False) else None)
    return _save(plan, user=user, action=AuditEvent.Action.CREATE)


def plan_is_stale(plan: RosterPlan, now=None) -> bool:
    now = now or timezone.now()
    started = plan.started_at or plan.created_at
    return plan.running and started + dt.timedelta(seconds=plan.seconds) + STALE_AFTER < now


def plan_enqueue(*, user, plan: RosterPlan, resume: bool = False) -> RosterPlan:
    """Queue the plan for the worker (fangxian worker). Refused while it runs or once published.
    `resume`: "continue solving", the search starts from the plan's current roster."""
    if plan.status in (RosterPlan.Status.PUBLISHED, RosterPlan.Status.SUPERSEDED):
        raise ValidationError(_("A published roster is not solved again: re-plan it instead."))
    if plan.running and not plan_is_stale(plan):
        raise ValidationError(_("This roster is being solved already."))
    plan.status = RosterPlan.Status.QUEUED
    plan.stop_requested = False
    plan.error = ""
    plan.best_objective = plan.bound = None
    plan.best_assigned = plan.best_missing = 0
    plan.started_at = timezone.now()  # until the worker starts it: the stale check counts from here
    plan.finished_at = None
    _save(plan, user=user, detail="continue solving" if resume else "solve")
    transaction.on_commit(lambda: roster_solve.enqueue(plan.pk, resume=resume))
    return plan


def plan_stop(*, user, plan: RosterPlan) -> None:
    """The solver sees it at its next better roster (or when its time runs out)."""
    RosterPlan.objects.filter(pk=plan.pk).update(stop_requested=True)
    audit_object(actor=user, action=AuditEvent.Action.UPDATE, obj=plan, detail="stop solving")


def plan_solve(plan_id: int, *, solve=None, resume: bool = False) -> RosterPlan:
    """Solve a plan and store its roster: the body of the background task. Progress is written
    on the plan row at every better roster; a stop request ends the search there. `resume`:
    start the search from the roster the plan has now (continue solving)."""
    solve = solve or default_solve
    plan = RosterPlan.objects.select_related("community", "replaces").get(pk=plan_id)
    RosterPlan.objects.filter(pk=plan.pk).update(status=RosterPlan.Status.SOLVING, started_at=timezone.now())
    try:
        built = build_problem(plan)

        if not built.problem.slots:
            raise ValidationError(_("The community has no active shift templates."))
        hint = roster_hint(built, plan.assignments.select_related("template")) if resume else None
        result = _solve_watched(plan, built.problem, solve, hint=hint)
    except ValidationError as error:
        RosterPlan.objects.filter(pk=plan.pk).update(
            status=RosterPlan.Status.FAILED, error=" ".join(error.messages)[:200], finished_at=timezone.now())
        return RosterPlan.objects.get(pk=plan.pk)
    except Exception:  # a bug: the plan must not look "solving" for ever; the task records the traceback
        RosterPlan.objects.filter(pk=plan.pk).update(
            status=RosterPlan.Status.FAILED, error=_("The solver failed: try again, or tell the administrator."),
            finished_at=timezone.now())
        raise
    with transaction.atomic():
        plan = RosterPlan.objects.select_for_update().get(pk=plan.pk)
        plan.finished_at = timezone.now()
        plan.solver_status = result.status
        if result.status in ("optimal", "feasible"):
            plan.assignments.all().delete()
            Assignment.objects.bulk_create(assignment_rows(built, result.assignments))
            plan.status = RosterPlan.Status.SOLVED
            plan.best_objective = result.objective
            plan.bound = result.bound
            plan.best_assigned = len(result.assignments)
            plan.shortfalls = shortfall_records(result)
            plan.best_missing = sum(s["missing"] for s in plan.shortfalls)
            plan.penalties = result.penalties
        else:
            plan.status = RosterPlan.Status.FAILED
            plan.error = (_("No roster found in the time given: give the solver more time.")
                          if result.status == "unknown" else _("No roster satisfies the rules."))
        plan.save()
    return plan


@task()
def roster_solve(plan_id: int, resume: bool = False) -> str:
    """The solve as a background task (django-tasks, database backend; `fangxian worker` runs
    it): `plan_enqueue` queues it and the page polls the plan row for progress."""
    return plan_solve(plan_id, resume=resume).status


def _solve_watched(plan: RosterPlan, problem, solve, *, hint=None):
    """Run the solver in a thread while this one writes its progress on the plan row and
    reads the stop request (the solver calls back from its own threads, which must not use
    this thread's database connection)."""
    latest: list = []
    stop = threading.Event()
    outcome: dict = {}

    def on_progress(progress) -> bool:
        latest.append(progress)
        return stop.is_set()

    def run():
        try:
            extra = {"hint": hint} if hint else {}  # a roster to start from (continue solving)
            outcome["result"] = solve(problem, seconds=plan.seconds, on_progress=on_progress, workers=2, stop=stop,
                                      **extra)
        except BaseException as error:  # handed to the waiting thread, which raises it
            outcome["error"] = error

    thread = threading.Thread(target=run, name=f"roster-{plan.pk}", daemon=True)
    thread.start()
    written = None
    while True:
        thread.join(timeout=PROGRESS_EVERY)
        if latest and latest[-1] is not written:
            written = latest[-1]
            RosterPlan.objects.filter(pk=plan.pk).update(
                best_objective=written.objective, bound=written.bound, best_assigned=len(written.assignments),
                best_missing=written.shortfall)
        if not thread.is_alive():
            break
        if RosterPlan.objects.filter(pk=plan.pk, stop_requested=True).exists():
            stop.set()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["result"]


def plan_publish(*, user, plan: RosterPlan, site: str = "", tell_volunteers: bool = True) -> RosterPlan:
    """Publish a solved plan. A re-planned version replaces the plan it was made from; the
    check-ins already recorded follow the shifts that did not change. Once committed, each person
    concerned gets a message with their shifts (or what changed for them) and their schedule
    link (absolute when `site`, "https://host", is given), unless `tell_volunteers` is False."""
    if plan.status != RosterPlan.Status.SOLVED:
        raise ValidationError(_("Only a solved roster can be published."))
    with transaction.atomic():
        old = plan.replaces if plan.replaces_id else None
        if old is not None and old.status == RosterPlan.Status.PUBLISHED:
            new_rows = {(a.volunteer_id, a.date, a.template_id): a for a in plan.assignments.all()}
            for attendance in Attendance.objects.filter(assignment__plan=old).select_related("assignment"):
                a = attendance.assignment
                target = new_rows.get((a.volunteer_id, a.date, a.template_id))
                if target is not None:
                    attendance.assignment = target
                    attendance.save(update_fields=["assignment"])
            old.assignments.update(published=False)
            old.status = RosterPlan.Status.SUPERSEDED
            old.save(update_fields=["status"])
        plan.assignments.update(published=True)
        plan.status = RosterPlan.Status.PUBLISHED
        plan.published_at = timezone.now()
        plan.published_by = user if getattr(user, "is_authenticated", False) else None
        plan.save(update_fields=["status", "published_at", "published_by"])
        audit_object(actor=user, action=AuditEvent.Action.UPDATE, obj=plan, detail="publish")
        plan_id = plan.pk
        if tell_volunteers:
            transaction.on_commit(lambda: swaps.roster_messages_send(plan_id, site=site))
    return plan


def replan_create(*, user, plan: RosterPlan, volunteer: Volunteer, from_date: dt.date,
                  to_date: dt.date | None = None) -> RosterPlan:
    """A new version of a published plan without `volunteer` from `from_date` (to `to_date`,
    for one shift given back), to be solved with few changes and published over the old one."""
    if plan.status != RosterPlan.Status.PUBLISHED:
        raise ValidationError(_("Only a published roster can be re-planned."))
    if volunteer.community_id != plan.community_id:
        raise ValidationError({"volunteer": _("This person is not in the roster's community.")})
    if not plan.first_day <= from_date <= plan.last_day:
        raise ValidationError({"from_date": _("Choose a day of the roster.")})
    if to_date is not None and to_date < from_date:
        raise ValidationError({"to_date": _("The last day cannot be before the first.")})
    dropout = {"volunteer": volunteer.pk, "from": from_date.isoformat()}
    if to_date is not None:
        dropout["to"] = to_date.isoformat()
    new = RosterPlan(community=plan.community, first_day=plan.first_day, days=plan.days, seconds=plan.seconds,
                     replaces=plan, dropouts=[dropout],
                     created_by=user if getattr(user, "is_authenticated", False) else None)
    return _save(new, user=user, action=AuditEvent.Action.CREATE, detail=f"re-plan of {plan.pk}")


# -- swaps: in swaps.py (judged by the roster rules), re-exported here ------------------

swap_request_create = swaps.swap_request_create
swap_decide = swaps.swap_decide
assignment_move = swaps.assignment_move


# -- attendance --------------------------------------------------------------------------


def attendance_checkin(*, user, assignment: Assignment, event_id: uuid.UUID | str, now=None) -> Attendance:
    """Record that the person came. A repeated post (same event_id), or a second check-in of
    the same shift, answers with the first record."""
    event_id = uuid.UUID(str(event_id))
    existing = Attendance.objects.filter(event_id=event_id).first() or \
        Attendance.objects.filter(assignment=assignment).first()
    if existing is not None:
        return existing
    if not assignment.published:
        raise ValidationError(_("This shift is not on the published roster."))
    try:
        with transaction.atomic():
            return Attendance.objects.create(assignment=assignment, checked_in_at=now or timezone.now(),
                                             checked_in_by=user, event_id=event_id)
    except IntegrityError:  # a concurrent repeat won the unique constraint: answer with its record
        found = Attendance.objects.filter(event_id=event_id).first() or \
            Attendance.objects.filter(assignment=assignment).first()
        if found is None:
            raise
        return found
