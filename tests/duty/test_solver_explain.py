"""When the rules cannot all hold: the best roster that breaks least, and why each slot is short."""

from fangxian.duty.solver import Assignment, ShiftType, Slot, Staff
from fangxian.duty.solver.explain import shortfall_for
from tests.duty.conftest import quick_solve, tiny_problem

NIGHT = ShiftType(id="N", minutes=480, night=True)


def test_it_says_no_leader_is_available_for_a_night_and_still_rosters_it():
    slot = Slot(day=0, post="1", shift="N", minimum=2, target=2, weight_under=10, leader_required=True,
                label="北门 00–08")
    problem = tiny_problem(days=1, shifts=(NIGHT,), slots=[slot],
                           staff=[Staff(id="L", leader=True, unavailable_days=frozenset({0})), "A", "B"])
    result = quick_solve(problem)
    assert result.status in ("optimal", "feasible")
    assert {a.staff for a in result.assignments} == {"A", "B"}
    [short] = result.shortfalls
    assert (short.kind, short.reason, short.missing, short.available) == ("leader", "no_leader_available", 1, 0)
    assert short.slot.label == "北门 00–08"
    assert result.objective == 0  # the shortfall is reported apart, not in the soft objective


def test_it_says_too_few_are_available_with_the_numbers():
    slot = Slot(day=0, post="", shift="D", minimum=3)
    problem = tiny_problem(days=1, slots=[slot], staff=["A", "B", Staff(id="C", unavailable_days=frozenset({0}))])
    result = quick_solve(problem)
    assert len(result.assignments) == 2
    [short] = result.shortfalls
    assert (short.kind, short.reason, short.missing, short.available, short.needed) == \
        ("minimum", "too_few_available", 1, 2, 3)


def test_it_says_no_one_is_available():
    slot = Slot(day=0, post="far", shift="D", minimum=1)
    problem = tiny_problem(days=1, slots=[slot], staff=[Staff(id="A", posts=frozenset({"near"}))])
    [short] = quick_solve(problem).shortfalls
    assert (short.reason, short.missing, short.available) == ("no_one_available", 1, 0)


def test_it_says_people_are_used_elsewhere():
    # One person may work either post but only one shift a day.
    slots = [Slot(day=0, post=post, shift="D", minimum=1) for post in ("1", "2")]
    result = quick_solve(tiny_problem(days=1, slots=slots, staff=["A"]))
    assert len(result.assignments) == 1
    [short] = result.shortfalls
    assert (short.reason, short.missing, short.available, short.needed) == ("used_elsewhere", 1, 1, 1)


def test_it_breaks_as_little_as_possible():
    # Two minima of 2 on two days, three people who may each work one day: one person short.
    slots = [Slot(day=d, post="", shift="D", minimum=2) for d in range(2)]
    staff = [Staff(id=p, max_total_shifts=1) for p in "ABC"]
    result = quick_solve(tiny_problem(slots=slots, staff=staff))
    assert len(result.assignments) == 3
    assert sum(s.missing for s in result.shortfalls) == 1


def test_it_says_the_search_ran_out_of_time_when_someone_free_could_be_added():
    slot = Slot(day=0, post="", shift="D", minimum=1, leader_required=True)
    problem = tiny_problem(days=1, slots=[slot], staff=["A", Staff(id="L", leader=True)])
    short = shortfall_for(problem, slot, "minimum", 1, assignments=[])
    assert (short.reason, short.blocked) == ("out_of_time", ())
    assert shortfall_for(problem, slot, "leader", 1, assignments=[]).reason == "out_of_time"
    # Only the leader counts for the leader: busy on the other post, the leader cannot be added freely.
    other = Slot(day=0, post="2", shift="D")
    busy = tiny_problem(days=1, slots=[slot, other], staff=["A", Staff(id="L", leader=True)])
    short = shortfall_for(busy, slot, "leader", 1, assignments=[Assignment("L", 0, "2", "D")])
    assert (short.reason, short.blocked) == ("used_elsewhere", (("one_shift_a_day", 1),))


def test_it_names_the_limit_that_stops_every_candidate():
    slots = [Slot(day=d, post="", shift="D", minimum=1) for d in range(3)]
    staff = [Staff(id=p, max_total_shifts=1) for p in "AB"]
    result = quick_solve(tiny_problem(days=3, slots=slots, staff=staff))
    [short] = result.shortfalls
    assert short.reason == "used_elsewhere"
    assert short.blocked == (("max_total_shifts", 2),)
