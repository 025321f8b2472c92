"""The incidents' section of the daily report: what was open at the end of the day, what was
reported and closed that day, how many open ones are critical, and how many open ones are
overdue.

The incident model keeps no response or closure target, so "overdue" is defined here: an
incident still open at the end of the day that was reported longer ago than the closure target
of its urgency (CLOSURE_TARGET: critical 4 hours, high 24 hours, low 3 days). A past day's
report measures it at that day's end, so it keeps its figure.
"""

from __future__ import annotations

import datetime as dt
from functools import reduce
from operator import or_

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from fangxian.core.reporting import Counts, Figure, Section, day_bounds

from .models import Incident

CLOSURE_TARGET = {
    Incident.Urgency.CRITICAL: dt.timedelta(hours=4),
    Incident.Urgency.HIGH: dt.timedelta(hours=24),
    Incident.Urgency.LOW: dt.timedelta(days=3),
}


def incident_figures(community_ids: list[int], day: dt.date) -> Counts:
    """One grouped query for every community. "Open" is as at the end of `day`: reported by
    then and not closed by then, so a past day's report keeps its figure."""
    start, end = day_bounds(day)
    open_at_end = Q(reported_at__lt=end) & (Q(closed_at__isnull=True) | Q(closed_at__gte=end))
    past_target = reduce(or_, (Q(urgency=urgency, reported_at__lt=end - target)
                               for urgency, target in CLOSURE_TARGET.items()))
    rows = (Incident.objects.filter(community_id__in=community_ids, reported_at__lt=end)
            .filter(Q(closed_at__isnull=True) | Q(closed_at__gte=start))
            .order_by().values("community_id")
            .annotate(open=Count("pk", filter=open_at_end),
                      new_today=Count("pk", filter=Q(reported_at__gte=start)),
                      closed_today=Count("pk", filter=Q(closed_at__gte=start, closed_at__lt=end)),
                      critical_open=Count("pk", filter=open_at_end & Q(urgency=Incident.Urgency.CRITICAL)),
                      overdue=Count("pk", filter=open_at_end & past_target)))
    counts: Counts = {pk: dict.fromkeys(KEYS, 0) for pk in community_ids}
    for row in rows:
        counts[row["community_id"]] = {key: row[key] for key in KEYS}
    return counts


INCIDENTS = Section(
    key="incidents",
    title=_("Incidents"),
    order=90,
    figures=[
        Figure("open", _("Open incidents")),
        Figure("new_today", _("Incidents reported today"), kind="today"),
        Figure("closed_today", _("Incidents closed today"), kind="today"),
        Figure("critical_open", _("Critical incidents open")),
        Figure("overdue", _("Open incidents past their closure target")),
    ],
    compute=incident_figures,
)
KEYS = [figure.key for figure in INCIDENTS.figures]

SECTIONS = [INCIDENTS]
