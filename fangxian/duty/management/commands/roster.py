"""`fangxian roster benchmark FILE --seconds S --roster-out PATH`

Solves one instance of the Curtois & Qu benchmark (../shared/rostering/) with the duty roster
solver, prints one JSON line {"instance", "objective", "first_feasible_seconds", "seconds"}
and writes the roster as CSV lines `employee,day,shift`. Other `roster` actions can be added
as further subcommands.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from fangxian.duty.solver import curtois, solve


class Command(BaseCommand):
    help = "Roster solver tools: `roster benchmark FILE` solves a Curtois & Qu benchmark instance."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        bench = actions.add_parser("benchmark", help="solve a benchmark instance and print one JSON line")
        bench.add_argument("file", type=Path, help="the instance (.txt, Curtois & Qu format)")
        bench.add_argument("--seconds", type=float, default=60.0, help="time limit (default 60)")
        bench.add_argument("--roster-out", type=Path, help="where to write the roster as employee,day,shift")
        bench.add_argument("--workers", type=int, default=None, help="CP-SAT workers (default: the cores)")

    def handle(self, *args, action, **options):
        if action == "benchmark":
            self._benchmark(**options)

    def _benchmark(self, *, file: Path, seconds: float, roster_out: Path | None, workers: int | None, **_options):
        if not file.is_file():
            raise CommandError(_("The file %(path)s does not exist.") % {"path": file})
        try:
            problem = curtois.read(file)
        except (KeyError, ValueError, IndexError) as exc:
            raise CommandError(_("The file %(path)s is not a benchmark instance: %(problem)s")
                               % {"path": file, "problem": exc}) from exc
        result = solve(problem, seconds=seconds, workers=workers)
        if result.status in ("infeasible", "unknown"):
            raise CommandError(_("No roster found (%(status)s).") % {"status": result.status})
        if roster_out is not None:
            roster_out.write_text(curtois.roster_csv(result.assignments), encoding="utf-8")
        line = {"instance": problem.name, "objective": result.objective,
                "first_feasible_seconds": round(result.first_feasible_seconds or 0.0, 3),
                "seconds": round(result.seconds, 3)}
        self.stdout.write(json.dumps(line))
