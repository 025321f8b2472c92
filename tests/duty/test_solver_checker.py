"""The one rule checker (solver/rules.py): the solver's own rosters pass it, and each single
violation made by hand is caught and named."""

from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from fangxian.duty.solver import Assignment, Problem, ShiftType, Slot, Staff, solve
from fangxian.duty.solver.curtois import read
from fangxian.duty.solver.rules import RULE_CODES, candidates, check, new_violations

EARLY = ShiftType(id="E", minutes=480)
LATE = ShiftType(id="L", minutes=480, forbidden_next=frozenset({"E"}))  # no early after a late


@st.composite
def problems(draw) -> Problem:
    days = draw(st.integers(3, 7))
    posts = ["1", "2"][:draw(st.integers(1, 2))]
    staff = []
    for n in range(draw(st.integers(2, 5))):
        available = None
        if draw(st.booleans()):
            available = frozenset((d, s) for d in range(days) for s in "EL" if draw(st.integers(0, 3)))
        age = draw(st.sampled_from([None, 16, 30, 70]))
        staff.append(Staff(
            id=f"p{n}", leader=draw(st.booleans()), age=age,
            unavailable_days=frozenset(draw(st.sets(st.integers(0, days - 1), max_size=2))),
            available=available,
            posts=draw(st.sampled_from([None, frozenset(posts[:1])])),
            max_shifts=draw(st.sampled_from([{}, {"L": 1}, {"E": 0}])),
            max_total_shifts=draw(st.sampled_from([None, 2, days - 1])),
            max_minutes=draw(st.sampled_from([None, 480 * 3])),
            # A minimum only for who can surely work a shift (else no roster exists: nothing to check).
            min_minutes=480 if age != 16 and available is None and draw(st.integers(0, 3)) == 0 else 0,
            max_consecutive=draw(st.sampled_from([None, 2, 3])),
            min_consecutive=draw(st.sampled_from([1, 1, 2])),
            min_consecutive_off=draw(st.sampled_from([1, 1, 2])),
            max_weekends=draw(st.sampled_from([None, 0, 1])),
            min_days_off=draw(st.sampled_from([0, 1, 2]))))
    slots = [Slot(day=d, post=post, shift=sh, minimum=draw(st.integers(0, 2)), target=2, weight_under=3,
                  leader_required=draw(st.integers(0, 4)) == 0)
             for d in range(days) for post in posts for sh in "EL"]
    history = {}
    for p in staff:
        for d in (-2, -1):
            if draw(st.integers(0, 2)) == 0:
                history[(p.id, d)] = draw(st.sampled_from("EL"))
    return Problem(days=days, shifts=[EARLY, LATE], staff=staff, slots=slots, history=history,
                   first_weekday=draw(st.integers(0, 6)))


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems())
def test_every_roster_the_solver_returns_passes_the_checker(problem):
    result = solve(problem, seconds=1, workers=2)
    event(result.status)
    if result.status not in ("optimal", "feasible"):
        return  # contract rules no roster can meet (min_minutes against days off...): nothing to check
    short = {((s.slot.day, s.slot.post, s.slot.shift), s.kind) for s in result.shortfalls}
    broken = [v for v in check(problem, result.assignments) if (v.slot, v.rule) not in short]
    assert broken == []
    # A shortfall the solver reports is one the checker sees.
    slot_rules = {(v.slot, v.rule) for v in check(problem, result.assignments) if v.rule in ("minimum", "leader")}
    assert slot_rules == short


def test_a_benchmark_roster_passes_the_checker():
    problem = read(Path(__file__).resolve().parents[2] / "bench" / "curtois" / "Instance1.txt")
    result = solve(problem, seconds=3, workers=2)
    assert result.assignments
    assert check(problem, result.assignments, cover=False) == []


# One person, one post, a week from Monday: each case is a roster breaking exactly one rule.
DAY = ShiftType(id="E", minutes=480)


def _case(person=None, assignments=(), slots=None, **problem):
    staff = [person or Staff(id="A"), Staff(id="L", leader=True)]
    slots = slots or [Slot(day=d, post="", shift=sh) for d in range(7) for sh in "EL"]
    return Problem(days=7, shifts=[EARLY, LATE], staff=staff, slots=slots, **problem), [
        Assignment("A", d, post, sh) for d, post, sh in assignments]


