"""Passes: issue, reissue, revoke, bulk issue for a building, the QR they carry."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from fangxian.access import passcodec, services
from fangxian.access.models import AccessChange, Pass
from fangxian.core.models import AuditEvent
from fangxian.registry.models import Dwelling
from tests.factories import DwellingFactory, PersonFactory

pytestmark = pytest.mark.django_db


def keys_now(community):
    return services.verification_keys(community.pk, timezone.now())


def test_it_issues_a_pass_for_the_estate_the_person_lives_in(gate):
    pass_ = gate.pass_a
    assert pass_.estate == gate.estate and pass_.community == gate.community
    assert pass_.kind == "resident" and len(pass_.cti) == 32 and pass_.status == "valid"
    days = (pass_.valid_until - pass_.valid_from).days
    assert days == 90  # the pass_valid_days rule's default
    assert AuditEvent.objects.filter(target_type="access.Pass", target_id=str(pass_.pk), action="create").exists()


def test_it_gives_a_tenant_a_tenant_pass_and_a_visitor_a_short_one(gate):
    tenant = PersonFactory(dwelling=gate.person_a.dwelling, kind="tenant")
    assert services.pass_issue(person=tenant, user=gate.users["carol"]).kind == "tenant"
    visitor = services.pass_issue(person=tenant, kind="visitor", user=gate.users["carol"])
    assert visitor.valid_until - visitor.valid_from == dt.timedelta(hours=24)


def test_it_follows_the_rules_in_force(gate):
    carol = gate.users["carol"]
    services.rule_set(user=carol, community=gate.community, key="visitor_pass_hours", value="6")
    visitor = services.pass_issue(person=gate.person_a, kind="visitor", user=carol)
    assert visitor.valid_until - visitor.valid_from == dt.timedelta(hours=6)
    with pytest.raises(ValidationError):
        services.rule_set(user=carol, community=gate.community, key="fever_threshold", value="42")


def test_it_carries_no_personal_data_in_the_qr(gate):
    text = services.pass_qr_text(gate.pass_a)
    assert text.startswith("FX1:")
    claims = passcodec.decode(text, prefix="FX1:", keys=keys_now(gate.community), now=timezone.now())
    assert claims[7] == bytes.fromhex(gate.pass_a.cti)
    assert claims[-70001] == {"estate": gate.estate.pk, "kind": "resident"}
    assert claims[4] == int(gate.pass_a.valid_until.timestamp())
    assert set(claims) == {7, 6, 4, -70001}
    for secret in (gate.person_a.name, gate.person_a.national_id, gate.person_a.phone):
        assert secret not in repr(claims)


def test_it_reissues_a_pass_and_revokes_the_old_one(gate):
    new = services.pass_reissue(pass_=gate.pass_a, user=gate.users["carol"])
    old = Pass.objects.get(pk=gate.pass_a.pk)
    assert old.status == "revoked" and old.revoke_reason == "reissued" and old.replaced_by == new
    assert new.status == "valid" and new.cti != old.cti and (new.person, new.estate, new.kind) == (
        old.person, old.estate, old.kind)
    with pytest.raises(ValidationError):
        services.pass_reissue(pass_=old, user=gate.users["carol"])


def test_it_revokes_with_a_reason(gate):
    carol = gate.users["carol"]
    with pytest.raises(ValidationError):
        services.pass_revoke(pass_=gate.pass_a, reason="bored", user=carol)
    with pytest.raises(ValidationError):
        services.pass_revoke(pass_=gate.pass_a, reason="other", note="", user=carol)  # other needs a note
    before = AccessChange.objects.count()
    services.pass_revoke(pass_=gate.pass_a, reason="home_quarantine", user=carol)
    assert Pass.objects.get(pk=gate.pass_a.pk).status == "revoked"
    assert AccessChange.objects.count() == before + 1
    with pytest.raises(ValidationError):
        services.pass_revoke(pass_=gate.pass_a, reason="lost", user=carol)


def test_it_issues_passes_for_a_building_skipping_holders_and_absentees(gate):
    building = gate.building_a
    newcomer = PersonFactory(dwelling=DwellingFactory(building=building))
    away = PersonFactory(dwelling=DwellingFactory(building=building, status=Dwelling.Status.NOT_RETURNED))
    result = services.passes_issue_for_building(building=building, user=gate.users["carol"])
    assert (result["issued"], result["had_valid"], result["not_present"]) == (1, 1, 1)
    assert [p.person for p in result["passes"]] == [newcomer]
    assert not Pass.objects.filter(person=away).exists()
    again = services.passes_issue_for_building(building=building, user=gate.users["carol"])
    assert again["issued"] == 0
    assert AuditEvent.objects.filter(target_type="access.Pass", detail=f"building {building.pk}").count() == 1


def test_it_issues_revokes_and_reissues_through_the_pages(client, gate):
    client.force_login(gate.users["carol"])
    response = client.post(reverse("access:pass_issue", args=[gate.person_b.pk]),
                           {"estate": gate.estate.pk, "kind": "worker"})
    new = Pass.objects.filter(person=gate.person_b, kind="worker").get()
    assert response.status_code == 302 and response["Location"] == reverse("access:pass_detail", args=[new.pk])
    refused = client.post(reverse("access:pass_revoke", args=[new.pk]), {"reason": "other"}, follow=True)
    assert "revoked" not in Pass.objects.get(pk=new.pk).status
    assert refused.status_code == 200
    client.post(reverse("access:pass_revoke", args=[new.pk]), {"reason": "moved_out"})
    assert Pass.objects.get(pk=new.pk).revoke_reason == "moved_out"
    response = client.post(reverse("access:pass_reissue", args=[gate.pass_b.pk]))
    replacement = Pass.objects.get(pk=gate.pass_b.pk).replaced_by
    assert response["Location"] == reverse("access:pass_detail", args=[replacement.pk])


def test_it_shows_grid_workers_the_passes_of_their_grids_only(client, gate):
    client.force_login(gate.users["alice"])
    page = client.get(reverse("access:pass_list")).content.decode()
    assert gate.person_a.name in page and gate.person_b.name not in page
    assert client.get(reverse("access:pass_detail", args=[gate.pass_b.pk])).status_code == 404
    assert client.post(reverse("access:pass_revoke", args=[gate.pass_a.pk]), {"reason": "lost"}).status_code == 403


def test_it_filters_the_pass_list(client, gate):
    services.pass_revoke(pass_=gate.pass_b, reason="lost", user=gate.users["carol"])
    client.force_login(gate.users["carol"])
    url = reverse("access:pass_list")
    assert gate.person_b.name not in client.get(url, {"state": "valid"}).content.decode()
    revoked = client.get(url, {"state": "revoked"}).content.decode()
    assert gate.person_b.name in revoked and gate.person_a.name not in revoked
    assert gate.person_a.name in client.get(url, {"q": gate.person_a.name}).content.decode()
    assert client.get(url, {"estate": "99999999999999999999", "page": "x", "kind": "<"}).status_code == 200


def test_it_shows_the_phone_pass_without_login_and_masked(client, gate):
    url = reverse("access:pass_phone", args=[gate.pass_a.phone_token])
    page = client.get(url)
    body = page.content.decode()
    assert page.status_code == 200 and "<svg" in body
    assert gate.person_a.name not in body
    assert gate.person_a.name[0] + "*" in body
    assert page["Cache-Control"].startswith("max-age=0") or "no-cache" in page["Cache-Control"]
    assert client.get(reverse("access:pass_phone", args=["not-a-token"])).status_code == 404
    services.pass_revoke(pass_=gate.pass_a, reason="lost", user=gate.users["carol"])
    revoked = client.get(url).content.decode()
    assert "<svg" not in revoked


def test_it_selects_as_valid_exactly_the_passes_whose_status_is_valid(gate):
    """`Pass.objects.valid_at(moment)` and `Pass.status_at(moment) == "valid"` are one rule."""
    now = timezone.now()
    pending = services.pass_issue(person=gate.person_b, user=gate.users["carol"])
    Pass.objects.filter(pk=pending.pk).update(valid_from=now + dt.timedelta(hours=1))
    revoked_later = services.pass_issue(person=gate.person_b, user=gate.users["carol"])
    Pass.objects.filter(pk=revoked_later.pk).update(revoked_at=now + dt.timedelta(hours=2))
    services.pass_revoke(pass_=gate.pass_b, reason=Pass.RevokeReason.LOST, user=gate.users["carol"])
    for moment in (now - dt.timedelta(days=1), now, now + dt.timedelta(minutes=90), now + dt.timedelta(hours=3),
                   now + dt.timedelta(days=91)):
        expected = {p.pk for p in Pass.objects.all() if p.status_at(moment) == "valid"}
        assert set(Pass.objects.valid_at(moment).values_list("pk", flat=True)) == expected, moment
    assert set(Pass.objects.valid_now().values_list("pk", flat=True)) == {
        p.pk for p in Pass.objects.all() if p.status == "valid"}
