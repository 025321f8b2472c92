"""Every registry operation with the two_grids cast: who sees, who writes, who is refused."""

import pytest

from fangxian.core.models import AuditEvent
from fangxian.registry.models import Person
from tests.api import Caller, ids
from tests.factories import make_national_id


def as_(client, cast, name):
    return Caller(client, cast.users[name])


def test_it_shows_each_grid_worker_their_own_people(client, two_grids):
    assert ids(as_(client, two_grids, "alice").get("/registry/people")) == {two_grids.person_a.pk}
    assert ids(as_(client, two_grids, "bob").get("/registry/people")) == {two_grids.person_b.pk}


def test_it_shows_the_admin_their_community_and_the_officer_the_subdistrict(client, two_grids):
    both = {two_grids.person_a.pk, two_grids.person_b.pk}
    assert ids(as_(client, two_grids, "carol").get("/registry/people")) == both
    assert ids(as_(client, two_grids, "dave").get("/registry/people")) == both | {two_grids.outsider.pk}
    assert ids(as_(client, two_grids, "olga").get("/registry/people")) == {two_grids.outsider.pk}
    assert ids(as_(client, two_grids, "root").get("/registry/people")) == both | {two_grids.outsider.pk}


def test_it_answers_404_for_a_person_out_of_scope(client, two_grids):
    alice = as_(client, two_grids, "alice")
    assert alice.get(f"/registry/people/{two_grids.person_a.pk}").status_code == 200
    assert alice.get(f"/registry/people/{two_grids.person_b.pk}").status_code == 404
    assert alice.get(f"/registry/people/{two_grids.outsider.pk}").status_code == 404
    olga = as_(client, two_grids, "olga")
    assert olga.get(f"/registry/people/{two_grids.person_a.pk}").status_code == 404


def test_it_limits_places_to_the_grid_or_community(client, two_grids):
    alice, bob, olga = (as_(client, two_grids, name) for name in ("alice", "bob", "olga"))
    assert ids(alice.get("/registry/buildings")) == {two_grids.building_a.pk}
    assert ids(bob.get("/registry/buildings")) == {two_grids.building_b.pk}
    assert ids(alice.get("/registry/dwellings")) == {two_grids.person_a.dwelling_id}
    assert ids(bob.get("/registry/dwellings")) == {two_grids.person_b.dwelling_id}
    assert ids(alice.get("/registry/grids")) == {two_grids.grid_a.pk}
    # The structure of the community is readable by its grid workers.
    assert ids(alice.get("/registry/estates")) == {two_grids.estate.pk}
    assert ids(alice.get("/registry/communities")) == {two_grids.community.pk}
    assert ids(alice.get("/registry/groups")) == {two_grids.estate.group_id}
    assert ids(olga.get("/registry/communities")) == {two_grids.other.pk}
    assert two_grids.estate.pk not in ids(olga.get("/registry/estates"))
    for path in (f"/registry/buildings/{two_grids.building_b.pk}", f"/registry/grids/{two_grids.grid_b.pk}",
                 f"/registry/dwellings/{two_grids.person_b.dwelling_id}"):
        assert alice.get(path).status_code == 404, path
    for path in (f"/registry/buildings/{two_grids.building_a.pk}", f"/registry/grids/{two_grids.grid_a.pk}",
                 f"/registry/dwellings/{two_grids.person_a.dwelling_id}",
                 f"/registry/estates/{two_grids.estate.pk}", f"/registry/communities/{two_grids.community.pk}",
                 f"/registry/groups/{two_grids.estate.group_id}"):
        assert alice.get(path).status_code == 200, path
        assert olga.get(path).status_code == 404, path


