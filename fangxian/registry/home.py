"""The registry's tiles on the home page (registered in plugins.py): the subdistrict's table of
communities for officers, the community's overview for its admins and grid workers."""

from __future__ import annotations

from django.db.models import Count
from django.utils.html import format_html
from django.utils.translation import gettext as _

from . import selectors
from .models import Building, Community, Dwelling, Estate, Person


def subdistrict_tile(request, scope) -> dict | None:
    if not scope.is_officer:
        return None
    return {"heading": _("Communities"), "community_rows": _community_table(scope),
            "status_choices": Dwelling.Status.choices}


def community_tile(request, scope) -> dict | None:
    if scope.is_officer or not scope.edits_registry:
        return None
    # A community admin sees the whole community; a grid worker the same page, cut to
    # their grids by the scope.
    estates = scope.filter(Estate.objects.all())
    if scope.grid_only:
        # A grid worker's overview lists only the estates their grids reach into.
        estates = estates.filter(pk__in=scope.filter(Building.objects.all()).values("estate_id"))
    people = scope.filter(Person.objects.all())
    communities = scope.filter(Community.objects.all())
    heading = "、".join(c.name for c in communities)
    if scope.grid_only:
        heading = format_html('{} <span class="muted">· {}</span>', heading, _("my grids"))
    return {
        "heading": heading,
        "overview": selectors.overview(estates, scope.filter(Dwelling.objects.all()), people),
        "tag_counts": selectors.tag_counts(people),
    }


def _community_table(scope) -> list[dict]:
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
