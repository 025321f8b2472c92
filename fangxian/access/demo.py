"""Closed management for the demo: a checkpoint at every entrance, a pass for everyone at
home, and 30 days of passages at the gates, so that `make run` shows a console with
something to scan and a wall dashboard with a history.

The passages are sampled, not one per resident and trip: about one passage a day for every
eight residents, more as people come back, by the hour with a morning and an evening peak.
They are written with `bulk_create` (the console's sync service checks one device batch at
a time: some 50,000 rows through it would take minutes). A temperature at or above the
fever threshold is refused and raises a fever alert, closed within two hours except the
latest ones of the last day.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from decimal import Decimal

from django.utils import timezone

from fangxian.registry.models import Building, Community, Entrance

from .models import Checkpoint, FeverAlert, Pass, Scan, Verdict
from .services import checkpoint_create, passes_issue_for_building

HISTORY_DAYS = 30
# Passages a day per resident at the end of the peak; the first day sees 60% of it.
PASSAGES_PER_RESIDENT = 0.125
# Relative passages in each hour of the day: out to work and the market 7–9, home 17–19.
HOURLY = (1.0, 0.5, 0.3, 0.3, 0.4, 1.0, 3.0, 8.0, 9.0, 5.0, 4.0, 4.0,
          5.0, 4.0, 4.0, 4.0, 5.0, 8.0, 9.0, 6.0, 4.0, 3.0, 2.0, 1.5)
MANUAL_SHARE, REFUSAL_SHARE, FEVER_SHARE = 0.06, 0.05, 1 / 300
REFUSALS = ("非本小区居民，劝返。", "无通行证，已劝返。", "外卖员，物资放至取货点。", "访客未登记，劝返。")
VISITORS = (("王师傅", "维修燃气"), ("刘医生", "上门随访"), ("陈先生", "探望老人"), ("物业李姐", "消杀"))
# Alerts of the last hours stay open, and the latest two of the last day: the dashboard has
# some to follow up.
OPEN_ALERT_HOURS, OPEN_LATEST = 3, 2


def demo_access(*, community: Community) -> dict:
    checkpoints = 0
    for entrance in Entrance.objects.filter(estate__community=community).select_related("estate"):
        if not Checkpoint.objects.filter(entrance=entrance).exists():
            checkpoint_create(entrance=entrance, user=None)
            checkpoints += 1
    passes = 0
    for building in Building.objects.filter(community=community).select_related("estate", "community"):
        passes += passes_issue_for_building(building=building, user=None)["issued"]
    return {"checkpoints": checkpoints, "passes": passes}


def _uuid(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def _minute_in(rng: random.Random, day: dt.date, hour: int) -> dt.datetime:
    local = dt.datetime.combine(day, dt.time(hour, rng.randrange(60), rng.randrange(60)))
    return timezone.make_aware(local)


def demo_passages(*, community: Community, days: int = HISTORY_DAYS, seed: int = 2020,
                  now: dt.datetime | None = None) -> dict:
    """The community's passages of the last `days` days up to now, their refusals and fever
    alerts. The passes are dated back to the first day: residents had them all along.
    A community that has passages already is left alone."""
    if Scan.objects.filter(community=community).exists():
        return {"passages": 0, "fever_alerts": 0}
    now = now or timezone.now()
    today = timezone.localdate(now)
    first = today - dt.timedelta(days=days - 1)
    rng = random.Random(f"passages-{seed}-{community.code}")
    checkpoints = list(Checkpoint.objects.filter(community=community, active=True)
                       .select_related("entrance").order_by("pk"))
    if not checkpoints:
        return {"passages": 0, "fever_alerts": 0}
    passes = Pass.objects.filter(community=community, revoked_at__isnull=True)
    handed_out = timezone.make_aware(dt.datetime.combine(first, dt.time(8)))
    passes.filter(issued_at__gt=handed_out).update(issued_at=handed_out, valid_from=handed_out)
    holders: dict[int, list[tuple[int, int]]] = {}
    for pk, person_id, estate_id in passes.order_by("pk").values_list("pk", "person_id", "estate_id"):
        holders.setdefault(estate_id, []).append((pk, person_id))
    residents = sum(len(rows) for rows in holders.values())
    hour_weights = list(HOURLY)
    rows, fevers = [], []
    seq = {c.pk: 0 for c in checkpoints}
    for back in range(days - 1, -1, -1):
        day = today - dt.timedelta(days=back)
        progress = (days - 1 - back) / max(1, days - 1)  # people keep coming back over the month
        count = round(residents * PASSAGES_PER_RESIDENT * (0.6 + 0.4 * progress) * rng.uniform(0.9, 1.1))
        for hour in rng.choices(range(24), hour_weights, k=count):
            occurred = _minute_in(rng, day, hour)
            if occurred > now:
                continue
            checkpoint = checkpoints[rng.randrange(len(checkpoints))]
            rows.append(_scan(rng, checkpoint, holders.get(checkpoint.entrance.estate_id, []), occurred, seq))
            if rows[-1].temperature is not None and rows[-1].temperature >= Decimal("37.3"):
                fevers.append(rows[-1])
    # The story has a fever to follow up now: the latest resident in of the last hours, if the
    # draw gave none (about one a day in Dongshan, fewer in a smaller community).
    recent = [scan for scan in rows if scan.pass_obj_id and scan.kind == Scan.Kind.SCAN
              and scan.direction == Scan.Direction.IN and now - scan.occurred_at < dt.timedelta(hours=OPEN_ALERT_HOURS)]
    if recent and not any(now - scan.occurred_at < dt.timedelta(hours=OPEN_ALERT_HOURS) for scan in fevers):
        fevers.append(_feverish(rng, max(recent, key=lambda scan: scan.occurred_at)))
    Scan.objects.bulk_create(rows, batch_size=2000)
    alerts = _alerts(rng, [scan for scan in fevers if scan.pk is not None] or _stored(fevers), now)
    return {"passages": len(rows), "fever_alerts": len(alerts)}


def _scan(rng: random.Random, checkpoint: Checkpoint, holders: list[tuple[int, int]], occurred: dt.datetime,
          seq: dict[int, int]) -> Scan:
    seq[checkpoint.pk] += 1
    roll = rng.random()
    scan = Scan(event_id=_uuid(rng), device_id=f"demo-{checkpoint.pk}", device_seq=seq[checkpoint.pk],
                batch=_uuid(rng), checkpoint=checkpoint, community_id=checkpoint.community_id,
                occurred_at=occurred, received_at=occurred + dt.timedelta(seconds=rng.randint(1, 90)),
                kind=Scan.Kind.SCAN, direction=Scan.Direction.IN if rng.random() < 0.5 else Scan.Direction.OUT,
                device_verdict=Verdict.GREEN, server_verdict=Verdict.GREEN)
    if roll < REFUSAL_SHARE or not holders:
        scan.kind, scan.direction = Scan.Kind.REFUSAL, Scan.Direction.IN
        scan.device_verdict = scan.server_verdict = Verdict.RED
        scan.reason = REFUSALS[rng.randrange(len(REFUSALS))]
        return scan
    if roll < REFUSAL_SHARE + MANUAL_SHARE:
        name, why = VISITORS[rng.randrange(len(VISITORS))]
        scan.kind, scan.direction = Scan.Kind.MANUAL, Scan.Direction.IN
        scan.visitor_name, scan.visitor_why = name, why
        scan.temperature = Decimal(f"36.{rng.randrange(2, 9)}")
        return scan
    scan.pass_obj_id, scan.person_id = holders[rng.randrange(len(holders))]
    if scan.direction == Scan.Direction.IN:  # everyone coming in has their temperature taken
        if rng.random() < FEVER_SHARE:
            _feverish(rng, scan)
        else:
            scan.temperature = Decimal(f"36.{rng.randrange(1, 10)}")
    return scan


def _feverish(rng: random.Random, scan: Scan) -> Scan:
    """A temperature at or above the threshold: not admitted."""
    scan.temperature = max(Decimal(f"{rng.choice((37, 37, 38))}.{rng.randrange(3, 10)}"), Decimal("37.3"))
    scan.kind = Scan.Kind.REFUSAL
    scan.device_verdict = scan.server_verdict = Verdict.RED
    scan.reason = f"体温{scan.temperature}℃，未予放行，已通知社区。"
    return scan


def _stored(scans: list[Scan]) -> list[Scan]:
    """The fever scans with their keys, for a database whose bulk insert returns none."""
    return list(Scan.objects.filter(event_id__in=[s.event_id for s in scans]).order_by("occurred_at"))


def _alerts(rng: random.Random, scans: list[Scan], now: dt.datetime) -> list[FeverAlert]:
    alerts = []
    scans = sorted(scans, key=lambda s: s.occurred_at)
    for n, scan in enumerate(scans):
        alert = FeverAlert(scan_id=scan.pk, checkpoint_id=scan.checkpoint_id, community_id=scan.community_id,
                           temperature=scan.temperature, raised_at=scan.occurred_at)
        latest = n >= len(scans) - OPEN_LATEST and now - scan.occurred_at < dt.timedelta(hours=24)
        if now - scan.occurred_at > dt.timedelta(hours=OPEN_ALERT_HOURS) and not latest:
            alert.assigned_at = scan.occurred_at + dt.timedelta(minutes=rng.randint(3, 15))
            alert.closed_at = alert.assigned_at + dt.timedelta(minutes=rng.randint(15, 100))
            high = scan.temperature >= Decimal("37.8")
            alert.outcome = (FeverAlert.Outcome.FEVER_CLINIC if high else FeverAlert.Outcome.NORMAL)
            alert.outcome_note = "已送发热门诊排查。" if high else "复测体温正常，已放行。"
        alerts.append(alert)
    FeverAlert.objects.bulk_create(alerts)
    return alerts
