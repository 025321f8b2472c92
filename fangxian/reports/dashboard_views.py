"""The wall dashboard 大屏: a full-screen page for the office wall and the JSON it refreshes
itself from every minute.

Who: community admins (their community), subdistrict officers (any community of their
subdistrict, or all of them added up), superusers. The figures come from
dashboard_selectors, for the communities chosen here through the request's scope."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache

from fangxian.core.scope import scope_of
from fangxian.registry.models import Community

from .dashboard_selectors import dashboard

REFRESH_SECONDS = 60

FIGURES = (
    ("people", gettext_lazy("People")),
    ("in_quarantine", gettext_lazy("In home quarantine")),
    ("returnees_today", gettext_lazy("Returnees today")),
    ("passages_today", gettext_lazy("Passages today")),
    ("refusals_today", gettext_lazy("Refusals today")),
    ("open_fever_alerts", gettext_lazy("Open fever alerts")),
    ("open_incidents", gettext_lazy("Open incidents")),
)


def _communities(scope):
    if scope.is_superuser:
        return Community.objects.all()
    return Community.objects.filter(pk__in=scope.read_community_ids)


def _chosen(request):
    """(the communities shown, their label, the chosen community's pk or None, the choices).
    No choice: the only community, or all of them added up (an officer's subdistrict)."""
    scope = scope_of(request)
    if not (scope.is_superuser or scope.read_community_ids):
        return None
    choices = list(_communities(scope).select_related("subdistrict").order_by("subdistrict__name", "name"))
    wanted = request.GET.get("community", "")
    if wanted:
        chosen = next((c for c in choices if str(c.pk) == wanted), None)
        if chosen is None:
            raise Http404
        return [chosen.pk], chosen.name, chosen.pk, choices
    if len(choices) == 1:
        return [choices[0].pk], choices[0].name, choices[0].pk, choices
    subdistricts = {c.subdistrict.name for c in choices}
    label = (_("%(subdistrict)s: all communities") % {"subdistrict": subdistricts.pop()} if len(subdistricts) == 1
             else _("All communities"))
    return [c.pk for c in choices], label, None, choices


def _data(request):
    chosen = _chosen(request)
    if chosen is None:
        return None, None
    ids, label, community_id, choices = chosen
    data = dashboard(ids)
    data["label"] = label
    data["community"] = community_id
    data["updated_at"] = timezone.localtime().strftime("%H:%M:%S")
    return data, choices


@login_required
def dashboard_page(request):
    data, choices = _data(request)
    if data is None:
        raise PermissionDenied
    return render(request, "reports/dashboard.html", {
        "data": data, "choices": choices,
        "figures": [(key, label, data["figures"][key]) for key, label in FIGURES], "refresh_seconds": REFRESH_SECONDS,
        "labels": {
            "passages": _("Passages"), "refusals": _("Refusals"), "returnees": _("Returnees"),
            "in_quarantine": _("In quarantine"), "fever_alerts": _("Fever alerts"),
            "incidents": _("Incidents reported"), "quarantine_ends": _("Quarantines ending"),
            "overdue": _("overdue"), "assigned": _("assigned"), "unassigned": _("not assigned"),
            "no_alerts": _("No open fever alerts."), "no_incidents": _("No open incidents."),
            "no_passages": _("No passages yet today."),
        },
    })


@never_cache
@login_required
def dashboard_data(request):
    data, _choices = _data(request)
    if data is None:
        return JsonResponse({"detail": "forbidden"}, status=403)
    return JsonResponse(data)
