"""The person pages: search, filters, the form, detail and export."""

import io

import openpyxl
from django.urls import reverse

from fangxian.core.models import AuditEvent
from fangxian.registry.models import Person
from tests.factories import DwellingFactory, PersonFactory, make_national_id


def names_on(response) -> set[str]:
    return {p.name for p in response.context["page"]}


def test_it_finds_people_by_the_last_digits_of_id_or_phone_and_by_room(client, two_grids):
    client.force_login(two_grids.users["carol"])
    a, b = two_grids.person_a, two_grids.person_b
    url = reverse("registry:person_list")
    assert names_on(client.get(url, {"q": a.national_id[-4:]})) == {a.name}
    assert names_on(client.get(url, {"q": b.phone[-4:]})) == {b.name}
    assert names_on(client.get(url, {"q": b.dwelling.room})) == {b.name}
    assert names_on(client.get(url, {"q": a.name[1:]})) == {a.name}


def test_it_filters_by_grid_tag_and_status(client, two_grids):
    client.force_login(two_grids.users["carol"])
    elder = PersonFactory(dwelling=DwellingFactory(building=two_grids.building_b, status="sealed"),
                          is_elderly_alone=True)
    url = reverse("registry:person_list")
    assert names_on(client.get(url, {"grid": two_grids.grid_a.pk})) == {two_grids.person_a.name}
    assert names_on(client.get(url, {"tag": "is_elderly_alone"})) == {elder.name}
    assert names_on(client.get(url, {"status": "sealed"})) == {elder.name}
    assert names_on(client.get(url, {"tag": "not-a-tag", "status": "nonsense"})) == {
        two_grids.person_a.name, two_grids.person_b.name, elder.name}


def test_it_answers_htmx_with_the_rows_only(client, two_grids):
    client.force_login(two_grids.users["carol"])
    response = client.get(reverse("registry:person_list"), {"q": "甲"}, headers={"HX-Request": "true"})
    assert "<html" not in response.content.decode()
    assert "<table" in response.content.decode()


def test_it_adds_a_person_from_the_form(client, two_grids):
    client.force_login(two_grids.users["alice"])
    national_id = make_national_id(sex="F")
    response = client.post(reverse("registry:person_create"), {
        "name": "阿依古丽·买买提", "national_id": national_id.lower(), "phone": "+86 139-0000-1111",
        "kind": "tenant", "building": two_grids.building_a.pk, "room": two_grids.person_a.dwelling.room,
        "is_disabled": "on",
    })
    person = Person.objects.get(national_id=national_id)
    assert response.url == reverse("registry:person_detail", args=[person.pk])
    assert (person.phone, person.sex, person.is_disabled) == ("13900001111", "F", True)
    assert person.birth_date.isoformat() == f"{national_id[6:10]}-{national_id[10:12]}-{national_id[12:14]}"


def wrong_check_digit(national_id: str) -> str:
    return national_id[:17] + ("0" if national_id[17] != "0" else "1")


def test_it_names_each_bad_field_and_changes_nothing(client, two_grids):
    client.force_login(two_grids.users["carol"])
    before = Person.objects.count()
    form_data = {"name": "王五", "national_id": wrong_check_digit(make_national_id()), "phone": "12345",
                 "kind": "tenant", "building": two_grids.building_a.pk, "room": two_grids.person_a.dwelling.room}
    response = client.post(reverse("registry:person_create"), form_data)
    assert set(response.context["form"].errors) == {"national_id", "phone"}
    response = client.post(reverse("registry:person_create"), {**form_data, "room": "no-such-room"})
    assert "room" in response.context["form"].errors
    assert Person.objects.count() == before


def test_it_keeps_the_id_and_phone_when_an_edit_leaves_them_blank(client, two_grids):
    client.force_login(two_grids.users["carol"])
    person = two_grids.person_a
    page = client.get(reverse("registry:person_edit", args=[person.pk])).content.decode()
    assert person.national_id not in page and person.phone not in page
    client.post(reverse("registry:person_edit", args=[person.pk]), {
        "name": "甲改名", "national_id": "", "phone": "", "kind": person.kind,
        "building": person.dwelling.building_id, "room": person.dwelling.room,
    })
    person.refresh_from_db()
    assert person.name == "甲改名"
    assert person.national_id == two_grids.person_a.national_id and person.phone == two_grids.person_a.phone


def test_it_logs_who_opened_a_person(client, two_grids):
    client.force_login(two_grids.users["dave"])
    client.get(reverse("registry:person_detail", args=[two_grids.person_a.pk]))
    event = AuditEvent.objects.get(action="view")
    assert (event.actor.username, event.target_id) == ("dave", str(two_grids.person_a.pk))


def test_it_exports_the_filtered_list_masked(client, two_grids):
    client.force_login(two_grids.users["carol"])
    response = client.get(reverse("registry:person_export"), {"grid": two_grids.grid_b.pk})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    cells = [str(c) for row in sheet.iter_rows(values_only=True) for c in row if c]
    assert two_grids.person_b.name in cells and two_grids.person_a.name not in cells
    assert two_grids.person_b.national_id_masked in cells
    assert AuditEvent.objects.filter(action="export").exists()


def test_a_name_too_long_is_told_by_its_field_as_the_register_says_it(client, two_grids):
    """Not Django's stock "确保该变量包含不超过 50 字符": the field's name and its limit."""
    client.force_login(two_grids.users["carol"])
    before = Person.objects.count()
    response = client.post(reverse("registry:person_create"), {
        "name": "王" * 51, "kind": "tenant", "building": two_grids.building_a.pk,
        "room": two_grids.person_a.dwelling.room, "phone": "1" * 31})
    errors = response.context["form"].errors
    for field, label, limit in (("name", "姓名", "50"), ("phone", "手机号", "30")):
        [message] = errors[field]
        assert message.startswith(label) and limit in message and "确保" not in message, message
    assert Person.objects.count() == before
