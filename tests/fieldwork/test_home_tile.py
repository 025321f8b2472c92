"""Fieldwork's home tile: a canvasser's doors and a care visitor's day."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from fangxian.core.scope import Scope
from fangxian.fieldwork.home import fieldwork_tile
from fangxian.fieldwork.models import CareAssignment, CareCategory, CareRule, Knock
from fangxian.registry.models import Person
from tests.conftest import FROZEN_AT
from tests.factories import DwellingFactory, PersonFactory
from tests.fieldwork.cast import fieldwork_cast

pytestmark = pytest.mark.django_db
TODAY = FROZEN_AT.date()


@pytest.fixture
def cast(two_grids, frozen_clock):
    return fieldwork_cast(two_grids)


def tile(user):
    return fieldwork_tile(None, Scope.for_user(user))


def knock(cast, dwelling, outcome):
    Knock.objects.create(campaign=cast.campaign, dwelling=dwelling, outcome=outcome,
                         occurred_at=FROZEN_AT - dt.timedelta(hours=1))


def test_a_team_member_sees_the_doors_of_their_sections(cast, client):
    extra = DwellingFactory(building=cast.building_b)
    knock(cast, cast.dwelling_b, Knock.Outcome.VISITED)
    knock(cast, extra, Knock.Outcome.NOBODY_HOME)
    knock(cast, cast.dwelling_a, Knock.Outcome.VISITED)  # alice's section, not frank's

    line, = tile(cast.users["frank"])["canvassing"]
    assert (line["covered"], line["doors"], line["revisit"]) == (1, 2, 1)
    assert line["url"] == reverse("fieldwork:walk_buildings", args=[cast.campaign.pk])
    alice, = tile(cast.users["alice"])["canvassing"]
    assert (alice["covered"], alice["doors"], alice["revisit"]) == (1, 1, 0)

    client.force_login(cast.users["frank"])
    page = client.get(reverse("home")).content.decode()
    assert cast.campaign.name in page and reverse("fieldwork:walk_buildings", args=[cast.campaign.pk]) in page


def test_nothing_to_do_is_no_tile(cast):
    for name in ("carol", "dave", "erin", "olga", "root"):
        assert tile(cast.users[name]) is None, name


def test_a_care_visitor_sees_who_is_due_and_overdue(cast):
    CareRule.objects.create(community=cast.community, category=CareCategory.ELDERLY_ALONE, every_days=3,
                            effective_from=TODAY - dt.timedelta(days=10))
    Person.objects.filter(pk=cast.person_a.pk).update(is_elderly_alone=True)
    CareAssignment.objects.create(person=cast.person_a, visitor=cast.users["erin"])
    overdue = tile(cast.users["erin"])
    assert overdue["canvassing"] == [] and (overdue["care"]["due"], overdue["care"]["overdue"]) == (0, 1)
    assert overdue["care"]["url"] == reverse("fieldwork:care_plan")


def test_a_fixed_number_of_queries(cast):
    def count():
        with CaptureQueriesContext(connection) as queries:
            tile(cast.users["bob"])
        return len(queries)

    few = count()
    for i in range(5):
        dwelling = DwellingFactory(building=cast.building_b)
        PersonFactory(dwelling=dwelling)
        knock(cast, dwelling, Knock.Outcome.REFUSED)
    assert count() == few
