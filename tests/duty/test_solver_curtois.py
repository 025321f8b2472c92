"""`fangxian roster benchmark`: the printed objective is the one an independent checker
recomputes from the written roster, and the roster breaks no hard rule."""

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from fangxian.duty.solver import curtois
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
