"""Swaps and manual edits of a roster, judged by the roster rules, the take-over picker, and
the messages that reach volunteers (their shifts and their schedule link).

One checker judges every change (`fangxian.duty.solver.rules`, the solver's own): a swap, or an
admin moving a shift to someone else, is checked on the plan's roster with the change made, for
the two people concerned. A change that breaks a rule is refused, naming the rule and the
person; an admin may override it only with a reason, which is kept on the swap and in the audit
log. Nobody can be given two shifts on one day (the table forbids it), whatever the reason.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from fangxian.core.models import AuditEvent
from fangxian.core.notify import message
from fangxian.core.personal import mask_name
from fangxian.core.services import audit_object

from ..models import Assignment, RosterPlan, ShiftRequest, SwapRequest, Volunteer
from ..solver import rules
from ..solver.problem import Assignment as Placed
from .problem import Built, build_problem, post_of
from .rule_labels import rule_label
from .selectors import plan_changes

logger = logging.getLogger("fangxian.notify")

PICKER_LIMIT = 20  # candidates shown at once; the page says how many more there are
NOT_OVERRIDABLE = {"one_shift_a_day"}  # the table holds one shift a person a day


# -- the roster as the checker reads it --------------------------------------------------


@dataclass
class Roster:
    built: Built
    rows: list[Assignment]
    placed: dict[int, Placed]  # assignment pk → the checker's assignment

    @property
    def problem(self):
        return self.built.problem


def roster_of(plan: RosterPlan) -> Roster:
    """The plan's problem (without what only a re-plan fixes) and its assignments."""
    built = build_problem(plan)
    built.problem = dataclasses.replace(built.problem, fixed={}, previous={})
    known = {s.id for s in built.problem.staff}
    rows = list(plan.assignments.select_related("template"))
    placed = {a.pk: _placed(plan, a, a.volunteer_id) for a in rows if str(a.volunteer_id) in known}
    return Roster(built=built, rows=rows, placed=placed)


def _placed(plan: RosterPlan, a: Assignment, volunteer_id: int) -> Placed:
    return Placed(staff=str(volunteer_id), day=(a.date - plan.first_day).days, post=post_of(a.template),
                  shift=a.template.type_id)


def move_violations(assignment: Assignment, to_volunteer: Volunteer, roster: Roster | None = None) -> list:
    """The rules broken by giving `assignment` to `to_volunteer` that the roster does not break now."""
    plan = assignment.plan
    roster = roster or roster_of(plan)
    before = list(roster.placed.values())
    after = [p for pk, p in roster.placed.items() if pk != assignment.pk]
    after.append(_placed(plan, assignment, to_volunteer.pk))
    people = {str(assignment.volunteer_id), str(to_volunteer.pk)}
    return rules.new_violations(roster.problem, before, after, staff=people)


def describe(violations, plan: RosterPlan, *, masked: bool = False) -> list[str]:
    """One line per broken rule and person: "需要休息：王青年（03-03）"."""
    names = dict(Volunteer.objects.filter(pk__in=[v.staff for v in violations if v.staff and v.staff.isdigit()])
                 .values_list("pk", "name"))
    lines = []
    for v in violations:
        name = names.get(int(v.staff), "") if v.staff and v.staff.isdigit() else ""
        who = mask_name(name) if masked else name
        day = plan.first_day + dt.timedelta(days=v.day) if v.day is not None else None
        line = _("%(rule)s: %(who)s") % {"rule": rule_label(v.rule), "who": who} if who else rule_label(v.rule)
        if day is not None:
            line = _("%(line)s (%(date)s)") % {"line": line, "date": formats.date_format(day, "MONTH_DAY_FORMAT")}
        if line not in lines:
            lines.append(line)
    return lines


def _refusal(violations, plan) -> ValidationError:
    return ValidationError(_("This change breaks the roster rules: %(rules)s.") % {
        "rules": "; ".join(describe(violations, plan))}, code="rules")


def _judge(violations, plan, override_reason: str) -> list[str]:
    """The codes overridden (empty when no rule is broken); raises unless a reason is given."""
    if not violations:
        return []
    if {v.rule for v in violations} & NOT_OVERRIDABLE or not override_reason.strip():
        raise _refusal(violations, plan)
    return sorted({v.rule for v in violations})


