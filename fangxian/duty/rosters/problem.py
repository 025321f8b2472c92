"""From the database to the solver's Problem (fangxian.duty.solver.problem) and back.

Posts are checkpoints (their pk as text) and "lead" for the leader on duty 带班 (a shift
template without a checkpoint), which only staff may work. Shift types are the templates'
hours ("0800-1600"), so the same hours at two checkpoints are one type for the rest and
night rules. Days are numbered from the plan's first day.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import asdict, dataclass

from django.db.models import Q
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from ..models import Assignment, Pair, RosterPlan, RosterRules, ShiftRequest, ShiftTemplate, Volunteer, band_minutes
from ..solver.problem import Assignment as SolverAssignment
from ..solver.problem import Problem, Request, Result, ShiftType, Slot, Staff, Weights
from .rule_labels import rule_group

LEAD_POST = "lead"


@dataclass
class Built:
    """The problem and what is needed to read its answer back."""

    problem: Problem
    templates: dict[tuple[str, str], ShiftTemplate]  # (post, shift type) → template
    volunteers: dict[str, Volunteer]
    plan: RosterPlan


def rules_for(community, day: dt.date) -> RosterRules:
    """The rules in force on `day`; the defaults (unsaved) when the community has none."""
    rules = RosterRules.objects.filter(community=community, effective_from__lte=day).order_by(
        "-effective_from", "-pk").first()
    return rules or RosterRules(community=community, effective_from=day)


def post_of(template: ShiftTemplate) -> str:
    return str(template.checkpoint_id) if template.checkpoint_id else LEAD_POST


def _shift_types(templates, rules: RosterRules) -> list[ShiftType]:
    """One type per distinct hours; a type may not follow another on the next day when the
    rest between them is short, or (by the rules) when a morning would follow a night."""
    by_id = {t.type_id: t for t in templates}
    types = []
    for a in by_id.values():
        a_end = a.start.hour * 60 + a.start.minute + a.minutes  # minutes from a's day's midnight
        forbidden = set()
        for b in by_id.values():
            b_start = 24 * 60 + b.start.hour * 60 + b.start.minute
            if b_start - a_end < rules.min_rest_hours * 60:
                forbidden.add(b.type_id)
            elif rules.no_morning_after_night and a.is_night and b.start < dt.time(12) and not b.is_night:
                forbidden.add(b.type_id)
        types.append(ShiftType(id=a.type_id, minutes=a.minutes, forbidden_next=frozenset(forbidden),
                               night=a.is_night))
    return types


def _bands_covered(template: ShiftTemplate) -> set[str]:
    """The time bands of the volunteer form that the shift overlaps (hours taken mod 24)."""
    start = template.start.hour * 60 + template.start.minute
    covered = set()
    for band in ("night", "morning", "afternoon", "evening"):
        lo, hi = band_minutes(band)
        for offset in (0, 24 * 60):
            if start < hi + offset and start + template.minutes > lo + offset:
                covered.add(band)
    return covered


def _available(volunteer: Volunteer, plan: RosterPlan, templates) -> frozenset | None:
    """(day, shift type) pairs the person said they are free for. No availability given at
    all (staff, typically): any time."""
    if not any((volunteer.availability or {}).values()):
        return None
    allowed = set()
    for day, date in enumerate(plan.dates):
        bands = volunteer.bands_on(date.weekday())
        for t in templates:
            if _bands_covered(t) <= bands:
                allowed.add((day, t.type_id))
    return frozenset(allowed)


def build_problem(plan: RosterPlan) -> Built:
    community = plan.community
    rules = rules_for(community, plan.first_day)
    templates = list(ShiftTemplate.objects.filter(community=community, active=True).filter(
        models_q_active_checkpoint()).select_related("checkpoint").order_by("checkpoint_id", "start", "pk"))
    volunteers = list(Volunteer.objects.filter(community=community, status=Volunteer.Status.APPROVED)
                      .order_by("pk"))
    weeks = plan.days / 7
    checkpoint_posts = frozenset(post_of(t) for t in templates if not t.is_lead)
    dropped: dict[int, list[tuple[dt.date, dt.date]]] = {}
    for d in plan.dropouts:
        last = dt.date.fromisoformat(d["to"]) if d.get("to") else plan.last_day
        dropped.setdefault(int(d["volunteer"]), []).append((dt.date.fromisoformat(d["from"]), last))

    staff = []
    for v in volunteers:
        unavailable = frozenset(i for i, date in enumerate(plan.dates)
                                for first, last in dropped.get(v.pk, ()) if first <= date <= last)
        staff.append(Staff(
            id=str(v.pk), label=v.name,
            max_total_shifts=math.ceil(rules.max_shifts_per_week * weeks),
            max_minutes=math.ceil(rules.max_hours_per_week * 60 * weeks),
            max_consecutive=rules.max_consecutive or None,
            min_days_off=int(rules.min_days_off_per_week * weeks),
            leader=v.is_shift_leader or v.kind == Volunteer.Kind.STAFF,
            age=v.age_in(plan.first_day.year),
            unavailable_days=unavailable,
            available=_available(v, plan, templates),
            posts=None if v.kind == Volunteer.Kind.STAFF else checkpoint_posts,
            preferred_post=str(v.preferred_checkpoint_id) if v.preferred_checkpoint_id else None,
        ))

    slots = [
        Slot(day=day, post=post_of(t), shift=t.type_id, minimum=t.minimum, target=t.preferred,
             weight_under=rules.weight_under_preferred, weight_over=rules.weight_over_preferred,
             leader_required=t.leader_required,
             label=f"{t.post_name} {t.hours}")
        for day in range(plan.days) for t in templates
    ]
    ids = {str(v.pk) for v in volunteers}
    requests = [
        Request(staff=str(r.volunteer_id), day=(r.date - plan.first_day).days, shift=r.template.type_id,
                weight=r.weight if r.weight is not None else rules.weight_request, want=r.want,
                post=post_of(r.template))
        for r in ShiftRequest.objects.filter(
            volunteer__community=community, date__gte=plan.first_day, date__lte=plan.last_day, template__active=True,
        ).select_related("template")
        if str(r.volunteer_id) in ids
    ]
    pairs = [(str(a), str(b)) for a, b in Pair.objects.filter(first__community=community).values_list(
        "first_id", "second_id") if str(a) in ids and str(b) in ids]
    weights = Weights(
        elderly_age=rules.elderly_age, young_ages=(rules.young_from, rules.young_to),
        elderly_on_night=rules.weight_elderly_night, not_young_on_night=rules.weight_not_young_night,
        other_post=rules.weight_other_post, fairness_shifts=rules.weight_fair_shifts,
        fairness_nights=rules.weight_fair_nights, pair_apart=rules.weight_pair,
        change=rules.weight_change if plan.replaces_id else 0,
    )
    shift_types = _shift_types(templates, rules)
    known = {(post_of(t), t.type_id) for t in templates}
    previous, fixed = {}, {}
    if plan.replaces_id:
        previous, fixed = _replanned(plan, ids, dropped, known)
    problem = Problem(
        days=plan.days, shifts=shift_types, staff=staff, slots=slots, requests=requests,
        pairs=pairs, weights=weights, first_weekday=plan.first_day.weekday(), min_age=18, previous=previous,
        fixed=fixed, history=_history(plan, ids, {t.id for t in shift_types}),
        name=f"{community.name} {plan.first_day:%Y-%m-%d}",
    )
    return Built(problem=problem, templates={(post_of(t), t.type_id): t for t in templates},
                 volunteers={str(v.pk): v for v in volunteers}, plan=plan)


HISTORY_DAYS = 7  # days of the roster before this one kept as context for rest and consecutive days


def _replanned(plan: RosterPlan, ids: set[str], dropped: dict, known: set) -> tuple[dict, dict]:
    """The published roster this plan replaces, as the solver's `previous` (changing it costs),
    and what of it is fixed (hard): every person's every day before the earliest dropout, work
    or off, exactly as published; and every published shift that has started by now (unless its
    person drops out that day: the coordinator says they are not there)."""
    previous: dict[tuple[str, int], tuple[str, str]] = {}
    started: set[tuple[str, int]] = set()
    now = timezone.now()
    for a in plan.replaces.assignments.select_related("template__checkpoint"):
        key, work = (str(a.volunteer_id), (a.date - plan.first_day).days), (post_of(a.template), a.template.type_id)
        if 0 <= key[1] < plan.days and key[0] in ids and work in known:
            previous[key] = work
            if a.starts_at <= now:
                started.add(key)
    earliest = min((first for spans in dropped.values() for first, _last in spans), default=plan.last_day)
    frozen_days = range(max(0, min(plan.days, (earliest - plan.first_day).days)))

    def away(person: str, day: int) -> bool:
        date = plan.first_day + dt.timedelta(days=day)
        return any(first <= date <= last for first, last in dropped.get(int(person), ()))

    fixed: dict[tuple[str, int], tuple[str, str] | None] = {
        (person, day): previous.get((person, day)) for person in ids for day in frozen_days}
    fixed.update({key: previous[key] for key in started if not away(*key)})
    return previous, fixed


def previous_roster(plan: RosterPlan) -> RosterPlan | None:
    """The community's published roster whose days run up to the day before this plan's first."""
    eve = plan.first_day - dt.timedelta(days=1)
    candidates = RosterPlan.objects.filter(
        community_id=plan.community_id, status=RosterPlan.Status.PUBLISHED, first_day__lte=eve,
        first_day__gte=eve - dt.timedelta(days=62)).exclude(pk=plan.pk).order_by("-first_day", "-pk")
    if plan.replaces_id:
        candidates = candidates.exclude(pk=plan.replaces_id)
    return next((p for p in candidates if p.last_day >= eve), None)


def _history(plan: RosterPlan, ids: set[str], types: set[str]) -> dict[tuple[str, int], str]:
    """The last days (up to HISTORY_DAYS) of the roster before this one: (person, day < 0) → shift
    type, so that rest after a night and consecutive days hold across the boundary."""
    before = previous_roster(plan)
    if before is None:
        return {}
    history = {}
    rows = before.assignments.filter(date__gte=plan.first_day - dt.timedelta(days=HISTORY_DAYS),
                                     date__lt=plan.first_day).select_related("template")
    for a in rows:
        person, day = str(a.volunteer_id), (a.date - plan.first_day).days
        if person in ids and a.template.type_id in types:
            history[(person, day)] = a.template.type_id
    return history


def models_q_active_checkpoint():
    """Templates of active checkpoints, and the leader on duty."""
    return Q(checkpoint__isnull=True) | Q(checkpoint__active=True)


def assignment_rows(built: Built, assignments) -> list:
    """Unsaved Assignment rows for the solver's assignments."""
    rows = []
    for a in assignments:
        template = built.templates[(a.post, a.shift)]
        rows.append(Assignment(
            plan=built.plan, volunteer=built.volunteers[a.staff], date=built.plan.first_day + dt.timedelta(days=a.day),
            checkpoint_id=template.checkpoint_id, template=template))
    return rows


