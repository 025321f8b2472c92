"""The batch sync of the checkpoint consoles: one answer per event, each event stored once,
every pass checked again on the server, fevers raised as alerts."""

import datetime as dt
import json
import logging
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fangxian.access import services
from fangxian.access.models import FeverAlert, Scan
from tests.access.conftest import make_checkpoint, scan_event
from tests.api import Caller
from tests.factories import EstateFactory, PersonFactory

pytestmark = pytest.mark.django_db


def sync(caller, events, device_id="gate-1"):
    response = caller.post("/access/sync", {"device_id": device_id, "events": events})
    assert response.status_code == 200, response.content
    acks = response.json()["acks"]
    assert [a["event_id"] for a in acks] == [str(e.get("event_id", "")) if isinstance(e, dict) else "" for e in events]
    return acks


def test_it_stores_each_event_once_and_answers_a_repeat_as_duplicate(client, gate):
    erin = Caller(client, gate.users["erin"])
    events = [scan_event(gate.checkpoint, services.pass_qr_text(gate.pass_a), seq=i) for i in range(3)]
    assert [a["status"] for a in sync(erin, events)] == ["stored"] * 3
    assert [a["status"] for a in sync(erin, events + [events[0]])] == ["duplicate"] * 4
    assert Scan.objects.count() == 3
    scan = Scan.objects.get(event_id=events[1]["event_id"])
    assert (scan.device_id, scan.device_seq, scan.pass_obj, scan.synced_by) == ("gate-1", 1, gate.pass_a,
                                                                               gate.users["erin"])
    assert (scan.server_verdict, scan.server_reason, scan.disagreement) == ("green", "valid", False)


def test_it_rejects_a_malformed_event_and_stores_the_others(client, gate):
    erin = Caller(client, gate.users["erin"])
    good = scan_event(gate.checkpoint, services.pass_qr_text(gate.pass_a))
    naive = scan_event(gate.checkpoint, None, kind="refusal", verdict="red")
    naive["occurred_at"] = "2026-02-01T08:00:00"  # no offset
    bad = [
        {**scan_event(gate.checkpoint, None, kind="refusal"), "event_id": "not-a-uuid"},
        naive,
        {**scan_event(gate.checkpoint, None, kind="scan")},  # a scan without its pass
        {**scan_event(gate.checkpoint, None, kind="refusal"), "temperature": 451},
        {**scan_event(gate.checkpoint, None, kind="refusal"), "checkpoint": "1"},
        {**scan_event(gate.checkpoint, None, kind="refusal"), "device_seq": 2**64},
        {**scan_event(gate.checkpoint, None, kind="teleport")},
        7,
    ]
    acks = sync(erin, [good, *bad])
    assert [a["status"] for a in acks] == ["stored"] + ["rejected"] * len(bad)
    assert all(a["detail"] for a in acks)
    assert "occurred_at" in acks[2]["detail"] and "pass_text" in acks[3]["detail"]
    assert Scan.objects.count() == 1


def test_it_refuses_events_of_a_checkpoint_that_is_not_yours(client, gate):
    elsewhere = make_checkpoint(EstateFactory(community=gate.other))
    erin = Caller(client, gate.users["erin"])
    acks = sync(erin, [scan_event(elsewhere, None, kind="refusal", verdict="red"),
                       scan_event(gate.checkpoint, None, kind="refusal", verdict="red")])
    assert [a["status"] for a in acks] == ["rejected", "stored"]
    for name in ("alice", "dave", "frank"):
        response = Caller(client, gate.users[name]).post("/access/sync", {"device_id": "x", "events": []})
        assert response.status_code == 403, name


def test_it_flags_a_green_verdict_for_a_revoked_pass(client, gate):
    text = services.pass_qr_text(gate.pass_b)
    services.pass_revoke(pass_=gate.pass_b, reason="home_quarantine", user=gate.users["carol"])
    erin = Caller(client, gate.users["erin"])
    [ack] = sync(erin, [scan_event(gate.checkpoint, text, verdict="green")])  # a stale bundle said green
    assert ack == {"event_id": ack["event_id"], "status": "stored",
                   "detail": "server red (revoked); device green: flagged"}
    scan = Scan.objects.get()
    assert (scan.server_verdict, scan.server_reason, scan.disagreement) == ("red", "revoked", True)
    client.force_login(gate.users["carol"])
    flagged = client.get(reverse("access:passage_list"), {"flagged": "1"}).content.decode()
    assert gate.person_b.name in flagged


