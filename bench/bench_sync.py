"""Batch sync of 10,000 checkpoint events through the HTTP endpoint, beside a raw bulk insert.

Figure: events per second through `POST /api/v1/access/sync` (Django's test client, the
checkpoint volunteer's session, batches of 500): JSON parsing, the per-event schema check,
the server's re-verification of every pass (signature with the codec, revocation, estate),
the fever check, `INSERT … ON CONFLICT DO NOTHING`, the read-back and the acknowledgements.
The events are those of a busy gate: 85 % pass scans (200 residents' passes, 3 % revoked),
10 % refusals with a visitor, 5 % manual admissions, 1 % with a fever.
A second figure sends the same 10,000 again: every answer "duplicate", nothing inserted.
Floor: `Scan.objects.bulk_create` of the same 10,000 rows, already built, in batches of 500:
what the database alone costs.

On SQLite (a scratch file), and on PostgreSQL too when DATABASE_URL is set (in a scratch
database made beside the named one and dropped afterwards). Each backend runs in its own
process: `.venv/bin/python -m bench.bench_sync`.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import uuid

from bench.common import emit, figure, scratch_django

EVENTS = 10_000
BATCH = 500
RESIDENTS = 200


def run() -> list[dict]:
    rows = []
    backends = ["sqlite"] + (["postgresql"] if os.environ.get("DATABASE_URL") else [])
    for backend in backends:
        result = subprocess.run([sys.executable, "-m", "bench.bench_sync", "--backend", backend],
                                capture_output=True, text=True, timeout=3600)
        if result.returncode != 0:
            raise RuntimeError(f"bench_sync on {backend} failed:\n{result.stderr[-4000:]}")
        rows += [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    return rows


# -- one backend, in its own process ---------------------------------------------------------


def _scratch_postgres() -> tuple[str, callable]:
    """A fresh database beside DATABASE_URL's, and how to drop it."""
    from urllib.parse import urlparse, urlunparse

    import psycopg

    url = urlparse(os.environ["DATABASE_URL"])
    name = f"fangxian_bench_sync_{os.getpid()}"
    admin = urlunparse(url._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')

    def drop():
        from django.db import connections

        connections.close_all()
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    os.environ["DATABASE_URL"] = urlunparse(url._replace(path=f"/{name}"))
    return name, drop


def _one(backend: str) -> list[dict]:
    drop = None
    if backend == "postgresql":
        _name, drop = _scratch_postgres()
    else:
        os.environ.pop("DATABASE_URL", None)
    try:
        scratch_django(f"sync-{backend}")
        return _measure(backend)
    finally:
        if drop is not None:
            drop()


def _setup():
    from django.contrib.auth import get_user_model

    from fangxian.access import services
    from fangxian.access.models import Checkpoint
    from fangxian.registry.demo import demo_build
    from fangxian.registry.models import Building, Entrance, Person

    demo_build(scale=1)
    admin = get_user_model().objects.get(username="admin")
    gate = get_user_model().objects.get(username="gate")
    entrance = Entrance.objects.select_related("estate").first()
    checkpoint = Checkpoint.objects.create(entrance=entrance, community=entrance.estate.community,
                                           name=f"{entrance.estate.name}{entrance.name}")
    passes = []
    for building in Building.objects.filter(estate=entrance.estate).order_by("pk"):
        passes += services.passes_issue_for_building(building=building, user=admin)["passes"]
        if len(passes) >= RESIDENTS:
            break
    passes = passes[:RESIDENTS]
    for pass_ in passes[: RESIDENTS * 3 // 100]:
        services.pass_revoke(pass_=pass_, reason="home_quarantine", user=admin)
    texts = [services.pass_qr_text(p) for p in passes]
    people = list(Person.objects.filter(dwelling__building__estate=entrance.estate).values_list("pk", flat=True)[:50])
    return gate, checkpoint, texts, people


def _events(checkpoint, texts, people) -> list[dict]:
    from django.utils import timezone

    start = timezone.now() - __import__("datetime").timedelta(hours=8)
    events = []
    for n in range(EVENTS):
        at = (start + __import__("datetime").timedelta(seconds=2 * n)).isoformat()
        fever = n % 100 == 0
        base = {"event_id": str(uuid.uuid4()), "device_seq": n, "occurred_at": at, "checkpoint": checkpoint.pk,
                "direction": "in" if n % 2 else "out", "reason": "", "temperature": 38.2 if fever else 36.5,
                "pass_text": None, "person": None, "visitor": None}
        if n % 20 < 17:
            base.update(kind="scan", pass_text=texts[n % len(texts)], verdict="red" if fever else "green")
        elif n % 20 < 19:
            base.update(kind="refusal", verdict="red", reason="非本小区居民",
                        visitor={"name": "访客", "phone": "13800138000", "visiting": "", "why": "探亲"})
        else:
            base.update(kind="manual", person=people[n % len(people)], verdict="green", reason="没带卡")
        events.append(base)
    return events


def _post_all(client, events) -> tuple[float, dict]:
    statuses: dict[str, int] = {}
    started = time.perf_counter()
    for i in range(0, len(events), BATCH):
        response = client.post("/api/v1/access/sync", json.dumps({"device_id": "bench", "events": events[i:i + BATCH]}),
                               content_type="application/json")
        assert response.status_code == 200, response.content[:500]
        for ack in response.json()["acks"]:
            statuses[ack["status"]] = statuses.get(ack["status"], 0) + 1
    return time.perf_counter() - started, statuses


def _measure(backend: str) -> list[dict]:
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from fangxian.access.models import FeverAlert, Scan

    gate, checkpoint, texts, people = _setup()
    events = _events(checkpoint, texts, people)
    client = Client()
    client.force_login(gate)

    seconds, statuses = _post_all(client, events)
    assert statuses == {"stored": EVENTS}, statuses
    assert Scan.objects.count() == EVENTS
    alerts = FeverAlert.objects.count()
    again, repeat = _post_all(client, events)
    assert repeat == {"duplicate": EVENTS}, repeat

    # The floor: the same rows, built beforehand, inserted in the same batches.
    rows = list(Scan.objects.all())
    FeverAlert.objects.all().delete()
    Scan.objects.all().delete()
    batch = uuid.uuid4()
    for row in rows:
        row.pk = None
        row.event_id, row.batch, row.received_at = uuid.uuid4(), batch, timezone.now()
    started = time.perf_counter()
    for i in range(0, len(rows), BATCH):
        Scan.objects.bulk_create(rows[i:i + BATCH], ignore_conflicts=True)
    floor = time.perf_counter() - started
    assert Scan.objects.count() == EVENTS

    extra = {"backend": connection.vendor, "events": EVENTS, "batch": BATCH, "fever_alerts": alerts}
    return [
        figure(f"sync_10k_events_http_{backend}", "events/s", EVENTS / seconds, EVENTS / floor,
               higher_is_better=True, seconds=round(seconds, 2), floor_seconds=round(floor, 3), **extra),
        figure(f"sync_10k_events_http_repeat_{backend}", "events/s", EVENTS / again, EVENTS / floor,
               higher_is_better=True, seconds=round(again, 2), floor_seconds=round(floor, 3), **extra),
    ]


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--backend":
        emit(_one(sys.argv[2]))
    else:
        emit(run())
