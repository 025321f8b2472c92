"""Standard meals for a day (issue 15): 10,000 households in home quarantine, three meals each.

Figure: the median seconds of `meals.meals_generate` making one day's 30,000 meal tasks from
nothing (it reads the day's quarantines, the rule, the households' dietary notes, the
buildings' standing couriers and the meals already there, then inserts in batches), beside
its floor: a plain `bulk_create` of the very same 30,000 Task rows (same values, same batch
size). The two are timed in turns (as bench_report._alternating_medians does), the day's
tasks deleted before each (not timed). ratio = floor / generate: the goal is ≥ 0.5.

Extras: a second run on the same day (idempotent: it makes nothing) and how long it takes.

`.venv/bin/python -m bench.bench_delivery`; FANGXIAN_BENCH_DELIVERY_HOUSEHOLDS shrinks it for
a smoke test.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import statistics
import sys
import time

from bench.common import emit, figure, scratch_django

HOUSEHOLDS = 10_000
PER_BUILDING = 100
REPEAT = 5


def run() -> list[dict]:
    folder = scratch_django("delivery")
    try:
        return _measure(int(os.environ.get("FANGXIAN_BENCH_DELIVERY_HOUSEHOLDS", HOUSEHOLDS)))
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _build(households: int, today: dt.date) -> None:
    """One community: buildings of 100 dwellings, one person in home quarantine in each (every
    tenth with a companion), every fifth household with dietary notes, half of the buildings
    with a standing courier."""
    from django.contrib.auth import get_user_model

    from fangxian.delivery.models import Assignment, Household
    from fangxian.registry.models import Building, Community, Dwelling, Estate, Person, ResidentialGroup, Subdistrict
    from fangxian.returnees.models import Quarantine

    subdistrict = Subdistrict.objects.create(code="BENCH", name="测试街道")
    community = Community.objects.create(subdistrict=subdistrict, code="BENCH01", name="测试社区")
    group = ResidentialGroup.objects.create(community=community, number=1, name="第一居民小组")
    estate = Estate.objects.create(community=community, group=group, name="测试小区")
    courier = get_user_model().objects.create_user(username="courier")
    buildings = Building.objects.bulk_create([
        Building(community=community, estate=estate, name=f"{n + 1}栋", floors=20)
        for n in range((households + PER_BUILDING - 1) // PER_BUILDING)])
    dwellings = Dwelling.objects.bulk_create([
        Dwelling(building=buildings[n // PER_BUILDING], room=f"{n % PER_BUILDING + 101}",
                 status=Dwelling.Status.QUARANTINE) for n in range(households)], batch_size=2000)
    people, quarantines = [], []
    for n, dwelling in enumerate(dwellings):
        for k in range(2 if n % 10 == 0 else 1):
            people.append(Person(subdistrict=subdistrict, community=community, dwelling=dwelling,
                                 name=f"居民{n}-{k}", sex="M", birth_date=dt.date(1980, 1, 1),
                                 national_id=f"{n:08d}{k:02d}00000000"[:18]))
    people = Person.objects.bulk_create(people, batch_size=2000)
    starts = today - dt.timedelta(days=3)
    for person in people:
        quarantines.append(Quarantine(person=person, dwelling=person.dwelling, reason="来自高风险地区",
                                      starts_on=starts, planned_end=starts + dt.timedelta(days=14)))
    Quarantine.objects.bulk_create(quarantines, batch_size=2000)
    Household.objects.bulk_create([Household(dwelling=d, dietary="清真" if n % 2 else "软食")
                                   for n, d in enumerate(dwellings) if n % 5 == 0], batch_size=2000)
    Assignment.objects.bulk_create([Assignment(building=b, courier=courier)
                                    for n, b in enumerate(buildings) if n % 2 == 0])


def _measure(households: int) -> list[dict]:
    import uuid

    from django.utils import timezone

    from fangxian.delivery import meals
    from fangxian.delivery.models import Task

    today = timezone.localdate()
    day = today + dt.timedelta(days=1)
    started = time.perf_counter()
    _build(households, today)
    built = time.perf_counter() - started

    first = meals.meals_generate(day=day)
    assert first.made == 3 * households, first
    fields = ("dwelling_id", "kind", "meal", "day", "due_by", "people", "dietary", "status", "courier_id",
              "assigned_at", "source", "created_at")
    rows = list(Task.objects.filter(day=day).order_by("pk").values(*fields))
    started = time.perf_counter()
    again = meals.meals_generate(day=day)
    again_seconds = time.perf_counter() - started
    assert (again.made, again.cancelled, again.kept) == (0, 0, 3 * households), again

    def clear():
        Task.objects.filter(day=day).delete()

    def generate():
        run = meals.meals_generate(day=day)
        assert run.made == len(rows)

    def floor():
        Task.objects.bulk_create([Task(**row, event_id=uuid.uuid4()) for row in rows], batch_size=meals.BATCH)

    # In turns, so that a burst of load on a shared machine slows both alike (as
    # bench_report._alternating_medians does); the day's tasks are deleted before each, untimed.
    samples: dict = {generate: [], floor: []}
    for turn in range(REPEAT + 1):
        for function in (generate, floor):
            clear()
            started = time.perf_counter()
            function()
            if turn:  # the first turn warms up
                samples[function].append(time.perf_counter() - started)
    value, base = statistics.median(samples[generate]), statistics.median(samples[floor])
    return [figure("delivery_meals_generate_day", "s", value, base, higher_is_better=True,
                   households=households, tasks=len(rows), goal_ratio=0.5,
                   second_run_seconds=round(again_seconds, 3), build_seconds=round(built, 1))]


if __name__ == "__main__":
    emit(run())
    sys.exit(0)