def test_it_judges_forged_foreign_and_expired_passes(client, gate):
    erin = Caller(client, gate.users["erin"])
    other_estate = EstateFactory(community=gate.community)
    person = PersonFactory(dwelling=gate.person_a.dwelling)
    foreign = services.pass_issue(person=person, estate=other_estate, user=gate.users["carol"])
    text = services.pass_qr_text(gate.pass_a)
    tampered = text[:-3] + ("A" if text[-3] != "A" else "B") + text[-2:]
    late = gate.pass_a.valid_until + dt.timedelta(hours=1)
    acks = sync(erin, [
        scan_event(gate.checkpoint, services.pass_qr_text(foreign)),
        scan_event(gate.checkpoint, tampered),
        scan_event(gate.checkpoint, "HC1:whatever"),
        scan_event(gate.checkpoint, text, at=late),  # the device's clock says after the expiry...
    ])
    reasons = [a["detail"].split("(")[1].split(")")[0] for a in acks]
    assert reasons[0] == "wrong_estate" and reasons[2] == "prefix"
    assert reasons[1] in {"signature", "base45", "cbor", "cose", "zlib"}
    assert reasons[3] == "valid"  # ...but the server never judges later than it received the event


def test_it_checks_a_manual_admission_against_the_registry(client, gate):
    erin = Caller(client, gate.users["erin"])
    acks = sync(erin, [
        scan_event(gate.checkpoint, None, kind="manual", person=gate.person_b.pk, reason="没带卡"),
        scan_event(gate.checkpoint, None, kind="manual", person=gate.outsider.pk),
        scan_event(gate.checkpoint, None, kind="manual", visitor={"name": "王五", "phone": "13900001111",
                                                                  "visiting": "1栋101", "why": "送药"}),
    ])
    assert [a["detail"] for a in acks] == [
        "server green (resident)", "server red (unknown_person); device green: flagged", "server green (visitor)"]
    assert Scan.objects.get(event_id=acks[0]["event_id"]).person == gate.person_b


def test_it_raises_a_fever_alert_that_the_admin_sees_at_once(client, gate, caplog,
                                                            django_capture_on_commit_callbacks):
    erin = Caller(client, gate.users["erin"])
    with caplog.at_level(logging.INFO, logger="fangxian.notify"), django_capture_on_commit_callbacks(execute=True):
        [ack] = sync(erin, [scan_event(gate.checkpoint, services.pass_qr_text(gate.pass_a), temperature=38.1,
                                       verdict="red")])
    assert ack["detail"] == "server red (fever)"
    alert = FeverAlert.objects.get()
    assert (str(alert.temperature), alert.checkpoint, alert.community, alert.closed_at) == (
        "38.1", gate.checkpoint, gate.community, None)
    [record] = [r for r in caplog.records if r.name == "fangxian.notify"]
    message = record.getMessage()
    assert f"community={gate.community.pk}" in message and f"alert={alert.pk}" in message
    assert gate.person_a.name not in message and "38.1" not in message

    sync(erin, [scan_event(gate.checkpoint, services.pass_qr_text(gate.pass_b), temperature=37.2)])
    assert FeverAlert.objects.count() == 1  # below the threshold

    client.force_login(gate.users["carol"])
    page = client.get(reverse("access:fever_alert_list")).content.decode()
    assert "38.1" in page and gate.person_a.name in page
    assert '<span class="badge"' in page and '>1</span>' in page
    client.force_login(gate.users["alice"])  # grid workers do not follow up fevers: no badge, no list
    assert '<span class="badge"' not in client.get(reverse("access:pass_list")).content.decode()
    assert client.get(reverse("access:fever_alert_list")).status_code == 403


def test_it_raises_no_second_alert_for_a_repeat(client, gate):
    erin = Caller(client, gate.users["erin"])
    event = scan_event(gate.checkpoint, None, kind="refusal", temperature=39.0, verdict="red")
    sync(erin, [event])
    sync(erin, [event])
    assert FeverAlert.objects.count() == 1


