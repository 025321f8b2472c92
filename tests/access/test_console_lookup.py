"""The console's manual lookup (GET /api/v1/access/lookup): a resident without a card, by
building, room and name.

Only the volunteers and admins of the checkpoint's community may ask; the answer names
people masked, with building and room, and never an ID number or a phone.
"""

from __future__ import annotations

import functools

import pytest

from fangxian.access import services
from fangxian.access.models import Pass
from fangxian.api.api import api
from fangxian.core.models import AuditEvent
from fangxian.core.personal import mask_name as core_mask_name
from fangxian.core.scope import Role
from tests.access.conftest import make_checkpoint
from tests.factories import BuildingFactory, DwellingFactory, EstateFactory, PersonFactory, make_user

pytestmark = pytest.mark.django_db

mask_name = functools.partial(core_mask_name, hide_single=True)  # what the lookup shows


def _lookup(client, checkpoint, **params):
    return client.get("/api/v1/access/lookup", {"checkpoint": checkpoint.pk, **params})


def _where(person):
    return {"building": person.dwelling.building.name, "room": person.dwelling.room}


def test_it_finds_a_resident_by_building_and_room(client, gate):
    client.force_login(gate.users["erin"])
    response = _lookup(client, gate.checkpoint, **_where(gate.person_a))
    assert response.status_code == 200
    [found] = response.json()["results"]
    assert found == {
        "person": gate.person_a.pk,
        "name": mask_name(gate.person_a.name),
        "estate": gate.estate.name,
        "building": gate.person_a.dwelling.building.name,
        "room": gate.person_a.dwelling.room,
        "has_valid_pass": True,
    }
    assert response["Cache-Control"] == "no-store"


def test_it_finds_a_resident_by_name(client, gate):
    client.force_login(gate.users["erin"])
    results = _lookup(client, gate.checkpoint, name=gate.person_b.name).json()["results"]
    assert [r["person"] for r in results] == [gate.person_b.pk]


def test_it_never_answers_with_an_id_number_a_phone_or_a_full_name(client, gate):
    client.force_login(gate.users["erin"])
    for params in (_where(gate.person_a), _where(gate.person_b), {"name": gate.person_a.name[:2]}):
        body = _lookup(client, gate.checkpoint, **params).content.decode()
        for person in (gate.person_a, gate.person_b):
            assert person.national_id not in body and person.national_id_masked not in body
            assert person.phone not in body and person.phone_masked not in body
            assert person.name not in body
        assert "national_id" not in body and "phone" not in body


def test_it_says_who_holds_no_valid_pass(client, gate):
    services.pass_revoke(pass_=gate.pass_a, reason=Pass.RevokeReason.MOVED_OUT, user=gate.users["carol"])
    client.force_login(gate.users["erin"])
    [found] = _lookup(client, gate.checkpoint, **_where(gate.person_a)).json()["results"]
    assert found["has_valid_pass"] is False


def test_it_looks_only_in_the_checkpoints_estates(client, gate):
    other_estate = EstateFactory(community=gate.community)
    neighbour = PersonFactory(dwelling=DwellingFactory(building=BuildingFactory(estate=other_estate)),
                              name=gate.person_a.name)
    client.force_login(gate.users["erin"])
    found = {r["person"] for r in _lookup(client, gate.checkpoint, name=gate.person_a.name).json()["results"]}
    assert gate.person_a.pk in found
    assert neighbour.pk not in found and gate.outsider.pk not in found
    assert not _lookup(client, gate.checkpoint, **_where(gate.outsider)).json()["results"]


def test_it_asks_for_enough_to_narrow_the_search(client, gate):
    client.force_login(gate.users["erin"])
    for params in ({}, {"building": gate.person_a.dwelling.building.name}, {"name": "张"}, {"room": "101"}):
        answer = _lookup(client, gate.checkpoint, **params).json()
        assert answer["results"] == [], params
        assert answer["detail"], params


def test_it_writes_each_lookup_to_the_audit_log(client, gate):
    client.force_login(gate.users["erin"])
    _lookup(client, gate.checkpoint, **_where(gate.person_a))
    event = AuditEvent.objects.get(target_type="access.Checkpoint", target_id=str(gate.checkpoint.pk))
    assert event.actor == gate.users["erin"] and event.community_id == gate.community.pk
    assert gate.person_a.name not in event.detail


@pytest.mark.parametrize("name, status", [("alice", 403), ("dave", 403), ("frank", 403), ("olga", 404)])
def test_it_refuses_everyone_but_the_checkpoints_volunteers_and_admins(client, gate, name, status):
    client.force_login(gate.users[name])
    response = _lookup(client, gate.checkpoint, **_where(gate.person_a))
    assert response.status_code == status
    body = response.content.decode()
    assert mask_name(gate.person_a.name) not in body and '"results"' not in body


def test_it_refuses_a_volunteer_of_another_community(client, gate):
    stranger = make_user("sam", Role.CHECKPOINT_VOLUNTEER, gate.other)
    elsewhere = make_checkpoint(gate.outsider.dwelling.building.estate)
    client.force_login(stranger)
    assert _lookup(client, gate.checkpoint, **_where(gate.person_a)).status_code == 404
    # …while their own checkpoint answers them, about their own estate only.
    [found] = _lookup(client, elsewhere, **_where(gate.outsider)).json()["results"]
    assert found["person"] == gate.outsider.pk


def test_it_asks_a_stranger_to_log_in(client, gate):
    response = _lookup(client, gate.checkpoint, **_where(gate.person_a))
    assert response.status_code == 401 and "detail" in response.json()


def test_it_answers_a_bad_checkpoint_in_the_one_error_shape(client, gate):
    client.force_login(gate.users["erin"])
    response = client.get("/api/v1/access/lookup", {"checkpoint": "gate"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "checkpoint"


def test_it_is_documented_in_openapi():
    operation = api.get_openapi_schema()["paths"]["/api/v1/access/lookup"]["get"]
    names = {p["name"] for p in operation["parameters"]}
    assert {"checkpoint", "building", "room", "name"} <= names
    assert {200, 401, 403, 404, 422} <= {int(code) for code in operation["responses"]}


@pytest.mark.parametrize("name, masked", [
    ("张三", "张*"), ("张小三", "张*三"), ("欧阳小明", "欧**明"), ("李", "*"), ("", ""),
    ("阿依古丽·买买提", "阿******提"),
])
def test_it_masks_names(name, masked):
    assert mask_name(name) == masked
