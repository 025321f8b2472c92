"""The daily report is built from sections that apps register, not from one function that
knows every app. An app declares its sections in its `report_sections.py` and registers them
from its `plugins.py` (see core.plugins):

    from fangxian.core import plugins
    from fangxian.core.reporting import Figure, Section

    plugins.report_section(Section(
        key="quarantine", title=_("Home quarantine"), order=40,
        figures=[Figure("in_quarantine", _("In home quarantine")), ...],
        compute=quarantine_figures,
    ))

`compute(community_ids, day)` drafts the section for many communities at once and returns
{community_id: {figure key: int}}; it should run a fixed number of queries whatever the
number of communities (a subdistrict drafts dozens in one go). A figure may also be counted
per residential group with `compute_by_group(community_ids, day)` → {group_id: {key: int}},
for the groups' sub-reports, and per checkpoint with `compute_by_checkpoint` (same shape, keyed
by checkpoint id) for the checkpoints' sub-reports.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Callable

from django.db.models import Count
from django.db.models.functions import TruncDate
from django.utils import timezone

Counts = dict[int, dict[str, int]]


@dataclass(frozen=True)
class Figure:
    key: str
    label: str  # a lazy translation
    # "today": a day's flow that is summed over days; "level": a stock at the end of the day
    kind: str = "level"


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    order: int
    figures: list[Figure]
    compute: Callable[[list[int], dt.date], Counts]
    compute_by_group: Callable[[list[int], dt.date], Counts] | None = field(default=None)
    compute_by_checkpoint: Callable[[list[int], dt.date], Counts] | None = field(default=None)


_SECTIONS: dict[str, Section] = {}


def register(section: Section) -> Section:
    if section.key in _SECTIONS and _SECTIONS[section.key] is not section:
        raise ValueError(f"two report sections are called {section.key!r}")
    _SECTIONS[section.key] = section
    return section


def sections() -> list[Section]:
    return sorted(_SECTIONS.values(), key=lambda s: (s.order, s.key))


# -- helpers for the apps' compute functions -----------------------------------------------


def day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The local day as aware datetimes [start, end)."""
    start = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
    return start, timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))


def count_by(queryset, path: str, figures: dict) -> Counts:
    """One query: for each value of `path` (a community or group id), each figure's count, where
    `figures` maps a figure key to the Q its rows must match (None: every row)."""
    aggregates = {key: Count("pk", filter=q) if q is not None else Count("pk") for key, q in figures.items()}
    rows = queryset.order_by().values(path).annotate(**aggregates)
    return {row[path]: {key: row[key] for key in figures} for row in rows if row[path] is not None}


def count_per_day(queryset, field: str, start: dt.datetime, end: dt.datetime, **counts) -> dict[dt.date, dict]:
    """One query: {local day: {name: count}} of `queryset`'s rows whose `field` lies in
    [start, end); `counts` are named Count expressions (a plain count "n" when none is given)."""
    counts = counts or {"n": Count("pk")}
    rows = (queryset.filter(**{f"{field}__gte": start, f"{field}__lt": end})
            .annotate(day=TruncDate(field)).order_by().values("day").annotate(**counts))
    return {row["day"]: row for row in rows}


Tallies = dict[int, dict[str, int]]


def tally(queryset, path: str, field: str) -> Tallies:
    """One query: for each value of `path` (a unit, or a row that leads to one), how many rows
    have each value of `field`. Grouping by columns of the counted table itself lets the
    database count from an index alone (no table rows read, no sort), which is what keeps a
    subdistrict's draft within a few times one plain COUNT."""
    found: Tallies = {}
    rows = queryset.order_by().values(path, field).annotate(n=Count("*")).values_list(path, field, "n")
    for unit, value, n in rows:
        if unit is not None:
            counter = found.get(unit)
            if counter is None:
                counter = found[unit] = {}
            counter[value] = counter.get(value, 0) + n
    return found


def roll_up(tallies: Tallies, unit_of: dict[int, int | None]) -> Tallies:
    """Tallies of small things (buildings, checkpoints) added up into their units (communities,
    groups); `unit_of` maps each thing to its unit (None: counted for no unit)."""
    rolled: Tallies = {}
    for thing, counter in tallies.items():
        unit = unit_of.get(thing)
        if unit is not None:
            into = rolled.setdefault(unit, {})
            for value, n in counter.items():
                into[value] = into.get(value, 0) + n
    return rolled


def figures_from(tallies: Tallies, figures: dict[str, Collection[str] | None]) -> Counts:
    """Each unit's figures out of its tally: `figures` maps a figure key to the values of the
    tallied field it counts (None: every row)."""
    return {unit: {key: sum(n for value, n in counter.items() if values is None or value in values)
                   for key, values in figures.items()}
            for unit, counter in tallies.items()}


def merge(*parts: Counts) -> Counts:
    merged: Counts = {}
    for part in parts:
        for unit, values in part.items():
            merged.setdefault(unit, {}).update(values)
    return merged
