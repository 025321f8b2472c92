"""Reads of returnees for other apps (the wall dashboard): registrations per day and home
quarantines, for many communities at once, each in one query."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q, QuerySet

from fangxian.core.reporting import count_per_day

from .models import Quarantine, Registration

OPEN_QUARANTINE = (Quarantine.Status.ACTIVE, Quarantine.Status.EXTENDED)


def _quarantines(community_ids) -> QuerySet:
    return Quarantine.objects.filter(dwelling__building__community_id__in=list(community_ids))


def registrations_per_day(community_ids, start: dt.datetime, end: dt.datetime) -> dict[dt.date, dict]:
    """{local day: {"n": self-registrations made}}."""
    return count_per_day(Registration.objects.filter(community_id__in=list(community_ids)), "created_at", start, end)


def in_quarantine_count(community_ids) -> int:
    """How many are in home quarantine now (active or extended)."""
    return _quarantines(community_ids).filter(status__in=OPEN_QUARANTINE).count()


def quarantine_levels(community_ids, days: list[dt.date]) -> list[int]:
    """How many were in home quarantine at the end of each day: one query of (start, end)
    pairs with their counts, summed per day here."""
    first, last = days[0], days[-1]
    rows = (_quarantines(community_ids).filter(starts_on__lte=last)
            .filter(Q(ended_on__isnull=True, status__in=OPEN_QUARANTINE) | Q(ended_on__gt=first))
            .order_by().values_list("starts_on", "ended_on").annotate(n=Count("pk")))
    rows = list(rows)
    return [sum(n for starts, ended, n in rows if starts <= day and (ended is None or ended > day)) for day in days]


def quarantine_ends_before(community_ids, day: dt.date) -> dict[dt.date, int]:
    """{planned end: how many} of the open quarantines planned to end before `day` (overdue
    ones included)."""
    rows = (_quarantines(community_ids).filter(status__in=OPEN_QUARANTINE, planned_end__lt=day)
            .order_by().values("planned_end").annotate(n=Count("pk")))
    return {row["planned_end"]: row["n"] for row in rows}
