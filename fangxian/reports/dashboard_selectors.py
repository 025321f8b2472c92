"""The wall dashboard's figures (大屏), for one community or several added up.

`dashboard(community_ids, today)` runs a fixed number of queries whatever the amount of data:
each series is one query grouped by day (or by hour, or by date), never one query per day,
per checkpoint or per row. The answer is plain JSON-ready data, the same for the first page
and for the page's refreshes.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Case, Count, IntegerField, Q, When
from django.db.models.functions import TruncDate
from django.utils import timezone

from fangxian.access.models import FeverAlert, Scan
from fangxian.access.selectors import passages_per_hour
from fangxian.incidents.models import Incident
from fangxian.registry.models import Person
from fangxian.returnees.models import Quarantine, Registration

TREND_DAYS = 30
END_DATE_DAYS = 7  # quarantine end dates shown: today and the next six days
LIST_LENGTH = 8
OPEN_QUARANTINE = (Quarantine.Status.ACTIVE, Quarantine.Status.EXTENDED)


def _midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _per_day(queryset, field: str, start: dt.datetime, end: dt.datetime, **counts) -> dict[dt.date, dict]:
    """{day: {name: count}} of `queryset` between start and end, grouped by the local day of
    `field`; `counts` are named Count expressions (a plain count when none is given)."""
    counts = counts or {"n": Count("pk")}
    rows = (queryset.filter(**{f"{field}__gte": start, f"{field}__lt": end})
            .annotate(day=TruncDate(field)).order_by().values("day").annotate(**counts))
    return {row["day"]: row for row in rows}


def _series(rows: dict, days: list[dt.date], name: str = "n") -> list[int]:
    return [rows.get(day, {}).get(name, 0) for day in days]


def _quarantine_levels(quarantines, days: list[dt.date]) -> list[int]:
    """How many were in home quarantine at the end of each day: one query of (start, end)
    pairs with their counts, summed per day here."""
    first, last = days[0], days[-1]
    rows = (quarantines.filter(starts_on__lte=last)
            .filter(Q(ended_on__isnull=True, status__in=OPEN_QUARANTINE) | Q(ended_on__gt=first))
            .order_by().values_list("starts_on", "ended_on").annotate(n=Count("pk")))
    rows = list(rows)
    return [sum(n for starts, ended, n in rows if starts <= day and (ended is None or ended > day)) for day in days]


def dashboard(community_ids, today: dt.date | None = None) -> dict:
    today = today or timezone.localdate()
    ids = list(community_ids)
    days = [today - dt.timedelta(days=TREND_DAYS - 1 - i) for i in range(TREND_DAYS)]
    start, end = _midnight(days[0]), _midnight(today + dt.timedelta(days=1))

    people = Person.objects.filter(community_id__in=ids).count()
    quarantines = Quarantine.objects.filter(dwelling__building__community_id__in=ids)
    in_quarantine = quarantines.filter(status__in=OPEN_QUARANTINE).count()
    registrations = _per_day(Registration.objects.filter(community_id__in=ids), "created_at", start, end)
    scans = Scan.objects.filter(community_id__in=ids)
    passages = _per_day(scans, "occurred_at", start, end,
                        passages=Count("pk", filter=~Q(kind=Scan.Kind.REFUSAL)),
                        refusals=Count("pk", filter=Q(kind=Scan.Kind.REFUSAL)))
    alerts = FeverAlert.objects.filter(community_id__in=ids)
    alerts_raised = _per_day(alerts, "raised_at", start, end)
    incidents = Incident.objects.filter(community_id__in=ids)
    incidents_reported = _per_day(incidents, "reported_at", start, end)
    open_alerts = alerts.filter(closed_at__isnull=True)
    open_incidents = incidents.filter(closed_at__isnull=True)

    ends = (quarantines.filter(status__in=OPEN_QUARANTINE, planned_end__lt=today + dt.timedelta(days=END_DATE_DAYS))
            .order_by().values("planned_end").annotate(n=Count("pk")))
    end_days = [today + dt.timedelta(days=i) for i in range(END_DATE_DAYS)]
    ends_by_day = {row["planned_end"]: row["n"] for row in ends}

    alert_rows = [{
        "id": a.pk, "checkpoint": a.checkpoint.name, "temperature": str(a.temperature),
        "raised_at": timezone.localtime(a.raised_at).strftime("%m-%d %H:%M"),
        "assigned": bool(a.assigned_to_id),
    } for a in open_alerts.select_related("checkpoint").order_by("-raised_at", "-pk")[:LIST_LENGTH]]
    urgency_rank = Case(When(urgency=Incident.Urgency.CRITICAL, then=0), When(urgency=Incident.Urgency.HIGH, then=1),
                        default=2, output_field=IntegerField())
    incident_rows = [{
        "id": i.pk, "title": i.title, "location": i.location, "urgency": i.urgency,
        "urgency_label": str(i.get_urgency_display()), "status_label": str(i.get_status_display()),
        "reported_at": timezone.localtime(i.reported_at).strftime("%m-%d %H:%M"),
    } for i in open_incidents.order_by(urgency_rank, "-reported_at", "-pk")[:LIST_LENGTH]]

    trend_passages = _series(passages, days, "passages")
    trend_refusals = _series(passages, days, "refusals")
    trend_returnees = _series(registrations, days)
    return {
        "day": today.isoformat(),
        "figures": {
            "people": people,
            "in_quarantine": in_quarantine,
            "returnees_today": trend_returnees[-1],
            "passages_today": trend_passages[-1],
            "refusals_today": trend_refusals[-1],
            "open_fever_alerts": open_alerts.count(),
            "open_incidents": open_incidents.count(),
        },
        "trend": {
            "days": [day.strftime("%m-%d") for day in days],
            "passages": trend_passages,
            "refusals": trend_refusals,
            "returnees": trend_returnees,
            "in_quarantine": _quarantine_levels(quarantines, days),
            "fever_alerts": _series(alerts_raised, days),
            "incidents": _series(incidents_reported, days),
        },
        "hourly": passages_per_hour(scans, today),
        "quarantine_ends": {
            "days": [day.strftime("%m-%d") for day in end_days],
            "counts": [ends_by_day.get(day, 0) for day in end_days],
            "overdue": sum(n for day, n in ends_by_day.items() if day < today),
        },
        "fever_alerts": alert_rows,
        "incidents": incident_rows,
    }