def roster_hint(built: Built, assignments) -> list[SolverAssignment]:
    """The plan's stored roster as the solver's assignments: where "continue solving" starts."""
    known = set(built.templates)
    hint = []
    for a in assignments:
        post, shift = post_of(a.template), a.template.type_id
        day = (a.date - built.plan.first_day).days
        if str(a.volunteer_id) in built.volunteers and (post, shift) in known and 0 <= day < built.plan.days:
            hint.append(SolverAssignment(staff=str(a.volunteer_id), day=day, post=post, shift=shift))
    return hint


def shortfall_records(result: Result) -> list[dict]:
    """The shortfalls as JSON for the plan row; explained in the reader's language on display."""
    records = []
    for s in result.shortfalls:
        slot = asdict(s.slot)
        records.append({"day": slot["day"], "post": slot["post"], "shift": slot["shift"], "label": slot["label"],
                        "kind": s.kind, "missing": s.missing, "reason": s.reason,
                        "available": s.available, "needed": s.needed,
                        # (rule code, candidates it stops), most first; older solvers give none
                        "blocked": [[code, count] for code, count in getattr(s, "blocked", ()) or ()]})
    return records


def _where(plan: RosterPlan, record: dict) -> str:
    date = plan.first_day + dt.timedelta(days=record["day"])
    label = record["label"]
    if record["post"] == LEAD_POST:  # named in the reader's language, not the solving worker's
        label = f"{_('Leader on duty')} {label.rsplit(' ', 1)[-1]}"
    return _("%(slot)s on %(date)s") % {"slot": label, "date": formats.date_format(date, "MONTH_DAY_FORMAT")}


