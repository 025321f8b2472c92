"""The register's person search: every word must match (11号 101 is room 101 of building 11号),
and a query too long for the box is cut with a word, never an error."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext

from fangxian.registry import selectors
from fangxian.registry.models import Person
from tests.factories import BuildingFactory, DwellingFactory, PersonFactory


@pytest.fixture
def rooms(two_grids):
    """Room 101 of 11号 (two people), room 101 of 12号, room 102 of 11号: one person each."""
    b11 = BuildingFactory(estate=two_grids.estate, grid=two_grids.grid_a, name="11号")
    b12 = BuildingFactory(estate=two_grids.estate, grid=two_grids.grid_a, name="12号")
    room_11_101 = DwellingFactory(building=b11, room="101")
    two_grids.in_11_101 = [PersonFactory(dwelling=room_11_101, name=n) for n in ("王一", "王二")]
    two_grids.in_12_101 = PersonFactory(dwelling=DwellingFactory(building=b12, room="101"), name="王三")
    two_grids.in_11_102 = PersonFactory(dwelling=DwellingFactory(building=b11, room="102"), name="王四")
    return two_grids


def found(q: str) -> set[str]:
    filters = selectors.PersonFilters.from_query({"q": q})
    people = Person.objects.filter(name__startswith="王")  # not the cast's others, whose rooms are numbered too
    return set(selectors.people_filtered(people, filters).values_list("name", flat=True))


def test_it_finds_a_room_of_a_building_when_both_are_typed(rooms):
    assert found("11号 101") == {"王一", "王二"}
    assert found("101 11号") == {"王一", "王二"}
    assert found("11号") == {"王一", "王二", "王四"}
    assert found("101") == {"王一", "王二", "王三"}


def test_it_requires_every_word_to_match(rooms):
    assert found("王一 101") == {"王一"}
    assert found("王一 102") == set()
    assert found("11号  101  ") == {"王一", "王二"}  # spaces are only separators


def test_it_finds_the_room_from_the_person_list_page(client, rooms):
    client.force_login(rooms.users["carol"])
    page = client.get(reverse("registry:person_list"), {"q": "11号 101"}).content.decode()
    assert "王一" in page and "王二" in page and "王三" not in page and "王四" not in page


def test_it_cuts_a_very_long_search_and_says_so(client, rooms):
    client.force_login(rooms.users["carol"])

    response = client.get(reverse("registry:person_list"), {"q": "王" * 5000})

    assert response.status_code == 200
    page = response.content.decode()
    with translation.override("zh-hans"):
        notice = gettext("The search was too long: only its first %(limit)s characters were used.")
    assert escape(notice % {"limit": selectors.SEARCH_MAX_LENGTH}) in page
    assert f'value="{"王" * selectors.SEARCH_MAX_LENGTH}"' in page
    assert 'name="q"' in page and f'maxlength="{selectors.SEARCH_MAX_LENGTH}"' in page


def test_it_says_nothing_about_a_search_of_normal_length(client, rooms):
    client.force_login(rooms.users["carol"])
    page = client.get(reverse("registry:person_list"), {"q": "王" * selectors.SEARCH_MAX_LENGTH}).content.decode()
    with translation.override("zh-hans"):
        notice = gettext("The search was too long: only its first %(limit)s characters were used.")
    assert escape(notice % {"limit": selectors.SEARCH_MAX_LENGTH}) not in page
