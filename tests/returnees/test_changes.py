"""Early release and shortening of a home quarantine (issue 13, finding 5): a grid worker asks
with a reason, an admin of the community approves (the household is released, its passes admit
again) or refuses (nothing changes); an admin's own request is carried out in one step; a
newer risk-area rule that gives fewer days is offered as a shortening, pre-filled."""

import datetime as dt
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from fangxian.access.models import Pass
from fangxian.access.services import pass_issue
from fangxian.core.models import AuditEvent
from fangxian.core.scope import Scope
from fangxian.returnees import quarantine_changes, services
from fangxian.returnees.models import Quarantine, QuarantineChange
from tests.conftest import FROZEN_AT
from tests.factories import DwellingFactory, PersonFactory
from tests.returnees.conftest import register, root_scope

pytestmark = pytest.mark.usefixtures("frozen_clock")
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def household(two_grids):
    """A room of two in grid B, both with passes; the first came back from Wuhan four days ago
    and is in home quarantine for 14 days with the other."""
    cast = two_grids
    services.area_set(scope=root_scope(cast), user=cast.users["root"], subdistrict=cast.community.subdistrict,
                      data={"province": "湖北省", "city": "武汉市", "level": "high", "measure": "home_quarantine",
                            "quarantine_days": 14, "effective_from": FROZEN_AT.date() - dt.timedelta(days=30)})
    dwelling = DwellingFactory(building=cast.building_b)
    people = [PersonFactory(dwelling=dwelling) for _ in range(2)]
    cast.passes = [pass_issue(person=p, user=cast.users["carol"]) for p in people]
    registration = register(cast.community, dwelling, name=people[0].name, national_id=people[0].national_id,
                            arrival_date=FROZEN_AT.date() - dt.timedelta(days=4))
    bob = cast.users["bob"]
    registration = services.registration_review(scope=Scope.for_user(bob), user=bob, registration=registration,
                                                decision="home_quarantine", reason="来自高风险地区")
    cast.quarantine, cast.other = registration.quarantines.order_by("pk")
    cast.dwelling = dwelling
    return cast


def pass_states(cast) -> set[str]:
    now = timezone.now()
    return {Pass.objects.get(pk=p.pk).status_at(now) for p in cast.passes}


def test_a_grid_workers_early_release_waits_for_an_admin_and_a_refusal_changes_nothing(client, household):
    bob, carol = household.users["bob"], household.users["carol"]
    change = quarantine_changes.change_request(scope=Scope.for_user(bob), user=bob, quarantine=household.quarantine,
                                               kind="early_release", reason="核酸两次阴性")
    assert change.status == "pending" and change.new_end == FROZEN_AT.date()
    assert pass_states(household) == {"suspended"}
    assert Quarantine.objects.get(pk=household.quarantine.pk).is_open

    # Bob may not decide his own request, by the service or the page.
    with pytest.raises(PermissionDenied):
        quarantine_changes.change_decide(scope=Scope.for_user(bob), user=bob, change=change, approve=True)
    client.force_login(bob)
    assert client.post(reverse("returnees:change_decide", args=[change.pk]), {"decision": "approve"}).status_code == 403
    page = client.get(reverse("returnees:quarantine_detail", args=[household.other.pk]), **EN).content.decode()
    assert "Waiting for approval" in page and "核酸两次阴性" in page  # the household's other member sees it too
    assert reverse("returnees:change_decide", args=[change.pk]) not in page
    listing = client.get(reverse("returnees:quarantine_list") + "?show=pending", **EN).content.decode()
    assert listing.count("#pending-change") == 2  # both members' rows carry the badge

    # Carol refuses: a note is needed; nothing changes.
    client.force_login(carol)
    response = client.post(reverse("returnees:change_decide", args=[change.pk]), {"decision": "refuse"})
    assert response.status_code == 400
    response = client.post(reverse("returnees:change_decide", args=[change.pk]),
                           {"decision": "refuse", "note": "需满七天"})
    assert response.status_code == 302
    change.refresh_from_db()
    assert (change.status, change.decided_by, change.decision_note) == ("refused", carol, "需满七天")
    assert pass_states(household) == {"suspended"}
    assert set(Quarantine.objects.filter(dwelling=household.dwelling).values_list("status", flat=True)) == {"active"}
    assert AuditEvent.objects.filter(target_type="returnees.QuarantineChange", target_id=str(change.pk),
                                     reason="需满七天").exists()


