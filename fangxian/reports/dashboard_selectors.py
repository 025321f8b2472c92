"""The wall dashboard's figures (大屏), for one community or several added up.

`dashboard(community_ids, today)` runs a fixed number of queries whatever the amount of data:
each series is one query grouped by day (or by hour, or by date), never one query per day,
per checkpoint or per row. The answer is plain JSON-ready data, the same for the first page
and for the page's refreshes (the API's GET /api/v1/reports/dashboard).

`wall(scope, community_id)` chooses the communities through the scope: community admins see
their community, subdistrict officers any community of their subdistrict or all of them
added up, superusers everything.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from fangxian.access import selectors as access
from fangxian.core.scope import Scope
from fangxian.delivery.figures import dashboard_figures as delivery_figures
from fangxian.fieldwork.report_sections import dashboard_coverage
from fangxian.incidents import selectors as incidents
from fangxian.registry.models import Community, Person
from fangxian.returnees import selectors as returnees
from fangxian.supplies.figures import dashboard_figures as supplies_figures

TREND_DAYS = 30
END_DATE_DAYS = 7  # quarantine end dates shown: today and the next six days
LIST_LENGTH = 8


def _midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _series(rows: dict, days: list[dt.date], name: str = "n") -> list[int]:
    return [rows.get(day, {}).get(name, 0) for day in days]


def dashboard(community_ids, today: dt.date | None = None) -> dict:
    today = today or timezone.localdate()
    ids = list(community_ids)
    days = [today - dt.timedelta(days=TREND_DAYS - 1 - i) for i in range(TREND_DAYS)]
    start, end = _midnight(days[0]), _midnight(today + dt.timedelta(days=1))

    people = Person.objects.filter(community_id__in=ids).count()
    in_quarantine = returnees.in_quarantine_count(ids)
    registrations = returnees.registrations_per_day(ids, start, end)
    passages = access.passages_per_day(ids, start, end)
    alerts_raised = access.fever_alerts_per_day(ids, start, end)
    incidents_reported = incidents.reported_per_day(ids, start, end)
    open_alerts = access.open_fever_alerts(ids)
    open_incidents = incidents.open_incidents(ids)
    coverage, doors_covered = dashboard_coverage(ids, days)  # canvassing: None without a campaign
    delivery = delivery_figures(ids, today)  # home delivery today: None where nobody delivers
    supplies = supplies_figures(ids, today)  # supplies: None where no item is kept

    end_days = [today + dt.timedelta(days=i) for i in range(END_DATE_DAYS)]
    ends_by_day = returnees.quarantine_ends_before(ids, today + dt.timedelta(days=END_DATE_DAYS))

    alert_rows = [{
        "id": a.pk, "checkpoint": a.checkpoint.name, "temperature": str(a.temperature),
        "raised_at": timezone.localtime(a.raised_at).strftime("%m-%d %H:%M"),
        "assigned": bool(a.assigned_to_id),
    } for a in open_alerts[:LIST_LENGTH]]
    incident_rows = [{
        "id": i.pk, "title": i.title, "location": i.location, "urgency": i.urgency,
        "urgency_label": str(i.get_urgency_display()), "status_label": str(i.get_status_display()),
        "reported_at": timezone.localtime(i.reported_at).strftime("%m-%d %H:%M"),
    } for i in open_incidents[:LIST_LENGTH]]

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
            "canvassing_coverage": coverage,
            "meals_delivered": delivery["meals_delivered"],
            "meals_due": delivery["meals_due"],
            "shopping_runs": delivery["shopping_runs"],
            "failed_or_late": delivery["failed_or_late"],
            "supplies_received_today": supplies["supplies_received_today"],
            "supplies_issued_today": supplies["supplies_issued_today"],
            "key_days_left": supplies["key_days_left"],
            "open_shortages": supplies["open_shortages"],
        },
        "trend": {
            "days": [day.strftime("%m-%d") for day in days],
            "passages": trend_passages,
            "refusals": trend_refusals,
            "returnees": trend_returnees,
            "in_quarantine": returnees.quarantine_levels(ids, days),
            "fever_alerts": _series(alerts_raised, days),
            "incidents": _series(incidents_reported, days),
            "doors_covered": doors_covered,
        },
        "hourly": access.community_passages_per_hour(ids, today),
        "quarantine_ends": {
            "days": [day.strftime("%m-%d") for day in end_days],
            "counts": [ends_by_day.get(day, 0) for day in end_days],
            "overdue": sum(n for day, n in ends_by_day.items() if day < today),
        },
        "fever_alerts": alert_rows,
        "incidents": incident_rows,
    }


def sees_dashboard(scope: Scope) -> bool:
    """Community admins, subdistrict officers and superusers: those who read whole communities."""
    return scope.reads_communities


def wall(scope: Scope, community_id: int | None = None, *, today: dt.date | None = None
         ) -> tuple[dict, list[Community]]:
    """The dashboard's data for the chosen community (or, with none, the only one, or all of
    them added up: an officer's subdistrict) and the communities to choose from.
    PermissionDenied for a scope that reads no community; Http404 for a community outside it."""
    if not sees_dashboard(scope):
        raise PermissionDenied
    choices = list(scope.communities(Community.objects.select_related("subdistrict"))
                   .order_by("subdistrict__name", "name"))
    if community_id is not None:
        chosen = next((c for c in choices if c.pk == community_id), None)
        if chosen is None:
            raise Http404
        ids, label, community = [chosen.pk], chosen.name, chosen.pk
    elif len(choices) == 1:
        ids, label, community = [choices[0].pk], choices[0].name, choices[0].pk
    else:
        subdistricts = {c.subdistrict.name for c in choices}
        label = (_("%(subdistrict)s: all communities") % {"subdistrict": subdistricts.pop()}
                 if len(subdistricts) == 1 else _("All communities"))
        ids, community = [c.pk for c in choices], None
    data = dashboard(ids, today)
    data["label"] = label
    data["community"] = community
    data["updated_at"] = timezone.localtime().strftime("%H:%M:%S")
    return data, choices