def test_it_uses_the_fever_threshold_in_force_at_the_scan(client, gate):
    now = timezone.now()
    services.rule_set(user=gate.users["carol"], community=gate.community, key="fever_threshold", value="37.0",
                      effective_from=now - dt.timedelta(hours=1))
    erin = Caller(client, gate.users["erin"])
    acks = sync(erin, [scan_event(gate.checkpoint, None, kind="refusal", temperature=37.1, verdict="red",
                                  at=now - dt.timedelta(hours=2)),
                       scan_event(gate.checkpoint, None, kind="refusal", temperature=37.1, verdict="red", at=now)])
    assert [a["detail"] for a in acks] == ["server red (refused)", "server red (fever)"]


def test_it_follows_up_a_fever_alert(client, gate):
    sync(Caller(client, gate.users["erin"]), [scan_event(gate.checkpoint, None, kind="refusal", temperature=38.5)])
    alert = FeverAlert.objects.get()
    client.force_login(gate.users["carol"])
    client.post(reverse("access:fever_alert_assign", args=[alert.pk]), {"assignee": gate.users["alice"].pk})
    alert.refresh_from_db()
    assert alert.assigned_to == gate.users["alice"]
    client.post(reverse("access:fever_alert_close", args=[alert.pk]), {"outcome": "other"})
    alert.refresh_from_db()
    assert alert.closed_at is None  # "other" needs a note
    client.post(reverse("access:fever_alert_close", args=[alert.pk]), {"outcome": "fever_clinic", "note": "120"})
    alert.refresh_from_db()
    assert (alert.outcome, alert.outcome_note, alert.closed_by) == ("fever_clinic", "120", gate.users["carol"])
    assert '<span class="badge"' not in client.get(reverse("access:fever_alert_list")).content.decode()
    client.force_login(gate.users["dave"])  # the officer reads, and may not close
    assert client.get(reverse("access:fever_alert_list"), {"state": "closed"}).status_code == 200
    assert client.post(reverse("access:fever_alert_close", args=[alert.pk]), {"outcome": "other"}).status_code == 403


def test_it_masks_the_visitor_phone_in_the_refusal_log_and_export(client, gate):
    sync(Caller(client, gate.users["erin"]), [scan_event(
        gate.checkpoint, None, kind="refusal", verdict="red", reason="非本小区",
        visitor={"name": "赵六", "phone": "13712345678", "visiting": "", "why": "找人"})])
    client.force_login(gate.users["carol"])
    page = client.get(reverse("access:refusal_list")).content.decode()
    assert "赵六" in page and "137****5678" in page and "13712345678" not in page
    export = client.get(reverse("access:passage_export"))
    from tests.core.test_masking import readable_text

    text = readable_text(export)
    assert "137****5678" in text and "13712345678" not in text


BODY = st.fixed_dictionaries({}, optional={
    "device_id": st.text(max_size=70) | st.none() | st.integers(),
    "events": st.lists(st.dictionaries(
        st.sampled_from(["event_id", "device_seq", "kind", "occurred_at", "checkpoint", "direction", "pass_text",
                         "person", "verdict", "reason", "temperature", "visitor", "extra"]),
        st.none() | st.booleans() | st.integers(-2**70, 2**70) | st.floats() | st.text(max_size=20)
        | st.just(str(uuid.uuid4())) | st.just("2026-03-01T08:00:00+08:00") | st.just({"name": None}),
    ) | st.integers(), max_size=5) | st.text(max_size=5),
}) | st.lists(st.integers(), max_size=2) | st.none()


def test_it_never_fails_on_whatever_a_device_sends(client, gate):
    erin = Caller(client, gate.users["erin"])

    @settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(body=BODY)
    def run(body):
        response = client.post("/api/v1/access/sync", json.dumps(body, allow_nan=True),
                               content_type="application/json", **erin.headers)
        assert response.status_code in (200, 400, 422), (body, response.content)
        if response.status_code == 200:
            assert len(response.json()["acks"]) == len(body["events"])

    run()
