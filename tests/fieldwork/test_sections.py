"""The standing sections: who sees which, and moving a building from one section to another
only once the admin has confirmed it."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from fangxian.core.scope import Scope
from fangxian.fieldwork import services
from fangxian.fieldwork.models import Section, SectionBuilding
from tests.factories import BuildingFactory, DwellingFactory
from tests.fieldwork import matrix_campaigns

pytestmark = pytest.mark.usefixtures("frozen_clock")
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def cast(two_grids):
    matrix_campaigns.equip(two_grids)
    return two_grids


def _holder(building) -> Section | None:
    link = SectionBuilding.objects.filter(building=building).select_related("section").first()
    return link.section if link else None


def test_moving_a_building_asks_first_then_moves_it(client, cast):
    client.force_login(cast.users["carol"])
    url = reverse("fieldwork:section_edit", args=[cast.section_a.pk])
    data = {"community": cast.community.pk, "name": "一片区", "team": cast.team_a.pk,
            "buildings": [cast.building_a.pk, cast.building_b.pk]}
    asked = client.post(url, data, **EN)
    assert asked.status_code == 200
    page = asked.content.decode()
    assert "Confirm the moves" in page and f"{cast.building_b} moves from section 二片区." in page
    assert _holder(cast.building_b) == cast.section_b  # nothing changed yet
    done = client.post(url, {**data, "confirm_move": [cast.building_b.pk]})
    assert done.status_code == 302
    assert _holder(cast.building_b) == cast.section_a and _holder(cast.building_a) == cast.section_a
    assert not SectionBuilding.objects.filter(section=cast.section_b).exists()


def test_an_unconfirmed_move_is_refused_by_the_service(cast):
    with pytest.raises(ValidationError) as error:
        services.section_create(scope=Scope.everything(), user=cast.users["root"], community=cast.community,
                                name="三片区", buildings=[cast.building_b])
    assert "buildings" in error.value.message_dict
    assert not Section.objects.filter(name="三片区").exists() and _holder(cast.building_b) == cast.section_b


def test_unticking_a_building_leaves_it_in_no_section_and_the_list_warns(client, cast):
    client.force_login(cast.users["carol"])
    response = client.post(reverse("fieldwork:section_edit", args=[cast.section_b.pk]),
                           {"community": cast.community.pk, "name": "二片区", "team": cast.team_b.pk})
    assert response.status_code == 302 and _holder(cast.building_b) is None
    listing = client.get(reverse("fieldwork:section_list"), **EN).content.decode()
    assert "1 building is in no section: no team will knock there." in listing
    assert str(cast.building_b) in listing


def test_a_new_section_with_a_free_building_is_saved_at_once(client, cast):
    free = BuildingFactory(estate=cast.estate, grid=cast.grid_a)
    DwellingFactory(building=free)
    DwellingFactory(building=free)
    client.force_login(cast.users["carol"])
    response = client.post(reverse("fieldwork:section_create"),
                           {"community": cast.community.pk, "name": "三片区", "buildings": [free.pk]})
    assert response.status_code == 302
    section = Section.objects.get(name="三片区")
    assert section.team is None and _holder(free) == section
    row = client.get(reverse("fieldwork:section_list"), {"q": "三片区"}).context["page"][0]
    assert (row.name, row.n_buildings, row.n_doors) == ("三片区", 1, 2)


def test_the_section_form_shows_each_buildings_grid_and_section(client, cast):
    client.force_login(cast.users["carol"])
    page = client.get(reverse("fieldwork:section_edit", args=[cast.section_a.pk]), **EN).content.decode()
    assert "网格B · now in 二片区" in page and "网格A" in page


def test_a_section_of_another_community_cannot_take_carols_buildings(cast):
    olga = Scope.for_user(cast.users["olga"])
    with pytest.raises(ValidationError):
        services.section_create(scope=olga, user=cast.users["olga"], community=cast.other, name="越界",
                                buildings=[cast.building_a], moves_confirmed=[cast.building_a.pk])
    assert _holder(cast.building_a) == cast.section_a


def test_frank_sees_his_teams_section_only_and_changes_nothing(client, cast):
    client.force_login(cast.users["frank"])
    response = client.get(reverse("fieldwork:section_list"))
    assert [s.name for s in response.context["page"]] == ["二片区"]
    assert reverse("fieldwork:section_edit", args=[cast.section_b.pk]) not in response.content.decode()
    assert client.get(reverse("fieldwork:section_edit", args=[cast.section_b.pk])).status_code == 403
    assert client.post(reverse("fieldwork:section_delete", args=[cast.section_b.pk])).status_code == 403


def test_alice_sees_the_section_of_her_grid(client, cast):
    client.force_login(cast.users["alice"])
    assert [s.name for s in client.get(reverse("fieldwork:section_list")).context["page"]] == ["一片区"]


def test_dave_reads_every_section_and_the_warning(client, cast):
    SectionBuilding.objects.filter(building=cast.building_a).delete()
    client.force_login(cast.users["dave"])
    response = client.get(reverse("fieldwork:section_list"))
    assert {s.name for s in response.context["page"]} == {"一片区", "二片区", "备用片区"}
    # building A, and the other community's building (dave reads both communities)
    assert response.context["unsectioned_count"] == 2 and not response.context["can_edit"]
    client.force_login(cast.users["carol"])
    assert list(client.get(reverse("fieldwork:section_list")).context["unsectioned"]) == [cast.building_a]


def test_deleting_a_section_frees_its_buildings(client, cast):
    client.force_login(cast.users["carol"])
    assert client.post(reverse("fieldwork:section_delete", args=[cast.section_b.pk])).status_code == 302
    assert not Section.objects.filter(pk=cast.section_b.pk).exists() and _holder(cast.building_b) is None