# -- swaps -------------------------------------------------------------------------------


def _takeable(assignment: Assignment, now) -> bool:
    return assignment.published and assignment.starts_at > now


def swap_request_create(*, assignment: Assignment, to_volunteer: Volunteer, reason: str = "",
                        now=None) -> SwapRequest:
    """A volunteer asks someone to take their shift over (from the schedule link): only someone
    who may take it by the rules."""
    now = now or timezone.now()
    if not _takeable(assignment, now):
        raise ValidationError(_("Only a published shift that has not started can be swapped."))
    if to_volunteer.pk == assignment.volunteer_id or to_volunteer.community_id != assignment.volunteer.community_id \
            or to_volunteer.status != Volunteer.Status.APPROVED:
        raise ValidationError({"to_volunteer": _("Choose another approved volunteer of your community.")})
    violations = move_violations(assignment, to_volunteer)
    if violations:
        raise ValidationError({"to_volunteer": _("This person cannot take the shift by the roster rules: "
                                                 "%(rules)s.") % {
            "rules": "; ".join(describe(violations, assignment.plan, masked=True))}})
    swap = SwapRequest(assignment=assignment, from_volunteer=assignment.volunteer, to_volunteer=to_volunteer,
                       reason=reason.strip()[:200])
    swap.full_clean()
    swap.save()
    return swap


def swap_decide(*, user, swap: SwapRequest, approve: bool, override_reason: str = "", now=None) -> SwapRequest:
    """Approve or refuse a swap. An approval is judged by the rules on the roster as it is now:
    one that breaks a rule is refused unless the admin gives a reason to override it."""
    if swap.status != SwapRequest.Status.PENDING:
        raise ValidationError(_("This request has been decided already."))
    now = now or timezone.now()
    override_reason = override_reason.strip()[:200]
    with transaction.atomic():
        assignment = Assignment.objects.select_for_update().select_related("plan", "template").get(
            pk=swap.assignment_id)
        overridden: list[str] = []
        if approve:
            if assignment.volunteer_id != swap.from_volunteer_id or not assignment.published:
                raise ValidationError(_("The shift has changed since the request: it cannot be swapped."))
            if assignment.starts_at <= now:
                raise ValidationError(_("Only a published shift that has not started can be swapped."))
            overridden = _judge(move_violations(assignment, swap.to_volunteer), assignment.plan, override_reason)
            assignment.volunteer = swap.to_volunteer
            assignment.save(update_fields=["volunteer"])
            SwapRequest.objects.filter(assignment=assignment, status=SwapRequest.Status.PENDING).exclude(
                pk=swap.pk).update(status=SwapRequest.Status.REJECTED, decided_at=now)
        swap.status = SwapRequest.Status.APPROVED if approve else SwapRequest.Status.REJECTED
        swap.decided_by = user
        swap.decided_at = now
        swap.overridden = overridden
        swap.override_reason = override_reason if overridden else ""
        swap.save(update_fields=["status", "decided_by", "decided_at", "overridden", "override_reason"])
        detail = "swap approved" if approve else "swap refused"
        if overridden:
            detail += " overriding " + ",".join(overridden)
        audit_object(actor=user, action=AuditEvent.Action.UPDATE, obj=swap, detail=detail,
                     reason=swap.override_reason)
    return swap


# -- manual edits ------------------------------------------------------------------------


EDITABLE = (RosterPlan.Status.SOLVED, RosterPlan.Status.PUBLISHED)


def is_editable(assignment: Assignment, now=None) -> bool:
    now = now or timezone.now()
    return assignment.plan.status in EDITABLE and assignment.starts_at > now