def test_an_admin_approves_an_early_release_and_the_household_is_out(client, household):
    bob, carol = household.users["bob"], household.users["carol"]
    change = quarantine_changes.change_request(scope=Scope.for_user(bob), user=bob, quarantine=household.quarantine,
                                               kind="early_release", reason="核酸两次阴性")
    client.force_login(carol)
    detail = client.get(reverse("returnees:quarantine_detail", args=[household.quarantine.pk])).content.decode()
    approve = reverse("returnees:change_decide", args=[change.pk])
    assert f'action="{approve}" class="inline" data-confirm="' in detail  # a confirmation first
    assert client.post(approve, {"decision": "approve"}).status_code == 302
    change.refresh_from_db()
    assert (change.status, change.decided_by) == ("approved", carol)
    rows = Quarantine.objects.filter(dwelling=household.dwelling)
    assert set(rows.values_list("status", "ended_on")) == {("released", FROZEN_AT.date())}
    assert pass_states(household) == {"valid"}
    released = AuditEvent.objects.filter(target_type="returnees.Quarantine", detail__startswith="early release")
    assert released.count() == 2  # each member
    assert AuditEvent.objects.filter(target_type="returnees.QuarantineChange", target_id=str(change.pk)).count() == 2


def test_an_admins_own_shortening_is_carried_out_in_one_step(household):
    carol = household.users["carol"]
    new_end = household.quarantine.starts_on + dt.timedelta(days=10)
    change = quarantine_changes.change_request(scope=Scope.for_user(carol), user=carol,
                                               quarantine=household.other, kind="shorten", new_end=new_end,
                                               reason="区里通知缩短为十天")
    assert (change.status, change.requested_by, change.decided_by) == ("approved", carol, carol)
    assert set(Quarantine.objects.filter(dwelling=household.dwelling).values_list("planned_end", flat=True)) == {
        new_end}
    assert {Pass.objects.get(pk=p.pk).suspended_until for p in household.passes} == {new_end}
    assert pass_states(household) == {"suspended"}  # still in quarantine, to a nearer end
    assert AuditEvent.objects.filter(target_type="returnees.QuarantineChange", target_id=str(change.pk),
                                     actor=carol).count() == 2  # asked, and approved


def test_it_refuses_changes_that_make_no_sense(household):
    bob = household.users["bob"]
    scope = Scope.for_user(bob)
    quarantine = household.quarantine
    cases = [
        ("early_release", quarantine.starts_on - dt.timedelta(days=1), "new_end"),  # before the start
        ("early_release", FROZEN_AT.date() + dt.timedelta(days=1), "new_end"),  # in the future
        ("shorten", None, "new_end"),  # no date
        ("shorten", quarantine.planned_end + dt.timedelta(days=3), "new_end"),  # longer, not shorter
        ("shorten", quarantine.starts_on, "new_end"),  # no day at all
        ("reopen", None, "kind"),
    ]
    for kind, new_end, field in cases:
        with pytest.raises(ValidationError) as caught:
            quarantine_changes.change_request(scope=scope, user=bob, quarantine=quarantine, kind=kind,
                                              new_end=new_end, reason="测试")
        assert field in caught.value.message_dict, (kind, new_end)
    with pytest.raises(ValidationError) as caught:
        quarantine_changes.change_request(scope=scope, user=bob, quarantine=quarantine, kind="early_release",
                                          reason="很" * 201)
    assert "200" in caught.value.message_dict["reason"][0]
    assert not QuarantineChange.objects.exists()
    quarantine_changes.change_request(scope=scope, user=bob, quarantine=quarantine, kind="early_release",
                                      reason="阴性")
    with pytest.raises(ValidationError):  # one request at a time for the household
        quarantine_changes.change_request(scope=scope, user=bob, quarantine=household.other, kind="early_release",
                                          reason="阴性")
    alice = household.users["alice"]
    with pytest.raises(PermissionDenied):
        quarantine_changes.change_request(scope=Scope.for_user(alice), user=alice, quarantine=quarantine,
                                          kind="early_release", reason="越权")


def test_a_newer_rule_with_fewer_days_is_offered_as_a_shortening(client, household):
    carol = household.users["carol"]
    services.area_set(scope=root_scope(household), user=household.users["root"],
                      subdistrict=household.community.subdistrict,
                      data={"province": "湖北省", "city": "武汉市", "level": "medium", "measure": "home_quarantine",
                            "quarantine_days": 7, "effective_from": FROZEN_AT.date()})
    shorter = household.quarantine.starts_on + dt.timedelta(days=7)
    client.force_login(household.users["bob"])
    with translation.override("en"):
        hint = f"New rule: 7 days; can be shortened to {shorter:%Y-%m-%d}."
    listing = client.get(reverse("returnees:quarantine_list"), **EN).content.decode()
    assert listing.count(hint) == 2
    detail = client.get(reverse("returnees:quarantine_detail", args=[household.quarantine.pk]), **EN).content.decode()
    assert hint in detail
    assert re.search(r'value="shorten"[^>]*checked', detail)  # the shortening, chosen
    assert f'value="{shorter:%Y-%m-%d}"' in detail  # the new end, pre-filled

    client.force_login(carol)
    response = client.post(reverse("returnees:quarantine_change", args=[household.quarantine.pk]),
                           {"kind": "shorten", "new_end": f"{shorter:%Y-%m-%d}", "reason": "新规则：7 天"})
    assert response.status_code == 302
    assert set(Quarantine.objects.filter(dwelling=household.dwelling).values_list("planned_end", flat=True)) == {
        shorter}
    assert hint not in client.get(reverse("returnees:quarantine_list"), **EN).content.decode()
