"""The daily report's canvassing and care figures (fieldwork.report_sections)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from fangxian.fieldwork.models import Campaign, Knock
from fangxian.fieldwork.report_sections import fieldwork_figures
from fangxian.reports.dashboard_selectors import dashboard
from fangxian.reports.selectors import draft
from tests.conftest import FROZEN_AT
from tests.factories import BuildingFactory, CommunityFactory, DwellingFactory, EstateFactory
from tests.fieldwork.cast import fieldwork_cast

pytestmark = pytest.mark.django_db
TODAY = FROZEN_AT.date()


def knock(campaign, dwelling, outcome, at, **answers):
    return Knock.objects.create(campaign=campaign, dwelling=dwelling, outcome=outcome, occurred_at=at,
                                answers=answers)


def at(day, hour):
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


@pytest.fixture
def cast(two_grids, frozen_clock):
    return fieldwork_cast(two_grids)


def test_figures_of_a_campaign_in_progress(cast):
    yesterday = TODAY - dt.timedelta(days=1)
    extra = DwellingFactory(building=cast.building_a)  # nobody lives there: still a door to reach
    knock(cast.campaign, cast.dwelling_a, Knock.Outcome.NOBODY_HOME, at(yesterday, 10))
    knock(cast.campaign, cast.dwelling_a, Knock.Outcome.VISITED, at(TODAY, 9),
          newcomers=[{"name": "陈小燕", "phone": "", "note": ""}, {"name": "黄伟强", "phone": "", "note": ""}])
    knock(cast.campaign, cast.dwelling_b, Knock.Outcome.NOBODY_HOME, at(yesterday, 11))
    knock(cast.campaign, cast.dwelling_b, Knock.Outcome.NOBODY_HOME, at(TODAY, 9))
    knock(cast.campaign, extra, Knock.Outcome.REFUSED, at(yesterday, 19))

    figures = fieldwork_figures([cast.community.pk], TODAY)[cast.community.pk]

    assert figures["knocked_today"] == 2  # two doors, each once today
    assert figures["doors_covered"] == 1
    assert figures["doors_to_reach"] == 3
    assert figures["revisits_pending"] == 1
    assert figures["refusals"] == 1
    assert figures["newcomers_today"] == 2
    assert figures["care_visits_today"] == 0 and figures["care_overdue"] == 0


def test_a_past_day_counts_the_knocks_up_to_its_end(cast):
    yesterday = TODAY - dt.timedelta(days=1)
    knock(cast.campaign, cast.dwelling_a, Knock.Outcome.NOBODY_HOME, at(yesterday, 10))
    knock(cast.campaign, cast.dwelling_a, Knock.Outcome.VISITED, at(TODAY, 9))

    figures = fieldwork_figures([cast.community.pk], yesterday)[cast.community.pk]

    assert figures["doors_covered"] == 0
    assert figures["revisits_pending"] == 1
    assert figures["knocked_today"] == 1
    assert figures["doors_to_reach"] == 2


def test_blank_is_not_zero(cast):
    """No campaign: nobody could know the coverage (—). A campaign nobody knocked for today: 0."""
    figures = fieldwork_figures([cast.community.pk, cast.other.pk], TODAY)
    mine, other = figures[cast.community.pk], figures[cast.other.pk]

    assert mine["knocked_today"] == 0 and mine["newcomers_today"] == 0
    assert mine["doors_covered"] == 0 and mine["doors_to_reach"] == 2
    assert other["knocked_today"] is None and other["doors_to_reach"] is None
    assert other["doors_covered"] is None and other["refusals"] is None
    # The report's draft keeps the blanks (shown "—", named as not filed in totals).
    drafted = draft([cast.other.pk], TODAY)[cast.other.pk]["fieldwork"]
    assert drafted["doors_to_reach"] is None and drafted["care_overdue"] == 0


def test_a_campaign_closed_before_the_day_counts_nothing(cast):
    Campaign.objects.filter(pk=cast.campaign.pk).update(
        status=Campaign.Status.CLOSED, closed_at=at(TODAY - dt.timedelta(days=2), 18))

    figures = fieldwork_figures([cast.community.pk], TODAY)[cast.community.pk]
    assert figures["doors_covered"] is None and figures["knocked_today"] is None

    # On the day it closed it was open part of the day: its flows count, its levels do not.
    closing = fieldwork_figures([cast.community.pk], TODAY - dt.timedelta(days=2))[cast.community.pk]
    assert closing["knocked_today"] == 0 and closing["doors_to_reach"] is None


def test_the_latest_open_campaign_is_the_current_one(cast):
    newer = Campaign.objects.create(community=cast.community, name="复查", starts_on=TODAY - dt.timedelta(days=1),
                                    ends_on=TODAY + dt.timedelta(days=5))
    knock(cast.campaign, cast.dwelling_a, Knock.Outcome.VISITED, at(TODAY, 9))
    knock(newer, cast.dwelling_b, Knock.Outcome.REFUSED, at(TODAY, 9))

    figures = fieldwork_figures([cast.community.pk], TODAY)[cast.community.pk]
    assert (figures["doors_covered"], figures["refusals"]) == (0, 1)
    assert figures["knocked_today"] == 2  # the day's knocks of every campaign


def _community_with_campaign(n):
    community = CommunityFactory()
    building = BuildingFactory(estate=EstateFactory(community=community))
    campaign = Campaign.objects.create(community=community, name=f"敲门{n}", starts_on=TODAY - dt.timedelta(days=3),
                                       ends_on=TODAY + dt.timedelta(days=3))
    for room in range(3):
        dwelling = DwellingFactory(building=building, room=f"{n}0{room}")
        knock(campaign, dwelling, Knock.Outcome.VISITED if room else Knock.Outcome.NOBODY_HOME, at(TODAY, 9))
    return community.pk


def test_a_fixed_number_of_queries_whatever_the_communities(frozen_clock):
    one = [_community_with_campaign(1)]
    three = one + [_community_with_campaign(2), _community_with_campaign(3)]
    with CaptureQueriesContext(connection) as for_one:
        fieldwork_figures(one, TODAY)
    with CaptureQueriesContext(connection) as for_three:
        figures = fieldwork_figures(three, TODAY)
    assert len(for_three) == len(for_one)
    assert [(figures[pk]["doors_covered"], figures[pk]["doors_to_reach"]) for pk in three] == [(2, 3)] * 3


def test_the_wall_dashboard_shows_coverage_and_doors_covered_per_day(cast):
    yesterday = TODAY - dt.timedelta(days=1)
    knock(cast.campaign, cast.dwelling_a, Knock.Outcome.VISITED, at(yesterday, 15))
    knock(cast.campaign, cast.dwelling_a, Knock.Outcome.VISITED, at(TODAY, 9))  # covered already
    knock(cast.campaign, cast.dwelling_b, Knock.Outcome.NOBODY_HOME, at(TODAY, 9))

    data = dashboard([cast.community.pk], TODAY)

    assert data["figures"]["canvassing_coverage"] == 50
    assert data["trend"]["doors_covered"][-2:] == [1, 0]
    assert dashboard([cast.other.pk], TODAY)["figures"]["canvassing_coverage"] is None
