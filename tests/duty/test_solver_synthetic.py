"""The generated community roster used by `make bench` looks like a real community's."""

from fangxian.duty.solver.synthetic import community_problem


def test_it_generates_the_benchmark_community():
    problem = community_problem()
    assert len(problem.staff) == 300 and problem.days == 14
    assert len({s.post for s in problem.slots}) == 8 and len(problem.slots) == 8 * 3 * 14
    assert all(s.minimum == 2 and s.target == 3 and s.leader_required for s in problem.slots)
    shifts = {s.id: s for s in problem.shifts}
    assert "M" in shifts["N"].forbidden_next and shifts["N"].night
    leaders = sum(p.leader for p in problem.staff)
    assert 0.12 * 300 <= leaders <= 0.2 * 300
    assert sum(p.age >= 60 for p in problem.staff) > 30
    assert all(p.max_total_shifts == 10 and p.max_consecutive == 3 and p.min_days_off == 2 for p in problem.staff)
    assert problem.requests and problem.pairs
    assert community_problem(seed=1) == community_problem(seed=1)  # the same roster problem every run
