"""Coverage of a campaign: the detail page's figures, the section board and the never-reached
doors, checked against an independent count of the knocks, for each user's part of the community."""

from __future__ import annotations

import random
from collections import Counter

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from fangxian.fieldwork.models import Knock, Section, SectionBuilding
from fangxian.registry.models import Dwelling
from tests.factories import BuildingFactory, DwellingFactory, GridFactory
from tests.fieldwork import matrix_coverage
from tests.fieldwork.cast import fieldwork_cast
from tests.fieldwork.matrix_coverage import knock
from tests.roles import DENY, LOGIN, OK

pytestmark = pytest.mark.usefixtures("frozen_clock")

COVERING = {"visited", "vacant", "sealed"}


def expected_states(dwelling_ids) -> dict[int, str]:
    """Each door's state from its knock rows, in plain Python: covered if any visited, vacant or
    sealed knock; refused if not covered and any refusal; revisit if knocked at all; else not yet."""
    outcomes: dict[int, set] = {pk: set() for pk in dwelling_ids}
    for dwelling_id, outcome in Knock.objects.values_list("dwelling_id", "outcome"):
        if dwelling_id in outcomes:
            outcomes[dwelling_id].add(outcome)
    states = {}
    for pk, seen in outcomes.items():
        states[pk] = ("covered" if seen & COVERING else "refused" if "refused" in seen
                      else "revisit" if seen else "not_yet")
    return states


def counts(states) -> dict[str, int]:
    tally = Counter(states)
    return {state: tally[state] for state in ("covered", "revisit", "refused", "not_yet")}


def as_dict(coverage) -> dict[str, int]:
    return {state: getattr(coverage, state) for state in ("covered", "revisit", "refused", "not_yet")}


@pytest.fixture
def walked(two_grids):
    """Building A2 (grid A, section A), B2 (grid B, section B) and C (its own grid, no section),
    six doors each, and 0–4 knocks at every door of the community, drawn from a seeded random."""
    c = fieldwork_cast(two_grids)
    c.building_a2 = BuildingFactory(estate=c.estate, grid=c.grid_a)
    c.building_b2 = BuildingFactory(estate=c.estate, grid=c.grid_b)
    c.building_c = BuildingFactory(estate=c.estate, grid=GridFactory(community=c.community))
    SectionBuilding.objects.create(section=c.section_a, building=c.building_a2)
    SectionBuilding.objects.create(section=c.section_b, building=c.building_b2)
    for building in (c.building_a2, c.building_b2, c.building_c):
        for floor in range(1, 7):
            DwellingFactory(building=building, room=f"{floor}01")
    draw = random.Random(14)
    outcomes = list(Knock.Outcome.values) + ["nobody_home"] * 3
    for dwelling in Dwelling.objects.filter(building__community=c.community).order_by("pk"):
        for _ in range(draw.randint(0, 4)):
            knock(c.campaign, dwelling, draw.choice(outcomes), days_ago=draw.uniform(0.1, 5))
    c.community_doors = set(Dwelling.objects.filter(building__community=c.community).values_list("pk", flat=True))
    return c


def test_the_detail_page_counts_every_door_as_an_independent_count_does(client, walked):
    states = expected_states(walked.community_doors)
    assert set(states.values()) == {"covered", "revisit", "refused", "not_yet"}  # the draw tries each state
    client.force_login(walked.users["carol"])
    response = client.get(reverse("fieldwork:campaign_detail", args=[walked.campaign.pk]))
    assert response.status_code == 200
    total = response.context["total"]
    assert as_dict(total) == counts(states.values())
    assert total.percent == round(100 * counts(states.values())["covered"] / len(states))
    (_t, _f, by_section, _n), (_t2, _f2, by_team, _n2) = response.context["tables"]
    section_of = dict(SectionBuilding.objects.values_list("building_id", "section__name"))
    doors = dict(Dwelling.objects.filter(pk__in=states).values_list("pk", "building_id"))
    for part in by_section:
        mine = [s for pk, s in states.items() if section_of.get(doors[pk]) == part.name]
        assert as_dict(part.coverage) == counts(mine), part.name
    assert by_section[-1].name is None and by_section[-1].coverage.total == 6  # building C's doors
    assert {p.name for p in by_team} == {"第一小队", "第二小队", None}
    days = response.context["days"]
    assert sum(day[-1] for day in days) == Knock.objects.count()
    assert "二片区" in response.content.decode()


def test_the_board_counts_each_building_as_an_independent_count_does(client, walked):
    states = expected_states(walked.community_doors)
    client.force_login(walked.users["carol"])
    response = client.get(reverse("fieldwork:board", args=[walked.campaign.pk]))
    shown = {building.pk: coverage for group in response.context["groups"] for building, coverage in group.rows}
    assert len(shown) == 5
    for building_id, coverage in shown.items():
        mine = [s for pk, s in states.items() if Dwelling.objects.get(pk=pk).building_id == building_id]
        assert as_dict(coverage) == counts(mine)
    sections = [group.section.name if group.section else None for group in response.context["groups"]]
    assert sections == ["一片区", "二片区", None]


