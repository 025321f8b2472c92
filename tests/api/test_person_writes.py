"""Creating and changing people through the API: normalised input, clear 422s, nothing half done."""

import datetime as dt

import pytest

from fangxian.core.models import AuditEvent
from fangxian.registry.models import Person
from tests.api import API, Caller, fields
from tests.factories import make_national_id


@pytest.fixture
def carol(client, two_grids):
    return Caller(client, two_grids.users["carol"])


def body(cast, **extra):
    return {"name": "李小红", "national_id": make_national_id(dt.date(1990, 2, 3), sex="F"),
            "dwelling_id": cast.person_a.dwelling_id, **extra}


def unchanged(cast):
    return Person.objects.count() == 3 and not AuditEvent.objects.filter(target_type="registry.Person").exists()


def test_it_normalises_what_people_type(carol, two_grids):
    national_id = make_national_id(dt.date(1990, 2, 3), sex="F")
    spaced = f"{national_id[:6]} {national_id[6:14]} {national_id[14:]}".lower()
    response = carol.post("/registry/people", body(
        two_grids, name="阿依古丽•买买提", national_id=spaced, phone="+86 139-1234-5678"))
    assert response.status_code == 201, response.content
    person = Person.objects.get(pk=response.json()["id"])
    assert person.name == "阿依古丽·买买提"
    assert person.national_id == national_id.upper()
    assert person.phone == "13912345678"
    # Birth date and sex are read from the ID number when not given.
    assert person.birth_date == dt.date(1990, 2, 3) and person.sex == "F"
    assert person.community == two_grids.community and person.subdistrict == two_grids.community.subdistrict
    assert response.json()["phone_masked"] == "139****5678"


def test_it_names_a_bad_check_digit(carol, two_grids):
    national_id = make_national_id()
    wrong = national_id[:17] + ("0" if national_id[17] != "0" else "1")
    response = carol.post("/registry/people", body(two_grids, national_id=wrong))
    assert fields(response) == {"national_id"}
    assert unchanged(two_grids)


def test_it_names_a_bad_phone(carol, two_grids):
    response = carol.post("/registry/people", body(two_grids, phone="12345"))
    assert fields(response) == {"phone"}
    assert unchanged(two_grids)


def test_it_refuses_a_duplicate_id_number_in_the_subdistrict(carol, two_grids):
    for existing in (two_grids.person_b, two_grids.outsider):  # same community; another one of the subdistrict
        response = carol.post("/registry/people", body(two_grids, national_id=existing.national_id))
        assert fields(response) == {"national_id"}
    assert unchanged(two_grids)
    response = carol.patch(f"/registry/people/{two_grids.person_a.pk}", {"national_id": two_grids.person_b.national_id})
    assert fields(response) == {"national_id"}
    assert unchanged(two_grids)


def test_it_checks_a_given_birth_date_against_the_id_number(carol, two_grids):
    response = carol.post("/registry/people", body(two_grids, birth_date="1990-02-04"))
    assert fields(response) == {"birth_date"}
    assert "1990-02-03" in response.json()["detail"][0]["message"]
    assert carol.post("/registry/people", body(two_grids, birth_date="1990-02-03")).status_code == 201


def test_it_names_every_bad_field_at_once(carol, two_grids):
    response = carol.post("/registry/people", {"name": "王1", "national_id": "123", "phone": "abc", "dwelling_id": 1})
    assert fields(response) >= {"name", "national_id", "phone"}
    assert unchanged(two_grids)


def test_it_says_what_is_missing_or_unknown(carol, two_grids):
    assert fields(carol.post("/registry/people", {"name": "李小红"})) == {"national_id"}
    assert fields(carol.post("/registry/people",
                             {"name": "李小红", "national_id": make_national_id()})) == {"dwelling_id"}
    assert fields(carol.post("/registry/people", body(two_grids, national_id_full="x"))) == {"national_id_full"}
    assert fields(carol.post("/registry/people", body(two_grids, kind="alien"))) == {"kind"}
    assert fields(carol.post("/registry/people", body(two_grids, dwelling_id=2**70))) == {"dwelling_id"}
    assert fields(carol.post("/registry/people", body(two_grids, birth_date="yesterday"))) == {"birth_date"}
    assert fields(carol.post("/registry/people", body(two_grids, name="\x00"))) == {"name"}
    assert fields(carol.post("/registry/people", [1, 2])) == {None}
    assert unchanged(two_grids)


