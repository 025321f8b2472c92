"""Reads of closed management: who may use a checkpoint console where, and the filtered
lists of the pages."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import ExtractHour, TruncDate
from django.utils import timezone

from fangxian.core.scope import Reach, Scope

from .models import Checkpoint, FeverAlert, Pass, Scan

def console_checkpoints(scope: Scope) -> QuerySet:
    """The checkpoints whose console the user may run: those of the communities where they
    are a checkpoint volunteer or an admin (every checkpoint for a superuser). Checkpoint
    volunteers see nothing of the registry: this is what their membership opens."""
    return scope.communities(Checkpoint.objects.select_related("entrance", "community"), Reach.CONSOLE,
                             path="community_id")


def standing_checkpoints(scope: Scope) -> QuerySet:
    """The open checkpoints where the user stands as a volunteer (they file their sub-reports)."""
    if not scope.stands_at_checkpoints:
        return Checkpoint.objects.none()
    return Checkpoint.objects.filter(community_id__in=scope.checkpoint_community_ids, active=True).order_by("name", "pk")


# -- who sees which page -------------------------------------------------------------------


def sees_access(scope: Scope) -> bool:
    """The checkpoints, passage log, refusals and fever alerts: community admins (their
    communities), subdistrict officers (read), superusers."""
    return scope.reads_communities


def sees_passes(scope: Scope) -> bool:
    """Passes: as above, and grid workers for the people of their grids."""
    return scope.sees_registry


def edits_access(scope: Scope) -> bool:
    return scope.is_admin


def open_alert_count(scope: Scope) -> int:
    return scope.filter(FeverAlert.objects.filter(closed_at__isnull=True)).count()


# -- passes ---------------------------------------------------------------------------------

PASS_STATES = ("valid", "revoked", "expired")


@dataclass
class PassFilters:
    q: str = ""
    estate: int | None = None
    kind: str = ""
    state: str = ""

    @classmethod
    def from_query(cls, params) -> "PassFilters":
        def number(name):
            value = params.get(name, "")
            return int(value) if value.isdigit() and len(value) < 19 else None

        kind = params.get("kind", "")
        state = params.get("state", "")
        return cls(q=" ".join(params.get("q", "").split())[:40], estate=number("estate"),
                   kind=kind if kind in Pass.Kind.values else "", state=state if state in PASS_STATES else "")

    @property
    def active(self) -> bool:
        return bool(self.q or self.estate or self.kind or self.state)


def passes_filtered(passes: QuerySet, filters: PassFilters, now: dt.datetime | None = None) -> QuerySet:
    now = now or timezone.now()
    if filters.q:
        q = filters.q
        passes = passes.filter(
            Q(person__name__contains=q) | Q(person__dwelling__room=q)
            | Q(person__dwelling__building__name__contains=q) | Q(cti__startswith=q.lower())
        )
    if filters.estate:
        passes = passes.filter(estate_id=filters.estate)
    if filters.kind:
        passes = passes.filter(kind=filters.kind)
    if filters.state == "valid":
        passes = passes.filter(revoked_at__isnull=True, valid_until__gt=now, valid_from__lte=now)
    elif filters.state == "revoked":
        passes = passes.filter(revoked_at__isnull=False)
    elif filters.state == "expired":
        passes = passes.filter(revoked_at__isnull=True, valid_until__lte=now)
    return passes.select_related("person__dwelling__building", "estate").order_by("-issued_at", "-pk")


# -- the passage log ------------------------------------------------------------------------


@dataclass
class ScanFilters:
    checkpoint: int | None = None
    date: dt.date | None = None
    direction: str = ""
    verdict: str = ""
    flagged: bool = False

    @classmethod
    def from_query(cls, params) -> "ScanFilters":
        checkpoint = params.get("checkpoint", "")
        try:
            date = dt.date.fromisoformat(params.get("date", ""))
        except ValueError:
            date = None
        direction = params.get("direction", "")
        verdict = params.get("verdict", "")
        return cls(
            checkpoint=int(checkpoint) if checkpoint.isdigit() and len(checkpoint) < 19 else None,
            date=date,
            direction=direction if direction in Scan.Direction.values else "",
            verdict=verdict if verdict in ("green", "red", "amber") else "",
            flagged=params.get("flagged") == "1",
        )


def scans_filtered(scans: QuerySet, filters: ScanFilters) -> QuerySet:
    if filters.checkpoint:
        scans = scans.filter(checkpoint_id=filters.checkpoint)
    if filters.date:
        start = timezone.make_aware(dt.datetime.combine(filters.date, dt.time.min))
        scans = scans.filter(occurred_at__gte=start, occurred_at__lt=start + dt.timedelta(days=1))
    if filters.direction:
        scans = scans.filter(direction=filters.direction)
    if filters.verdict:
        scans = scans.filter(server_verdict=filters.verdict)
    if filters.flagged:
        scans = scans.filter(disagreement=True)
    return scans.select_related("checkpoint", "pass_obj__person", "person").order_by("-occurred_at", "-pk")


def passages_per_hour(scans: QuerySet, day: dt.date) -> dict:
    """Admitted passages per hour of `day` (local time) per checkpoint, for the chart:
    {"hours": [0..23], "series": [{"name": checkpoint, "data": [24 counts]}]}."""
    start = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
    rows = (
        scans.filter(occurred_at__gte=start, occurred_at__lt=start + dt.timedelta(days=1))
        .exclude(kind=Scan.Kind.REFUSAL)
        .annotate(hour=ExtractHour("occurred_at"))
        .order_by()
        .values_list("checkpoint__name", "checkpoint_id", "hour")
        .annotate(n=Count("pk"))
    )
    series: dict[int, dict] = {}
    for name, checkpoint_id, hour, n in rows:
        entry = series.setdefault(checkpoint_id, {"name": name, "data": [0] * 24})
        entry["data"][hour] += n
    return {"hours": list(range(24)), "series": sorted(series.values(), key=lambda s: s["name"])}


def scan_days(scans: QuerySet) -> list[dt.date]:
    return list(scans.annotate(day=TruncDate("occurred_at")).order_by("-day").values_list("day", flat=True)
                .distinct()[:14])
