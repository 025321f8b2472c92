"""A move-in slip (入住条, FXS1:) scanned at a checkpoint: the server accepts the event, checks the
slip as it checks a pass (signature, validity, estate) and its dwelling, and records it as
"allowed to move in". Before, an FXS1: text was judged as a pass and stored as "prefix"."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from fangxian.access import passcodec, services, sync
from fangxian.access.models import SERVER_REASONS, Scan
from fangxian.access.reason_labels import scan_reason_text
from fangxian.core.scope import Scope
from fangxian.returnees import services as returnees
from tests.access.conftest import make_checkpoint, scan_event
from tests.factories import BuildingFactory, DwellingFactory, EstateFactory
from tests.returnees.conftest import register

pytestmark = pytest.mark.django_db


@pytest.fixture
def slip(gate):
    """An approved returnee of room 101 of building 11号, in the checkpoint's estate, and their slip."""
    dwelling = DwellingFactory(building=BuildingFactory(estate=gate.estate, name="11号"), room="101")
    registration = register(gate.community, dwelling, from_province="广东省", from_city="广州市", from_district="")
    approved = returnees.registration_review(scope=Scope.everything(), user=gate.users["carol"],
                                             registration=registration, decision="approve", reason="核实无误")
    return approved.slips.get()


def _checked(gate, text, *, checkpoint=None, at=None, verdict="green") -> Scan:
    event = scan_event(checkpoint or gate.checkpoint, text, at=at, verdict=verdict, reason="move_in")
    [ack] = services.scans_sync(device_id="gate-1", events=[event], user=gate.users["erin"],
                                scope=Scope.for_user(gate.users["erin"]))
    assert ack["status"] == "stored", ack
    return Scan.objects.get(event_id=event["event_id"])


def test_it_puts_the_building_and_room_in_the_slip_and_no_name(gate, slip):
    text = returnees.slip_qr_text(slip)
    claims = passcodec.decode(text, prefix=sync.SLIP_PREFIX, keys=services.verification_keys(
        gate.community.pk, timezone.now()), now=timezone.now())
    ours = claims[passcodec.CLAIM_FANGXIAN]
    assert ours == {"estate": gate.estate.pk, "kind": "move_in", "dwelling": slip.registration.dwelling_id,
                    "place": "11号 101"}
    for secret in (slip.person.name, slip.person.national_id, slip.person.phone):
        assert secret not in str(claims)
    assert sync.SLIP_PREFIX == returnees.SLIP_PREFIX


def test_it_records_a_slip_as_allowed_to_move_in(gate, slip):
    scan = _checked(gate, returnees.slip_qr_text(slip))
    assert (scan.server_verdict, scan.server_reason, scan.disagreement) == ("green", "move_in", False)
    assert scan.pass_obj is None and scan.person is None
    # The passage log says it in words, once (the console's "move_in" means the same).
    assert scan.server_reason_label == str(SERVER_REASONS["move_in"])
    assert "move_in" not in scan_reason_text(scan)


def test_it_refuses_a_slip_for_another_estate_like_a_pass(gate, slip):
    other_gate = make_checkpoint(EstateFactory(community=gate.community, name="翠苑"), name="北门")
    scan = _checked(gate, returnees.slip_qr_text(slip), checkpoint=other_gate, verdict="red")
    assert (scan.server_verdict, scan.server_reason) == ("red", "wrong_estate")


def test_it_refuses_an_expired_or_forged_slip(gate, slip):
    text = returnees.slip_qr_text(slip)
    with time_machine.travel(timezone.now() + dt.timedelta(days=31), tick=True):  # a slip lasts 30 days
        assert _checked(gate, text, verdict="red").server_reason == "expired"
    tampered = text[:-3] + ("A" if text[-3] != "A" else "B") + text[-2:]
    assert _checked(gate, tampered, verdict="red").server_reason in {"signature", "base45", "cbor", "cose", "zlib"}


def test_it_refuses_a_slip_whose_dwelling_is_not_in_the_estate(gate, slip):
    """A slip rightly signed but naming a dwelling of another estate (a forged claim set by
    someone holding the key, or a dwelling moved since) is not admitted."""
    key = services.signing_key_current(community=gate.community)
    elsewhere = DwellingFactory(building=BuildingFactory(estate=EstateFactory(community=gate.community)))
    now = timezone.now()
    claims = {passcodec.CLAIM_CTI: bytes(16), passcodec.CLAIM_IAT: int(now.timestamp()),
              passcodec.CLAIM_EXP: int((now + dt.timedelta(days=30)).timestamp()),
              passcodec.CLAIM_FANGXIAN: {"estate": gate.estate.pk, "kind": "move_in", "dwelling": elsewhere.pk,
                                         "place": "1号 1"}}
    text = passcodec.encode(claims, prefix="FXS1:", private_key=services.private_key_of(key), kid=bytes(key.kid))
    assert _checked(gate, text, verdict="red").server_reason == "unknown_dwelling"


def test_it_does_not_take_a_pass_text_under_the_slip_prefix_for_a_pass(gate):
    pass_text = services.pass_qr_text(gate.pass_a)
    as_slip = "FXS1:" + pass_text.removeprefix("FX1:")
    assert _checked(gate, as_slip, verdict="red").server_reason == "claims"
