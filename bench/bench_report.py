"""Drafting one day's daily report for a whole subdistrict, at `demo --scale 10` (about 80,000
people) and `--scale 100` (about 800,000), each with a day of checkpoint passages: one per
person and a second for every other person (one in ten of those a refusal).

Figure: median seconds of `reports.selectors.draft(every community, day)`, which runs every
registered section's compute once for all communities. Floor: ONE SQL statement counting the
same rows (the people, and the day's passages), in the same database. The two are timed in
turns (see _alternating_medians). The issue's target is a ratio of at most 3.

The draft also reads what the floor does not (dwellings by status, and every other section's
rows), and counts people by kind where the floor's bare COUNT(*) of a table is answered from
its page counts; it stays within the target by counting from indexes alone (people by
community and kind, dwellings by building and status, passages by community, kind and time).

Each scale is built in its own process and scratch database (`python -m bench.bench_report
--scale N`); `bench_report()` runs both. FANGXIAN_BENCH_REPORT_SCALES="1,10" shrinks the run
for a smoke test.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import statistics
import subprocess
import sys
import time

from bench.common import emit, figure, median_seconds, scratch_django

SCALES = (10, 100)


def bench_report() -> list[dict]:
    scales = [int(s) for s in os.environ.get("FANGXIAN_BENCH_REPORT_SCALES", "").split(",") if s.strip()] or SCALES
    rows = []
    for scale in scales:
        result = subprocess.run([sys.executable, "-m", "bench.bench_report", "--scale", str(scale)],
                                capture_output=True, text=True, check=True)
        rows += [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    return rows


def run(scale: int) -> list[dict]:
    folder = scratch_django(f"report-{scale}")
    try:
        return _measure(scale)
    finally:  # a scale-100 database is about a gigabyte: do not leave it behind
        shutil.rmtree(folder, ignore_errors=True)


def _measure(scale: int) -> list[dict]:
    from django.db import connection
    from django.utils import timezone

    from fangxian.core.reporting import day_bounds
    from fangxian.registry.demo import demo_build
    from fangxian.registry.models import Community
    from fangxian.reports import selectors

    started = time.perf_counter()
    demo_build(scale=scale)
    built = time.perf_counter() - started
    day = timezone.localdate() - dt.timedelta(days=1)
    start, end = day_bounds(day)
    started = time.perf_counter()
    passages = _a_day_of_passages(connection, start)
    inserted = time.perf_counter() - started
    ids = list(Community.objects.values_list("pk", flat=True))

    def draft():
        selectors.draft(ids, day)

    def floor():
        with connection.cursor() as cursor:
            cursor.execute("SELECT (SELECT COUNT(*) FROM registry_person),"
                           " (SELECT COUNT(*) FROM access_scan WHERE occurred_at >= %s AND occurred_at < %s)",
                           [start, end])
            cursor.fetchone()

    drafted = selectors.draft(ids, day)
    people = sum(d["population"]["people"] for d in drafted.values())
    counted = sum(d["checkpoints"]["passages"] + d["checkpoints"]["refusals"] for d in drafted.values())
    assert counted == passages, (counted, passages)  # the draft counts every row it is compared with
    repeat = 3 if scale >= 100 else 7
    value, base = _alternating_medians(draft, floor, repeat=repeat)
    return [figure(f"report_draft_subdistrict_scale{scale}", "s", value, base, higher_is_better=False,
                   communities=len(ids), people=people, passages=passages,
                   build_seconds=round(built, 1), passage_insert_seconds=round(inserted, 1))]


def _alternating_medians(first, second, *, repeat: int) -> tuple[float, float]:
    """Median seconds of each, timed in turns: on a shared machine a burst of load then slows
    both alike instead of only whichever ran during it, so the ratio stays meaningful."""
    first(), second()  # warm-up
    a, b = [], []
    for _ in range(repeat):
        a.append(median_seconds(first, repeat=1, warmup=0))
        b.append(median_seconds(second, repeat=1, warmup=0))
    return statistics.median(a), statistics.median(b)


def _a_day_of_passages(connection, start) -> int:
    """Bulk-insert the day's passages in two INSERT … SELECT statements (SQLite, the scratch
    database): each person passes their estate's first checkpoint, at a time spread over the day."""
    from django.db import transaction

    from fangxian.access.models import Checkpoint
    from fangxian.registry.models import Entrance

    checkpoints = [Checkpoint(entrance=e, community_id=e.estate.community_id, name=f"{e.estate.name}{e.name}")
                   for e in Entrance.objects.select_related("estate")]
    Checkpoint.objects.bulk_create(checkpoints, batch_size=2000)
    # Django keeps SQLite datetimes as UTC text; the day starts at `start` (local midnight).
    utc_start = start.astimezone(dt.timezone.utc).strftime("%Y-%m-%d %H:%M:%S")
    insert = """
        INSERT INTO access_scan (event_id, device_id, device_seq, batch, checkpoint_id, community_id, kind,
            direction, occurred_at, received_at, person_id, device_verdict, server_verdict, server_reason,
            disagreement, reason, visitor_name, visitor_phone, visitor_visiting, visitor_why)
        SELECT lower(hex(randomblob(16))), 'bench', p.id * 2 + {n}, 'bench0000000000000000000000000000',
            cp.id, p.community_id, {kind}, 'in',
            datetime(%s, '+' || ((p.id * 7919 + {n} * 3571) %% 86400) || ' seconds'),
            datetime(%s, '+86400 seconds'), p.id, {verdict}, {verdict}, '', 0, '', '', '', '', ''
        FROM registry_person p
        JOIN registry_dwelling d ON d.id = p.dwelling_id
        JOIN registry_building b ON b.id = d.building_id
        JOIN (SELECT e.estate_id AS estate_id, MIN(c.id) AS id FROM access_checkpoint c
              JOIN registry_entrance e ON e.id = c.entrance_id GROUP BY e.estate_id) cp ON cp.estate_id = b.estate_id
        {where}
    """
    refusal = "CASE WHEN p.id %% 10 = 0 THEN '{a}' ELSE '{b}' END"
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(insert.format(n=0, kind="'manual'", verdict="'green'", where=""), [utc_start, utc_start])
        first = cursor.rowcount
        cursor.execute(insert.format(n=1, kind=refusal.format(a="refusal", b="manual"),
                                     verdict=refusal.format(a="red", b="green"), where="WHERE p.id %% 2 = 0"),
                       [utc_start, utc_start])
        return first + cursor.rowcount


if __name__ == "__main__":
    if "--scale" in sys.argv:
        emit(run(int(sys.argv[sys.argv.index("--scale") + 1])))
    else:
        emit(bench_report())
