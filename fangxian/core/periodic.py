"""Periodic jobs run by `fangxian worker`: each app registers its own with `@periodic`.

The worker runs a job when its interval has passed since its last run in this process;
the jobs are idempotent, so a restart that runs one early does no harm.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Callable

logger = logging.getLogger("fangxian.worker")


@dataclass
class PeriodicJob:
    name: str
    every_seconds: int
    function: Callable[[], object]
    last_run: float | None = None

    def due(self, now: float) -> bool:
        return self.last_run is None or now - self.last_run >= self.every_seconds


JOBS: dict[str, PeriodicJob] = {}


def periodic(*, every_seconds: int):
    def register(function):
        JOBS[function.__name__] = PeriodicJob(function.__name__, every_seconds, function)
        return function

    return register


def run_due_jobs(now: float | None = None, *, every: bool = False) -> list[str]:
    """Run the jobs whose interval has passed (all of them with every=True)."""
    now = time.monotonic() if now is None else now
    ran = []
    for job in JOBS.values():
        if every or job.due(now):
            try:
                result = job.function()
                logger.info("job %s done: %s", job.name, result)
            except Exception:  # one failing job must not stop the others or the worker
                logger.exception("job %s failed", job.name)
            job.last_run = now
            ran.append(job.name)
    return ran
