"""The sync's promise, under whatever the network does: a hypothesis state machine plays a
checkpoint phone that records events, sends them, loses answers, retries, and sends the same
batch twice at once. Whatever happens, the server holds each event exactly once, raises each
fever once, and never answers with a 5xx.

On PostgreSQL (DATABASE_URL set) the concurrent duplicate is two threads, each with its own
connection, released together; on SQLite, whose writers queue anyway, they run one after
the other.
"""

import json
import os
import threading
import uuid

import pytest
from django.db import connection
from django.test import Client
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule, run_state_machine_as_test

from fangxian.access import services
from fangxian.access.models import FeverAlert, Scan
from tests.access.conftest import equip_gate, scan_event
from tests.api import bearer

PATH = "/api/v1/access/sync"


ON_POSTGRES = bool(os.environ.get("DATABASE_URL"))
# On PostgreSQL the threads need to see the gate: committed rows, not a test's open transaction.
pytestmark = pytest.mark.django_db(transaction=ON_POSTGRES)


@pytest.fixture
def sync_gate(two_grids):
    equip_gate(two_grids)
    two_grids.on_postgres = connection.vendor == "postgresql"
    return two_grids


def post(headers, batch, device_id="phone-1"):
    response = Client().post(PATH, json.dumps({"device_id": device_id, "events": batch}),
                             content_type="application/json", **headers)
    assert response.status_code == 200, response.content
    acks = response.json()["acks"]
    assert len(acks) == len(batch)
    return acks


