"""A home quarantine holds passes back (passes_suspend), moves the end shown at the gate
(passes_suspension_until) and lets the same cards admit again (passes_restore): the pass's
status, the valid passes, the bundle the consoles decide with, the server's check of a scan
and the audit log all follow."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from fangxian.access import passcodec, services
from fangxian.access.models import Pass, Scan
from fangxian.access.passes import passes_restore, passes_suspend, passes_suspension_until
from fangxian.core.models import AuditEvent
from fangxian.core.scope import Scope
from tests.access.conftest import scan_event
from tests.access.test_bundle import open_bundle
from tests.factories import BuildingFactory, DwellingFactory, EstateFactory, PersonFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock_or_ci_clock")]


def _bundle(gate) -> tuple[int, dict]:
    built = services.bundle_build(checkpoint=gate.checkpoint)
    return built["version"], open_bundle(built["bundle"], gate.community)[-70002]


def _server_check(gate, pass_) -> tuple[str, str]:
    event = scan_event(gate.checkpoint, services.pass_qr_text(pass_))
    [ack] = services.scans_sync(device_id="gate-1", events=[event], user=gate.users["erin"],
                                scope=Scope.for_user(gate.users["erin"]))
    assert ack["status"] == "stored", ack
    scan = Scan.objects.get(event_id=event["event_id"])
    return scan.server_verdict, scan.server_reason


def _persons(*people):
    return [p.pk for p in people]


def test_it_holds_a_pass_back_and_the_bundle_lists_it_with_its_end(gate):
    carol = gate.users["carol"]
    version_before, body = _bundle(gate)
    assert body["suspended"] == []
    until = timezone.localdate() + dt.timedelta(days=14)

    held = passes_suspend(persons=_persons(gate.person_a), until=until, user=carol, reason="居家隔离")

    assert held == 1
    gate.pass_a.refresh_from_db()
    assert gate.pass_a.status == "suspended" and gate.pass_a.status_label
    assert not Pass.objects.valid_now().filter(pk=gate.pass_a.pk).exists()
    assert Pass.objects.valid_now().filter(pk=gate.pass_b.pk).exists()  # the other household's is not held
    version, body = _bundle(gate)
    assert version > version_before
    assert body["suspended"] == [[gate.pass_a.revocation_id, until.isoformat()]]
    assert body["revoked"] == []  # held back is not revoked: the console tells them apart
    assert _server_check(gate, gate.pass_a) == ("red", "suspended")
    assert _server_check(gate, gate.pass_b) == ("green", "valid")
    audit = AuditEvent.objects.get(target_type="access.Pass", target_id=str(gate.pass_a.pk), field="suspended_at")
    assert audit.actor == carol and audit.reason == "居家隔离" and until.isoformat() in audit.detail


def test_it_moves_the_end_shown_at_the_gate(gate):
    carol = gate.users["carol"]
    first = timezone.localdate() + dt.timedelta(days=14)
    passes_suspend(persons=_persons(gate.person_a), until=first, user=carol, reason="居家隔离")
    version_before, _body = _bundle(gate)
    shorter = first - dt.timedelta(days=4)

    moved = passes_suspension_until(persons=_persons(gate.person_a, gate.person_b), until=shorter, user=carol,
                                    reason="新规缩短隔离期")

    assert moved == 1  # person_b's pass was never held: nothing to move
    version, body = _bundle(gate)
    assert version > version_before
    assert body["suspended"] == [[gate.pass_a.revocation_id, shorter.isoformat()]]
    audit = AuditEvent.objects.get(target_id=str(gate.pass_a.pk), field="suspended_until")
    assert audit.reason == "新规缩短隔离期"
    assert first.isoformat() in audit.detail and shorter.isoformat() in audit.detail


def test_it_restores_the_same_pass_which_admits_again(gate):
    carol = gate.users["carol"]
    passes_suspend(persons=_persons(gate.person_a), until=timezone.localdate() + dt.timedelta(days=14), user=carol,
                   reason="居家隔离")
    version_before, _body = _bundle(gate)

    restored = passes_restore(persons=_persons(gate.person_a), user=carol, reason="提前解除隔离")

    assert restored == 1
    gate.pass_a.refresh_from_db()
    assert gate.pass_a.status == "valid" and gate.pass_a.suspended_until is None
    assert Pass.objects.valid_now().filter(pk=gate.pass_a.pk).exists()
    version, body = _bundle(gate)
    assert version > version_before and body["suspended"] == []
    assert _server_check(gate, gate.pass_a) == ("green", "valid")
    audit = AuditEvent.objects.filter(target_id=str(gate.pass_a.pk), field="suspended_at").latest("pk")
    assert audit.reason == "提前解除隔离" and audit.detail == "restored"


def test_it_holds_back_only_valid_passes_and_leaves_a_revoked_one_revoked(gate):
    carol = gate.users["carol"]
    services.pass_revoke(pass_=gate.pass_b, reason=Pass.RevokeReason.MOVED_OUT, user=carol)
    held = passes_suspend(persons=_persons(gate.person_a, gate.person_b),
                          until=timezone.localdate() + dt.timedelta(days=7), user=carol, reason="居家隔离")
    assert held == 1
    _version, body = _bundle(gate)
    assert [rid for rid, _until in body["suspended"]] == [gate.pass_a.revocation_id]
    assert body["revoked"] == [gate.pass_b.revocation_id]
    assert _server_check(gate, gate.pass_b) == ("red", "revoked")
    assert passes_restore(persons=_persons(gate.person_a, gate.person_b), user=carol, reason="解除") == 1


def test_it_lists_no_hold_of_another_estate(gate):
    carol = gate.users["carol"]
    elsewhere = PersonFactory(dwelling=DwellingFactory(building=BuildingFactory(
        estate=EstateFactory(community=gate.community))))
    services.pass_issue(person=elsewhere, user=carol)
    passes_suspend(persons=_persons(elsewhere), until=timezone.localdate() + dt.timedelta(days=7), user=carol,
                   reason="居家隔离")
    _version, body = _bundle(gate)
    assert body["suspended"] == []  # held at another estate's gates, not this checkpoint's


def test_it_signs_the_bundle_with_the_holds(gate):
    passes_suspend(persons=_persons(gate.person_a), until=timezone.localdate() + dt.timedelta(days=7),
                   user=gate.users["carol"], reason="居家隔离")
    built = services.bundle_build(checkpoint=gate.checkpoint)
    tampered = built["bundle"][:-3] + ("AAA" if not built["bundle"].endswith("AAA") else "BBB")
    with pytest.raises(passcodec.PassCodecError):
        open_bundle(tampered, gate.community)


def test_it_tells_the_holder_on_the_phone_pass_until_when_it_is_held(client, gate):
    until = timezone.localdate() + dt.timedelta(days=14)
    passes_suspend(persons=_persons(gate.person_a), until=until, user=gate.users["carol"], reason="居家隔离")
    body = client.get(reverse("access:pass_phone", args=[gate.pass_a.phone_token])).content.decode()
    assert "<svg" not in body and "state-suspended" in body
    assert until.isoformat() in body
    assert "该通行证尚未生效。" not in body  # it said "not valid yet" before
