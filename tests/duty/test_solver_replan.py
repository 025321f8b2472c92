"""Re-planning after someone drops out changes no more than needed."""

import contextlib
import multiprocessing
from collections import Counter
from dataclasses import replace

import pytest

from fangxian.duty.solver import Staff, Weights, solve
from fangxian.duty.solver.rules import check
from fangxian.duty.solver.synthetic import community_problem
from tests.duty.conftest import quick_solve, tiny_problem


def test_it_replaces_only_the_shifts_of_who_dropped_out():
    staff = [Staff(id=p, max_total_shifts=3) for p in "ABCDE"]
    first = quick_solve(tiny_problem(days=5, staff=staff, minimum=2, target=2, weight_under=10, weight_over=10))
    published = {(a.staff, a.day): (a.post, a.shift) for a in first.assignments}
    gone = max("ABCDE", key=lambda p: sum(1 for (s, _d) in published if s == p))
    lost = {(s, d) for (s, d) in published if s == gone}
    assert lost

    staff_after = [replace(p, unavailable_days=frozenset(range(5))) if p.id == gone else p for p in staff]
    again = quick_solve(tiny_problem(days=5, staff=staff_after, minimum=2, target=2, weight_under=10,
                                     weight_over=10, previous=published, weights=Weights(change=20)))
    now = {(a.staff, a.day): (a.post, a.shift) for a in again.assignments}
    assert again.shortfalls == []
    # Everyone else keeps every published shift; one new shift per lost one, nothing more.
    assert all(now.get(key) == value for key, value in published.items() if key not in lost)
    added = set(now) - set(published)
    assert len(added) == len(lost) and {d for (_s, d) in added} == {d for (_s, d) in lost}
    assert again.penalties["change"] == 20 * 2 * len(lost)  # removed + given to someone else


def test_it_keeps_a_published_roster_that_still_holds():
    staff = [Staff(id=p) for p in "ABC"]
    problem = tiny_problem(days=3, staff=staff, target=1)
    published = {("C", d): ("", "D") for d in range(3)}
    result = quick_solve(replace(problem, previous=published, weights=Weights(change=5)))
    assert {(a.staff, a.day) for a in result.assignments} == set(published)
    assert result.penalties["change"] == 0


@pytest.fixture(scope="module")
def community():
    """A small synthetic community week solved for 10 s: the published roster."""
    problem = community_problem(volunteers=120, posts=3, days=7, seed=2)
    result = solve(problem, seconds=10, workers=2)
    assert result.assignments
    return problem, result


def _burn(stop):
    while not stop.is_set():
        pass


@contextlib.contextmanager
def _busy_machine(busy: bool):
    """Both cores burnt by other processes while the re-plan runs."""
    if not busy:
        yield
        return
    context = multiprocessing.get_context("fork")
    stop = context.Event()
    burners = [context.Process(target=_burn, args=(stop,), daemon=True) for _ in range(2)]
    for burner in burners:
        burner.start()
    try:
        yield
    finally:
        stop.set()
        for burner in burners:
            burner.join(5)


@pytest.mark.parametrize("busy", [False, True], ids=["idle", "busy"])
def test_a_replan_after_one_dropout_changes_little_within_seconds(community, busy):
    problem, first = community
    published = {(a.staff, a.day): (a.post, a.shift) for a in first.assignments}
    dropout_day = problem.days // 2
    later = Counter(s for (s, d) in published if d >= dropout_day)
    leaders = {p.id for p in problem.staff if p.leader}
    # A leader with two shifts left if there is one (their slots may need a leader again).
    gone = max((s for s, n in later.items() if n >= 2), key=lambda s: (later[s] == 2, s in leaders, s))
    lost = later[gone]
    staff = [replace(p, unavailable_days=p.unavailable_days | frozenset(range(dropout_day, problem.days)))
             if p.id == gone else p for p in problem.staff]
    fixed = {(p.id, d): published.get((p.id, d)) for p in problem.staff for d in range(dropout_day)}
    replan = replace(problem, staff=staff, previous=published, fixed=fixed)
    with _busy_machine(busy):
        again = solve(replan, seconds=3, workers=2)
    now = {(a.staff, a.day): (a.post, a.shift) for a in again.assignments}
    changed = {key for key in set(published) | set(now) if published.get(key) != now.get(key)}
    assert again.changes == len(changed)
    assert again.penalties["change"] == len(changed) * replan.weights.change
    assert len(changed) <= lost + 2, (gone, lost, sorted(changed))
    assert not any(d < dropout_day for (_s, d) in changed)
    assert sum(s.missing for s in again.shortfalls) <= sum(s.missing for s in first.shortfalls)
    assert check(replan, again.assignments, cover=False) == []
