"""The one rule checker: every hard rule of a roster, as the CP-SAT model (cpsat.build) enforces it.

Pure Python and fast: the solver's tests, swaps, manual edits, the check of consecutive rosters
and the explanations (`candidates`, ~250 people for one shift) all ask it. Each rule says what
the model says:

- an assignment needs a slot of the problem and the person's own data (`may_work`: age,
  days off, time bands, posts; a shift type limited to 0 and a total limit of 0 are reported
  by the counting rules), except where `Problem.fixed` gives that very assignment (the past);
- one shift a day; rest (`ShiftType.forbidden_next`) from one day to the next, from day -1
  (`Problem.history`) to day 0 too;
- limits per shift type, in total, in minutes (max and min), days off, weekends worked;
- consecutive days as the model's forbidden sequences over "works that day": days outside the
  period are off, except the days the history knows (the earliest day in `Problem.history`
  to day -1: worked where listed, off otherwise). A run of shifts longer than
  `max_consecutive` counts the history's trailing run; a run shorter than `min_consecutive`
  counts only when it holds a day of the period (a short run entirely in the history never
  forces work now); an off run shorter than `min_consecutive_off` counts when the shift that
  ends it is in the period;
- `fixed` (the person works exactly that shift that day, or is off);
- minimum cover and the leader on duty (slot rules).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field

from .problem import Assignment, Problem, Slot, Staff

RULE_CODES = ("unknown_slot", "not_allowed_age", "unavailable", "not_available_time", "post_not_allowed",
              "shift_type_limit", "one_shift_a_day", "rest", "max_total_shifts", "max_minutes", "min_minutes",
              "max_consecutive", "min_consecutive", "min_consecutive_off", "max_weekends", "min_days_off",
              "fixed", "minimum", "leader")
_ORDER = {code: n for n, code in enumerate(RULE_CODES)}


@dataclass(frozen=True)
class Violation:
    rule: str  # one of RULE_CODES
    staff: str | None  # the person (None for a slot rule)
    day: int | None
    slot: tuple[int, str, str] | None = None  # (day, post, shift) for cover/leader
    detail: str = ""  # short English, for logs/tests only; pages translate `rule`
    # How far the rule is broken (people missing, shifts over the limit...), and what tells two
    # violations of one rule apart beyond staff/day/slot (the shift type of a limit):
    # `new_violations` counts a violation as new when it is new or worse.
    amount: int = field(default=1, compare=False, repr=False)
    tag: str = field(default="", compare=False, repr=False)

    def key(self) -> tuple:
        return (self.rule, self.staff, self.day, self.slot, self.tag)


def may_work(problem: Problem, person: Staff, slot: Slot) -> bool:
    """Whether the person's own data (not the other rules) lets them work the slot."""
    if person.age is not None and person.age < problem.min_age:
        return False
    if slot.day in person.unavailable_days:
        return False
    if person.available is not None and (slot.day, slot.shift) not in person.available:
        return False
    if person.posts is not None and slot.post not in person.posts:
        return False
    if person.max_shifts.get(slot.shift, 1) <= 0:
        return False
    if person.max_total_shifts is not None and person.max_total_shifts <= 0:
        return False
    return True


def weekend_of(first_weekday: int, day: int) -> int | None:
    absolute = first_weekday + day
    return absolute // 7 if absolute % 7 >= 5 else None


def history_start(problem: Problem) -> int:
    """The earliest day (≤ 0) the history knows; 0 without history."""
    return min((d for (_s, d) in problem.history if d < 0), default=0)


