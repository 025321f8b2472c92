"""The checkpoint bundle: signed, versioned, with the revocation list and the rules in force."""

import datetime as dt
import hashlib

import pytest
from django.utils import timezone

from fangxian.access import passcodec, services
from fangxian.access.models import SigningKey
from tests.access.conftest import make_checkpoint
from tests.api import Caller
from tests.factories import BuildingFactory, DwellingFactory, EstateFactory, PersonFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock_or_ci_clock")]


def open_bundle(text, community, at=None):
    """Verify a bundle the way a console does: with the keys it lists, after checking that
    the signer is one of the community's keys."""
    at = at or timezone.now()
    keys = services.verification_keys(community.pk, at)
    claims = passcodec.decode(text, prefix="FXB1:", keys=keys, now=at)
    return claims


def test_it_serves_a_signed_bundle_to_the_checkpoint_volunteer(client, gate):
    response = Caller(client, gate.users["erin"]).get("/access/bundle", checkpoint=gate.checkpoint.pk)
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    body = response.json()
    assert set(body) == {"bundle", "version", "max_age"} and body["max_age"] == 6 * 3600
    claims = open_bundle(body["bundle"], gate.community)
    assert claims[4] - claims[6] == body["max_age"]
    content = claims[-70002]
    assert content["version"] == body["version"] and content["checkpoint"] == gate.checkpoint.pk
    assert content["estates"] == [gate.estate.pk]
    assert content["fever_threshold"] == "37.3" and content["revoked"] == []
    [key] = content["keys"]
    stored = SigningKey.objects.get(community=gate.community)
    assert key == {"kid": bytes(stored.kid), "alg": -7, "jwk": stored.public_jwk}
    assert set(key["jwk"]) == {"kty", "crv", "x", "y"}


def test_it_lists_a_revoked_pass_in_the_bundle_until_it_expires(gate):
    before = services.bundle_build(checkpoint=gate.checkpoint)
    services.pass_revoke(pass_=gate.pass_b, reason="home_quarantine", user=gate.users["carol"])
    after = services.bundle_build(checkpoint=gate.checkpoint)
    assert after["version"] > before["version"]
    revoked = open_bundle(after["bundle"], gate.community)[-70002]["revoked"]
    assert revoked == [hashlib.sha256(bytes.fromhex(gate.pass_b.cti)).digest()[:16]]
    assert revoked == [passcodec.revocation_id(bytes.fromhex(gate.pass_b.cti))]
    later = gate.pass_b.valid_until + dt.timedelta(minutes=1)
    expired = services.bundle_build(checkpoint=gate.checkpoint, at=later)
    assert open_bundle(expired["bundle"], gate.community, at=later)[-70002]["revoked"] == []


def test_it_sorts_the_revocation_list_and_keeps_other_estates_out(gate):
    carol = gate.users["carol"]
    people = [PersonFactory(dwelling=gate.person_a.dwelling) for _ in range(5)]
    for person in people:
        services.pass_revoke(pass_=services.pass_issue(person=person, user=carol), reason="lost", user=carol)
    elsewhere = BuildingFactory(estate=EstateFactory(community=gate.community), grid=gate.grid_a)
    stranger = PersonFactory(dwelling=DwellingFactory(building=elsewhere))
    services.pass_revoke(pass_=services.pass_issue(person=stranger, user=carol), reason="lost", user=carol)
    bundle = services.bundle_build(checkpoint=gate.checkpoint)["bundle"]
    revoked = open_bundle(bundle, gate.community)[services.CLAIM_BUNDLE]["revoked"]
    assert len(revoked) == 5 and revoked == sorted(revoked) and all(len(r) == 16 for r in revoked)


def test_it_never_lowers_the_version(gate):
    carol = gate.users["carol"]
    versions = [services.bundle_build(checkpoint=gate.checkpoint)["version"]]
    services.pass_issue(person=gate.person_a, user=carol, kind="worker")
    versions.append(services.bundle_build(checkpoint=gate.checkpoint)["version"])
    versions.append(services.bundle_build(checkpoint=gate.checkpoint)["version"])  # nothing changed
    services.signing_key_rotate(community=gate.community, user=carol)
    versions.append(services.bundle_build(checkpoint=gate.checkpoint)["version"])
    assert versions[0] < versions[1] == versions[2] < versions[3]


def test_it_moves_the_version_when_a_later_rule_comes_into_force(gate):
    carol = gate.users["carol"]
    soon = timezone.now() + dt.timedelta(hours=1)
    services.rule_set(user=carol, community=gate.community, key="fever_threshold", value="37.5", effective_from=soon)
    now_bundle = services.bundle_build(checkpoint=gate.checkpoint)
    assert open_bundle(now_bundle["bundle"], gate.community)[-70002]["fever_threshold"] == "37.3"
    later = soon + dt.timedelta(minutes=1)
    later_bundle = services.bundle_build(checkpoint=gate.checkpoint, at=later)
    assert open_bundle(later_bundle["bundle"], gate.community, at=later)[-70002]["fever_threshold"] == "37.5"
    assert later_bundle["version"] > now_bundle["version"]


def test_it_refuses_the_bundle_of_a_checkpoint_elsewhere(client, gate):
    elsewhere = make_checkpoint(EstateFactory(community=gate.other))
    erin = Caller(client, gate.users["erin"])
    assert erin.get("/access/bundle", checkpoint=elsewhere.pk).status_code == 404
    assert erin.get("/access/bundle", checkpoint=2**70).status_code == 422
    olga = Caller(client, gate.users["olga"])
    assert olga.get("/access/bundle", checkpoint=elsewhere.pk).status_code == 200
    assert olga.get("/access/bundle", checkpoint=gate.checkpoint.pk).status_code == 404


def test_it_names_every_estate_of_the_community_and_no_other(gate):
    """The console refuses a pass for another estate by its name (it said "小区 2" before):
    the bundle names all the community's estates, and no other community's."""
    second = EstateFactory(community=gate.community, name="翠苑")
    EstateFactory(name="别的社区的小区")
    body = open_bundle(services.bundle_build(checkpoint=gate.checkpoint)["bundle"], gate.community)[-70002]
    assert body["estate_names"] == {gate.estate.pk: gate.estate.name, second.pk: "翠苑"}
    assert body["estates"] == [gate.estate.pk]  # it still admits only its own estate's passes
