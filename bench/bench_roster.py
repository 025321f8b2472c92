"""The duty roster solver on the Curtois & Qu benchmark and on a community roster.

Figures, one per instance of bench/curtois/ (from ../shared/rostering/) at 60 s each: the objective reached,
beside the floor of the README's plain CP-SAT baseline (best known × (1 + its gap)), so ratio
< 1 means better than that baseline; extras give our gap to the best known value, the
baseline's gap and the seconds to the first feasible roster. The instance is read by the same
adapter as `fangxian roster benchmark`.

Then a community roster (300 volunteers, 8 checkpoints, 3 shifts, 14 days, synthetic.py): the
seconds to a proven optimum, or the whole time limit with the gap between the roster and the
solver's bound. Its floor is the time limit.

FANGXIAN_BENCH_ROSTER_SECONDS (default 60) shortens every run for a smoke test.
No database: `.venv/bin/python -m bench.bench_roster`.
"""

from __future__ import annotations

import os
from pathlib import Path

from bench.common import emit, figure
from fangxian.duty.solver import curtois, solve
from fangxian.duty.solver.synthetic import community_problem

INSTANCES = Path(__file__).resolve().parent / "curtois"  # a copy of ../shared/rostering/curtois
# instance → (best known, README baseline gap % at 60 s on 2 cores)
BEST_KNOWN = {
    "Instance1": (607, 0.0), "Instance2": (828, 0.6), "Instance4": (1716, 0.5),
    "Instance7": (1056, 12.0), "Instance10": (4631, 7.8), "Instance18": (4459, 65.0),
}


def _seconds() -> float:
    return float(os.environ.get("FANGXIAN_BENCH_ROSTER_SECONDS", "60"))


def _instance(name: str, seconds: float) -> dict:
    best, baseline_gap = BEST_KNOWN[name]
    result = solve(curtois.read(INSTANCES / f"{name}.txt"), seconds=seconds)
    floor = best * (1 + baseline_gap / 100)
    extra = {"baseline_gap_pct": baseline_gap, "best_known": best, "seconds": round(result.seconds, 1),
             "status": result.status}
    if result.status not in ("optimal", "feasible"):  # no roster in time: no figure to compare
        return {"figure": f"roster_{name}", "unit": "objective", "value": None, "floor": round(floor, 3),
                "ratio": None, "gap_pct": None, "first_feasible_seconds": None, **extra}
    gap = 100 * (result.objective - best) / best
    return figure(f"roster_{name}", "objective", result.objective, floor, higher_is_better=False,
                  gap_pct=round(gap, 2), first_feasible_seconds=round(result.first_feasible_seconds, 2), **extra)


def _community(seconds: float) -> dict:
    problem = community_problem(volunteers=300, posts=8, days=14, seed=1)
    result = solve(problem, seconds=seconds)
    used = result.seconds if result.status == "optimal" else seconds
    found = result.status in ("optimal", "feasible")
    gap = round(100 * (result.objective - result.bound) / max(1, result.objective), 2) if found else None
    return figure("roster_community_300x8x3x14", "s", used, seconds, higher_is_better=False,
                  status=result.status, objective=result.objective, bound=round(result.bound, 1),
                  gap_pct=gap, missing_people=sum(s.missing for s in result.shortfalls),
                  first_feasible_seconds=round(result.first_feasible_seconds, 2) if found else None)


def bench_roster() -> list[dict]:
    seconds = _seconds()
    rows = []
    for name in BEST_KNOWN:
        rows.append(_instance(name, seconds))
        emit(rows[-1:])
    rows.append(_community(seconds))
    emit(rows[-1:])
    return rows


if __name__ == "__main__":
    bench_roster()