def _blocked(record: dict) -> str:
    """"3 people have reached the shift limit, 2 people need rest after their previous shift"."""
    return _(", ").join(rule_group(code, count) for code, count in record.get("blocked") or () if count)


def _why(record: dict) -> str:
    """Why one shortfall (a minimum or a leader) is left, from what the solver found. Plans
    stored before the solver said "out of time" or named the rules keep their old reasons."""
    reason = record["reason"]
    if reason == "out_of_time":
        return _("someone could still be added without breaking a rule: the search ran out of time")
    if record.get("blocked"):
        return _blocked(record)
    if record["kind"] == "leader":
        return _("no leader available") if reason != "used_elsewhere" else _(
            "the leaders who could work it are needed on other shifts or have reached their limits")
    if reason == "no_one_available":
        return _("nobody is available")
    if reason == "too_few_available":
        return _("only %(available)s of the %(needed)s people needed are available") % {
            "available": record["available"], "needed": record["needed"]}
    if reason == "used_elsewhere":
        return _("%(missing)s short: the people available are needed on other shifts or have reached "
                 "their limits") % {"missing": record["missing"]}
    return _("no leader available") if reason == "no_leader_available" else _("%(missing)s short") % {
        "missing": record["missing"]}


def explain(plan: RosterPlan, record: dict) -> str:
    """"北门 00–08 on 2 Feb: no leader available"."""
    return _("%(where)s: %(why)s") % {"where": _where(plan, record), "why": _why(record)}


