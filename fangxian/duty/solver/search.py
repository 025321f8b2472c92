"""The roster solver's large-neighbourhood search (LNS), run by `cpsat.solve` after the whole model.

Each step frees part of the best roster so far, fixes the rest and lets CP-SAT re-optimize
the part; the result is kept when it is no worse. What is freed follows the roster's
structure (people × days) and where the best roster pays:

- ``people``: a few people over the whole period (they can trade shifts among themselves
  while each keeps their own contract totals), among the people who share shift types with
  the first, each drawn half the time by what they pay (unmet requests), else at random;
- ``days``: everyone over a window of days, half the time around a day that pays (cover
  short or over, requests), else anywhere;
- ``block``: more people over a shorter window, likewise.

Drawn only where the roster pays, the same few people and days are freed again and again:
on Instance10 that stalled at 5264 (13.7 %) where half-random draws reached 4763 (2.9 %)
(one 60 s run each on a busy machine: indicative only).

Each kind's size adapts (up when CP-SAT proves its sub-problem optimal, so there is room for
a bigger one; down when it runs out of time), and the kinds are drawn by how much they have
improved the roster per second lately. One thread per core, each sub-problem solved by one
CP-SAT worker (CP-SAT releases the GIL while it solves).

Duck-typed on `cpsat.Built` and `cpsat._State` (this module must not import cpsat: cpsat
imports it).
"""

from __future__ import annotations

import os
import random
import threading
from collections import defaultdict

from ortools.sat.python import cp_model

DEBUG = bool(os.environ.get("FANGXIAN_ROSTER_DEBUG"))
# Per neighbourhood: CP-SAT's deterministic time (a count of work, the same on a busy machine and
# an idle one), and a wall-clock cap. Sizes adapt to what that much work proves optimal, so a
# busy machine makes fewer steps, not smaller ones. Measured on Instance7, one thread from the
# same first roster, 15 units of work in all (2 seeds each): 0.1 → 1366, 1187; 0.2 → 1181, 1081;
# 0.3 → 1086, 1080 (and 1089, 1073 with 2 more seeds); 1.0 → 1201, 1178.
SUB_WORK = 0.3
SUB_SECONDS = 5.0
KINDS = ("people", "days", "block")


class _Roster:
    """What the search needs to read a solution vector: who works when, and where it pays."""

    def __init__(self, problem, built):
        self.people, self.days = len(problem.staff), problem.days
        self.keys = list(built.x)
        self.index = [built.x[k].Index() for k in self.keys]
        index = {p.id: i for i, p in enumerate(problem.staff)}
        at = {k: n for n, k in zip(self.index, self.keys)}
        cell = defaultdict(list)  # (i, d) → [(post, shift, variable)]
        shifts_of = defaultdict(set)
        for (i, d, post, sh), n in zip(self.keys, self.index):
            cell[(i, d)].append((post, sh, n))
            shifts_of[i].add(sh)
        # People who may take one another's shifts: a share of shift types.
        self.related = [[j for j in range(self.people) if j != i and shifts_of[i] & shifts_of[j]]
                        for i in range(self.people)]
        self.requests = []  # (i, d, [vars of the asked shift], weight, want)
        for r in problem.requests:
            i = index.get(r.staff)
            if i is None or r.weight <= 0:
                continue
            vs = [n for post, sh, n in cell.get((i, r.day), ()) if sh == r.shift and (r.post is None or post == r.post)]
            self.requests.append((i, r.day, vs, r.weight, r.want))
        by_slot = defaultdict(list)
        for (i, d, post, sh), n in at.items():
            by_slot[(d, post, sh)].append(n)
        self.cover = [(s.day, by_slot.get((s.day, s.post, s.shift), []), s.target, s.weight_under, s.weight_over,
                       s.minimum) for s in problem.slots if s.target > 0 or s.minimum > 0]

    def costs(self, values: list[int]) -> tuple[list[float], list[float]]:
        """What each person and each day pays in this roster (requests; cover, to its day)."""
        staff = [0.0] * self.people
        days = [0.0] * self.days
        for i, d, vs, weight, want in self.requests:
            given = any(values[n] for n in vs)
            if given != want:
                staff[i] += weight
                days[d] += weight
        for d, vs, target, under, over, minimum in self.cover:
            if not 0 <= d < self.days:
                continue
            count = sum(values[n] for n in vs)
            days[d] += under * max(0, target - count) + over * max(0, count - target)
            days[d] += 1000 * max(0, minimum - count)
        return staff, days


def _weighted(rng: random.Random, weights: list[float]) -> int:
    return rng.choices(range(len(weights)), weights=weights)[0]


class _Kind:
    def __init__(self, share: float):
        self.share = share
        self.score = 1.0  # recent improvement per second, smoothed; everyone starts hopeful
        self.tries = 0


