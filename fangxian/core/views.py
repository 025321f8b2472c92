"""The audit log and the health check (the home page is the shell's: fangxian.portal)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from .audit_labels import label_events
from .models import AuditEvent
from .paging import paginate
from .scope import scope_of


def healthz(request):
    """For a load balancer or a monitor: the process answers. Touches no data."""
    return HttpResponse("ok", content_type="text/plain")


@login_required
def audit_log(request):
    scope = scope_of(request)
    scope.require(scope.is_admin)
    events = scope.filter(AuditEvent.objects.select_related("actor", "community"))
    action = request.GET.get("action", "")
    if action in AuditEvent.Action.values:
        events = events.filter(action=action)
    who = request.GET.get("who", "").strip()
    if who:
        events = events.filter(actor__username__icontains=who)
    record = request.GET.get("record", "").strip()
    if record:
        events = events.filter(target_id=record)
    page, querystring = paginate(request, events)
    label_events(page)
    return render(request, "core/audit_log.html", {
        "page": page, "querystring": querystring, "actions": AuditEvent.Action.choices,
        "action": action, "who": who, "record": record,
    })
