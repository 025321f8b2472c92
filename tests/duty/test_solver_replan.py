"""Re-planning after someone drops out changes no more than needed."""

from dataclasses import replace

from fangxian.duty.solver import Staff, Weights
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