@pytest.mark.parametrize("name", ["erin", "frank"])
def test_it_refuses_volunteers_every_registry_operation(client, two_grids, name):
    volunteer = as_(client, two_grids, name)
    pk = two_grids.person_a.pk
    for path in ("/registry/people", "/registry/dwellings", "/registry/buildings", "/registry/grids",
                 "/registry/estates", "/registry/groups", "/registry/communities", f"/registry/people/{pk}",
                 f"/registry/buildings/{two_grids.building_a.pk}", f"/registry/estates/{two_grids.estate.pk}",
                 f"/registry/communities/{two_grids.community.pk}"):
        assert volunteer.get(path).status_code == 403, path
    assert volunteer.post("/registry/people", valid_body(two_grids.person_a.dwelling_id)).status_code == 403
    assert volunteer.patch(f"/registry/people/{pk}", {"kind": "tenant"}).status_code == 403
    assert volunteer.post(f"/registry/people/{pk}/reveal", {"field": "phone", "reason": "check"}).status_code == 403
    assert Person.objects.count() == 3


def valid_body(dwelling_id, **extra):
    return {"name": "李小红", "national_id": make_national_id(sex="F"), "dwelling_id": dwelling_id, **extra}


def test_it_lets_the_officer_read_but_not_write(client, two_grids):
    dave = as_(client, two_grids, "dave")
    assert dave.get(f"/registry/people/{two_grids.person_a.pk}").status_code == 200
    assert dave.post("/registry/people", valid_body(two_grids.person_a.dwelling_id)).status_code == 403
    assert dave.patch(f"/registry/people/{two_grids.person_a.pk}", {"kind": "tenant"}).status_code == 403
    assert Person.objects.count() == 3
    assert Person.objects.get(pk=two_grids.person_a.pk).kind == "permanent"


def test_it_lets_a_grid_worker_write_only_in_their_grid(client, two_grids):
    alice = as_(client, two_grids, "alice")
    created = alice.post("/registry/people", valid_body(two_grids.person_a.dwelling_id))
    assert created.status_code == 201, created.content
    assert created.json()["grid_id"] == two_grids.grid_a.pk
    refused = alice.post("/registry/people", valid_body(two_grids.person_b.dwelling_id))
    assert refused.status_code == 422
    assert refused.json()["detail"][0]["field"] == "dwelling_id"
    assert alice.patch(f"/registry/people/{two_grids.person_a.pk}", {"kind": "tenant"}).status_code == 200
    assert alice.patch(f"/registry/people/{two_grids.person_b.pk}", {"kind": "tenant"}).status_code == 404
    moved = alice.patch(f"/registry/people/{two_grids.person_a.pk}", {"dwelling_id": two_grids.person_b.dwelling_id})
    assert moved.status_code == 422
    assert Person.objects.get(pk=two_grids.person_a.pk).dwelling_id != two_grids.person_b.dwelling_id
    assert Person.objects.get(pk=two_grids.person_b.pk).kind == "permanent"
    assert Person.objects.count() == 4


def test_it_lets_the_admin_write_in_their_community_only(client, two_grids):
    carol, olga = as_(client, two_grids, "carol"), as_(client, two_grids, "olga")
    assert carol.post("/registry/people", valid_body(two_grids.person_b.dwelling_id)).status_code == 201
    assert carol.patch(f"/registry/people/{two_grids.person_b.pk}", {"kind": "tenant"}).status_code == 200
    assert olga.patch(f"/registry/people/{two_grids.person_b.pk}", {"kind": "floating"}).status_code == 404
    refused = olga.post("/registry/people", valid_body(two_grids.person_b.dwelling_id))
    assert refused.status_code == 422
    assert Person.objects.get(pk=two_grids.person_b.pk).kind == "tenant"


def test_it_audits_creates_and_updates_by_field_name_only(client, two_grids):
    carol = as_(client, two_grids, "carol")
    body = valid_body(two_grids.person_a.dwelling_id, phone="13912345678")
    pk = carol.post("/registry/people", body).json()["id"]
    created = AuditEvent.objects.get(action="create", target_id=str(pk))
    assert created.actor == two_grids.users["carol"] and created.community_id == two_grids.community.pk
    carol.patch(f"/registry/people/{pk}", {"phone": "13987654321", "is_disabled": True})
    updated = AuditEvent.objects.get(action="update", target_id=str(pk))
    assert updated.detail == "is_disabled,phone"
    assert "1398" not in updated.detail + updated.reason