def assignment_move(*, user, assignment: Assignment, to_volunteer: Volunteer, override_reason: str = "",
                    now=None) -> Assignment:
    """An admin gives a shift of a solved or published roster to someone else, by the same rules
    as a swap (a rule may be overridden with a reason). Swaps asked for the shift are refused."""
    now = now or timezone.now()
    override_reason = override_reason.strip()[:200]
    with transaction.atomic():
        assignment = Assignment.objects.select_for_update().select_related("plan", "template", "volunteer").get(
            pk=assignment.pk)
        if not is_editable(assignment, now):
            raise ValidationError(_("Only a shift of a solved or published roster that has not started can be "
                                    "given to someone else."))
        if to_volunteer.pk == assignment.volunteer_id or to_volunteer.community_id != assignment.plan.community_id \
                or to_volunteer.status != Volunteer.Status.APPROVED:
            raise ValidationError({"to_volunteer": _("Choose another approved volunteer of the community.")})
        overridden = _judge(move_violations(assignment, to_volunteer), assignment.plan, override_reason)
        before = assignment.volunteer_id
        assignment.volunteer = to_volunteer
        assignment.save(update_fields=["volunteer"])
        SwapRequest.objects.filter(assignment=assignment, status=SwapRequest.Status.PENDING).update(
            status=SwapRequest.Status.REJECTED, decided_at=now, decided_by=user)
        detail = f"shift moved from volunteer {before} to {to_volunteer.pk}"
        if overridden:
            detail += " overriding " + ",".join(overridden)
        audit_object(actor=user, action=AuditEvent.Action.UPDATE, obj=assignment, detail=detail,
                     reason=override_reason if overridden else "")
    return assignment


# -- the take-over picker ----------------------------------------------------------------


@dataclass
class Candidate:
    volunteer: Volunteer
    name: str  # as the page may show it
    groups: list[str]  # residential group, teams
    skills: list[str]
    preferred: bool  # the shift is at their preferred checkpoint
    week_shifts: int  # their shifts in the week of the shift, on this roster
    asked_off: bool  # they asked not to work it
    breaks: list[str] = field(default_factory=list)  # the rules it would break (shown with `broken=True`)


@dataclass
class Picker:
    rows: list[Candidate]
    total: int  # how many match, of which `rows` are the best
    q: str = ""


def _skills(v: Volunteer) -> list[str]:
    skills = []
    if v.kind == Volunteer.Kind.STAFF:
        skills.append(_("Staff"))
    elif v.is_shift_leader:
        skills.append(_("Can lead a shift"))
    if v.has_first_aid:
        skills.append(_("First aid"))
    if v.can_drive:
        skills.append(_("Can drive"))
    if v.is_party_member:
        skills.append(_("Party member"))
    return skills


def _verdicts(roster: Roster, assignment: Assignment) -> dict[str, list]:
    """Person id → what giving them the shift would break (the checker's person rules, and the
    shift's leader when the one leaving it was its only leader)."""
    placed = _placed(assignment.plan, assignment, assignment.volunteer_id)
    key = (placed.day, placed.post, placed.shift)
    slot = next((s for s in roster.problem.slots if (s.day, s.post, s.shift) == key), None)
    if slot is None:
        return {}
    others = [p for pk, p in roster.placed.items() if pk != assignment.pk]
    on_slot = [p for p in others if (p.day, p.post, p.shift) == key]
    just_slot = dataclasses.replace(roster.problem, slots=[slot])
    checker = rules.Roster(roster.problem, others)
    verdicts = {}
    for person in roster.problem.staff:
        found = checker.adding(person, slot)
        if found is None:
            continue
        moved = Placed(staff=person.id, day=slot.day, post=slot.post, shift=slot.shift)
        found += rules.new_violations(just_slot, [*on_slot, placed], [*on_slot, moved], staff=())
        verdicts[person.id] = found
    return verdicts


