"""The CP-SAT model of a `Problem`, and `solve`.

One boolean x[p, d, post, shift] per allowed assignment (see explain.may_work: availability,
days off, posts, age, shift types a person may never work). Everything else is built on
w[p, d] = "p works on day d" (the sum of p's x that day, at most 1):

- consecutive-day rules as forbidden sequences over w (clauses; a per-person automaton added
  on top made first rosters slower and was dropped). The days just outside the period count
  as days off, as the benchmark's README says: a run of shifts touching either end must still
  reach the minimum length. (The literature's best known values seem to exempt such runs:
  with them exempt, Instance2 reaches its best known 828; as written, its proven optimum is 833.)
  With `Problem.history` the days it knows are worked or off as it says (see `_consecutive`),
  and its day -1 forbids the shifts that may not follow it on day 0;
- `Problem.fixed` days are hard: that very shift (its variable made even where the person's data
  now forbids it: the past is given) or none;
- rules.py checks every hard rule as this model says it (the solver's tests hold them to it);
- minimum cover and the leader on duty as elastic constraints whose slack costs `BIG`
  per missing person, so an impossible problem still yields the roster that breaks least;
  that part is reported as `Shortfall`s, never in `Result.objective`;
- the soft rules as a weighted sum, its terms kept per rule for `Result.penalties`; re-planning
  (`previous` and `weights.change`) is lexicographic: missing people (`BIG`), then the (person,
  day) pairs whose published assignment is changed, removed or newly given on a published day
  off (each weighted above all the other soft rules together), then the other soft rules.
  `Result.penalties["change"]` and `Progress.objective` count a change at `weights.change`;
  `Result.changes` is their number. `solve` starts a re-plan from the published roster
  (`_replan_start`).

`solve` runs a first roster, CP-SAT on the whole model, then a large-neighbourhood search of
our own (see its docstring).
"""

from __future__ import annotations

import os
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from .explain import may_work, shortfall_for
from .problem import Assignment, Problem, Progress, Result, Slot
from .rules import Roster, check, history_start
from .search import search as neighbourhood_search

# Soft rules as named in Result.penalties.
RULES = ("cover_under", "cover_over", "request_on", "request_off", "elderly_on_night", "not_young_on_night",
         "other_post", "fairness_shifts", "fairness_nights", "pair_apart", "change")