def search(built, state, workers: int) -> None:
    """Run the LNS until the deadline or a stop; improvements go through `state.offer`."""
    roster = _Roster(state.problem, built)
    people, days = roster.people, roster.days
    kinds = {"people": _Kind(min(0.5, 3 / max(1, people))),
             "days": _Kind(min(1.0, 7 / max(1, days))),
             "block": _Kind(0.35)}
    if people < 2:
        del kinds["people"], kinds["block"]
    threads = max(1, min(workers, os.cpu_count() or 1, 4))
    lock = threading.Lock()
    if threads == 1:
        _loop(built, state, roster, kinds, lock, random.Random(0))
        return
    pool = [threading.Thread(target=_loop, args=(built, state, roster, kinds, lock, random.Random(n)))
            for n in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()


def _choose(rng: random.Random, kinds: dict, lock: threading.Lock) -> str:
    """A kind drawn by its recent improvement rate, with a third of the draws even among kinds."""
    with lock:
        names = list(kinds)
        scores = [kinds[k].score for k in names]
    total = sum(scores)
    weights = [1 / len(names) * (0.35 if total > 0 else 1) + (0.65 * s / total if total > 0 else 0) for s in scores]
    return names[_weighted(rng, weights)]


def _neighbourhood(rng: random.Random, roster: _Roster, kind: str, share: float,
                   values: list[int]) -> tuple[set | None, tuple[int, int]]:
    """(people freed or None for everyone, window of days freed)."""
    people, days = roster.people, roster.days
    staff_cost, day_cost = roster.costs(values)
    if kind == "days":
        length = max(2, min(days, round(share * days)))
        if rng.random() < 0.5 and sum(day_cost) > 0:
            centre = _weighted(rng, day_cost)
            first = min(max(0, centre - rng.randrange(length)), days - length)
        else:
            first = rng.randrange(0, days - length + 1)
        return None, (first, first + length)
    count = max(2, min(people, round(share * people)))
    if kind == "people":
        window = (0, days)
        seed = _weighted(rng, [1 + c for c in staff_cost]) if rng.random() < 0.7 else rng.randrange(people)
    else:  # block: more people, fewer days, around a day that pays
        length = max(3, min(days, round(0.6 * share * days) + 3))
        centre = _weighted(rng, [1 + c for c in day_cost]) if rng.random() < 0.5 else rng.randrange(days)
        first = min(max(0, centre - rng.randrange(length)), days - length)
        window = (first, first + length)
        seed = rng.randrange(people)
    chosen = {seed}
    related = roster.related[seed] or [j for j in range(people) if j != seed]
    count = min(count, len(related) + 1)
    while len(chosen) < count:
        # Half the others drawn by what they pay, half at random among the related: drawing
        # only those who pay would free the same few people again and again.
        if rng.random() < 0.5:
            j = related[_weighted(rng, [1 + staff_cost[j] for j in related])]
        else:
            j = rng.choice(related)
        chosen.add(j)
    return chosen, window


def _loop(built, state, roster: _Roster, kinds: dict, lock: threading.Lock, rng: random.Random) -> None:
    keys, index = roster.keys, roster.index
    while not state.stopped and state.left() > 0.2:
        kind = _choose(rng, kinds, lock)
        with lock:
            share = kinds[kind].share
        best, before = state.best, state.best_total
        staff, window = _neighbourhood(rng, roster, kind, share, best)
        model = built.model.clone()
        variables = model.proto.variables
        for (i, d, _post, _sh), at in zip(keys, index):
            if (staff is not None and i not in staff) or not window[0] <= d < window[1]:
                domain = variables[at].domain
                domain[0] = domain[1] = best[at]
        _hint(model, best)
        solver = cp_model.CpSolver()
        solver.parameters.max_time_in_seconds = max(0.1, min(state.left(), SUB_SECONDS))
        solver.parameters.max_deterministic_time = SUB_WORK
        solver.parameters.num_workers = 1
        solver.parameters.random_seed = rng.randrange(1 << 30)
        # Cuts from the full linearization close the sub-problems' bounds (measured: most
        # neighbourhoods of Instance7 prove optimal in a second with it, none without).
        solver.parameters.linearization_level = 2
        status = state.run(solver, model)
        gain = 0
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            found = int(solver.ObjectiveValue())
            gain = max(0, before - found)
            state.offer(list(solver.response_proto.solution), found)
        seconds = max(0.05, solver.WallTime())
        with lock:
            k = kinds[kind]
            k.tries += 1
            k.score = 0.8 * k.score + 0.2 * (gain / max(1, before) * 1000 / seconds)
            grown = share * 1.1 if status == cp_model.OPTIMAL else share * 0.9
            k.share = min(0.9, max(1 / max(_extent(roster, kind), 1), grown))
        if DEBUG:
            print(f"lns {kind} share={share:.2f} {solver.StatusName(status)} {solver.WallTime():.2f}s "
                  f"gain={gain} obj={state.best_total}", flush=True)


def _extent(roster: _Roster, kind: str) -> int:
    return roster.days if kind == "days" else roster.people


def _hint(model: cp_model.CpModel, values: list[int]) -> None:
    model.clear_hints()
    model.proto.solution_hint.vars.extend(range(len(values)))
    model.proto.solution_hint.values.extend(values)
