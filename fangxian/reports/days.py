"""The subdistrict's day: each community's row and the totals over them.

A total counts only the communities whose report is submitted (their frozen figures and
fill-ins); every other community is named in it as not reported (totals.Total), whether its
deadline has passed or not: its live-drafted figures are shown on its row, marked as a draft,
but nobody has said they are the day's. The day-on-day change compares the communities that
submitted on both days, and says "incomplete" when that is not all of them.

A day before today: a community without a submitted report shows the snapshot of its figures
taken at that day's close (snapshots.py) when there is one for the levels, with the day's flows counted again.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone

from fangxian.core.reporting import sections
from fangxian.registry.models import Community

from .models import ZERO_FIELDS, DailyReport
from .selectors import Figures, deadline_moment, deadlines, latest_reports, submitted_reports, unit_state
from .snapshots import figures_as_it_was
from .totals import Change, Total, change, sum_known

Totals = dict[str, dict[str, Total]]


@dataclass
class CommunityRow:
    community: Community
    state: str
    deadline: dt.datetime
    report: DailyReport | None  # the submitted version, if any
    figures: Figures  # the submitted figures, else the day's snapshot or the live draft
    fill: dict[str, int | None] = field(default_factory=dict)

    @property
    def filed(self) -> bool:
        return self.report is not None


@dataclass
class DayView:
    day: dt.date
    rows: list[CommunityRow]
    totals: Totals
    fill_totals: dict[str, Total]
    # The day-on-day change compares like with like: both days' totals over the communities
    # that submitted on both, so a community missing one day does not read as a fall.
    compared: tuple[Totals, Totals]
    compared_fills: tuple[dict[str, Total], dict[str, Total]]
    compared_all: bool  # every community submitted on both days

    def change(self, section: str, key: str) -> Change:
        today, before = (totals.get(section, {}).get(key, Total(None)) for totals in self.compared)
        return change(today, before, incomplete=not self.compared_all)

    def fill_change(self, name: str) -> Change:
        today, before = (fills[name] for fills in self.compared_fills)
        return change(today, before, incomplete=not self.compared_all)

    @property
    def missing(self) -> list[CommunityRow]:
        """The communities whose deadline has passed without a submitted report."""
        return [row for row in self.rows if row.state == "missing"]

    @property
    def unfiled(self) -> list[CommunityRow]:
        """Every community without a submitted report, the deadline passed or not: left out of the totals."""
        return [row for row in self.rows if not row.filed]


def community_figures(community_ids, day: dt.date, submitted: dict[int, DailyReport], *,
                      today: dt.date) -> dict[int, Figures]:
    """Each community's figures of a day: its submitted report's, else the draft, whose levels
    on a past day are the day's snapshot (snapshots.figures_as_it_was)."""
    figures = {pk: report.figures for pk, report in submitted.items()}
    rest = [pk for pk in community_ids if pk not in submitted]
    figures.update(figures_as_it_was(rest, day, today=today))
    return figures


def totals_over(named_figures: list[tuple[str, Figures | None]], layout) -> Totals:
    """For every figure of the layout, the Total over the units: (name, figures) with figures
    None for a unit that has not filed; a filed unit without the figure counts as unknown too."""
    return {section.key: {f.key: sum_known(
        (name, None if figures is None else figures.get(section.key, {}).get(f.key)) for name, figures in named_figures)
        for f in figures_of_section} for section, figures_of_section in layout}


def fill_totals_over(named_reports: list[tuple[str, DailyReport | None]]) -> dict[str, Total]:
    return {name: sum_known((unit, None if report is None else getattr(report, name))
                            for unit, report in named_reports) for name, _label in ZERO_FIELDS}


def _layout():
    return [(s, list(s.figures)) for s in sections()]


def _totals(communities, submitted: dict[int, DailyReport]) -> tuple[Totals, dict[str, Total]]:
    """The totals over the communities' submitted reports, naming the others."""
    named = [(c.name, submitted[c.pk].figures if c.pk in submitted else None) for c in communities]
    fills = fill_totals_over([(c.name, submitted.get(c.pk)) for c in communities])
    return totals_over(named, _layout()), fills


def day_view(communities, day: dt.date, *, now: dt.datetime | None = None) -> DayView:
    now = now or timezone.now()
    today = timezone.localdate(now)
    communities = list(communities)
    ids = [c.pk for c in communities]
    submitted = submitted_reports(day, community_ids=ids)
    figures = community_figures(ids, day, submitted, today=today)
    totals, fills = _totals(communities, submitted)
    latest = latest_reports(day, community_ids=ids)
    times = deadlines(ids, day)
    rows = []
    for community in communities:
        report = submitted.get(community.pk)
        deadline = deadline_moment(day, times[community.pk])
        rows.append(CommunityRow(
            community=community, state=unit_state(latest.get(community.pk), report, deadline, now),
            deadline=deadline, report=report, figures=figures.get(community.pk, {}),
            fill={name: getattr(report, name) if report else None for name, _label in ZERO_FIELDS},
        ))
    # The change: the submitted reports of both days (nothing drafted), over the communities
    # that submitted on both.
    before = submitted_reports(day - dt.timedelta(days=1), community_ids=ids)
    both = [c for c in communities if c.pk in submitted and c.pk in before]
    (today_totals, today_fills), (before_totals, before_fills) = _totals(both, submitted), _totals(both, before)
    return DayView(day=day, rows=rows, totals=totals, fill_totals=fills,
                   compared=(today_totals, before_totals), compared_fills=(today_fills, before_fills),
                   compared_all=bool(both) and len(both) == len(communities))
