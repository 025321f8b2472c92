"""The CP-SAT model of a `Problem`, and `solve`.

One boolean x[p, d, post, shift] per allowed assignment (see explain.may_work: availability,
days off, posts, age, shift types a person may never work). Everything else is built on
w[p, d] = "p works on day d" (the sum of p's x that day, at most 1):

- consecutive-day rules as forbidden sequences over w (clauses; a per-person automaton added
  on top made first rosters slower and was dropped). The days just outside the period count
  as days off, as the benchmark's README says: a run of shifts touching either end must still
  reach the minimum length. (The literature's best known values seem to exempt such runs:
  with them exempt, Instance2 reaches its best known 828; as written, its proven optimum is 833.)
- minimum cover and the leader on duty as elastic constraints whose slack costs `BIG`
  per missing person, so an impossible problem still yields the roster that breaks least;
  that part is reported as `Shortfall`s, never in `Result.objective`;
- the soft rules as a weighted sum, its terms kept per rule for `Result.penalties`; re-planning
  pays `weights.change` per (person, day) whose published assignment is changed, removed, or
  newly given on a published day off.

`solve` runs a first roster, CP-SAT on the whole model, then a large-neighbourhood search of
our own (see its docstring).
"""

from __future__ import annotations

import os
import random
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from .explain import may_work, shortfall_for
from .problem import Assignment, Problem, Progress, Result, Slot

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
        # Consecutive days, as forbidden sequences over w (outside the horizon: days off).
        if p.max_consecutive is not None and p.max_consecutive < days:
            k = p.max_consecutive
            for d in range(days - k):
                window = [v for v in w[d:d + k + 1] if not isinstance(v, int)]
                if len(window) == k + 1:
                    m.AddBoolOr([v.Not() for v in window])
        for length in range(1, p.min_consecutive):
            # off, `length` days on, off: forbidden.
            for d in range(0, days - length + 1):
                block = w[d:d + length]
                if any(isinstance(v, int) for v in block):
                    continue  # a day that cannot be worked: the block cannot be all worked
                clause = [v.Not() for v in block]
                for edge in (d - 1, d + length):
                    if 0 <= edge < days and not isinstance(w[edge], int):
                        clause.append(w[edge])
                m.AddBoolOr(clause)
        for length in range(1, p.min_consecutive_off):
            # on, `length` days off, on: forbidden (before/after the horizon is off, so never there).
            for d in range(1, days - length):
                before, after = w[d - 1], w[d + length]
                if isinstance(before, int) or isinstance(after, int):
                    continue
                clause = [before.Not(), after.Not()] + [v for v in w[d:d + length] if not isinstance(v, int)]
                m.AddBoolOr(clause)
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
        for a, b in problem.pairs:
            ia, ib = index.get(a), index.get(b)
            if ia is None or ib is None:
                continue
            for key, members in by_slot.items():
                va = next((v for i, v in members if i == ia), None)
                vb = next((v for i, v in members if i == ib), None)
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
        for i, p in enumerate(staff):
            for d in range(days):
                before = problem.previous.get((p.id, d))
                w = built.work[(i, d)]
                if before is None:
                    if not isinstance(w, int):
                        terms["change"].append((weights.change, w))
                    continue
                kept = x.get((i, d, before[0], before[1]))
                built.constants["change"] += weights.change
                if kept is not None:
                    terms["change"].append((-weights.change, kept))


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
        if self.on_progress is None:
            return
        built = self.built
        missing = sum(values[v.Index()] for _, _, v in built.shortfall_terms)
        assignments = [Assignment(self.problem.staff[i].id, d, post, sh)
                       for (i, d, post, sh), v in built.x.items() if values[v.Index()]]
        progress = Progress(objective=total - built.big * missing,
                            bound=max(0.0, min(total, self.bound_total) - built.big * missing),
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
    3. our own large-neighbourhood search: free a few people over the whole period, or
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


def _stop_when_set(stop: threading.Event, finished: threading.Event, state: _State) -> None:
    while not finished.is_set():
        if stop.wait(0.1):
            state.halt()
            return


FULL_SHARE = 0.15  # of the time left after the first roster, for CP-SAT on the whole model


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
    solver.parameters.num_workers = workers
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
    status = state.run(solver, model, _Watcher(state))
    if DEBUG:
        print(f"whole {solver.StatusName(status)} {solver.WallTime():.2f}s obj={solver.ObjectiveValue()} "
              f"before={state.best_total}", flush=True)
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        state.offer(list(solver.response_proto.solution), int(solver.ObjectiveValue()),
                    solver.BestObjectiveBound())
        state.optimal = status == cp_model.OPTIMAL and not state.stopped
    elif status == cp_model.INFEASIBLE:
        state.optimal = True  # nothing to search: even the elastic model has no roster


def _neighbourhoods(built: Built, state: _State, workers: int) -> None:
    """Our LNS, in one thread per core (CP-SAT releases the GIL while it solves).

    Each thread frees a neighbourhood of the best roster so far, fixes the rest and offers the
    re-optimized roster; an improvement found from an older best is still a whole roster, so
    taking it is safe.
    """
    threads = max(1, min(workers, os.cpu_count() or 1, 4))
    # Share of people / days freed per kind, adapted: up when a sub-problem is solved to
    # optimality (there is room for a bigger one), down when it runs out of time.
    people = len(state.problem.staff)
    share = {"people": min(0.5, 3 / max(1, people)), "days": 0.25, "both": 0.35}
    keys = list(built.x)
    index = [built.x[k].Index() for k in keys]
    if threads == 1:
        _neighbourhood_loop(built, state, share, keys, index, random.Random(0))
        return
    pool = [threading.Thread(target=_neighbourhood_loop, args=(built, state, share, keys, index, random.Random(n)))
            for n in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()


def _neighbourhood_loop(built: Built, state: _State, share: dict, keys: list, index: list,
                        rng: random.Random) -> None:
    people, days = len(state.problem.staff), state.problem.days
    while not state.stopped and state.left() > 0.2:
        kind = rng.choice(("people", "people", "days", "both"))
        part = share[kind]
        staff, window = None, (0, days)
        if kind in ("people", "both"):
            staff = set(rng.sample(range(people), max(1, min(people, round(part * people)))))
        if kind in ("days", "both"):
            length = max(2, min(days, round(part * days)))
            first = rng.randrange(0, days - length + 1)
            window = (first, first + length)
        model = built.model.clone()
        variables = model.proto.variables
        best = state.best
        for (i, d, _post, _sh), at in zip(keys, index):
            if (staff is not None and i not in staff) or not window[0] <= d < window[1]:
                domain = variables[at].domain
                domain[0] = domain[1] = best[at]
        _hint(model, best)
        solver = cp_model.CpSolver()
        solver.parameters.max_time_in_seconds = max(0.1, min(state.left(), SUB_SECONDS))
        solver.parameters.num_workers = 1
        # Cuts from the full linearization close the sub-problems' bounds (measured: most
        # neighbourhoods of Instance7 prove optimal in a second with it, none without).
        solver.parameters.linearization_level = 2
        status = state.run(solver, model)
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            state.offer(list(solver.response_proto.solution), int(solver.ObjectiveValue()))
        if DEBUG:
            print(f"lns {kind} share={part:.2f} {solver.StatusName(status)} "
                  f"{solver.WallTime():.2f}s obj={state.best_total}", flush=True)
        grown = part * 1.15 if status == cp_model.OPTIMAL else part * 0.85
        share[kind] = min(0.9, max(1 / max(people, days, 1), grown))


DEBUG = bool(os.environ.get("FANGXIAN_ROSTER_DEBUG"))
SUB_SECONDS = 1.5  # per neighbourhood


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
    shortfalls = [shortfall_for(problem, slot, kind, int(value(v)))
                  for slot, kind, v in built.shortfall_terms if value(v)]
    missing = sum(int(value(v)) for _, _, v in built.shortfall_terms)
    objective = sum(penalties.values())
    bound = objective if state.optimal else max(0.0, min(objective, state.bound_total - built.big * missing))
    return Result(status="optimal" if state.optimal else "feasible", objective=objective, bound=float(bound),
                  assignments=assignments, shortfalls=shortfalls, penalties=penalties,
                  first_feasible_seconds=state.first, seconds=time.monotonic() - state.start,
                  stopped=state.stopped)