def test_it_answers_400_to_a_body_that_is_not_json(client, two_grids):
    carol = Caller(client, two_grids.users["carol"])
    response = client.post(f"{API}/registry/people", "{not json", content_type="application/json", **carol.headers)
    assert response.status_code == 400
    assert unchanged(two_grids)


def test_it_speaks_the_callers_language(client, two_grids):
    carol = Caller(client, two_grids.users["carol"])
    carol.headers["HTTP_ACCEPT_LANGUAGE"] = "en"
    response = carol.post("/registry/people", body(two_grids, phone="12345"))
    assert response.json()["detail"] == [
        {"field": "phone", "message": "A mobile number has 11 digits and starts with 13 to 19."}]
    detail = carol.post("/registry/people", {"name": "李小红"}).json()["detail"]
    assert detail[0]["message"] == "This field is required."


def test_it_changes_only_the_fields_sent(carol, two_grids):
    person = two_grids.person_a
    response = carol.patch(f"/registry/people/{person.pk}", {"phone": "139 0000 1111", "is_elderly_alone": True})
    assert response.status_code == 200, response.content
    person.refresh_from_db()
    assert (person.phone, person.is_elderly_alone, person.kind) == ("13900001111", True, "permanent")
    assert carol.patch(f"/registry/people/{person.pk}", {"phone": ""}).status_code == 200
    person.refresh_from_db()
    assert person.phone == ""


def test_it_rereads_birth_date_and_sex_from_a_new_id_number(carol, two_grids):
    person = two_grids.person_a
    new_id = make_national_id(dt.date(1975, 12, 1), sex="F")
    response = carol.patch(f"/registry/people/{person.pk}", {"national_id": new_id})
    assert response.status_code == 200, response.content
    person.refresh_from_db()
    assert (person.national_id, person.birth_date, person.sex) == (new_id, dt.date(1975, 12, 1), "F")
    assert fields(carol.patch(f"/registry/people/{person.pk}", {"birth_date": "1975-12-02"})) == {"birth_date"}


def test_it_moves_a_person_within_the_writers_scope(carol, two_grids):
    person = two_grids.person_a
    response = carol.patch(f"/registry/people/{person.pk}", {"dwelling_id": two_grids.person_b.dwelling_id})
    assert response.status_code == 200
    assert response.json()["grid_id"] == two_grids.grid_b.pk
    outside = carol.patch(f"/registry/people/{person.pk}", {"dwelling_id": two_grids.outsider.dwelling_id})
    assert fields(outside) == {"dwelling_id"}


def test_it_refuses_a_blank_name_or_id_on_update(carol, two_grids):
    assert fields(carol.patch(f"/registry/people/{two_grids.person_a.pk}", {"name": " "})) == {"name"}
    assert fields(carol.patch(f"/registry/people/{two_grids.person_a.pk}", {"national_id": None})) == {"national_id"}


def test_it_lets_only_an_admin_hold_a_person_without_a_dwelling(client, two_grids):
    alice = Caller(client, two_grids.users["alice"])
    assert fields(alice.patch(f"/registry/people/{two_grids.person_a.pk}", {"dwelling_id": None})) == {"dwelling_id"}
    refused = alice.post("/registry/people", {"name": "李小红", "national_id": make_national_id(),
                                              "community_id": two_grids.community.pk})
    assert fields(refused) == {"community_id"}
    carol = Caller(client, two_grids.users["carol"])
    response = carol.patch(f"/registry/people/{two_grids.person_a.pk}", {"dwelling_id": None})
    assert response.status_code == 200
    assert (response.json()["dwelling_id"], response.json()["room"]) == (None, None)
    created = carol.post("/registry/people", {"name": "李小红", "national_id": make_national_id(),
                                              "community_id": two_grids.community.pk})
    assert created.status_code == 201 and created.json()["community_id"] == two_grids.community.pk
    assert fields(carol.post("/registry/people", {"name": "李小红", "national_id": make_national_id(),
                                                  "community_id": two_grids.other.pk})) == {"community_id"}