CASES = {
    "unknown_slot": _case(assignments=[(0, "far", "E")]),
    "not_allowed_age": _case(Staff(id="A", age=16), [(0, "", "E")]),
    "unavailable": _case(Staff(id="A", unavailable_days=frozenset({2})), [(2, "", "E")]),
    "not_available_time": _case(Staff(id="A", available=frozenset({(0, "L")})), [(0, "", "E")]),
    "post_not_allowed": _case(Staff(id="A", posts=frozenset({"1"})), [(0, "", "E")]),
    "shift_type_limit": _case(Staff(id="A", max_shifts={"L": 1}), [(0, "", "L"), (2, "", "L")]),
    "one_shift_a_day": _case(assignments=[(0, "", "E"), (0, "", "L")]),
    "rest": _case(assignments=[(0, "", "L"), (1, "", "E")]),
    "max_total_shifts": _case(Staff(id="A", max_total_shifts=1), [(0, "", "E"), (2, "", "E")]),
    "max_minutes": _case(Staff(id="A", max_minutes=600), [(0, "", "E"), (2, "", "E")]),
    "min_minutes": _case(Staff(id="A", min_minutes=960), [(0, "", "E")]),
    "max_consecutive": _case(Staff(id="A", max_consecutive=2), [(0, "", "E"), (1, "", "E"), (2, "", "E")]),
    "min_consecutive": _case(Staff(id="A", min_consecutive=2), [(3, "", "E")]),
    "min_consecutive_off": _case(Staff(id="A", min_consecutive_off=2), [(0, "", "E"), (2, "", "E")]),
    "max_weekends": _case(Staff(id="A", max_weekends=0), [(5, "", "E")]),
    "min_days_off": _case(Staff(id="A", min_days_off=2), [(d, "", "E") for d in range(6)]),
    "fixed": _case(assignments=[(1, "", "E")], fixed={("A", 1): ("", "L")}),
    "minimum": _case(slots=[Slot(day=0, post="", shift="E", minimum=2)], assignments=[(0, "", "E")]),
    "leader": _case(slots=[Slot(day=0, post="", shift="E", leader_required=True)], assignments=[(0, "", "E")]),
}


def test_every_rule_has_a_case():
    assert set(CASES) == set(RULE_CODES)


@pytest.mark.parametrize("rule", RULE_CODES)
def test_a_single_violation_is_caught_and_named(rule):
    problem, assignments = CASES[rule]
    found = check(problem, assignments)
    assert [v.rule for v in found] == [rule], found
    assert found[0].staff == (None if rule in ("minimum", "leader") else "A")


def test_the_boundary_with_the_previous_roster_holds():
    person = Staff(id="A", max_consecutive=3)
    problem, assignments = _case(person, [(0, "", "E"), (1, "", "E")], history={("A", -1): "L", ("A", -2): "E"})
    assert sorted(v.rule for v in check(problem, assignments)) == ["max_consecutive", "rest"]
    # The model keeps both too: never an early on day 0 after the history's late, and a run
    # that goes on from the history stops at 3 days in all.
    problem = replace(problem, slots=[replace(s, minimum=1) for s in problem.slots])
    result = solve(problem, seconds=2, workers=2)
    mine = sorted((a.day, a.shift) for a in result.assignments if a.staff == "A")
    assert (0, "E") not in mine and check(problem, result.assignments, cover=False) == []
    assert [d for d, _ in mine][:2] != [0, 1]


def test_the_model_keeps_fixed_days_even_against_the_data():
    # The past: A worked day 0 though now unavailable; B is fixed off on day 1.
    problem, _ = _case(Staff(id="A", unavailable_days=frozenset({0})),
                       fixed={("A", 0): ("", "E"), ("L", 1): None},
                       slots=[Slot(day=d, post="", shift="E", minimum=1, leader_required=True) for d in range(2)])
    problem = replace(problem, days=2)
    result = solve(problem, seconds=2, workers=2)
    got = {(a.staff, a.day) for a in result.assignments}
    assert ("A", 0) in got and ("L", 1) not in got
    assert check(problem, result.assignments, cover=False) == []


def test_new_violations_say_what_an_edit_breaks():
    problem, before = _case(Staff(id="A", max_total_shifts=2), [(0, "", "E"), (2, "", "E")])
    after = before + [Assignment("A", 4, "", "E")]
    assert [v.rule for v in new_violations(problem, before, after)] == ["max_total_shifts"]
    assert new_violations(problem, after, after) == []
    # Worse than before counts as new: one more shift over the limit.
    worse = after + [Assignment("A", 6, "", "E")]
    assert [v.rule for v in new_violations(problem, after, worse)] == ["max_total_shifts"]


def test_candidates_say_what_adding_each_person_breaks():
    slot = Slot(day=1, post="", shift="E")
    people = [Staff(id="free"), Staff(id="late"), Staff(id="busy"), Staff(id="tired", max_total_shifts=1),
              Staff(id="away", unavailable_days=frozenset({1}))]
    problem = Problem(days=3, shifts=[EARLY, LATE], staff=people, slots=[slot, Slot(day=0, post="", shift="L"),
                                                                          Slot(day=1, post="", shift="L")])
    roster = [Assignment("late", 0, "", "L"), Assignment("busy", 1, "", "L"), Assignment("tired", 0, "", "L")]
    found = {p.id: [v.rule for v in vs] for p, vs in candidates(problem, roster, slot)}
    assert found == {"free": [], "late": ["rest"], "busy": ["one_shift_a_day"], "tired": ["rest", "max_total_shifts"]}