class _Context:
    """What every check of one problem needs, computed once."""

    def __init__(self, problem: Problem):
        self.problem = problem
        self.shift_of = {s.id: s for s in problem.shifts}
        self.slots = {(s.day, s.post, s.shift): s for s in problem.slots}
        self.staff = {p.id: p for p in problem.staff}
        self.fixed: dict[str, dict[int, tuple[str, str] | None]] = defaultdict(dict)
        for (sid, d), value in problem.fixed.items():
            if 0 <= d < problem.days:
                self.fixed[sid][d] = value
        self.history: dict[str, dict[int, str]] = defaultdict(dict)
        for (sid, d), sh in problem.history.items():
            if d < 0:
                self.history[sid][d] = sh
        self.start = history_start(problem)

    def person(self, person: Staff, items: list[Assignment]) -> list[Violation]:  # noqa: C901
        problem, days, pid = self.problem, self.problem.days, person.id
        fixed = self.fixed.get(pid, {})
        out: list[Violation] = []
        by_day: dict[int, list[Assignment]] = defaultdict(list)
        for a in items:
            known = 0 <= a.day < days and a.shift in self.shift_of
            slot = self.slots.get((a.day, a.post, a.shift))
            if known:
                by_day[a.day].append(a)
            if known and fixed.get(a.day, 0) == (a.post, a.shift):
                continue  # given: the past or a started shift
            where = (a.day, a.post, a.shift)
            if slot is None:
                out.append(Violation("unknown_slot", pid, a.day, where, f"no slot {where}"))
                continue
            if person.age is not None and person.age < problem.min_age:
                out.append(Violation("not_allowed_age", pid, a.day, where, f"age {person.age} < {problem.min_age}"))
            if a.day in person.unavailable_days:
                out.append(Violation("unavailable", pid, a.day, where, "day off"))
            if person.available is not None and (a.day, a.shift) not in person.available:
                out.append(Violation("not_available_time", pid, a.day, where, f"not available for {a.shift}"))
            if person.posts is not None and a.post not in person.posts:
                out.append(Violation("post_not_allowed", pid, a.day, where, f"post {a.post} not allowed"))

        for d in sorted(by_day):
            if len(by_day[d]) > 1:
                out.append(Violation("one_shift_a_day", pid, d, None, f"{len(by_day[d])} shifts", len(by_day[d]) - 1))
        # Rest: a forbidden succession, from the history's last day into day 0 too.
        history = self.history.get(pid, {})
        for d in sorted(by_day):
            before = [a.shift for a in by_day.get(d - 1, ())] if d > 0 else (
                [history[-1]] if d == 0 and -1 in history else [])
            for first in before:
                kind = self.shift_of.get(first)
                if kind is None:
                    continue
                for a in by_day[d]:
                    if a.shift in kind.forbidden_next:
                        out.append(Violation("rest", pid, d, None, f"{first} then {a.shift}", tag=a.shift))

        shifts = [a for d in by_day for a in by_day[d]]
        counts = Counter(a.shift for a in shifts)
        for sh, limit in person.max_shifts.items():
            if counts[sh] > limit:
                out.append(Violation("shift_type_limit", pid, None, None, f"{sh}: {counts[sh]} > {limit}",
                                     counts[sh] - limit, tag=sh))
        if person.max_total_shifts is not None and len(shifts) > person.max_total_shifts:
            out.append(Violation("max_total_shifts", pid, None, None, f"{len(shifts)} > {person.max_total_shifts}",
                                 len(shifts) - person.max_total_shifts))
        minutes = sum(self.shift_of[a.shift].minutes for a in shifts)
        if person.max_minutes is not None and minutes > person.max_minutes:
            out.append(Violation("max_minutes", pid, None, None, f"{minutes} > {person.max_minutes}",
                                 minutes - person.max_minutes))
        if minutes < person.min_minutes:
            out.append(Violation("min_minutes", pid, None, None, f"{minutes} < {person.min_minutes}",
                                 person.min_minutes - minutes))
        worked = set(by_day)
        if person.min_days_off > 0 and len(worked) > days - person.min_days_off:
            out.append(Violation("min_days_off", pid, None, None, f"{days - len(worked)} days off",
                                 len(worked) - (days - person.min_days_off)))
        if person.max_weekends is not None:
            weekends = {k for d in worked if (k := weekend_of(problem.first_weekday, d)) is not None}
            if len(weekends) > person.max_weekends:
                out.append(Violation("max_weekends", pid, None, None, f"{len(weekends)} > {person.max_weekends}",
                                     len(weekends) - person.max_weekends))
        out += self._consecutive(person, worked | set(history))

        for d, value in sorted(fixed.items()):
            got = [(a.post, a.shift) for a in by_day.get(d, ())]
            if got != ([] if value is None else [value]):
                out.append(Violation("fixed", pid, d, None, f"fixed {value}, got {got}"))
        return out

    def _consecutive(self, person: Staff, worked: set[int]) -> list[Violation]:
        """Runs over the timeline from the history's first day to the period's last (outside: off)."""
        days, start, pid = self.problem.days, self.start, person.id
        out: list[Violation] = []
        runs = []  # (first, last, on)
        d = start
        while d < days:
            on = d in worked
            e = d
            while e + 1 < days and (e + 1 in worked) == on:
                e += 1
            runs.append((d, e, on))
            d = e + 1
        for n, (first, last, on) in enumerate(runs):
            length = last - first + 1
            if on:
                if person.max_consecutive is not None and length > person.max_consecutive and last >= 0:
                    out.append(Violation("max_consecutive", pid, max(first, 0), None,
                                         f"{length} days > {person.max_consecutive}", length - person.max_consecutive))
                if length < person.min_consecutive and last >= 0:
                    out.append(Violation("min_consecutive", pid, max(first, 0), None,
                                         f"{length} days < {person.min_consecutive}", person.min_consecutive - length))
            elif 0 < n < len(runs) - 1 and length < person.min_consecutive_off and last + 1 >= 0:
                out.append(Violation("min_consecutive_off", pid, max(first, 0), None,
                                     f"{length} days off < {person.min_consecutive_off}",
                                     person.min_consecutive_off - length))
        return out

    def cover(self, items: Iterable[Assignment]) -> list[Violation]:
        count: Counter = Counter()
        leaders: set = set()
        for a in items:
            person = self.staff.get(a.staff)
            if person is None:
                continue
            key = (a.day, a.post, a.shift)
            count[key] += 1
            if person.leader:
                leaders.add(key)
        out = []
        for key, slot in self.slots.items():
            if slot.minimum > count[key]:
                out.append(Violation("minimum", None, slot.day, key, f"{count[key]} < {slot.minimum}",
                                     slot.minimum - count[key]))
            if slot.leader_required and key not in leaders:
                out.append(Violation("leader", None, slot.day, key, "no leader"))
        return out


