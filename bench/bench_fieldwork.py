"""Canvassing on the demo subdistrict (issue 14): Dongshan and its neighbours as `fangxian demo`
builds them (`demo_build(neighbours=True)`), each with fieldwork's demo step (sections, and
Dongshan's campaign in progress: some three thousand knocks).

Figures, each the median seconds beside its floor, ONE SQL COUNT over the same dwellings in
the same database, timed in turns (bench_report._alternating_medians):
- walk_list_building: the walk list of Dongshan's largest building, its doors with their
  knocks counted (selectors.door_rows, as the walk page and its API read it);
- coverage_campaign: the whole campaign's coverage, selectors.coverage_total plus
  coverage_by section, over every dwelling of the community.
"""

from __future__ import annotations

import shutil
import sys
import time

from bench.bench_report import _alternating_medians
from bench.common import emit, figure, scratch_django


def run() -> list[dict]:
    folder = scratch_django("fieldwork")
    try:
        return _measure()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _measure() -> list[dict]:
    from django.db import connection
    from django.db.models import Count

    from fangxian.fieldwork.demo import demo_fieldwork
    from fangxian.fieldwork.models import Campaign, Knock
    from fangxian.fieldwork.selectors import campaign_dwellings, coverage_by, coverage_total, door_rows
    from fangxian.registry.demo import DEMO_COMMUNITY_CODE, demo_build, story_communities
    from fangxian.registry.models import Building, Dwelling

    started = time.perf_counter()
    demo_build(neighbours=True)
    built = time.perf_counter() - started
    started = time.perf_counter()
    for community in story_communities():
        demo_fieldwork(community=community)
    demo_seconds = time.perf_counter() - started
    campaign = Campaign.objects.get(community__code=DEMO_COMMUNITY_CODE)
    building = (Building.objects.filter(community=campaign.community).annotate(n=Count("dwellings"))
                .order_by("-n", "pk").first())
    doors = Dwelling.objects.filter(building=building)
    everywhere = campaign_dwellings(campaign)

    def walk_list():
        list(door_rows(campaign, doors.order_by("room")))

    def walk_floor():
        with connection.cursor() as cursor:
            cursor.execute("SELECT COUNT(*) FROM registry_dwelling WHERE building_id = %s", [building.pk])
            cursor.fetchone()

    def coverage():
        coverage_total(campaign, everywhere)
        coverage_by(campaign, everywhere, "building__fieldwork_section__section_id")

    def coverage_floor():
        with connection.cursor() as cursor:
            cursor.execute("SELECT COUNT(*) FROM registry_dwelling d JOIN registry_building b ON b.id = d.building_id"
                           " WHERE b.community_id = %s", [campaign.community_id])
            cursor.fetchone()

    total = coverage_total(campaign, everywhere)
    assert total.total == everywhere.count()  # coverage reads every door it is compared with
    knocks = Knock.objects.filter(campaign=campaign).count()
    walk, walk_base = _alternating_medians(walk_list, walk_floor, repeat=15)
    whole, whole_base = _alternating_medians(coverage, coverage_floor, repeat=7)
    return [
        figure("fieldwork_walk_list_building", "s", walk, walk_base, higher_is_better=False,
               dwellings=doors.count(), knocks=knocks),
        figure("fieldwork_coverage_campaign", "s", whole, whole_base, higher_is_better=False,
               dwellings=total.total, knocks=knocks, coverage_percent=total.percent,
               build_seconds=round(built, 1), demo_step_seconds=round(demo_seconds, 2)),
    ]


if __name__ == "__main__":
    emit(run())
    sys.exit(0)