def test_it_stores_each_event_once_whatever_the_network_does(sync_gate):
    gate = sync_gate
    headers = bearer(gate.users["erin"])
    passes = [services.pass_qr_text(gate.pass_a), services.pass_qr_text(gate.pass_b)]

    class Phone(RuleBasedStateMachine):
        def __init__(self):
            super().__init__()
            Scan.objects.all().delete()  # and their fever alerts: each run starts with an empty log
            self.queue: list[dict] = []  # recorded, not yet acknowledged
            self.valid: set[str] = set()  # event ids the server should hold
            self.fevers: set[str] = set()
            self.seq = 0
            self.last: list[dict] = []

        def _event(self, kind, fever, malformed):
            self.seq += 1
            temperature = 38.4 if fever else 36.6
            if kind == "scan":
                event = scan_event(gate.checkpoint, passes[self.seq % 2], seq=self.seq, temperature=temperature)
            elif kind == "manual":
                event = scan_event(gate.checkpoint, None, kind="manual", person=gate.person_a.pk, seq=self.seq,
                                   temperature=temperature)
            else:
                event = scan_event(gate.checkpoint, None, kind="refusal", verdict="red", seq=self.seq,
                                   temperature=temperature, visitor={"name": "访客", "phone": "13800001111",
                                                                     "visiting": "", "why": ""})
            if malformed:
                event["occurred_at"] = "yesterday"
            return event

        @rule(kinds=st.lists(st.sampled_from(["scan", "manual", "refusal"]), min_size=1, max_size=40),
              fever=st.booleans(), malformed=st.booleans())
        def record(self, kinds, fever, malformed):
            """The volunteer scans: events are written to the phone before anything is sent."""
            for i, kind in enumerate(kinds):
                bad = malformed and i == 0
                event = self._event(kind, fever and i % 7 == 0, bad)
                self.queue.append(event)
                if not bad:
                    self.valid.add(event["event_id"])
                    if fever and i % 7 == 0:
                        self.fevers.add(event["event_id"])

        def _settle(self, batch, acks):
            for event, ack in zip(batch, acks, strict=True):
                assert ack["event_id"] == event["event_id"]
                expected = "rejected" if event["event_id"] not in self.valid else {"stored", "duplicate"}
                assert ack["status"] == expected or ack["status"] in expected, (event, ack)
            done = {a["event_id"] for a in acks}
            self.queue = [e for e in self.queue if e["event_id"] not in done]

        @precondition(lambda self: self.queue)
        @rule(size=st.integers(1, 500))
        def submit(self, size):
            """Online: send the oldest events; forget what the server acknowledged."""
            self.last = self.queue[:size]
            self._settle(self.last, post(headers, self.last))

        @precondition(lambda self: self.queue)
        @rule(size=st.integers(1, 500))
        def dropped_answer(self, size):
            """The batch reached the server but its answer was lost: the phone keeps everything."""
            self.last = self.queue[:size]
            post(headers, self.last)

        @precondition(lambda self: self.last)
        @rule()
        def retry(self):
            """The same batch again, as a phone does after a timeout."""
            acks = post(headers, self.last)
            for event, ack in zip(self.last, acks, strict=True):
                if event["event_id"] in self.valid:
                    assert ack["status"] == "duplicate", (event, ack)
            self._settle(self.last, acks)

        @precondition(lambda self: self.queue)
        @rule(size=st.integers(1, 60))
        def concurrent_duplicate(self, size):
            """Two sends of one batch at once (a double tap, two tabs): exactly one stores each event."""
            batch = self.queue[:size]
            fresh = {e["event_id"] for e in batch} - set(
                str(i) for i in Scan.objects.filter(event_id__in=[e["event_id"] for e in batch
                                                                   if e["event_id"] in self.valid])
                .values_list("event_id", flat=True))
            answers: list = [None, None]
            if gate.on_postgres:
                start = threading.Barrier(2)

                def send(slot):
                    try:
                        start.wait()
                        answers[slot] = post(headers, batch, device_id=f"phone-{slot}")
                    except BaseException as error:  # noqa: BLE001
                        answers[slot] = error
                    finally:
                        connection.close()

                threads = [threading.Thread(target=send, args=(slot,)) for slot in (0, 1)]
                for thread in threads:
                    thread.start()
                for thread in threads:
                    thread.join(timeout=60)
                for answer in answers:
                    if isinstance(answer, BaseException):
                        raise answer
            else:
                answers = [post(headers, batch, device_id="phone-0"), post(headers, batch, device_id="phone-1")]
            for i, event in enumerate(batch):
                statuses = sorted(answer[i]["status"] for answer in answers)
                if event["event_id"] not in self.valid:
                    assert statuses == ["rejected", "rejected"]
                elif event["event_id"] in fresh:
                    assert statuses == ["duplicate", "stored"], (event, statuses)
                else:
                    assert statuses == ["duplicate", "duplicate"], (event, statuses)
            self._settle(batch, answers[0])

        @invariant()
        def each_event_once(self):
            sent = set(self.valid) - {e["event_id"] for e in self.queue}
            stored = {str(i) for i in Scan.objects.values_list("event_id", flat=True)}
            # Everything acknowledged is stored; nothing is stored twice or unasked for.
            assert sent <= stored <= self.valid
            assert Scan.objects.count() == len(stored)
            fever_ids = {str(i) for i in FeverAlert.objects.values_list("scan__event_id", flat=True)}
            assert fever_ids == stored & self.fevers
            assert FeverAlert.objects.count() == len(fever_ids)

    run_state_machine_as_test(Phone, settings=settings(
        max_examples=12 if gate.on_postgres else 25, stateful_step_count=10, deadline=None,
        suppress_health_check=list(HealthCheck)))


def test_it_keeps_the_first_answer_for_a_repeat(client, sync_gate):
    """The same event_id with different content later: the first one stays."""
    gate = sync_gate
    headers = bearer(gate.users["erin"])
    first = scan_event(gate.checkpoint, None, kind="refusal", verdict="red", reason="first")
    post(headers, [first])
    second = {**first, "reason": "second", "temperature": 39.5}
    [ack] = post(headers, [second])
    assert ack["status"] == "duplicate"
    scan = Scan.objects.get(event_id=first["event_id"])
    assert scan.reason == "first" and scan.temperature is None
    assert not FeverAlert.objects.filter(scan=scan).exists()


def test_it_takes_a_full_batch_of_500(sync_gate):
    gate = sync_gate
    headers = bearer(gate.users["erin"])
    text = services.pass_qr_text(gate.pass_a)
    batch = [scan_event(gate.checkpoint, text, seq=i, event_id=uuid.uuid4()) for i in range(500)]
    before = Scan.objects.count()
    assert {a["status"] for a in post(headers, batch)} == {"stored"}
    assert Scan.objects.count() == before + 500
    too_many = Client().post(PATH, json.dumps({"device_id": "x", "events": batch + batch[:1]}),
                             content_type="application/json", **headers)
    assert too_many.status_code == 422
