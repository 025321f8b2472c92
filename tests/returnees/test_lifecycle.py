"""register → review → slip → pass → quarantine → check-ins → release."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from fangxian.access import passcodec
from fangxian.access.models import Pass
from fangxian.access.services import pass_issue, verification_keys
from fangxian.core.models import AuditEvent
from fangxian.core.scope import Scope
from fangxian.registry.models import Dwelling, Person
from fangxian.returnees import services
from fangxian.returnees.models import CheckIn, Quarantine, Registration
from tests.factories import DwellingFactory, make_national_id
from tests.returnees.conftest import register, root_scope

# Reads the date or the hour: .ci/run runs it again at 03:00 and at 23:59 Asia/Shanghai.
pytestmark = pytest.mark.clock_sensitive


def scope_of(user):
    return Scope.for_user(user)


def test_it_approves_into_a_person_a_slip_and_passes(two_grids):
    bob = two_grids.users["bob"]
    dwelling = DwellingFactory(building=two_grids.building_b, status=Dwelling.Status.NOT_RETURNED)
    companion_id = make_national_id()
    registration = register(two_grids.community, dwelling, from_province="广东省", companions=[
        {"name": "同行人", "national_id": companion_id, "phone": "", "relation": "子女"}])
    assert registration.suggested_measure == "none"
    done = services.registration_review(scope=scope_of(bob), user=bob, registration=registration,
                                        decision="approve", reason="核实无误")
    assert done.status == Registration.Status.APPROVED and done.reviewed_by == bob
    people = Person.objects.filter(dwelling=dwelling)
    assert {p.national_id for p in people} == {registration.national_id, companion_id}
    assert Pass.objects.filter(person__in=people, revoked_at__isnull=True).count() == 2
    dwelling.refresh_from_db()
    assert dwelling.status == Dwelling.Status.OCCUPIED
    slip = done.slips.get()
    text = services.slip_qr_text(slip)
    assert text.startswith("FXS1:")
    claims = passcodec.decode(text, prefix="FXS1:", keys=verification_keys(two_grids.community.pk, timezone.now()),
                              now=timezone.now())
    assert registration.national_id not in str(claims) and registration.name not in str(claims)
    assert AuditEvent.objects.filter(target_type="returnees.Registration", target_id=str(registration.pk),
                                     reason="核实无误").exists()


def test_it_runs_a_home_quarantine_from_registration_to_release(client, two_grids):
    bob = two_grids.users["bob"]
    person = two_grids.person_b
    old_pass = pass_issue(person=person, user=two_grids.users["carol"])
    registration = register(two_grids.community, person.dwelling, name=person.name,
                            national_id=person.national_id, arrival_date=timezone.localdate() - dt.timedelta(days=3))
    services.area_set(scope=root_scope(two_grids), user=two_grids.users["root"],
                      subdistrict=two_grids.community.subdistrict,
                      data={"province": "湖北省", "level": "high", "measure": "home_quarantine", "quarantine_days": 14,
                            "effective_from": timezone.localdate() - dt.timedelta(days=10)})
    assert services.registration_suggestion_days(registration) == 14
    with pytest.raises(ValidationError):  # a reason is required
        services.registration_review(scope=scope_of(bob), user=bob, registration=registration,
                                     decision="home_quarantine", reason="")
    services.registration_review(scope=scope_of(bob), user=bob, registration=registration,
                                 decision="home_quarantine", reason="来自高风险地区")
    quarantine = Quarantine.objects.get(person=person)
    assert quarantine.planned_end == registration.arrival_date + dt.timedelta(days=14)
    person.dwelling.refresh_from_db()
    old_pass.refresh_from_db()
    assert person.dwelling.status == Dwelling.Status.QUARANTINE
    # Held back, not revoked: the gate says "in home quarantine" and the same card admits later.
    assert old_pass.revoked_at is None and old_pass.status_at(timezone.now()) == "suspended"

    # Two check-ins by the person's link, the second a fever: an alert.
    url = reverse("returnees:checkin", args=[quarantine.checkin_token])
    assert client.post(url, {"temperature": "36.5"}).status_code == 200
    response = client.post(url, {"temperature": "37.8"})
    assert response.status_code == 200
    assert list(quarantine.checkins.order_by("at").values_list("alert", flat=True)) == [False, True]
    # The same event twice is stored once.
    event = "7a0f3e3e-2f7a-4c8c-9a3c-0e5a8d0f2b11"
    first = services.checkin_record(quarantine=quarantine, temperature="36.4", symptoms=False, event_id=event)
    again = services.checkin_record(quarantine=quarantine, temperature="36.4", symptoms=False, event_id=event)
    assert first.pk == again.pk and CheckIn.objects.filter(quarantine=quarantine).count() == 3

    # Not before the end date; then released: dwelling occupied, the pass admits again.
    with pytest.raises(ValidationError):
        services.quarantine_release(scope=scope_of(bob), user=bob, quarantine=quarantine, reason="期满")
    services.quarantine_release(scope=scope_of(bob), user=bob, quarantine=quarantine, reason="期满",
                                today=quarantine.planned_end)
    quarantine.refresh_from_db()
    person.dwelling.refresh_from_db()
    assert quarantine.status == Quarantine.Status.RELEASED
    assert person.dwelling.status == Dwelling.Status.OCCUPIED
    old_pass.refresh_from_db()
    assert old_pass.status_at(timezone.now()) == "valid"  # the same card admits again
    client.force_login(bob)
    assert client.get(reverse("returnees:release_pdf", args=[quarantine.pk])).content[:5] == b"%PDF-"
    page = client.get(reverse("registry:person_detail", args=[person.pk])).content.decode()
    assert reverse("returnees:quarantine_detail", args=[quarantine.pk]) in page


def test_it_extends_a_quarantine_with_a_reason(returnees):
    carol = returnees.users["carol"]
    quarantine = returnees.quarantine_b
    end = quarantine.planned_end
    with pytest.raises(ValidationError):
        services.quarantine_extend(scope=scope_of(carol), user=carol, quarantine=quarantine, days=7, reason="")
    services.quarantine_extend(scope=scope_of(carol), user=carol, quarantine=quarantine, days=7, reason="复查阳性")
    quarantine.refresh_from_db()
    assert quarantine.planned_end == end + dt.timedelta(days=7) and quarantine.status == "extended"


def test_it_lets_a_grid_worker_record_a_check_in_and_lists_missed_ones(client, returnees):
    bob = returnees.users["bob"]
    quarantine = returnees.quarantine_b
    client.force_login(bob)
    response = client.post(reverse("returnees:quarantine_checkin", args=[quarantine.pk]),
                           {"temperature": "38.0", "symptoms": "on"})
    assert response.status_code == 302
    checkin = quarantine.checkins.get(by_person=False)
    assert checkin.alert and checkin.recorded_by == bob
    noon = timezone.localtime().replace(hour=23, minute=0)
    missed = services.missed_slots(quarantine, [], noon)
    assert (noon.date(), "morning") in missed and (noon.date(), "evening") in missed
    page = client.get(reverse("returnees:quarantine_list")).content.decode()
    assert "38.0" in page  # the alert is listed


def test_it_keeps_alice_out_of_grid_b(client, returnees):
    alice = returnees.users["alice"]
    with pytest.raises(PermissionDenied):
        services.registration_review(scope=scope_of(alice), user=alice, registration=returnees.registration_b,
                                     decision="approve", reason="越权")
    client.force_login(alice)
    assert client.get(reverse("returnees:registration_detail", args=[returnees.registration_b.pk])).status_code == 404
    assert client.post(reverse("returnees:registration_review", args=[returnees.registration_b.pk]),
                       {"decision": "approve", "reason": "越权"}).status_code == 404
    assert "乙网格居民" not in client.get(reverse("returnees:queue")).content.decode()
    returnees.registration_b.refresh_from_db()
    assert returnees.registration_b.status == Registration.Status.PENDING


def test_it_reviews_through_the_page(client, returnees):
    bob = returnees.users["bob"]
    client.force_login(bob)
    url = reverse("returnees:registration_review", args=[returnees.registration_b.pk])
    response = client.post(url, {"decision": "approve", "reason": ""})
    assert response.status_code == 400
    response = client.post(url, {"decision": "approve", "reason": "核实"})
    assert response.status_code == 302
    returnees.registration_b.refresh_from_db()
    assert returnees.registration_b.status == Registration.Status.APPROVED
    slip = returnees.registration_b.slips.get()
    assert client.get(reverse("returnees:slip_pdf", args=[slip.pk])).content[:5] == b"%PDF-"
    client.logout()
    phone = client.get(reverse("returnees:slip_phone", args=[slip.code]))
    assert phone.status_code == 200 and "<svg" in phone.content.decode()


def test_it_flags_registrations_waiting_over_a_day(client, returnees):
    Registration.objects.filter(pk=returnees.registration_b.pk).update(
        created_at=timezone.now() - dt.timedelta(hours=25))
    client.force_login(returnees.users["bob"])
    page = client.get(reverse("returnees:queue")).content.decode()
    assert 'class="overdue"' in page


def test_it_takes_the_seal_off_when_the_household_is_approved(two_grids):
    from fangxian.returnees.models import DoorSeal

    carol = two_grids.users["carol"]
    dwelling = DwellingFactory(building=two_grids.building_b, status=Dwelling.Status.SEALED)
    seal = DoorSeal.objects.create(dwelling=dwelling, sealed_at=timezone.now(), sealed_by=carol)
    registration = register(two_grids.community, dwelling, from_province="广东省")
    services.registration_review(scope=scope_of(carol), user=carol, registration=registration, decision="approve",
                                 reason="已返回")
    seal.refresh_from_db()
    dwelling.refresh_from_db()
    assert seal.unsealed_at is not None and seal.unseal_reason == "已返回"
    assert dwelling.status == Dwelling.Status.OCCUPIED