@dataclass
class ShiftExplanation:
    """One uncovered shift, once, however many of its rules fall short (people and a leader)."""

    text: str
    out_of_time: bool  # someone could be added: "continue solving" may cover it


def explain_shifts(plan: RosterPlan) -> list[ShiftExplanation]:
    """The plan's shortfalls as one line per shift, in the order of the roster."""
    shifts: dict[tuple, list[dict]] = {}
    for record in plan.shortfalls:
        shifts.setdefault((record["day"], record["post"], record["shift"]), []).append(record)
    lines = []
    for key in sorted(shifts, key=lambda k: (k[0], k[1] != LEAD_POST, k[1], k[2])):
        records = sorted(shifts[key], key=lambda r: r["kind"] != "minimum")
        what = [_("%(missing)s short") % {"missing": r["missing"]} if r["kind"] == "minimum"
                else _("no shift leader") for r in records]
        whys = list(dict.fromkeys(_why(r) for r in records))
        if len(records) == 1 and records[0]["reason"] not in ("out_of_time",) and not records[0].get("blocked"):
            text = explain(plan, records[0])  # the old wording says what is short itself
        else:
            text = _("%(where)s: %(what)s — %(why)s") % {
                "where": _where(plan, records[0]), "what": _(", ").join(what), "why": _("; ").join(whys)}
        lines.append(ShiftExplanation(text=text, out_of_time=any(r["reason"] == "out_of_time" for r in records)))
    return lines


def penalty_label(key: str) -> str:
    labels = {
        "elderly_on_night": _("Elderly people on night shifts"),
        "not_young_on_night": _("Night shifts not by young people"),
        "other_post": _("Away from the preferred checkpoint"),
        "request_on": _("Requests for a shift not met"),
        "request_off": _("Requests against a shift not met"),
        "fairness_shifts": _("Spread of shift counts"),
        "fairness_nights": _("Spread of night shifts"),
        "pair_apart": _("Pairs apart"),
        "change": _("Changes to the published roster"),
        "cover_under": _("Below the preferred number of people"),
        "cover_over": _("Above the preferred number of people"),
    }
    return labels.get(key, key)
