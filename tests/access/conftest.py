"""Closed management fixtures: a checkpoint at the gate of two_grids' estate, and passes."""

import datetime as dt

import pytest
from django.utils import timezone

from fangxian.access import services
from fangxian.access.models import Checkpoint, FeverAlert
from fangxian.core.scope import Scope
from fangxian.registry.models import Entrance


@pytest.fixture(autouse=True)
def _at_a_fixed_moment(frozen_clock):
    """Passes, keys, bundles and scans are dated: every closed-management test runs at one
    moment (tests/conftest.py FROZEN_AT), whatever the hour CI runs at."""


def make_checkpoint(estate, name="东门") -> Checkpoint:
    entrance = Entrance.objects.create(estate=estate, name=name)
    return Checkpoint.objects.create(entrance=entrance, community=estate.community, name=f"{estate.name}{name}")


@pytest.fixture
def gate(two_grids):
    """two_grids with a checkpoint (`checkpoint`) and a pass for person_a and person_b."""
    carol = two_grids.users["carol"]
    two_grids.checkpoint = make_checkpoint(two_grids.estate)
    two_grids.pass_a = services.pass_issue(person=two_grids.person_a, user=carol)
    two_grids.pass_b = services.pass_issue(person=two_grids.person_b, user=carol)
    return two_grids


def equip_gate(cast):
    """Everything closed management shows, in `cast` (two_grids or the matrix cast): a
    checkpoint, passes for person_a and person_b, and a day at the gate: person_b's pass
    scanned with a fever (an open alert), and a visitor turned away."""
    carol = cast.users["carol"]
    if not hasattr(cast, "checkpoint"):
        cast.checkpoint = make_checkpoint(cast.estate)
        cast.pass_a = services.pass_issue(person=cast.person_a, user=carol)
        cast.pass_b = services.pass_issue(person=cast.person_b, user=carol)
    now = timezone.now()
    events = [
        scan_event(cast.checkpoint, services.pass_qr_text(cast.pass_b), at=now - dt.timedelta(minutes=5),
                   temperature=38.1, verdict="red"),
        scan_event(cast.checkpoint, None, kind="refusal", at=now - dt.timedelta(minutes=3), verdict="red",
                   reason="非本小区居民", visitor={"name": "王访客", "phone": "13812345678", "visiting": "3栋",
                                                   "why": "探亲"}),
    ]
    acks = services.scans_sync(device_id="gate-phone-1", events=events, user=cast.users["erin"],
                                scope=Scope.for_user(cast.users["erin"]))
    assert [a["status"] for a in acks] == ["stored", "stored"], acks
    cast.alert = FeverAlert.objects.get(scan__event_id=events[0]["event_id"])
    cast.events = events
    return cast


def scan_event(checkpoint, pass_text, *, kind="scan", at=None, verdict="green", temperature=None, reason="",
               visitor=None, person=None, direction="in", seq=1, event_id=None):
    """One console event, as the console sends it to /api/v1/access/sync."""
    import uuid

    from django.utils import timezone

    return {
        "event_id": str(event_id or uuid.uuid4()), "device_seq": seq, "kind": kind,
        "occurred_at": (at or timezone.now()).isoformat(), "checkpoint": checkpoint.pk, "direction": direction,
        "pass_text": pass_text, "person": person, "verdict": verdict, "reason": reason,
        "temperature": temperature, "visitor": visitor,
    }
