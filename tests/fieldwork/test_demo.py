"""Fieldwork's part of the demo (fieldwork.demo): a campaign in progress with realistic
coverage, consistent with the registry's doors, deterministic."""

from __future__ import annotations

import pytest

from fangxian.core.scope import Role
from fangxian.fieldwork.demo import demo_fieldwork
from fangxian.fieldwork.models import Campaign, CoverageGap, Knock, Section, SectionBuilding, Team
from fangxian.fieldwork.selectors import campaign_dwellings, coverage_total, never_reached
from fangxian.registry.models import Dwelling, PendingPerson
from tests.conftest import FROZEN_AT
from tests.factories import (
    BuildingFactory,
    CommunityFactory,
    DwellingFactory,
    EstateFactory,
    GridFactory,
    PersonFactory,
    make_user,
)

pytestmark = pytest.mark.django_db
PLAN = (10, 0.9)


@pytest.fixture
def community(frozen_clock):
    """Two grids of five buildings, twelve doors each: most lived in, some households still
    away, a few sealed, a few with nobody registered."""
    community = CommunityFactory(code="DEMOTEST")
    estate = EstateFactory(community=community)
    for g in range(2):
        grid = GridFactory(community=community, code=f"G{g}", name=f"第{g + 1}网格")
        for b in range(5):
            building = BuildingFactory(estate=estate, grid=grid, name=f"{g}-{b}栋")
            for r in range(12):
                status = (Dwelling.Status.NOT_RETURNED if r == 5 else Dwelling.Status.SEALED if r == 7 and b % 2
                          else Dwelling.Status.OCCUPIED)
                dwelling = DwellingFactory(building=building, room=f"{r // 4 + 1}0{r % 4 + 1}", status=status)
                if r != 11:  # the last door of each building: nobody registered
                    PersonFactory(dwelling=dwelling)
    make_user("demo-admin", Role.COMMUNITY_ADMIN, community)
    make_user("demo-grid", Role.GRID_WORKER, grid)
    return community


def _signature(community):
    return sorted(Knock.objects.filter(campaign__community=community).values_list(
        "dwelling__building__name", "dwelling__room", "outcome", "occurred_at", "event_id"))


def test_a_campaign_in_progress_with_realistic_coverage(community):
    built = demo_fieldwork(community=community, plan=PLAN, now=FROZEN_AT)

    campaign = Campaign.objects.get(community=community)
    assert campaign.is_open and built["campaigns"] == 1
    # Every building is in a section, every section has a team.
    assert SectionBuilding.objects.filter(section__community=community).count() == 10
    assert not Section.objects.filter(community=community, team__isnull=True).exists()
    assert Team.objects.filter(community=community).count() == 2
    coverage = coverage_total(campaign, campaign_dwellings(campaign))
    assert 60 <= coverage.percent <= 95
    assert coverage.revisit and coverage.refused and coverage.not_yet
    never = list(never_reached(campaign, campaign_dwellings(campaign)))
    assert never and all(d.status == Dwelling.Status.NOT_RETURNED for d in never)
    assert CoverageGap.objects.filter(campaign=campaign, dwelling__in=never).count() == 1
    # The people found who are not in the register wait for the grid worker.
    pending = PendingPerson.objects.filter(community=community, status=PendingPerson.Status.PENDING)
    assert pending.count() == built["newcomers"] >= 1
    # Every knock lies within the campaign, between 9:00 and 21:00, and before now.
    times = Knock.objects.filter(campaign=campaign).values_list("occurred_at", flat=True)
    assert all(campaign.starts_on <= t.astimezone(FROZEN_AT.tzinfo).date() for t in times)
    assert all(9 <= t.astimezone(FROZEN_AT.tzinfo).hour < 21 and t < FROZEN_AT for t in times)


def test_what_a_door_answers_agrees_with_the_register(community):
    demo_fieldwork(community=community, plan=PLAN, now=FROZEN_AT)
    knocks = Knock.objects.filter(campaign__community=community).select_related("dwelling")
    for knock in knocks:
        sealed = knock.dwelling.status in (Dwelling.Status.SEALED, Dwelling.Status.QUARANTINE)
        empty = not knock.dwelling.people.exists()
        assert (knock.outcome == Knock.Outcome.SEALED) == sealed, knock.dwelling
        assert (knock.outcome == Knock.Outcome.VACANT) == (empty and not sealed), knock.dwelling
        if knock.dwelling.status == Dwelling.Status.NOT_RETURNED:
            assert knock.outcome == Knock.Outcome.NOBODY_HOME


def test_it_is_deterministic_and_runs_once(community):
    demo_fieldwork(community=community, plan=PLAN, now=FROZEN_AT)
    first = _signature(community)
    assert demo_fieldwork(community=community, plan=PLAN, now=FROZEN_AT)["knocks"] == 0  # left alone
    assert _signature(community) == first
    for model in (CoverageGap, Knock, Campaign, SectionBuilding, Section, Team):
        model.objects.filter(**({"campaign__community": community} if model in (CoverageGap, Knock) else
                                {"section__community": community} if model is SectionBuilding else
                                {"community": community})).delete()
    PendingPerson.objects.filter(community=community).delete()
    demo_fieldwork(community=community, plan=PLAN, now=FROZEN_AT)
    assert _signature(community) == first


def test_a_community_without_a_plan_gets_sections_and_no_campaign(community):
    built = demo_fieldwork(community=community, plan=None, now=FROZEN_AT)
    assert built["sections"] > 0 and not Campaign.objects.filter(community=community).exists()