def takeover_candidates(assignment: Assignment, *, q: str = "", masked: bool = True, broken: bool = False,
                        limit: int = PICKER_LIMIT, roster: Roster | None = None) -> Picker:
    """Who may take `assignment` over, best first: at their preferred checkpoint, with the fewest
    shifts that week, not having asked to be off it. Only those the rules allow, or (`broken`, for
    an admin who may override) only those they do not, with the rules broken. `q` searches names."""
    plan = assignment.plan
    roster = roster or roster_of(plan)
    people = Volunteer.objects.filter(community_id=plan.community_id, status=Volunteer.Status.APPROVED).exclude(
        pk=assignment.volunteer_id).select_related("group").prefetch_related("teams").order_by("name", "pk")
    q = q.strip()[:40]
    if q:
        people = people.filter(name__icontains=q)
    verdicts = _verdicts(roster, assignment)
    monday = assignment.date - dt.timedelta(days=assignment.date.weekday())
    week = {monday + dt.timedelta(days=i) for i in range(7)}
    counts: dict[int, int] = {}
    for a in roster.rows:
        if a.date in week:
            counts[a.volunteer_id] = counts.get(a.volunteer_id, 0) + 1
    off = set(ShiftRequest.objects.filter(date=assignment.date, template_id=assignment.template_id, want=False)
              .values_list("volunteer_id", flat=True))
    rows = []
    for v in people:
        found = verdicts.get(str(v.pk))
        if found is None:  # not on this roster's problem (or already on the shift)
            continue
        if bool(found) != broken:
            continue
        rows.append(Candidate(
            volunteer=v, name=mask_name(v.name) if masked else v.name,
            groups=[g for g in [v.group.name if v.group_id else ""] + [t.name for t in v.teams.all()] if g],
            skills=_skills(v), preferred=v.preferred_checkpoint_id is not None
            and v.preferred_checkpoint_id == assignment.checkpoint_id,
            week_shifts=counts.get(v.pk, 0), asked_off=v.pk in off,
            breaks=describe(found, plan, masked=masked) if found else []))
    rows.sort(key=lambda c: (c.asked_off, not c.preferred, c.week_shifts, c.volunteer.name, c.volunteer.pk))
    return Picker(rows=rows[:limit], total=len(rows), q=q)


# -- reaching volunteers -----------------------------------------------------------------


def schedule_path(volunteer: Volunteer) -> str:
    return reverse("duty:schedule_personal", args=[volunteer.schedule_token])


def _shift_line(a: Assignment) -> str:
    return f"{formats.date_format(a.date, 'm-d D')} {a.template.post_name} {a.template.hours}"


def roster_messages(plan: RosterPlan) -> list[tuple[Volunteer, str]]:
    """(person, text) for each person a just-published roster concerns: all their shifts, or,
    for a re-planned version, only what changed for them."""
    out = []
    if plan.replaces_id:
        for change in plan_changes(plan):
            parts = []
            if change.removed:
                parts.append(_("no longer: %(shifts)s") % {"shifts": "; ".join(map(_shift_line, change.removed))})
            if change.added:
                parts.append(_("new: %(shifts)s") % {"shifts": "; ".join(map(_shift_line, change.added))})
            out.append((change.volunteer, _("%(community)s changed the duty roster for you: %(changes)s.") % {
                "community": plan.community.name, "changes": "; ".join(parts)}))
        return out
    mine: dict[int, list[Assignment]] = {}
    people: dict[int, Volunteer] = {}
    for a in plan.assignments.select_related("volunteer", "template__checkpoint").order_by("date", "template__start"):
        mine.setdefault(a.volunteer_id, []).append(a)
        people[a.volunteer_id] = a.volunteer
    for pk, shifts in mine.items():
        out.append((people[pk], _("%(community)s published the duty roster. Your shifts: %(shifts)s.") % {
            "community": plan.community.name, "shifts": "; ".join(map(_shift_line, shifts))}))
    return out


def roster_messages_send(plan_id: int, *, site: str = "") -> int:
    """Send each person concerned their message with their schedule link (after the publish is
    committed). `site` ("https://host") makes the link absolute. Returns how many were sent."""
    try:
        plan = RosterPlan.objects.select_related("community").get(pk=plan_id)
        messages = roster_messages(plan)
    except Exception:  # the roster is published: a failed message must not fail the request after it
        logger.exception("roster messages of plan %s failed", plan_id)
        return 0
    sent = 0
    for volunteer, text in messages:
        if volunteer.status != Volunteer.Status.APPROVED or not volunteer.phone:
            continue
        url = site.rstrip("/") + schedule_path(volunteer)
        message("roster_published" if not plan.replaces_id else "roster_changed", to_phone=volunteer.phone,
                text=_("%(text)s Your schedule: %(url)s") % {"text": text, "url": url}, url=url,
                recipient_id=volunteer.pk)
        sent += 1
    return sent
