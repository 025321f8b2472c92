"""The walk's pages and its read API: who walks which building, the doors in stair order, the
residents masked, a constant number of queries however many buildings a team walks."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from fangxian.fieldwork.models import Campaign, Knock, SectionBuilding
from fangxian.registry.rooms import door_order, floor_of
from tests.api import Caller
from tests.conftest import FROZEN_AT
from tests.factories import BuildingFactory, DwellingFactory, PersonFactory
from tests.fieldwork.cast import fieldwork_cast
from tests.fieldwork.matrix_walk import API, PAGES, equip
from tests.roles import DENY, LOGIN, OK

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock")]


@pytest.fixture
def cast(two_grids):
    return fieldwork_cast(two_grids)


def walk_list(cast):
    return reverse("fieldwork:walk_buildings", args=[cast.campaign.pk])


def walk_api(caller, cast, building):
    return caller.get(f"/fieldwork/campaigns/{cast.campaign.pk}/walk", building=building.pk)


def test_bob_walks_building_b_only(client, cast):
    client.force_login(cast.users["bob"])
    page = client.get(walk_list(cast))
    assert page.status_code == 200
    html = page.content.decode()
    assert reverse("fieldwork:walk", args=[cast.campaign.pk, cast.building_b.pk]) in html
    assert reverse("fieldwork:walk", args=[cast.campaign.pk, cast.building_a.pk]) not in html
    assert client.get(reverse("fieldwork:walk", args=[cast.campaign.pk, cast.building_b.pk])).status_code == 200
    assert client.get(reverse("fieldwork:walk", args=[cast.campaign.pk, cast.building_a.pk])).status_code == 404


def test_alice_does_not_see_building_b(client, cast):
    client.force_login(cast.users["alice"])
    assert reverse("fieldwork:walk", args=[cast.campaign.pk, cast.building_b.pk]) not in client.get(
        walk_list(cast)).content.decode()
    assert client.get(reverse("fieldwork:walk", args=[cast.campaign.pk, cast.building_b.pk])).status_code == 404
    assert walk_api(Caller(client, cast.users["alice"]), cast, cast.building_b).status_code == 404


def test_the_list_counts_each_buildings_doors_by_state(client, cast):
    second = DwellingFactory(building=cast.building_b, room="202")
    DwellingFactory(building=cast.building_b, room="203")
    Knock.objects.create(campaign=cast.campaign, dwelling=cast.dwelling_b, outcome="visited", occurred_at=FROZEN_AT)
    Knock.objects.create(campaign=cast.campaign, dwelling=second, outcome="nobody_home", occurred_at=FROZEN_AT)
    client.force_login(cast.users["bob"])
    with translation.override("en"):
        html = client.get(walk_list(cast), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    for figure in ("3 doors", "1 covered", "1 to revisit", "1 not knocked yet"):
        assert figure in html, figure


def test_the_list_searches_by_building_name_and_says_when_nothing_is_given(client, cast):
    client.force_login(cast.users["carol"])
    html = client.get(walk_list(cast), {"q": cast.building_b.name}).content.decode()
    assert reverse("fieldwork:walk", args=[cast.campaign.pk, cast.building_b.pk]) in html
    assert reverse("fieldwork:walk", args=[cast.campaign.pk, cast.building_a.pk]) not in html
    SectionBuilding.objects.filter(section=cast.section_b).delete()
    client.force_login(cast.users["frank"])  # team B, no grid: nothing to walk now
    page = client.get(walk_list(cast))
    assert page.status_code == 200 and b"walk-building-link" not in page.content
    assert b'class="card empty"' in page.content


def test_a_closed_campaign_is_not_walked(client, cast):
    Campaign.objects.filter(pk=cast.campaign.pk).update(status=Campaign.Status.CLOSED)
    client.force_login(cast.users["bob"])
    closed = client.get(walk_list(cast))
    assert closed.status_code == 410 and cast.campaign.name in closed.content.decode()
    assert client.get(reverse("fieldwork:walk", args=[cast.campaign.pk, cast.building_b.pk])).status_code == 410
    assert walk_api(Caller(client, cast.users["bob"]), cast, cast.building_b).status_code == 404


def test_floors_and_rooms_are_read_from_the_room_number():
    assert [floor_of(r) for r in ("302", "1502", "3-1201", "2", "A12")] == [3, 15, 12, None, None]
    rooms = ["1001", "302", "2", "201", "301", "1002", "202", "B1"]
    assert sorted(rooms, key=door_order) == ["201", "202", "301", "302", "1001", "1002", "2", "B1"]


def test_the_api_gives_the_doors_in_stair_order_with_residents_masked(client, cast):
    for room in ("1201", "302", "301", "1101"):
        DwellingFactory(building=cast.building_b, room=room)
    upstairs = DwellingFactory(building=cast.building_b, room="1202")
    PersonFactory(dwelling=upstairs, name="欧阳小锋")
    Knock.objects.create(campaign=cast.campaign, dwelling=upstairs, outcome="refused", occurred_at=FROZEN_AT)
    response = walk_api(Caller(client, cast.users["frank"]), cast, cast.building_b)
    assert response.status_code == 200
    data = response.json()
    rooms = [d["room"] for d in data["doors"]]
    assert rooms.index("301") < rooms.index("302") < rooms.index("1101") < rooms.index("1201") < rooms.index("1202")
    door = next(d for d in data["doors"] if d["room"] == "1202")
    assert (door["floor"], door["state"], door["attempts"]) == (12, "refused", 1)
    assert [r["masked_name"] for r in door["residents"]] == ["欧**锋"]
    assert "欧阳小锋" not in response.content.decode() and cast.person_b.name not in response.content.decode()
    questions = {q["key"]: q for q in data["campaign"]["questions"]}
    assert questions["people_home"]["required"] and not questions["note"]["required"]
    assert questions["temperature"]["limits"] == {"min": 34.0, "max": 43.0}


def test_the_walk_page_hands_the_script_its_urls_and_translated_sentences(client, cast):
    client.force_login(cast.users["bob"])
    html = client.get(reverse("fieldwork:walk", args=[cast.campaign.pk, cast.building_b.pk])).content.decode()
    config = json.loads(html.split('id="fx-walk-config" type="application/json">')[1].split("</script>")[0])
    assert config["apiUrl"] == f"/api/v1/fieldwork/campaigns/{cast.campaign.pk}/walk?building={cast.building_b.pk}"
    assert config["swScope"] == "/fieldwork/"
    strings = json.loads(html.split('id="fx-walk-strings" type="application/json">')[1].split("</script>")[0])
    with translation.override("zh-hans"):
        assert strings["queued_sent"] == translation.gettext("Queued %(n)s, last sent %(time)s")


def test_the_service_worker_is_served_for_the_fieldwork_pages(client):
    response = client.get(reverse("fieldwork:walk_sw"))
    assert response.status_code == 200 and response["Content-Type"].startswith("application/javascript")
    assert response["Service-Worker-Allowed"] == "/fieldwork/"
    assert b"self.FX_SW = " in response.content and b"fieldwork/walk.js" in response.content


def test_the_list_runs_as_many_queries_for_12_buildings_as_for_2(client, cast):
    client.force_login(cast.users["bob"])

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(walk_list(cast)).status_code == 200
        return len(captured)

    def grow(n):
        for _ in range(n):
            building = BuildingFactory(estate=cast.estate, grid=cast.grid_b)
            SectionBuilding.objects.create(section=cast.section_b, building=building)
            for room in ("101", "102"):
                Knock.objects.create(campaign=cast.campaign, dwelling=DwellingFactory(building=building, room=room),
                                     outcome="visited", occurred_at=FROZEN_AT)

    grow(1)
    few = queries()
    grow(10)
    assert queries() == few


@pytest.mark.parametrize("role", ["anon", "alice", "bob", "carol", "dave", "erin", "frank", "olga", "root", "gina"])
def test_the_matrix_rows_hold_for_these_roles(client, two_grids, role):
    """The walk's rows of the scope matrix, walked here for a few roles (the lead's matrix walks all)."""
    equip(two_grids)
    if role != "anon":
        client.force_login(two_grids.users[role])
    for name, (_method, pk_of, expected) in PAGES.items():
        args = pk_of(two_grids) if pk_of else ()
        response = client.get(reverse(name, args=args if isinstance(args, tuple) else [args]))
        outcome = {403: DENY, 404: DENY}.get(response.status_code, OK if response.status_code == 200 else LOGIN
                                                 if "/login/" in response.headers.get("Location", "") else "?")
        assert outcome == expected[role], (name, response.status_code)
    for name, (pk_of, body_of, expected) in API.items():
        if name == "walk_doors":
            response = client.get(f"/api/v1/fieldwork/campaigns/{pk_of(two_grids)}/walk", body_of(two_grids))
        else:
            response = client.post("/api/v1/fieldwork/sync", json.dumps(body_of(two_grids)),
                                   content_type="application/json")
        outcome = {401: LOGIN, 403: DENY, 404: DENY, 200: OK}.get(response.status_code, "?")
        assert outcome == expected[role], (name, response.status_code)
