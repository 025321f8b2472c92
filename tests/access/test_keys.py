"""Signing keys: one per community, made on first use; rotation with overlap."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from fangxian.access import passcodec, services
from fangxian.access.models import Pass, SigningKey
from tests.access.conftest import scan_event
from tests.api import Caller

pytestmark = pytest.mark.django_db


def test_it_makes_one_key_per_community_on_first_use(gate):
    first = services.signing_key_current(community=gate.community)
    assert services.signing_key_current(community=gate.community) == first
    assert SigningKey.objects.filter(community=gate.community).count() == 1
    assert bytes(first.kid) == passcodec.key_id(services.public_key_of(first))
    assert services.signing_key_current(community=gate.other) != first


def test_it_rotates_with_overlap(gate):
    carol = gate.users["carol"]
    old = services.signing_key_current(community=gate.community)
    old_text = services.pass_qr_text(gate.pass_a)
    now = timezone.now()
    new = services.signing_key_rotate(community=gate.community, user=carol, overlap=dt.timedelta(days=7), at=now)
    assert services.signing_key_current(community=gate.community) == new
    new_text = services.pass_qr_text(gate.pass_a)
    for text in (old_text, new_text):  # both verify during the overlap
        passcodec.decode(text, prefix="FX1:", keys=services.verification_keys(gate.community.pk, now), now=now)

    retire = SigningKey.objects.get(pk=old.pk).retire_after
    assert retire == now + dt.timedelta(days=7)
    just_before, just_after = retire - dt.timedelta(seconds=1), retire + dt.timedelta(seconds=1)
    passcodec.decode(old_text, prefix="FX1:", keys=services.verification_keys(gate.community.pk, just_before),
                     now=just_before)
    with pytest.raises(passcodec.UnknownKidError):
        passcodec.decode(old_text, prefix="FX1:", keys=services.verification_keys(gate.community.pk, just_after),
                         now=just_after)
    passcodec.decode(new_text, prefix="FX1:", keys=services.verification_keys(gate.community.pk, just_after),
                     now=just_after)

    # The bundle lists both keys during the overlap, the new one alone after it, signed by the new one.
    # During the overlap the bundle is signed by the old key, which every console already
    # trusts, and introduces the new one; after it, the new key signs.
    during = services.bundle_build(checkpoint=gate.checkpoint, at=just_before)
    kids = [k["kid"] for k in passcodec.decode(during["bundle"], prefix="FXB1:", keys={
        bytes(old.kid): services.public_key_of(old)}, now=just_before)[-70002]["keys"]]
    assert kids == [bytes(old.kid), bytes(new.kid)]
    after = services.bundle_build(checkpoint=gate.checkpoint, at=just_after)
    claims = passcodec.decode(after["bundle"], prefix="FXB1:", keys={bytes(new.kid): services.public_key_of(new)},
                              now=just_after)
    assert [k["kid"] for k in claims[-70002]["keys"]] == [bytes(new.kid)]
    assert after["version"] > during["version"]


def test_it_verifies_an_old_key_pass_at_the_gate_until_it_retires(client, gate):
    """The server's re-check of a scan uses the keys in force at the moment of the scan."""
    now = timezone.now()
    start = now - dt.timedelta(hours=4)  # the key and the pass were made four hours ago
    SigningKey.objects.filter(community=gate.community).update(valid_from=start)
    Pass.objects.filter(pk=gate.pass_a.pk).update(issued_at=start, valid_from=start)
    gate.pass_a.refresh_from_db()
    old_text = services.pass_qr_text(gate.pass_a)
    # Rotated three hours ago with an hour of overlap: the old key retired two hours ago.
    services.signing_key_rotate(community=gate.community, user=gate.users["carol"], overlap=dt.timedelta(hours=1),
                                at=now - dt.timedelta(hours=3))
    erin = Caller(client, gate.users["erin"])
    events = [scan_event(gate.checkpoint, old_text, at=now - dt.timedelta(hours=2, minutes=30)),
              scan_event(gate.checkpoint, old_text, at=now - dt.timedelta(minutes=1))]
    acks = erin.post("/access/sync", {"device_id": "gate", "events": events}).json()["acks"]
    assert acks[0]["detail"] == "server green (valid)"
    assert acks[1]["detail"] == f"server red ({passcodec.UnknownKidError.reason}); device green: flagged"


def test_it_never_shows_a_private_key(client, gate):
    key = services.signing_key_current(community=gate.community)
    client.force_login(gate.users["carol"])
    page = client.get(reverse("access:key_list")).content.decode()
    assert key.kid_hex in page
    assert "PRIVATE KEY" not in page and key.private_key_pem.splitlines()[1] not in page
    assert "PRIVATE" not in repr(key) and "PRIVATE" not in str(key)
    response = client.post(reverse("access:key_rotate", args=[gate.community.pk]))
    assert response.status_code == 302
    assert SigningKey.objects.filter(community=gate.community).count() == 2
    assert client.post(reverse("access:key_rotate", args=[gate.other.pk])).status_code == 404
