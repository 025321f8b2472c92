"""`fangxian roster benchmark`: the printed objective is the one an independent checker
recomputes from the written roster, and the roster breaks no hard rule."""

import json
import random
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from ortools.sat.python import cp_model

from fangxian.duty.solver import curtois
from fangxian.duty.solver.cpsat import build
from fangxian.duty.solver.search import _neighbourhood, _Roster
from tests.duty.curtois_check import check

INSTANCES = Path(__file__).resolve().parents[2] / "bench" / "curtois"  # a copy of ../shared/rostering/curtois


@pytest.mark.parametrize("name", ["Instance1", "Instance2"])
def test_it_solves_a_benchmark_instance_and_the_checker_agrees(name, tmp_path):
    out = StringIO()
    roster_path = tmp_path / "roster.csv"
    call_command("roster", "benchmark", str(INSTANCES / f"{name}.txt"), "--seconds", "3",
                 "--roster-out", str(roster_path), "--workers", "2", stdout=out)
    line = json.loads(out.getvalue().strip())
    assert set(line) == {"instance", "objective", "first_feasible_seconds", "seconds"}
    assert line["instance"] == name and line["seconds"] < 10
    objective, violations = check(INSTANCES / f"{name}.txt", roster_path.read_text())
    assert violations == []
    assert line["objective"] == objective
    if name == "Instance1":
        assert objective == 607  # the proven optimum


def test_the_checker_catches_broken_rosters():
    path = INSTANCES / "Instance1.txt"
    problem = curtois.read(path)
    person = problem.staff[0]
    day_off = min(person.unavailable_days)
    _objective, violations = check(path, f"{person.id},{day_off},D\n{person.id},{day_off + 1},D\n")
    assert any("day off" in v for v in violations)
    assert any("minutes" in v for v in violations)


def test_it_refuses_a_missing_file(tmp_path):
    with pytest.raises(CommandError):
        call_command("roster", "benchmark", str(tmp_path / "nope.txt"), "--seconds", "1")


def _first_values(problem, built):
    model = built.model.clone()
    model.clear_objective()
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 2
    solver.parameters.max_time_in_seconds = 10
    assert solver.Solve(model) in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    return list(solver.response_proto.solution)


def test_the_search_sees_what_each_person_and_day_pays_as_the_checker_counts_it():
    """The neighbourhoods are drawn where the roster pays: those costs must be the benchmark's own."""
    path = INSTANCES / "Instance2.txt"
    problem = curtois.read(path)
    built = build(problem)
    values = _first_values(problem, built)
    staff_cost, day_cost = _Roster(problem, built).costs(values)
    lines = "".join(f"{problem.staff[i].id},{d},{sh}\n" for (i, d, _post, sh), v in built.x.items()
                    if values[v.Index()])
    objective, violations = check(path, lines)
    assert violations == []
    assert sum(day_cost) == objective  # requests and cover, each counted on its day
    requests = objective - sum(  # what the cover costs, recounted here
        slot.weight_under * max(0, slot.target - n) + slot.weight_over * max(0, n - slot.target)
        for slot in problem.slots
        for n in [sum(1 for (i, d, post, sh), v in built.x.items()
                      if values[v.Index()] and (d, post, sh) == (slot.day, slot.post, slot.shift))])
    assert sum(staff_cost) == requests


def test_day_windows_are_drawn_around_the_days_that_pay():
    problem = curtois.read(INSTANCES / "Instance7.txt")
    built = build(problem)
    roster = _Roster(problem, built)
    values = [0] * len(built.model.proto.variables)  # nobody works: every day pays its cover
    # Keep only day 20's cover unmet: everybody else's cover counted as met by a fake cost table.
    real = roster.costs

    def costs(vals):
        staff, days = real(vals)
        return staff, [cost if d == 20 else 0.0 for d, cost in enumerate(days)]

    roster.costs = costs
    rng = random.Random(1)
    windows = [_neighbourhood(rng, roster, "days", 0.15, values)[1] for _ in range(200)]
    around = sum(1 for first, last in windows if first <= 20 < last)
    # A 4-day window holds a given day 1 time in 7 at random; half the draws aim at the paying day.
    assert around > 200 * 0.45
    blocks = [_neighbourhood(rng, roster, "block", 0.4, values)[1] for _ in range(100)]
    assert sum(1 for first, last in blocks if first <= 20 < last) > 55  # half aimed, half at random
