"""The registry's part of the daily report: population by kind and dwellings by status.

The registry keeps no history of a person's kind or a dwelling's status, so these are the
levels as they stand when the report is drafted (a submitted report keeps them as they were).
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from fangxian.core.reporting import Figure, Section, count_by

from .models import Dwelling, Person

PERSON_GROUP = "dwelling__building__estate__group_id"
DWELLING_GROUP = "building__estate__group_id"

_POPULATION = {"people": None, **{f"kind_{kind}": Q(kind=kind) for kind in Person.Kind.values}}
_DWELLINGS = {"dwellings": None, **{f"status_{status}": Q(status=status) for status in Dwelling.Status.values}}


def population(community_ids: list[int], day: dt.date):
    return count_by(Person.objects.filter(community_id__in=community_ids), "community_id", _POPULATION)


def population_by_group(community_ids: list[int], day: dt.date):
    return count_by(Person.objects.filter(community_id__in=community_ids), PERSON_GROUP, _POPULATION)


def dwellings(community_ids: list[int], day: dt.date):
    return count_by(Dwelling.objects.filter(building__community_id__in=community_ids), "building__community_id",
                    _DWELLINGS)


def dwellings_by_group(community_ids: list[int], day: dt.date):
    return count_by(Dwelling.objects.filter(building__community_id__in=community_ids), DWELLING_GROUP, _DWELLINGS)


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
