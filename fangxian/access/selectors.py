"""Reads of closed management: who may use a checkpoint console where, and the filtered
lists of the pages."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import ExtractHour, TruncDate
from django.http import Http404
from django.utils import timezone

from fangxian.core.reporting import count_per_day
from fangxian.core.scope import Reach, Scope
from fangxian.registry.models import Person

from .models import Checkpoint, FeverAlert, Pass, Scan

LOOKUP_LIMIT = 20


def console_checkpoints(scope: Scope) -> QuerySet:
    """The checkpoints whose console the user may run: those of the communities where they
    are a checkpoint volunteer or an admin (every checkpoint for a superuser). Checkpoint
    volunteers see nothing of the registry: this is what their membership opens."""
    return scope.communities(Checkpoint.objects.select_related("entrance", "community"), Reach.CONSOLE,
                             path="community_id")


def console_checkpoint(scope: Scope, checkpoint_id: int) -> Checkpoint:
    """The checkpoint, if the scope may run its console (`console_checkpoints`): Http404
    outside the user's communities, PermissionDenied inside them without a console role, so
    that the console does not tell which checkpoints exist elsewhere."""
    checkpoint = (
        Checkpoint.objects.select_related("entrance__estate", "community").filter(pk=checkpoint_id).first()
    )
    if checkpoint is None:
        raise Http404
    if scope.covers(checkpoint.community_id, Reach.CONSOLE):
        return checkpoint
    if scope.covers(checkpoint.community_id, Reach.MEMBER):
        raise PermissionDenied
    raise Http404


def standing_checkpoints(scope: Scope) -> QuerySet:
    """The open checkpoints where the user stands as a volunteer (they file their sub-reports)."""
    if not scope.stands_at_checkpoints:
        return Checkpoint.objects.none()
    return scope.communities(Checkpoint.objects.filter(active=True), Reach.CHECKPOINT, path="community_id").order_by(
        "name", "pk")


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
        passes = passes.valid_at(now)
    elif filters.state == "revoked":
        passes = passes.filter(revoked_at__isnull=False)
    elif filters.state == "expired":
        passes = passes.filter(revoked_at__isnull=True, valid_until__lte=now)
    return passes.select_related("person__dwelling__building", "estate").order_by("-issued_at", "-pk")


# -- the console's manual lookup ----------------------------------------------------------


def lookup_people(checkpoint: Checkpoint, *, building: str, room: str, name: str, at=None):
    """The residents of the checkpoint's estates matching a building, a room and a name
    (any of them; the caller asks for enough to narrow it), with whether each holds a pass
    valid now for one of those estates (`has_pass`)."""
    at = at or timezone.now()
    estates = checkpoint.admitted_estate_ids()
    valid_pass = Pass.objects.valid_at(at).filter(person=OuterRef("pk"), estate_id__in=estates)
    people = Person.objects.filter(dwelling__building__estate_id__in=estates)
    if building:
        people = people.filter(dwelling__building__name__icontains=building)
    if room:
        people = people.filter(dwelling__room__iexact=room)
    if name:
        people = people.filter(name__icontains=name)
    return (
        people.annotate(has_pass=Exists(valid_pass))
        .select_related("dwelling__building__estate")
        .order_by("dwelling__building__name", "dwelling__room", "name", "pk")[:LOOKUP_LIMIT]
    )


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


# -- for the daily report and the wall dashboard (reports) ---------------------------------


def active_checkpoints(community_ids) -> QuerySet:
    """The open checkpoints of these communities, by name: the daily report's sub-report units."""
    return Checkpoint.objects.filter(community_id__in=list(community_ids), active=True).order_by("name", "pk")


def checkpoint_with_community(pk: int) -> Checkpoint | None:
    return Checkpoint.objects.select_related("community").filter(pk=pk).first()


def passages_per_day(community_ids, start: dt.datetime, end: dt.datetime) -> dict[dt.date, dict]:
    """{local day: {"passages": n, "refusals": n}} of the communities' scans: one query."""
    return count_per_day(Scan.objects.filter(community_id__in=list(community_ids)), "occurred_at", start, end,
                         passages=Count("pk", filter=~Q(kind=Scan.Kind.REFUSAL)),
                         refusals=Count("pk", filter=Q(kind=Scan.Kind.REFUSAL)))


def community_passages_per_hour(community_ids, day: dt.date) -> dict:
    """`passages_per_hour` of the communities' scans."""
    return passages_per_hour(Scan.objects.filter(community_id__in=list(community_ids)), day)


def fever_alerts_per_day(community_ids, start: dt.datetime, end: dt.datetime) -> dict[dt.date, dict]:
    """{local day: {"n": alerts raised}}: one query."""
    return count_per_day(FeverAlert.objects.filter(community_id__in=list(community_ids)), "raised_at", start, end)


def open_fever_alerts(community_ids) -> QuerySet:
    """The communities' open fever alerts with their checkpoint, the latest first."""
    return (FeverAlert.objects.filter(community_id__in=list(community_ids), closed_at__isnull=True)
            .select_related("checkpoint").order_by("-raised_at", "-pk"))


def sightings_of_person(since: dt.datetime) -> QuerySet:
    """The passages since a moment with the person of the outer query (`OuterRef("pk")` of a
    Person queryset), by themselves or by a pass of theirs, the latest first: for subqueries."""
    return (Scan.objects.filter(occurred_at__gte=since)
            .filter(Q(person_id=OuterRef("pk")) | Q(pass_obj__person_id=OuterRef("pk")))
            .order_by("-occurred_at", "-pk"))
