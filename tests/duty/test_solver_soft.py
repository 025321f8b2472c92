"""Each community soft rule pulls a tiny roster the right way."""

from fangxian.duty.solver import Request, ShiftType, Slot, Staff, Weights, solve
from fangxian.duty.solver.synthetic import community_problem
from tests.duty.conftest import quick_solve, roster, tiny_problem

DAY = ShiftType(id="D", minutes=480)
NIGHT = ShiftType(id="N", minutes=480, night=True)


def _day_and_night(staff, weights):
    return quick_solve(tiny_problem(days=1, shifts=(DAY, NIGHT), staff=staff, weights=weights))


def test_it_puts_elderly_people_on_day_shifts():
    result = _day_and_night([Staff(id="old", age=70), Staff(id="young", age=30)], Weights(elderly_on_night=5))
    assert roster(result) == {("old", 0, "D"), ("young", 0, "N")}
    assert result.penalties["elderly_on_night"] == 0


def test_it_puts_young_people_on_night_shifts():
    result = _day_and_night([Staff(id="mid", age=45), Staff(id="young", age=25)], Weights(not_young_on_night=3))
    assert roster(result) == {("mid", 0, "D"), ("young", 0, "N")}


def test_it_uses_the_preferred_checkpoint():
    slots = [Slot(day=0, post=post, shift="D", target=1, weight_under=10) for post in ("1", "2")]
    result = quick_solve(tiny_problem(days=1, slots=slots, staff=[Staff(id="A", preferred_post="2")],
                                      weights=Weights(other_post=3)))
    assert roster(result) == {("A", 0, "2", "D")} and result.objective == 10


def test_it_spreads_shifts_fairly():
    wishes = [Request(staff="A", day=d, shift="D", weight=1, want=True) for d in range(2)]
    unfair = quick_solve(tiny_problem(staff=["A", "B"], requests=wishes))
    assert roster(unfair) == {("A", 0, "D"), ("A", 1, "D")}
    fair = quick_solve(tiny_problem(staff=["A", "B"], requests=wishes, weights=Weights(fairness_shifts=5)))
    assert {a.staff for a in fair.assignments} == {"A", "B"} and fair.penalties["fairness_shifts"] == 0


def test_it_spreads_night_shifts_fairly():
    wishes = [Request(staff="A", day=d, shift="N", weight=1, want=True) for d in range(2)]
    problem = tiny_problem(shifts=(NIGHT,), staff=["A", "B"], requests=wishes, weights=Weights(fairness_nights=5))
    assert {a.staff for a in quick_solve(problem).assignments} == {"A", "B"}


def test_it_keeps_pairs_together():
    wish = [Request(staff="C", day=0, shift="D", weight=1, want=True)]
    apart = quick_solve(tiny_problem(days=1, staff=["A", "B", "C"], target=2, weight_over=10, requests=wish))
    assert ("C", 0, "D") in roster(apart)
    together = quick_solve(tiny_problem(days=1, staff=["A", "B", "C"], target=2, weight_over=10, requests=wish,
                                        pairs=[("A", "B")], weights=Weights(pair_apart=5)))
    assert roster(together) == {("A", 0, "D"), ("B", 0, "D")} and together.objective == 1


def test_it_rosters_a_small_community_without_minors_and_with_leaders():
    problem = community_problem(volunteers=80, posts=2, days=7, seed=5)
    minors = {p.id for p in problem.staff if p.age is not None and p.age < 18}
    result = solve(problem, seconds=5, workers=2)
    assert result.status in ("optimal", "feasible")
    assert not minors & {a.staff for a in result.assignments}
    leaders = {p.id for p in problem.staff if p.leader}
    short = {(s.slot.day, s.slot.post, s.slot.shift) for s in result.shortfalls if s.kind == "leader"}
    for slot in problem.slots:
        key = (slot.day, slot.post, slot.shift)
        on_duty = {a.staff for a in result.assignments if (a.day, a.post, a.shift) == key}
        assert on_duty & leaders or key in short
