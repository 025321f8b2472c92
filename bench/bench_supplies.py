"""The stock report (issue 16) over 1,000,000 stock movements: 20 items × 5 places of one
community, over the last 30 days (purchases in, issues, use and transfers out, some reversed).

Figure: the median seconds of `supplies.selectors.stock_report([community])` (the stock of each
item at each place, and per item its consumption over the last 7 days and the days left),
beside its floor: ONE SQL statement, `SELECT item_id, place_id, SUM(change) ... GROUP BY
item_id, place_id` over the same rows, in the same database. The two are timed in turns, so
that a burst of load on a shared machine slows both alike. ratio = report / floor: the goal is
at most 2.

`.venv/bin/python -m bench.bench_supplies` (the lead adds "bench.bench_supplies" to BENCHMARKS);
FANGXIAN_BENCH_SUPPLIES_MOVEMENTS shrinks it for a smoke test.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import statistics
import sys
import time
import uuid

from bench.common import emit, figure, scratch_django

MOVEMENTS = 1_000_000
ITEMS, PLACES, DAYS = 20, 5, 30
BATCH = 5_000
REPEAT = 3


def run() -> list[dict]:
    folder = scratch_django("supplies")
    try:
        return _measure(int(os.environ.get("FANGXIAN_BENCH_SUPPLIES_MOVEMENTS", MOVEMENTS)))
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _build(movements: int, today: dt.date):
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction
    from django.utils import timezone

    from fangxian.access.models import Checkpoint
    from fangxian.registry.models import Community, Entrance, Estate, ResidentialGroup, Subdistrict
    from fangxian.supplies.models import Item, Movement, Place

    K = Movement.Kind
    subdistrict = Subdistrict.objects.create(code="BENCH", name="测试街道")
    community = Community.objects.create(subdistrict=subdistrict, code="BENCH01", name="测试社区")
    group = ResidentialGroup.objects.create(community=community, number=1, name="第一居民小组")
    estate = Estate.objects.create(community=community, group=group, name="测试小区")
    user = get_user_model().objects.create_user(username="office")
    items = Item.objects.bulk_create([Item(community=community, name=f"物资{n}", unit="个", low_stock=50)
                                      for n in range(ITEMS)])
    places = [Place.objects.create(community=community, kind=Place.Kind.STORE, name="办公室仓库")]
    for n in range(PLACES - 1):
        entrance = Entrance.objects.create(estate=estate, name=f"门{n}")
        checkpoint = Checkpoint.objects.create(entrance=entrance, community=community, name=f"测试小区门{n}")
        places.append(Place.objects.create(community=community, kind=Place.Kind.CHECKPOINT, name=checkpoint.name,
                                           checkpoint=checkpoint))
    now = timezone.now()
    kinds = (K.PURCHASE, K.DONATION, K.ISSUE, K.USE, K.TRANSFER_OUT, K.PURCHASE, K.ISSUE, K.LOSS)
    table = Movement._meta.db_table
    # Bulk-created through the cursor (executemany of the very rows `bulk_create` would send,
    # without building a million model instances): the build stays well under a minute.
    columns = ("community_id", "item_id", "place_id", "kind", "change", "day", "at", "recorded_by_id", "note",
               "recipient", "act", "event_id")
    insert = (f"INSERT INTO {table} ({', '.join(connection.ops.quote_name(c) for c in columns)}) "
              f"VALUES ({', '.join(['%s'] * len(columns))})")
    days = [(today - dt.timedelta(days=d)).isoformat() for d in range(DAYS)]
    stamps = [connection.ops.adapt_datetimefield_value(now - dt.timedelta(days=d)) for d in range(DAYS)]
    with connection.cursor() as cursor:  # a scratch database: no need to wait for the disk while building
        cursor.execute("PRAGMA synchronous = OFF")
        cursor.execute("PRAGMA cache_size = -262144")
    with transaction.atomic(), connection.cursor() as cursor:
        for start in range(0, movements, BATCH):
            rows = []
            for n in range(start, min(start + BATCH, movements)):
                kind = kinds[n % len(kinds)]
                change = (n % 17 + 1) * (1 if kind in Movement.IN else -1)
                rows.append((community.pk, items[n % ITEMS].pk, places[(n // ITEMS) % PLACES].pk, kind, change,
                             days[n % DAYS], stamps[n % DAYS], user.pk, "", "", uuid.uuid4().hex, uuid.uuid4().hex))
            cursor.executemany(insert, rows)
    with transaction.atomic():
        # A few reversals of consumed movements (they count back in the consumption).
        reversed_ = list(Movement.objects.filter(kind=K.ISSUE, day=today).order_by("pk")[:200])
        Movement.objects.bulk_create([
            Movement(community=community, item_id=m.item_id, place_id=m.place_id, kind=K.REVERSAL, change=-m.change,
                     day=today, at=now, recorded_by=user, reverses=m, act=uuid.uuid4(), event_id=uuid.uuid4())
            for m in reversed_])
    return community


def _measure(movements: int) -> list[dict]:
    from django.db import connection
    from django.utils import timezone

    from fangxian.supplies import selectors
    from fangxian.supplies.models import Movement

    today = timezone.localdate()
    started = time.perf_counter()
    community = _build(movements, today)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    built = time.perf_counter() - started
    table = Movement._meta.db_table
    floor_sql = (f"SELECT item_id, place_id, SUM(change) FROM {table} WHERE community_id = %s "
                 "GROUP BY item_id, place_id")

    def report():
        rows, totals = selectors.stock_report([community.pk], today=today)
        assert len(totals) == ITEMS and len(rows) == ITEMS * PLACES

    def floor():
        with connection.cursor() as cursor:
            cursor.execute(floor_sql, [community.pk])
            assert len(cursor.fetchall()) == ITEMS * PLACES

    samples: dict = {report: [], floor: []}
    for turn in range(REPEAT + 1):
        for function in (report, floor):
            started = time.perf_counter()
            function()
            if turn:  # the first turn warms up
                samples[function].append(time.perf_counter() - started)
    value, base = statistics.median(samples[report]), statistics.median(samples[floor])
    return [figure("supplies_stock_report", "s", value, base, higher_is_better=False, movements=movements,
                   items=ITEMS, places=PLACES, goal_ratio=2.0, build_seconds=round(built, 1))]


if __name__ == "__main__":
    emit(run())
    sys.exit(0)
