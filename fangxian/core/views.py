"""The home page of each role and the audit log."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import resolve

from fangxian.access.selectors import device_checkpoints
from fangxian.registry import selectors
from fangxian.registry.models import Building, Community, Dwelling, Estate, Person

from .models import AuditEvent
from .paging import paginate
from .scope import scope_of


def healthz(request):
    """For a load balancer or a monitor: the process answers. Touches no data."""
    return HttpResponse("ok", content_type="text/plain")


@login_required
def home(request):
    scope = scope_of(request)
    context = {"scope": scope}
    if scope.is_superuser or scope.subdistrict_ids:
        context.update(communities=_community_table(scope), status_choices=Dwelling.Status.choices)
        template = "core/home_subdistrict.html"
    elif scope.admin_community_ids or scope.grid_ids:
        # A community admin sees the whole community; a grid worker the same page, cut to
        # their grids by the scope.
        estates = scope.filter(Estate.objects.all())
        if not scope.admin_community_ids:
            # A grid worker's overview lists only the estates their grids reach into.
            estates = estates.filter(pk__in=scope.filter(Building.objects.all()).values("estate_id"))
        dwellings = scope.filter(Dwelling.objects.all())
        people = scope.filter(Person.objects.all())
        context.update(
            overview=selectors.overview(estates, dwellings, people),
            communities=scope.filter(Community.objects.all()),
            tag_counts=selectors.tag_counts(people),
        )
        template = "core/home_community.html"
    else:
        context["communities"] = Community.objects.filter(pk__in=scope.member_community_ids)
        template = "core/home_volunteer.html"
    if not scope.is_superuser:  # a superuser reaches every console from the checkpoint list
        context["consoles"] = device_checkpoints(request.user).filter(active=True).order_by("name")
    context["today_links"] = _today_links(scope)
    return render(request, template, context)


def _today_links(scope) -> list[tuple]:
    """The day's duties, first on the home page: the daily report (or the group's or the
    checkpoint's part of it), the dashboard, reporting an incident."""
    from fangxian.incidents import nav as incident_nav
    from fangxian.reports import nav as report_nav

    wanted = {"reports:day", "reports:community", "reports:group", "reports:checkpoint", "reports:dashboard",
              "incidents:create"}
    links = []
    for label, url, *_badge in report_nav.items(scope) + incident_nav.items(scope):
        if resolve(url).view_name in wanted:
            links.append((label, url))
    return links


def _community_table(scope):
    communities = list(scope.filter(Community.objects.select_related("subdistrict")))
    people = dict(
        scope.filter(Person.objects.all()).order_by().values_list("community_id").annotate(n=Count("pk"))
    )
    statuses: dict[int, dict[str, int]] = {}
    dwelling_counts = (
        scope.filter(Dwelling.objects.all()).order_by()
        .values_list("building__community_id", "status").annotate(n=Count("pk"))
    )
    for community_id, status, n in dwelling_counts:
        statuses.setdefault(community_id, {})[status] = n
    rows = []
    for community in communities:
        by_status = statuses.get(community.pk, {})
        rows.append({
            "community": community,
            "people": people.get(community.pk, 0),
            "dwellings": sum(by_status.values()),
            "status_cells": [by_status.get(value, 0) for value in Dwelling.Status.values],
        })
    return rows


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
    return render(request, "core/audit_log.html", {
        "page": page, "querystring": querystring, "actions": AuditEvent.Action.choices,
        "action": action, "who": who, "record": record,
    })
