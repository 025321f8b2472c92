"""Shared pieces of the benchmarks: a scratch database, timing, and the JSON line."""

from __future__ import annotations

import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path


def scratch_django(name: str) -> Path:
    """Point Django at a fresh SQLite file in a temporary folder and migrate it.

    Must run before Django is set up; each benchmark runs in its own process (see
    bench/__main__.py) so every figure starts from an empty database.
    """
    folder = Path(tempfile.mkdtemp(prefix=f"fangxian-bench-{name}-"))
    os.environ["FANGXIAN_DATA_DIR"] = str(folder)
    os.environ.setdefault("FANGXIAN_ENV", "test")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fangxian.settings")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    return folder


def median_seconds(function, *, repeat: int, warmup: int = 2) -> float:
    for _ in range(warmup):
        function()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def figure(name: str, unit: str, value: float, floor: float, *, higher_is_better: bool, **extra) -> dict:
    """One figure beside its floor. ratio > 1 means slower (or fewer per second) than the floor."""
    ratio = floor / value if higher_is_better else value / floor
    return {"figure": name, "unit": unit, "value": round(value, 3), "floor": round(floor, 3),
            "ratio": round(ratio, 2), **extra}


def emit(rows: list[dict]) -> None:
    for row in rows:
        print(json.dumps(row, ensure_ascii=False))
    sys.stdout.flush()
