"""Each hard rule binds: without it a cheaper roster exists, with it the roster respects it."""

from dataclasses import replace

from fangxian.duty.solver import Request, ShiftType, Slot, Staff
from tests.duty.conftest import quick_solve, roster, tiny_problem

NIGHT = ShiftType(id="N", minutes=480, night=True)


def off(person, *days, weight=1, shift="D"):
    return [Request(staff=person, day=d, shift=shift, weight=weight, want=False) for d in days]


def test_it_finds_the_obvious_best_roster_of_a_small_case():
    # Day 0 wants 2, day 1 wants 1; A asks for day 0 off (4) and for day 1 (1); C asks for
    # day 1 (2); B cannot come on day 1. Best: B and C on day 0, C on day 1, A's wish unmet: 1.
    problem = tiny_problem(
        staff=["A", Staff(id="B", unavailable_days=frozenset({1})), "C"],
        slots=[Slot(day=0, post="", shift="D", target=2, weight_under=10, weight_over=3),
               Slot(day=1, post="", shift="D", target=1, weight_under=10, weight_over=3)],
        requests=off("A", 0, weight=4) + [Request(staff="A", day=1, shift="D", weight=1, want=True),
                                          Request(staff="C", day=1, shift="D", weight=2, want=True)])
    result = quick_solve(problem)
    assert result.status == "optimal"
    assert result.objective == 1
    assert roster(result) == {("B", 0, "D"), ("C", 0, "D"), ("C", 1, "D")}
    assert result.penalties["request_on"] == 1 and result.penalties["cover_under"] == 0
    assert result.shortfalls == [] and result.first_feasible_seconds is not None


def test_it_gives_nobody_two_shifts_on_one_day():
    problem = tiny_problem(days=1, staff=["A"], shifts=(ShiftType("D", 480), NIGHT))
    result = quick_solve(problem)
    assert len(result.assignments) == 1 and result.objective == 10


def test_it_covers_the_minimum_even_against_wishes():
    loose = tiny_problem(days=1, staff=["A", "B"], weight_under=0,
                         requests=off("A", 0, weight=5) + off("B", 0, weight=5))
    assert quick_solve(loose).assignments == []
    strict = replace(loose, slots=[replace(s, minimum=2) for s in loose.slots])
    result = quick_solve(strict)
    assert roster(result) == {("A", 0, "D"), ("B", 0, "D")}
    assert result.objective == 10 and result.shortfalls == []


def test_it_puts_a_leader_on_duty():
    loose = tiny_problem(days=1, staff=[Staff(id="L", leader=True), "P"], weight_over=10,
                         requests=off("L", 0, weight=5))
    assert roster(quick_solve(loose)) == {("P", 0, "D")}
    strict = replace(loose, slots=[replace(s, leader_required=True) for s in loose.slots])
    result = quick_solve(strict)
    assert roster(result) == {("L", 0, "D")} and result.shortfalls == []


def test_it_forbids_a_morning_after_a_night_across_posts():
    night = ShiftType(id="N", minutes=480, forbidden_next=frozenset({"M"}), night=True)
    slots = [Slot(day=0, post="1", shift="N", target=1, weight_under=10),
             Slot(day=1, post="2", shift="M", target=1, weight_under=10)]
    loose = tiny_problem(staff=["A"], shifts=(ShiftType("N", 480, night=True), ShiftType("M", 480)), slots=slots)
    assert len(quick_solve(loose).assignments) == 2
    strict = replace(loose, shifts=[night, ShiftType("M", 480)])
    result = quick_solve(strict)
    assert len(result.assignments) == 1 and result.objective == 10


def _limited(days=2, **limits):
    loose = tiny_problem(days=days, staff=["A"])
    strict = replace(loose, staff=[Staff(id="A", **limits)])
    return quick_solve(loose), quick_solve(strict)


def test_it_keeps_the_maximum_shifts_of_a_type():
    loose, strict = _limited(max_shifts={"D": 1})
    assert len(loose.assignments) == 2 and len(strict.assignments) == 1 and strict.objective == 10


def test_it_keeps_the_maximum_total_shifts():
    loose, strict = _limited(max_total_shifts=1)
    assert len(loose.assignments) == 2 and len(strict.assignments) == 1


