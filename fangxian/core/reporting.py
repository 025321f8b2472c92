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


def merge(*parts: Counts) -> Counts:
    merged: Counts = {}
    for part in parts:
        for unit, values in part.items():
            merged.setdefault(unit, {}).update(values)
    return merged
