"""The incidents' section of the daily report: what was open at the end of the day, what was
reported and closed that day, and how many open ones are critical."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from fangxian.core.reporting import Counts, Figure, Section, day_bounds

from .models import Incident


def incident_figures(community_ids: list[int], day: dt.date) -> Counts:
    """One grouped query for every community. "Open" is as at the end of `day`: reported by
    then and not closed by then, so a past day's report keeps its figure."""
    start, end = day_bounds(day)
    open_at_end = Q(reported_at__lt=end) & (Q(closed_at__isnull=True) | Q(closed_at__gte=end))
    rows = (Incident.objects.filter(community_id__in=community_ids, reported_at__lt=end)
            .filter(Q(closed_at__isnull=True) | Q(closed_at__gte=start))
            .order_by().values("community_id")
            .annotate(open=Count("pk", filter=open_at_end),
                      new_today=Count("pk", filter=Q(reported_at__gte=start)),
                      closed_today=Count("pk", filter=Q(closed_at__gte=start, closed_at__lt=end)),
                      critical_open=Count("pk", filter=open_at_end & Q(urgency=Incident.Urgency.CRITICAL))))
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
    ],
    compute=incident_figures,
)
KEYS = [figure.key for figure in INCIDENTS.figures]

SECTIONS = [INCIDENTS]