def test_bob_sees_only_the_doors_of_his_grid_and_team(client, walked):
    client.force_login(walked.users["bob"])
    board = client.get(reverse("fieldwork:board", args=[walked.campaign.pk]))
    buildings = {building.pk for group in board.context["groups"] for building, _c in group.rows}
    assert buildings == {walked.building_b.pk, walked.building_b2.pk}
    detail = client.get(reverse("fieldwork:campaign_detail", args=[walked.campaign.pk]))
    b_doors = set(Dwelling.objects.filter(building__grid=walked.grid_b).values_list("pk", flat=True))
    assert as_dict(detail.context["total"]) == counts(expected_states(b_doors).values())
    reached = client.get(reverse("fieldwork:never_reached", args=[walked.campaign.pk]))
    assert {door.building_id for door in reached.context["page"]} <= buildings


def test_the_board_filters_by_section_team_and_building(client, walked):
    client.force_login(walked.users["carol"])
    url = reverse("fieldwork:board", args=[walked.campaign.pk])

    def buildings(**query):
        response = client.get(url, query)
        return {b.pk for group in response.context["groups"] for b, _c in group.rows}

    assert buildings(section=walked.section_a.pk) == {walked.building_a.pk, walked.building_a2.pk}
    assert buildings(team=walked.team_b.pk) == {walked.building_b.pk, walked.building_b2.pk}
    assert buildings(q=walked.building_c.name) == {walked.building_c.pk}
    empty = client.get(url, {"q": "没有这栋楼"})
    assert empty.context["groups"] == [] and 'class="empty"' in empty.content.decode()


@pytest.fixture
def knocked(two_grids):
    """In building B: 301 knocked 3× nobody home, 302 twice, 303 3× then visited, 304 refused 3×."""
    c = fieldwork_cast(two_grids)
    c.doors = {room: DwellingFactory(building=c.building_b, room=room) for room in ("301", "302", "303", "304")}
    for room, outcomes in (("301", ["nobody_home"] * 3), ("302", ["nobody_home"] * 2),
                           ("303", ["nobody_home"] * 3 + ["visited"]), ("304", ["refused"] * 3)):
        for n, outcome in enumerate(outcomes):
            knock(c.campaign, c.doors[room], outcome, days_ago=4 - n)
    return c


def test_never_reached_lists_doors_knocked_the_full_number_of_times_and_not_covered(client, knocked):
    client.force_login(knocked.users["bob"])
    response = client.get(reverse("fieldwork:never_reached", args=[knocked.campaign.pk]))
    rooms = [door.room for door in response.context["page"]]
    assert rooms == ["301", "304"]
    page = response.content.decode()
    assert 'name="reason"' in page  # bob, the door's grid worker, may say why
    client.force_login(knocked.users["alice"])
    response = client.get(reverse("fieldwork:never_reached", args=[knocked.campaign.pk]))
    assert list(response.context["page"]) == []
    client.force_login(knocked.users["frank"])
    response = client.get(reverse("fieldwork:never_reached", args=[knocked.campaign.pk]))
    assert [d.room for d in response.context["page"]] == ["301", "304"]
    assert 'name="reason"' not in response.content.decode()  # walks it, gives no reasons
    searched = client.get(reverse("fieldwork:never_reached", args=[knocked.campaign.pk]), {"q": "304"})
    assert [d.room for d in searched.context["page"]] == ["304"]


def matrix_url(name, cast, pk_of):
    args = pk_of(cast) if pk_of else []
    return reverse(name, args=list(args) if isinstance(args, tuple | list) else [args])


@pytest.mark.parametrize("role", ["anon", "alice", "bob", "carol", "dave", "erin", "frank", "olga", "root", "gina"])
def test_the_matrix_rows_hold(client, two_grids, role):
    """A walk of this module's rows (the lead's matrix runs every role and app together)."""
    matrix_coverage.equip(two_grids)
    if role != "anon":
        client.force_login(two_grids.users[role])
    outcome = {302: OK, 200: OK, 403: DENY, 404: DENY}
    wrong = []
    for name, (method, pk_of, expected) in matrix_coverage.PAGES.items():
        response = getattr(client, method)(matrix_url(name, two_grids, pk_of), matrix_coverage.POST_DATA.get(name, {}))
        got = LOGIN if response.status_code == 302 and "/login/" in response.get("Location", "") else \
            outcome.get(response.status_code)
        if got != expected[role]:
            wrong.append(f"{name}: {expected[role]} expected, got {response.status_code}")
    assert not wrong, wrong


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def grow(cast, n: int, start: int) -> None:
    for i in range(start, start + n):
        building = BuildingFactory(estate=cast.estate, grid=GridFactory(community=cast.community))
        for floor in (1, 2):
            DwellingFactory(building=building, room=f"{floor}0{i % 9 + 1}")
        matrix_coverage.grow(cast, building, i)


@pytest.mark.parametrize("name", ["fieldwork:board", "fieldwork:never_reached", "fieldwork:campaign_detail"])
@pytest.mark.parametrize("user", ["carol", "bob"])
def test_the_pages_run_a_constant_number_of_queries(client, two_grids, name, user):
    matrix_coverage.equip(two_grids)
    client.force_login(two_grids.users[user])
    url = reverse(name, args=[two_grids.campaign.pk])
    grow(two_grids, 2, 0)
    few = count_queries(client, url)
    grow(two_grids, 6, 2)
    assert Section.objects.get(pk=two_grids.section_b.pk).section_buildings.count() == 9
    assert count_queries(client, url) == few