def _by_staff(assignments: Iterable[Assignment]) -> dict[str, list[Assignment]]:
    grouped: dict[str, list[Assignment]] = defaultdict(list)
    for a in assignments:
        grouped[a.staff].append(a)
    return grouped


def check(problem: Problem, assignments: Iterable[Assignment], *, staff: Collection[str] | None = None,
          cover: bool = True) -> list[Violation]:
    """Every hard-rule violation of the roster (the same rules the CP-SAT model enforces, incl. history
    across the boundary and `fixed`). `staff` limits the person rules to those people; `cover=False` skips
    minimum cover and leader (a person-level question)."""
    ctx = _Context(problem)
    items = list(assignments)
    grouped = _by_staff(items)
    wanted = None if staff is None else set(staff)
    out: list[Violation] = []
    for sid, mine in grouped.items():
        if sid not in ctx.staff and (wanted is None or sid in wanted):
            out += [Violation("unknown_slot", sid, a.day, (a.day, a.post, a.shift), "unknown person") for a in mine]
    for person in problem.staff:
        if wanted is None or person.id in wanted:
            out += ctx.person(person, grouped.get(person.id, []))
    if cover:
        out += ctx.cover(items)
    return out


def _new(before: Iterable[Violation], after: Iterable[Violation]) -> list[Violation]:
    worst: dict[tuple, int] = {}
    for v in before:
        worst[v.key()] = max(worst.get(v.key(), 0), v.amount)
    return [v for v in after if v.amount > worst.get(v.key(), 0)]


def new_violations(problem: Problem, before: Iterable[Assignment], after: Iterable[Assignment], *,
                   staff: Collection[str] | None = None) -> list[Violation]:
    """Violations in `after` that `before` does not have (what a swap or an edit breaks): a rule
    broken further than before (one more shift over a limit) counts as new."""
    return _new(check(problem, before, staff=staff), check(problem, after, staff=staff))


class Roster:
    """A roster asked about many slots (the explanations): each person's own check is made once."""

    def __init__(self, problem: Problem, assignments: Iterable[Assignment]):
        self.problem = problem
        self.ctx = _Context(problem)
        self.by_staff = _by_staff(assignments)
        self._before: dict[str, list[Violation]] = {}
        self._adding: dict[tuple, list[Violation]] = {}

    def before(self, person: Staff) -> list[Violation]:
        if person.id not in self._before:
            self._before[person.id] = self.ctx.person(person, self.by_staff.get(person.id, []))
        return self._before[person.id]

    def adding(self, person: Staff, slot: Slot) -> list[Violation] | None:
        """What adding the person to the slot would break (None: they already work it)."""
        mine = self.by_staff.get(person.id, [])
        if any(a.day == slot.day and a.post == slot.post and a.shift == slot.shift for a in mine):
            return None
        others = [a for a in mine if a.day == slot.day]
        # The post matters only to rules may_work already asked, unless the day is fixed.
        post = slot.post if slot.day in self.ctx.fixed.get(person.id, {}) else None
        key = (person.id, slot.day, slot.shift, post)
        if key not in self._adding:
            moved = [a for a in mine if a.day != slot.day] + [Assignment(person.id, slot.day, slot.post, slot.shift)]
            found = _new(self.before(person), self.ctx.person(person, moved))
            if others:
                found.insert(0, Violation("one_shift_a_day", person.id, slot.day, None,
                                          f"works {others[0].post} {others[0].shift}"))
            self._adding[key] = sorted(found, key=lambda v: _ORDER[v.rule])
        return list(self._adding[key])

    def candidates(self, slot: Slot) -> list[tuple[Staff, list[Violation]]]:
        out = []
        for person in self.problem.staff:
            if not may_work(self.problem, person, slot):
                continue
            found = self.adding(person, slot)
            if found is not None:
                out.append((person, found))
        return out


def candidates(problem: Problem, assignments: Iterable[Assignment], slot: Slot) -> list[tuple[Staff, list[Violation]]]:
    """Each person who may work the slot by their own data (explain.may_work) and does not work it:
    the violations adding them would cause (moving them off another shift that day counts as breaking
    one_shift_a_day), in RULE_CODES order. Empty list of violations = could be added without breaking
    a hard rule."""
    return Roster(problem, assignments).candidates(slot)
