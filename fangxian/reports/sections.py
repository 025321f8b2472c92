"""The daily report is built from sections that apps register, not from one function that
knows every app. An app declares its sections in `<app>/report_sections.py` (found by
`ReportsConfig.ready`):

    from fangxian.reports.sections import Figure, Section, register

    register(Section(
        key="quarantine", title=_("Home quarantine"), order=40,
        figures=[Figure("in_quarantine", _("In home quarantine")), ...],
        compute=quarantine_figures,
    ))

`compute(community_ids, day)` drafts the section for many communities at once and returns
{community_id: {figure key: int}}; it should run a fixed number of queries whatever the
number of communities (a subdistrict drafts dozens in one go). A figure may also be counted
per residential group with `compute_by_group(community_ids, day)` → {group_id: {key: int}},
for the groups' sub-reports.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Callable

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


_SECTIONS: dict[str, Section] = {}


def register(section: Section) -> Section:
    if section.key in _SECTIONS and _SECTIONS[section.key] is not section:
        raise ValueError(f"two report sections are called {section.key!r}")
    _SECTIONS[section.key] = section
    return section


def sections() -> list[Section]:
    return sorted(_SECTIONS.values(), key=lambda s: (s.order, s.key))