def test_it_reveals_in_scope_with_a_reason_and_audits_it(client, two_grids):
    alice = as_(client, two_grids, "alice")
    person = two_grids.person_a
    response = alice.post(f"/registry/people/{person.pk}/reveal",
                          {"field": "national_id", "reason": "checking a move-in slip"})
    assert response.status_code == 200
    assert response.json() == {"field": "national_id", "value": person.national_id}
    assert response["Cache-Control"] == "no-store"
    event = AuditEvent.objects.get(action="reveal")
    assert (event.actor, event.target_id, event.field, event.reason) == (
        two_grids.users["alice"], str(person.pk), "national_id", "checking a move-in slip")


def test_it_reveals_nothing_without_a_reason(client, two_grids):
    alice = as_(client, two_grids, "alice")
    url = f"/registry/people/{two_grids.person_a.pk}/reveal"
    for body in ({"field": "phone", "reason": ""}, {"field": "phone", "reason": " \x00 "}, {"field": "phone"}):
        response = alice.post(url, body)
        assert response.status_code == 422, body
        assert response.json()["detail"][0]["field"] == "reason"
        assert two_grids.person_a.phone not in response.content.decode()
    assert alice.post(url, {"field": "name", "reason": "curious"}).status_code == 422
    assert alice.post(f"/registry/people/{two_grids.person_b.pk}/reveal",
                      {"field": "phone", "reason": "curious"}).status_code == 404
    assert not AuditEvent.objects.filter(action="reveal").exists()


def test_it_filters_lists_like_the_web_list(client, two_grids):
    carol = as_(client, two_grids, "carol")
    a, b = two_grids.person_a, two_grids.person_b
    Person.objects.filter(pk=b.pk).update(is_party_member=True, kind="tenant")
    assert ids(carol.get("/registry/people", grid=two_grids.grid_a.pk)) == {a.pk}
    assert ids(carol.get("/registry/people", building=two_grids.building_b.pk)) == {b.pk}
    assert ids(carol.get("/registry/people", tag="is_party_member")) == {b.pk}
    assert ids(carol.get("/registry/people", kind="tenant")) == {b.pk}
    assert ids(carol.get("/registry/people", q=a.national_id[-4:])) == {a.pk}
    assert ids(carol.get("/registry/people", q=b.phone[-4:])) == {b.pk}
    assert ids(carol.get("/registry/people", q=a.name)) >= {a.pk}
    assert ids(carol.get("/registry/people", q=a.dwelling.room)) == {a.pk}
    assert ids(carol.get("/registry/people", status="sealed")) == set()
    assert ids(carol.get("/registry/dwellings", grid=two_grids.grid_b.pk)) == {b.dwelling_id}
    assert ids(carol.get("/registry/buildings", grid=two_grids.grid_b.pk)) == {two_grids.building_b.pk}
    page = carol.get("/registry/people", limit=1, offset=1).json()
    assert page["count"] == 2 and len(page["items"]) == 1 and page["offset"] == 1


def test_it_rejects_bad_filters_with_422_not_500(client, two_grids):
    carol = as_(client, two_grids, "carol")
    for params in ({"limit": 0}, {"limit": 10_000}, {"offset": -1}, {"tag": "is_rich"}, {"kind": "alien"},
                   {"grid": "x"}, {"grid": 2**70}, {"status": "burnt"}, {"q": "x" * 500}):
        response = carol.get("/registry/people", **params)
        assert response.status_code == 422, params
        assert response.json()["detail"][0]["field"] == next(iter(params)), response.json()
    assert carol.get("/registry/people", q="\x00").status_code == 200
    assert carol.get(f"/registry/people/{2**70}").status_code == 422
    assert carol.get("/registry/people/0").status_code == 422
    assert carol.get(f"/registry/people/{2**63 - 1}").status_code == 404