@dataclass
class Built:
    model: cp_model.CpModel
    x: dict[tuple[int, int, str, str], cp_model.IntVar]
    work: dict[tuple[int, int], object]  # IntVar or 0
    shortfall_terms: list[tuple[Slot, str, object]]  # (slot, "minimum"|"leader", slack var)
    terms: dict[str, list[tuple[int, object]]] = field(default_factory=lambda: defaultdict(list))
    constants: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    big: int = 1
    person: dict[int, list] = field(default_factory=lambda: defaultdict(list))  # i → [(key, x)]
    change_weight: int = 0  # re-planning: the model's weight of one change (above every other soft rule)
    change_unit: int = 0  # weights.change: what one change is reported to cost

    def changes(self, values: list[int]) -> int:
        """(person, day) pairs changed from the published roster in this solution."""
        if not self.change_weight:
            return 0
        paid = self.constants.get("change", 0) + sum(c * values[v.Index()] for c, v in self.terms.get("change", []))
        return paid // self.change_weight

    def soft(self, values: list[int]) -> int:
        """The soft penalty as reported (a change at weights.change), without missing people."""
        total = sum(self.constants.values()) + sum(c * values[v.Index()] for ts in self.terms.values() for c, v in ts)
        return total - self.changes(values) * (self.change_weight - self.change_unit)

    def reported_bound(self, bound: float, missing: int) -> float:
        """A lower bound on the reported soft penalty from one on the model's objective."""
        bound -= self.big * missing
        if not self.change_weight:
            return max(0.0, bound)
        others = self.change_weight - 1  # the other soft rules never cost more
        return float(max(0, -(-(bound - others) // self.change_weight)) * self.change_unit)


def _weekend_of(problem: Problem, day: int) -> int | None:
    absolute = problem.first_weekday + day
    return absolute // 7 if absolute % 7 >= 5 else None


def build(problem: Problem) -> Built:
    m = cp_model.CpModel()
    days = problem.days
    shift_of = {s.id: s for s in problem.shifts}
    slots = {(s.day, s.post, s.shift): s for s in problem.slots}
    staff = problem.staff
    index = {p.id: i for i, p in enumerate(staff)}

    x: dict[tuple[int, int, str, str], cp_model.IntVar] = {}
    for i, p in enumerate(staff):
        for key, slot in slots.items():
            if 0 <= slot.day < days and slot.shift in shift_of and may_work(problem, p, slot):
                x[(i,) + key] = m.NewBoolVar(f"x{i}_{slot.day}_{slot.post}_{slot.shift}")
    # A fixed assignment (the past, a started shift) is given, whatever the person's data says now.
    fixed = {}
    for (sid, d), value in problem.fixed.items():
        if sid in index and 0 <= d < days:
            fixed[(index[sid], d)] = value
            if value is not None and value[1] in shift_of and (index[sid], d) + tuple(value) not in x:
                x[(index[sid], d) + tuple(value)] = m.NewBoolVar(f"x{index[sid]}_{d}_{value[0]}_{value[1]}")

    by_day = defaultdict(list)  # (i, d) → vars
    by_shift = defaultdict(list)  # (i, d, shift) → vars
    by_slot = defaultdict(list)  # slot key → [(i, var)]
    for (i, d, post, sh), v in x.items():
        by_day[(i, d)].append(v)
        by_shift[(i, d, sh)].append(v)
        by_slot[(d, post, sh)].append((i, v))

    # w[i, d]: works that day; at most one shift a day.
    work: dict[tuple[int, int], object] = {}
    for i in range(len(staff)):
        for d in range(days):
            vs = by_day.get((i, d))
            if not vs:
                work[(i, d)] = 0
            elif len(vs) == 1:
                work[(i, d)] = vs[0]
            else:
                w = m.NewBoolVar(f"w{i}_{d}")
                m.Add(sum(vs) == w)
                work[(i, d)] = w

    # Fixed days: that very shift, or none.
    for (i, d, post, sh), v in x.items():
        if (i, d) in fixed:
            value = fixed[(i, d)]
            m.Add(v == int(value is not None and (post, sh) == tuple(value)))
    # Rest across the boundary: the history's last day forbids some shifts on day 0.
    for i, p in enumerate(staff):
        kind = shift_of.get(problem.history.get((p.id, -1)))
        for b in kind.forbidden_next if kind else ():
            for v in by_shift.get((i, 0, b), []):
                m.Add(v == 0)

    built = Built(model=m, x=x, work=work, shortfall_terms=[])
    for key, v in x.items():
        built.person[key[0]].append((key, v))
    terms = built.terms

    # Cover: hard minimum and leader (elastic), soft target.
    for key, slot in slots.items():
        members = by_slot.get(key, [])
        total = sum(v for _, v in members)
        if slot.minimum > 0:
            short = m.NewIntVar(0, slot.minimum, f"short{key}")
            m.Add(total + short >= slot.minimum)
            built.shortfall_terms.append((slot, "minimum", short))
        if slot.leader_required:
            lshort = m.NewBoolVar(f"lshort{key}")
            leaders = [v for i, v in members if staff[i].leader]
            m.AddBoolOr(leaders + [lshort])
            built.shortfall_terms.append((slot, "leader", lshort))
        if slot.weight_under > 0 and slot.target > 0:
            under = m.NewIntVar(0, slot.target, f"under{key}")
            m.Add(total + under >= slot.target)
            terms["cover_under"].append((slot.weight_under, under))
        if slot.weight_over > 0 and len(members) > slot.target:
            over = m.NewIntVar(0, len(members) - slot.target, f"over{key}")
            m.Add(total - over <= slot.target)
            terms["cover_over"].append((slot.weight_over, over))

    start = history_start(problem)
    for i, p in enumerate(staff):
        w = [work[(i, d)] for d in range(days)]
        lits = [v for v in w if not isinstance(v, int)]
        # Forbidden successions, whatever the posts.
        for d in range(days - 1):
            for a in problem.shifts:
                first = by_shift.get((i, d, a.id))
                if not first:
                    continue
                for b in a.forbidden_next:
                    second = by_shift.get((i, d + 1, b))
                    if second:
                        m.Add(sum(first) + sum(second) <= 1)
        # Maximum shifts per type, in total, minutes.
        for sh, limit in p.max_shifts.items():
            vs = [v for d in range(days) for v in by_shift.get((i, d, sh), [])]
            if len(vs) > limit:
                m.Add(sum(vs) <= limit)
        total_shifts = sum(lits)
        if p.max_total_shifts is not None and len(lits) > p.max_total_shifts:
            m.Add(total_shifts <= p.max_total_shifts)
        if p.min_days_off > 0 and len(lits) > days - p.min_days_off:
            m.Add(total_shifts <= days - p.min_days_off)
        minutes = sum(shift_of[sh].minutes * v for (_i, _d, _post, sh), v in built.person[i])
        if p.max_minutes is not None:
            m.Add(minutes <= p.max_minutes)
        if p.min_minutes > 0:
            m.Add(minutes >= p.min_minutes)
        _consecutive(m, p, w, [int((p.id, d) in problem.history) for d in range(start, 0)], start)
        # Weekends.
        if p.max_weekends is not None:
            weekends = defaultdict(list)
            for d in range(days):
                k = _weekend_of(problem, d)
                if k is not None and not isinstance(w[d], int):
                    weekends[k].append(w[d])
            if len(weekends) > p.max_weekends:
                worked = []
                for k, vs in weekends.items():
                    if len(vs) == 1:
                        worked.append(vs[0])
                    else:
                        b = m.NewBoolVar(f"we{i}_{k}")
                        m.AddMaxEquality(b, vs)
                        worked.append(b)
                m.Add(sum(worked) <= p.max_weekends)

    _soft_rules(problem, built, by_slot, index)

    # A missing person must cost more than any roster's soft penalty.
    upper = sum(abs(c) * _upper(v) for ts in terms.values() for c, v in ts) + sum(built.constants.values())
    built.big = max(1000, upper + 1)
    objective = [c * v for ts in terms.values() for c, v in ts]
    objective += [built.big * v for _, _, v in built.shortfall_terms]
    m.Minimize(sum(objective) + sum(built.constants.values()))
    return built


def _consecutive(m: cp_model.CpModel, p, w: list, history: list[int], start: int) -> None:
    """Consecutive-day rules as forbidden sequences over "works that day", on the timeline from
    the history's first day (`start` ≤ 0; `history` its days, 1 = worked) to the period's last;
    outside it, days off (the benchmark's README). Only sequences that hold a day of the period
    count, and a short run lying entirely in the history never forces work (rules.py says the same).
    """
    days = len(w)
    line = history + w  # position n is day n + start; ints are constants

    def at(day):
        return line[day - start] if start <= day < days else 0

    def lits(vs):
        return [v for v in vs if not isinstance(v, int)]

    def has(vs, value):  # a constant among them (`in` would compare the variables)
        return any(isinstance(v, int) and v == value for v in vs)

    if p.max_consecutive is not None:
        k = p.max_consecutive
        for d in range(max(start, -k), days - k):
            window = [at(e) for e in range(d, d + k + 1)]
            if not has(window, 0) and lits(window):
                m.AddBoolOr([v.Not() for v in lits(window)])
    for length in range(1, p.min_consecutive):
        # off, `length` days on, off: forbidden.
        for d in range(max(start, 1 - length), days - length + 1):
            block = [at(e) for e in range(d, d + length)]
            if has(block, 0):
                continue  # a day that cannot be worked: the block cannot be all worked
            edges = [at(d - 1), at(d + length)]
            if has(edges, 1):
                continue
            m.AddBoolOr([v.Not() for v in lits(block)] + lits(edges))
    for length in range(1, p.min_consecutive_off):
        # on, `length` days off, on: forbidden (before the timeline and after the period: off, so never there).
        for d in range(max(start + 1, -length), days - length):
            before, after = at(d - 1), at(d + length)
            block = [at(e) for e in range(d, d + length)]
            if has((before, after), 0) or has(block, 1):
                continue
            clause = [v.Not() for v in lits([before, after])] + lits(block)
            if clause:
                m.AddBoolOr(clause)


def _upper(v) -> int:
    return v.domain.max()


def _soft_rules(problem: Problem, built: Built, by_slot: dict, index: dict[str, int]) -> None:
    m, x, terms, weights = built.model, built.x, built.terms, problem.weights
    staff, days = problem.staff, problem.days
    shift_of = {s.id: s for s in problem.shifts}

    for r in problem.requests:
        i = index.get(r.staff)
        if i is None or r.weight <= 0:
            continue
        vs = [v for (j, d, post, sh), v in built.person[i]
              if d == r.day and sh == r.shift and (r.post is None or post == r.post)]
        if r.want:
            # Paid when not given: weight × (1 − given).
            if vs:
                built.constants["request_on"] += r.weight
                terms["request_on"] += [(-r.weight, v) for v in vs]
            else:
                built.constants["request_on"] += r.weight
        else:
            terms["request_off"] += [(r.weight, v) for v in vs]

    for i, p in enumerate(staff):
        items = built.person[i]
        if p.age is not None:
            elderly = p.age >= weights.elderly_age
            young = weights.young_ages[0] <= p.age <= weights.young_ages[1]
        else:
            elderly = young = False
        for (j, d, post, sh), v in items:
            if shift_of[sh].night:
                if elderly and weights.elderly_on_night:
                    terms["elderly_on_night"].append((weights.elderly_on_night, v))
                if not young and weights.not_young_on_night:
                    terms["not_young_on_night"].append((weights.not_young_on_night, v))
            if p.preferred_post is not None and post != p.preferred_post and weights.other_post:
                terms["other_post"].append((weights.other_post, v))

    # Fairness: (most − fewest) among the staff who may work such a shift at all (counting only
    # those who do work would let one person take everything at no cost).
    for rule, weight, night_only in (("fairness_shifts", weights.fairness_shifts, False),
                                     ("fairness_nights", weights.fairness_nights, True)):
        if not weight:
            continue
        counts = []
        for i in range(len(staff)):
            if night_only:
                vs = [v for (_i, _d, _post, sh), v in built.person[i] if shift_of[sh].night]
            else:  # one "works that day" literal a day: far fewer terms than every assignment
                vs = [w for w in (built.work[(i, d)] for d in range(days)) if not isinstance(w, int)]
            if vs:
                counts.append(vs)
        if len(counts) < 2:
            continue
        top = min(days, max(len(vs) for vs in counts))
        most = m.NewIntVar(0, top, f"most_{rule}")
        fewest = m.NewIntVar(0, top, f"fewest_{rule}")
        for vs in counts:
            count = m.NewIntVar(0, min(days, len(vs)), "")
            m.Add(count == sum(vs))
            m.Add(most >= count)
            m.Add(fewest <= count)
        spread = m.NewIntVar(0, top, f"spread_{rule}")
        m.Add(spread >= most - fewest)
        terms[rule].append((weight, spread))

    if weights.pair_apart:
        slot_members = {key: dict(members) for key, members in by_slot.items()}
        for a, b in problem.pairs:
            ia, ib = index.get(a), index.get(b)
            if ia is None or ib is None:
                continue
            for key, members in slot_members.items():
                va, vb = members.get(ia), members.get(ib)
                if va is None and vb is None:
                    continue
                if va is None or vb is None:
                    terms["pair_apart"].append((weights.pair_apart, va if va is not None else vb))
                    continue
                apart = m.NewBoolVar(f"apart{ia}_{ib}_{key}")
                m.Add(apart >= va - vb)
                m.Add(apart >= vb - va)
                terms["pair_apart"].append((weights.pair_apart, apart))

    if problem.previous and weights.change:
        # Per (person, day) whose published assignment differs: changed, removed or added.
        # Lexicographic: one change costs more than all the other soft rules together can
        # (`Result.penalties["change"]` reports changes × weights.change all the same).
        upper = sum(abs(c) * _upper(v) for ts in terms.values() for c, v in ts) + sum(built.constants.values())
        tier = built.change_weight = upper + 1
        built.change_unit = weights.change
        for i, p in enumerate(staff):
            for d in range(days):
                before = problem.previous.get((p.id, d))
                w = built.work[(i, d)]
                if before is None:
                    if not isinstance(w, int):
                        terms["change"].append((tier, w))
                    continue
                kept = x.get((i, d, before[0], before[1]))
                built.constants["change"] += tier
                if kept is not None:
                    terms["change"].append((-tier, kept))


@dataclass
class _State:
    """The search so far: the best roster as a full solution vector of the model."""

    problem: Problem
    built: Built
    start: float
    deadline: float
    on_progress: object
    first: float | None = None
    stopped: bool = False
    best: list[int] | None = None
    best_total: int | None = None  # the model's objective: soft penalty + BIG × missing people
    bound_total: float = 0.0
    optimal: bool = False
    lock: threading.Lock = field(default_factory=threading.Lock)
    running: set = field(default_factory=set)  # the CP-SAT solvers at work, for an outside stop
    improved: float = 0.0  # time.monotonic() of the last better roster

    def left(self) -> float:
        return self.deadline - time.monotonic()

    def run(self, solver: cp_model.CpSolver, model: cp_model.CpModel, callback=None):
        """Solve, where an outside stop (`halt`) can reach the solver."""
        with self.lock:
            if self.stopped:
                return cp_model.UNKNOWN
            self.running.add(solver)
        try:
            return solver.Solve(model, callback)
        finally:
            with self.lock:
                self.running.discard(solver)

    def halt(self) -> None:
        with self.lock:
            self.stopped = True
            for solver in self.running:
                solver.stop_search()

    def offer(self, values: list[int], total: int, bound: float | None = None) -> None:
        """Keep `values` if better, and tell `on_progress`; it may ask to stop."""
        with self.lock:
            self._offer(values, total, bound)

    def _offer(self, values: list[int], total: int, bound: float | None) -> None:
        now = time.monotonic()
        if bound is not None:
            self.bound_total = max(self.bound_total, bound)
        if self.first is None:
            self.first = now - self.start
        if self.best_total is not None and total >= self.best_total:
            if total == self.best_total:
                self.best = values  # as good, another roster: lets the neighbourhoods drift
            return
        self.best, self.best_total = values, total
        self.improved = now
        if self.on_progress is None:
            return
        built = self.built
        missing = sum(values[v.Index()] for _, _, v in built.shortfall_terms)
        assignments = [Assignment(self.problem.staff[i].id, d, post, sh)
                       for (i, d, post, sh), v in built.x.items() if values[v.Index()]]
        soft = built.soft(values)  # (re-planning: a change at weights.change, not the model's tier)
        bound = min(soft, built.reported_bound(min(total, self.bound_total), missing))
        progress = Progress(objective=soft, bound=bound,
                            seconds=now - self.start, seconds_left=max(0.0, self.deadline - now),
                            assignments=assignments, shortfall=missing)
        if self.on_progress(progress):
            self.stopped = True


class _Watcher(cp_model.CpSolverSolutionCallback):
    def __init__(self, state: _State):
        super().__init__()
        self.state = state

    def on_solution_callback(self):
        values = list(self.response_proto.solution)
        self.state.offer(values, int(self.ObjectiveValue()), self.BestObjectiveBound())
        if self.state.stopped:
            self.StopSearch()


class _FirstSeen(cp_model.CpSolverSolutionCallback):
    """Notes when the first roster appeared, while the first stage goes on removing shortfalls."""

    def __init__(self, state: _State):
        super().__init__()
        self.state = state

    def on_solution_callback(self):
        if self.state.first is None:
            self.state.first = time.monotonic() - self.state.start


# CP-SAT's portfolio (LP-heavy workers for the bound, feasibility jump...) only runs in full
# with several workers: even on 2 cores, 8 workers prove Instance2 optimal in ~4 s, 2 do not
# in 60 s. Our own neighbourhood search runs one thread per core (at most `workers`).
DEFAULT_WORKERS = 8


def solve(problem: Problem, *, seconds: float, on_progress=None, workers: int | None = None,
          hint: list[Assignment] | None = None, stop: threading.Event | None = None) -> Result:
    """Three stages, each starting from the best roster so far:

    1. a first roster from the hard rules alone (fewest missing people), fast;
    2. CP-SAT on the whole model, which also proves the bound (and small problems optimal);
       it gives way early when it stalls far from its bound (`_impatient`);
    3. our own large-neighbourhood search (search.py): free a few people over the whole period, or
       everyone over a few days, fix the rest, and let CP-SAT re-optimize that part. Roster
       structure (people × days) makes these neighbourhoods far more productive than generic
       ones, and each sub-problem presolves to a small one.

    `stop`, when set from another thread, ends the search within a fraction of a second
    (`on_progress` returning True only can at the next better roster).
    """
    start = time.monotonic()
    built = build(problem)
    state = _State(problem, built, start, start + seconds, on_progress)
    workers = workers or DEFAULT_WORKERS
    finished = threading.Event()
    if stop is not None:
        threading.Thread(target=_stop_when_set, args=(stop, finished, state), daemon=True).start()
    try:
        _replan_start(problem, built, state, workers)
        _first_roster(built, _wanted(problem, hint), state, workers)
        if not state.stopped:
            _whole(built, state, workers, share=FULL_SHARE)
        if not state.stopped and not state.optimal:
            if state.best is None:  # nothing to start a neighbourhood from: the whole model again
                _whole(built, state, workers, share=1.0)
            elif built.x:
                _neighbourhoods(built, state, workers)
    finally:
        finished.set()
    return _result(problem, built, state)


REPLAN_SHARE = 0.8  # of the time left, at most, for the re-plan's first, restricted roster (it ends when optimal)


class _Offered(cp_model.CpSolverSolutionCallback):
    """Offers each roster of a restricted model (its bound says nothing of the whole model)."""

    def __init__(self, state: _State):
        super().__init__()
        self.state = state

    def on_solution_callback(self):
        self.state.offer(list(self.response_proto.solution), int(self.ObjectiveValue()))
        if self.state.stopped:
            self.StopSearch()


def _replan_start(problem: Problem, built: Built, state: _State, workers: int) -> None:
    """Re-planning: first the roster nearest the published one, found in a small model.

    Everyone keeps each published (person, day), except the people whose published shifts now
    break one of their own rules (rules.check: a day off, a fixed day, rest across the boundary...);
    they, and whoever had no shift on a day they leave a hole, are free to fill it. With the published
    roster as hint, CP-SAT solves this in a fraction of the time the whole model needs, even on a
    busy machine; the later stages start from it (the whole model may still find fewer changes).
    """
    if not problem.previous or not built.x:
        return
    index = {p.id: i for i, p in enumerate(problem.staff)}
    published = [Assignment(s, d, post, sh) for (s, d), (post, sh) in problem.previous.items()
                 if s in index and 0 <= d < problem.days]
    broken = {index[v.staff] for v in check(problem, published, cover=False) if v.staff in index}
    wanted = {(index[a.staff], a.day, a.post, a.shift) for a in published}
    kept = {(i, d) for (i, d, post, sh) in wanted if i not in broken and (i, d, post, sh) in built.x}
    holes = {d for (i, d, _post, _sh) in wanted if (i, d) not in kept}
    model = built.model.clone()
    variables = model.proto.variables
    for key, v in built.x.items():
        i, d = key[0], key[1]
        if i in broken or (d in holes and (i, d) not in kept):
            continue  # free: the people whose shifts broke, and who had no shift on a day with a hole
        domain = variables[v.Index()].domain
        domain[0] = domain[1] = int(key in wanted)
    for key, v in built.x.items():
        model.add_hint(model.get_bool_var_from_proto_index(v.Index()), key in wanted)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.2, state.left() * REPLAN_SHARE)
    solver.parameters.num_workers = workers
    status = state.run(solver, model, _Offered(state))
    if DEBUG:
        print(f"replan {solver.StatusName(status)} {solver.WallTime():.2f}s kept={len(wanted)} "
              f"broken={len(broken)} obj={state.best_total}", flush=True)
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        state.offer(list(solver.response_proto.solution), int(solver.ObjectiveValue()))


def _stop_when_set(stop: threading.Event, finished: threading.Event, state: _State) -> None:
    while not finished.is_set():
        if stop.wait(0.1):
            state.halt()
            return


FULL_SHARE = 0.15  # of the time left after the first roster, for CP-SAT on the whole model
FIRST_WORKERS = 4  # at most, for the first roster


def _wanted(problem: Problem, hint: list[Assignment] | None) -> set | None:
    if hint is None and problem.previous:
        hint = [Assignment(s, d, post, sh) for (s, d), (post, sh) in problem.previous.items()]
    if not hint:
        return None
    index = {p.id: i for i, p in enumerate(problem.staff)}
    return {(index[a.staff], a.day, a.post, a.shift) for a in hint if a.staff in index}


def _total(built: Built, values: list[int]) -> int:
    total = sum(built.constants.values())
    total += sum(c * values[v.Index()] for ts in built.terms.values() for c, v in ts)
    return total + built.big * sum(values[v.Index()] for _, _, v in built.shortfall_terms)


def _hint(model: cp_model.CpModel, values: list[int]) -> None:
    model.clear_hints()
    model.proto.solution_hint.vars.extend(range(len(values)))
    model.proto.solution_hint.values.extend(values)


def _first_roster(built: Built, wanted: set | None, state: _State, workers: int) -> None:
    """A first roster from the hard rules alone, found fast.

    With the soft objective, CP-SAT can spend long on its first roster under tight contract
    rules (minimum minutes, minimum consecutive days); alone, the hard rules of Instance18
    solve in about a second. Where minimum cover or leaders are asked for, it minimizes the
    people missing, for a sixth of the time at most (the later stages go on removing them
    first: each costs more than any soft penalty).
    """
    model = built.model.clone()
    model.clear_objective()
    if built.shortfall_terms:
        model.minimize(sum(v for _, _, v in built.shortfall_terms))
    if wanted is not None:
        for key, v in built.x.items():
            model.add_hint(model.get_bool_var_from_proto_index(v.Index()), key in wanted)
    solver = cp_model.CpSolver()
    share = 1 / 6 if built.shortfall_terms else 1 / 3
    solver.parameters.max_time_in_seconds = max(0.05, (state.deadline - state.start) * share)
    # Feasibility jump finds Instance18's first roster in 0.2 s once presolved; presolve's later
    # rounds (0.6 s) and a portfolio of 8 sharing 2 cores cost it most of its time (measured,
    # 3 runs each: 1.1–1.4 s with 8 workers and full presolve, 0.35–0.55 s with 2–4 and one round).
    solver.parameters.num_workers = min(workers, FIRST_WORKERS)
    solver.parameters.max_presolve_iterations = 1
    status = state.run(solver, model, _FirstSeen(state))
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        values = list(solver.response_proto.solution)
        state.offer(values, _total(built, values))


def _whole(built: Built, state: _State, workers: int, share: float) -> None:
    model = built.model.clone()
    if state.best is not None:
        _hint(model, state.best)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.1, state.left() * share)
    solver.parameters.num_workers = workers
    done = threading.Event()
    if share < 1.0:
        threading.Thread(target=_impatient, args=(solver, state, done), daemon=True).start()
    try:
        status = state.run(solver, model, _Watcher(state))
    finally:
        done.set()
    if DEBUG:
        print(f"whole {solver.StatusName(status)} {solver.WallTime():.2f}s obj={solver.ObjectiveValue()} "
              f"before={state.best_total}", flush=True)
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        state.offer(list(solver.response_proto.solution), int(solver.ObjectiveValue()),
                    solver.BestObjectiveBound())
        state.optimal = status == cp_model.OPTIMAL and not state.stopped
    elif status == cp_model.INFEASIBLE:
        state.optimal = True  # nothing to search: even the elastic model has no roster


PATIENCE = 0.04  # of the time, at least 2 s: the whole model stops when it finds no better roster for so long


def _impatient(solver: cp_model.CpSolver, state: _State, done: threading.Event) -> None:
    """Stops CP-SAT on the whole model when it stalls far from its bound: the neighbourhoods do better.

    On large instances (Instance18) the whole model, sharing two cores among its portfolio,
    finds no better roster in 8 s where the neighbourhoods improve it every second; on small
    ones it proves the optimum soon, which it may go on doing while its bound is close.
    """
    patience = max(2.0, PATIENCE * (state.deadline - state.start))
    begun = time.monotonic()
    while not done.wait(0.1):
        with state.lock:
            since = time.monotonic() - max(begun, state.improved)
            close = state.best_total is not None and state.bound_total >= 0.99 * state.best_total
        if since > patience and not close:
            solver.stop_search()
            return


def _neighbourhoods(built: Built, state: _State, workers: int) -> None:
    """Our LNS (search.py), in one thread per core; improvements come back through `state.offer`.

    An improvement found from an older best is still a whole roster, so taking it is safe.
    """
    neighbourhood_search(built, state, workers)


DEBUG = bool(os.environ.get("FANGXIAN_ROSTER_DEBUG"))


def _polished(built: Built, values: list[int]) -> list[int]:
    """The same roster with every auxiliary variable at its least cost.

    An intermediate CP-SAT solution may carry slack it has not yet squeezed (a cover shortage
    counted larger than it is): fixing the assignments and re-solving makes the penalties
    exactly what the roster costs, as an independent checker would count them.
    """
    model = built.model.clone()
    variables = model.proto.variables
    for v in built.x.values():
        domain = variables[v.Index()].domain
        domain[0] = domain[1] = values[v.Index()]
    _hint(model, values)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_time_in_seconds = 10.0
    if solver.Solve(model) == cp_model.OPTIMAL:
        return list(solver.response_proto.solution)
    return values


def _result(problem: Problem, built: Built, state: _State) -> Result:
    if state.best is None:
        return Result(status="infeasible" if state.optimal else "unknown", objective=0, bound=0.0,
                      assignments=[], shortfalls=[], penalties={}, first_feasible_seconds=state.first,
                      seconds=time.monotonic() - state.start, stopped=state.stopped)
    values = _polished(built, state.best)

    def value(v):
        return values[v.Index()]

    assignments = [Assignment(problem.staff[i].id, d, post, sh)
                   for (i, d, post, sh), v in built.x.items() if value(v)]
    assignments.sort(key=lambda a: (a.day, a.post, a.shift, a.staff))
    penalties = {}
    for rule in RULES:
        if rule in built.terms or rule in built.constants:
            penalties[rule] = int(built.constants.get(rule, 0)
                                  + sum(c * value(v) for c, v in built.terms.get(rule, [])))
    changes = built.changes(values)
    if "change" in penalties:
        penalties["change"] = changes * built.change_unit
    # Each short slot explained against this roster: "out_of_time" where someone could still be added.
    roster = Roster(problem, assignments)
    shortfalls = [shortfall_for(problem, slot, kind, int(value(v)), roster)
                  for slot, kind, v in built.shortfall_terms if value(v)]
    missing = sum(int(value(v)) for _, _, v in built.shortfall_terms)
    objective = sum(penalties.values())
    bound = objective if state.optimal else min(objective, built.reported_bound(state.bound_total, missing))
    return Result(status="optimal" if state.optimal else "feasible", objective=objective, bound=float(bound),
                  assignments=assignments, shortfalls=shortfalls, penalties=penalties,
                  first_feasible_seconds=state.first, seconds=time.monotonic() - state.start,
                  stopped=state.stopped, changes=changes)