def test_it_keeps_the_maximum_minutes():
    loose, strict = _limited(max_minutes=500)
    assert len(loose.assignments) == 2 and len(strict.assignments) == 1


def test_it_keeps_the_minimum_days_off():
    loose, strict = _limited(min_days_off=1)
    assert len(loose.assignments) == 2 and len(strict.assignments) == 1


def test_it_keeps_the_maximum_consecutive_days():
    loose, strict = _limited(days=3, max_consecutive=2)
    assert len(loose.assignments) == 3
    assert len(strict.assignments) == 2 and strict.objective == 10


def test_it_keeps_the_minimum_minutes_against_wishes():
    loose = tiny_problem(staff=["A"], weight_under=0, requests=off("A", 0, 1))
    assert quick_solve(loose).assignments == []
    result = quick_solve(replace(loose, staff=[Staff(id="A", min_minutes=960)]))
    assert len(result.assignments) == 2 and result.objective == 2


def test_it_keeps_the_minimum_consecutive_days_with_days_off_outside_the_horizon():
    # Only day 1 is wanted; working it alone makes a block of one day.
    slots = [Slot(day=d, post="", shift="D", target=int(d == 1), weight_under=10, weight_over=1) for d in range(3)]
    loose = tiny_problem(days=3, staff=["A"], slots=slots)
    assert roster(quick_solve(loose)) == {("A", 1, "D")}
    strict = quick_solve(replace(loose, staff=[Staff(id="A", min_consecutive=2)]))
    assert len(strict.assignments) == 2 and strict.objective == 1
    # At the end of the horizon too: the day after it counts as a day off.
    edge = tiny_problem(days=2, staff=[Staff(id="A", min_consecutive=2)], slots=slots[:2])
    result = quick_solve(edge)
    assert roster(result) == {("A", 0, "D"), ("A", 1, "D")} and result.objective == 1


def test_it_keeps_the_minimum_consecutive_days_off():
    slots = [Slot(day=d, post="", shift="D", target=int(d != 1), weight_under=10, weight_over=100)
             for d in range(3)]
    loose = tiny_problem(days=3, staff=["A"], slots=slots)
    assert roster(quick_solve(loose)) == {("A", 0, "D"), ("A", 2, "D")}
    strict = quick_solve(replace(loose, staff=[Staff(id="A", min_consecutive_off=2)]))
    assert len(strict.assignments) == 1 and strict.objective == 10


def test_it_keeps_the_maximum_weekends():
    # Day 0 is a Monday: days 5 and 12 are Saturdays, in two weekends.
    slots = [Slot(day=d, post="", shift="D", target=1, weight_under=10) for d in (5, 12)]
    loose = tiny_problem(days=14, staff=["A"], slots=slots)
    assert len(quick_solve(loose).assignments) == 2
    strict = quick_solve(replace(loose, staff=[Staff(id="A", max_weekends=1)]))
    assert len(strict.assignments) == 1 and strict.objective == 10
    # Starting on a Saturday, both days are in one weekend.
    sat = quick_solve(replace(loose, days=2, first_weekday=5, staff=[Staff(id="A", max_weekends=1)],
                              slots=[replace(s, day=d) for d, s in enumerate(slots)]))
    assert len(sat.assignments) == 2


def test_it_never_rosters_anyone_under_the_minimum_age():
    problem = tiny_problem(days=1, staff=[Staff(id="kid", age=17), Staff(id="adult", age=40)],
                           requests=off("adult", 0, weight=5))
    result = quick_solve(problem)
    assert roster(result) == {("adult", 0, "D")} and result.objective == 5
    assert roster(quick_solve(replace(problem, min_age=16))) == {("kid", 0, "D")}


def test_it_keeps_availability_days_off_and_posts():
    slots = [Slot(day=d, post=post, shift="D", target=1, weight_under=10) for d in range(2) for post in "12"]
    problem = tiny_problem(staff=[Staff(id="A", unavailable_days=frozenset({0}), posts=frozenset({"1"})),
                                  Staff(id="B", available=frozenset({(0, "D")}))], slots=slots)
    result = quick_solve(problem)
    assert roster(result) == {("A", 1, "1", "D"), ("B", 0, "1", "D")} or \
        roster(result) == {("A", 1, "1", "D"), ("B", 0, "2", "D")}
    assert result.objective == 20
