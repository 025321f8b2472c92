"""The registry's part of the daily report: population by kind and dwellings by status.

The registry keeps no history of a person's kind or a dwelling's status, so these are the
levels as they stand when the report is drafted (a submitted report keeps them as they were).

Each is one grouped query over an index of the counted table: people by (community, kind);
dwellings by (building, status), added up into communities or groups through the buildings.
"""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext_lazy as _

from fangxian.core.reporting import Counts, Figure, Section, figures_from, roll_up, tally

from .models import Building, Dwelling, Person

PERSON_GROUP = "dwelling__building__estate__group_id"

_POPULATION = {"people": None, **{f"kind_{kind}": {kind} for kind in Person.Kind.values}}
_DWELLINGS = {"dwellings": None, **{f"status_{status}": {status} for status in Dwelling.Status.values}}


def population(community_ids: list[int], day: dt.date) -> Counts:
    return figures_from(tally(Person.objects.filter(community_id__in=community_ids), "community_id", "kind"),
                        _POPULATION)


def population_by_group(community_ids: list[int], day: dt.date) -> Counts:
    return figures_from(tally(Person.objects.filter(community_id__in=community_ids), PERSON_GROUP, "kind"),
                        _POPULATION)


def _dwellings(community_ids: list[int], unit_path: str) -> Counts:
    buildings = Building.objects.filter(community_id__in=community_ids)
    by_building = tally(Dwelling.objects.filter(building_id__in=buildings.values("pk")), "building_id", "status")
    unit_of = dict(buildings.order_by().values_list("pk", unit_path))
    return figures_from(roll_up(by_building, unit_of), _DWELLINGS)


def dwellings(community_ids: list[int], day: dt.date) -> Counts:
    return _dwellings(community_ids, "community_id")


def dwellings_by_group(community_ids: list[int], day: dt.date) -> Counts:
    return _dwellings(community_ids, "estate__group_id")


POPULATION = Section(
    key="population", title=_("Population"), order=10,
    figures=[Figure("people", _("People")), *[Figure(f"kind_{value}", label) for value, label in Person.Kind.choices]],
    compute=population, compute_by_group=population_by_group,
)
DWELLINGS = Section(
    key="dwellings", title=_("Dwellings"), order=20,
    figures=[Figure("dwellings", _("Dwellings")),
             *[Figure(f"status_{value}", label) for value, label in Dwelling.Status.choices]],
    compute=dwellings, compute_by_group=dwellings_by_group,
)

SECTIONS = [POPULATION, DWELLINGS]
