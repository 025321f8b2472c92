"""A room number that cannot be one is told why: too long (with the limit), or a sign no room
has (with the signs allowed), the same in the room form, the person form and the Excel import."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from fangxian.registry import person_rules, residents_import
from fangxian.registry.forms import DwellingForm
from fangxian.registry.models import Dwelling


def zh(text: str) -> str:
    with translation.override("zh-hans"):
        return str(text)


def fault(room: str) -> str:
    with translation.override("zh-hans"):
        return person_rules.room_fault(room)


@pytest.mark.parametrize("room", ["101", "3-201", "B座1201", "12#301", "东区 5(甲)", "１０２"])
def test_it_accepts_the_room_numbers_offices_write(room):
    assert person_rules.room_fault(room) is None


def test_it_says_a_room_number_is_too_long_and_names_the_limit():
    with translation.override("en"):
        message = person_rules.room_fault("1" * 5000)
    assert "at most 20 characters" in message and "5000" in message


def test_it_names_the_signs_a_room_number_cannot_hold():
    with translation.override("en"):
        message = person_rules.room_fault("<script>")
    assert "“<>”" in message and "- / # ." in message


@pytest.mark.parametrize("room", ["<script>", "1" * 5000])
def test_it_gives_the_reason_on_the_room_form_of_a_building(client, two_grids, room):
    client.force_login(two_grids.users["carol"])
    before = Dwelling.objects.count()

    response = client.post(reverse("registry:dwelling_create", args=[two_grids.building_a.pk]), {"room": room},
                           follow=True)

    page = response.content.decode()
    assert escape(fault(room)) in page
    with translation.override("zh-hans"):
        assert escape(translation.gettext("Enter a room number.")) not in page
    assert Dwelling.objects.count() == before


def test_it_keeps_saying_enter_a_room_when_it_is_blank(client, two_grids):
    client.force_login(two_grids.users["carol"])
    response = client.post(reverse("registry:dwelling_create", args=[two_grids.building_a.pk]), {"room": "  "},
                           follow=True)
    with translation.override("zh-hans"):
        assert escape(translation.gettext("This field is required.")) in response.content.decode()


def test_it_gives_the_same_reason_in_the_room_form_the_person_form_and_the_import(two_grids):
    room = "<b>101</b>"
    form = DwellingForm({"room": room})
    assert not form.is_valid()
    row = {"name": "王芳", "national_id": two_grids.person_a.national_id[:-4] + "0000", "kind": "常住",
           "estate": two_grids.estate.name, "building": two_grids.building_a.name, "room": room}
    with translation.override("zh-hans"):
        form_message = DwellingForm({"room": room}).errors["room"][0]
        check = residents_import.residents_check([(4, row)], community=two_grids.community)
    room_errors = [e for e in check.errors if e.field == "room"]
    assert [e.message for e in room_errors] == [form_message] == [fault(room)]

    with translation.override("zh-hans"):
        long_check = residents_import.residents_check([(4, {**row, "room": "1" * 5000})],
                                                      community=two_grids.community)
    assert [e.message for e in long_check.errors if e.field == "room"] == [fault("1" * 5000)]


def test_it_gives_the_reason_on_the_person_form(client, two_grids):
    client.force_login(two_grids.users["carol"])
    response = client.post(reverse("registry:person_create"), {
        "name": "王芳", "national_id": two_grids.person_a.national_id, "kind": "permanent",
        "building": two_grids.building_a.pk, "room": "<script>"})
    assert response.status_code == 200
    assert escape(fault("<script>")) in response.content.decode()
