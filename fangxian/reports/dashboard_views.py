"""The wall dashboard 大屏: a full-screen page for the office wall. It refreshes itself every
minute from the API (GET /api/v1/reports/dashboard, see reports/api.py).

Who: community admins (their community), subdistrict officers (any community of their
subdistrict, or all of them added up), superusers. The figures and the choice of
communities come from dashboard_selectors.wall, through the request's scope."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fangxian.core.scope import scoped_view

from .dashboard_selectors import sees_dashboard, wall

REFRESH_SECONDS = 60

FIGURES = (
    ("people", gettext_lazy("People")),
    ("in_quarantine", gettext_lazy("In home quarantine")),
    ("returnees_today", gettext_lazy("Returnees today")),
    ("passages_today", gettext_lazy("Passages today")),
    ("refusals_today", gettext_lazy("Refusals today")),
    ("open_fever_alerts", gettext_lazy("Open fever alerts")),
    ("open_incidents", gettext_lazy("Open incidents")),
    ("canvassing_coverage", gettext_lazy("Canvassing coverage (%)")),
    ("meals_delivered", gettext_lazy("Meals delivered today")),
    ("meals_due", gettext_lazy("Meals due today")),
    ("shopping_runs", gettext_lazy("Shopping runs today")),
    ("failed_or_late", gettext_lazy("Deliveries failed or late")),
    ("supplies_received_today", gettext_lazy("Supplies received today")),
    ("supplies_issued_today", gettext_lazy("Supplies issued today")),
    ("key_days_left", gettext_lazy("Days of key supplies left")),
    ("open_shortages", gettext_lazy("Supply shortages")),
)


@scoped_view(sees_dashboard)
def dashboard_page(request, scope):
    wanted = request.GET.get("community", "")
    if wanted and not (wanted.isdigit() and len(wanted) < 19):
        raise Http404
    data, choices = wall(scope, int(wanted) if wanted else None)
    return render(request, "reports/dashboard.html", {
        "data": data, "choices": choices,
        "figures": [(key, label, data["figures"][key]) for key, label in FIGURES], "refresh_seconds": REFRESH_SECONDS,
        "labels": {
            "passages": _("Passages"), "refusals": _("Refusals"), "returnees": _("Returnees"),
            "in_quarantine": _("In quarantine"), "fever_alerts": _("Fever alerts"),
            "incidents": _("Incidents reported"), "doors_covered": _("Doors covered"),
            "quarantine_ends": _("Quarantines ending"),
            "overdue": _("overdue"), "assigned": _("assigned"), "unassigned": _("not assigned"),
            "no_alerts": _("No open fever alerts."), "no_incidents": _("No open incidents."),
            "no_passages": _("No passages yet today."),
        },
    })
