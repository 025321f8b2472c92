"""Reads of the daily report: drafting the figures, the units' reports of a day, deadlines,
who is missing, roll-ups and the history of a figure.

Everything works on many communities at once with a fixed number of queries: the
subdistrict view (days.py) drafts every community of a day in one go.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from fangxian.access.selectors import active_checkpoints
from fangxian.core.reporting import sections
from fangxian.core.scope import Scope
from fangxian.registry.models import Community, ResidentialGroup

from .models import DEFAULT_DEADLINE, ZERO_FIELDS, DailyReport, ReportDeadline, ReportReminder
from .totals import Total, sum_known

# {section key: {figure key: int, or None where nobody could know it}}
Figures = dict[str, dict[str, int | None]]


def reads_reports(scope: Scope) -> bool:
    """Officers, community admins and superusers read community reports."""
    return scope.reads_communities


def _figure(values: dict, key: str) -> int | None:
    """A computed figure: a count, or None where the section says nobody could know it (shown
    "—", and named as not filed in totals); a figure the section left out counts 0."""
    value = values.get(key, 0)
    return None if value is None else int(value)


def draft(community_ids: list[int], day: dt.date) -> dict[int, Figures]:
    """Every registered section's figures for each community, computed once for all of them."""
    ids = list(community_ids)
    drafted: dict[int, Figures] = {pk: {} for pk in ids}
    if not ids:
        return drafted
    for section in sections():
        counts = section.compute(ids, day)
        for pk in ids:
            values = counts.get(pk, {})
            drafted[pk][section.key] = {f.key: _figure(values, f.key) for f in section.figures}
    return drafted


def draft_units(kind: str, community_ids: list[int], unit_ids: list[int], day: dt.date) -> dict[int, Figures]:
    """The same per residential group (kind "group") or per checkpoint ("checkpoint"), for the
    sections that count by it."""
    drafted: dict[int, Figures] = {pk: {} for pk in unit_ids}
    if not unit_ids:
        return drafted
    for section in sections():
        compute = getattr(section, f"compute_by_{kind}")
        if compute is None:
            continue
        counts = compute(list(community_ids), day)
        for pk in unit_ids:
            values = counts.get(pk, {})
            drafted[pk][section.key] = {f.key: _figure(values, f.key) for f in section.figures}
    return drafted


def draft_groups(community_ids: list[int], group_ids: list[int], day: dt.date) -> dict[int, Figures]:
    return draft_units("group", community_ids, group_ids, day)


def _unit_reports(day: dt.date, community_ids, group_ids, checkpoint_ids):
    """The day's reports of the communities themselves, or of the given groups or checkpoints,
    in version order, and the attribute naming their unit."""
    reports = DailyReport.objects.filter(day=day).select_related("submitted_by")
    if group_ids is not None:
        return reports.filter(group_id__in=group_ids).order_by("version"), "group_id"
    if checkpoint_ids is not None:
        return reports.filter(checkpoint_id__in=checkpoint_ids).order_by("version"), "checkpoint_id"
    return reports.filter(community_id__in=community_ids, group__isnull=True, checkpoint__isnull=True
                          ).order_by("version"), "community_id"


def latest_reports(day: dt.date, *, community_ids=None, group_ids=None, checkpoint_ids=None
                   ) -> dict[int, DailyReport]:
    """The latest version of each unit's report of the day: {community, group or checkpoint id: report}."""
    reports, key = _unit_reports(day, community_ids, group_ids, checkpoint_ids)
    return {getattr(report, key): report for report in reports}  # later versions overwrite earlier ones


def submitted_reports(day: dt.date, *, community_ids=None, group_ids=None, checkpoint_ids=None
                      ) -> dict[int, DailyReport]:
    """The latest submitted version of each unit's report of the day."""
    reports, key = _unit_reports(day, community_ids, group_ids, checkpoint_ids)
    return {getattr(report, key): report for report in reports.filter(status=DailyReport.Status.SUBMITTED)}


# -- deadlines and missing units ------------------------------------------------------------


def deadlines(community_ids, day: dt.date) -> dict[int, dt.time]:
    """The deadline in force on `day` for each community (17:00 unless an admin set one)."""
    found = {pk: DEFAULT_DEADLINE for pk in community_ids}
    rows = ReportDeadline.objects.filter(community_id__in=list(community_ids), effective_from__lte=day).order_by(
        "community_id", "effective_from", "pk")
    for community_id, time in rows.values_list("community_id", "time"):
        found[community_id] = time  # the latest in force wins
    return found


def deadline_moment(day: dt.date, time: dt.time) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, time))


def unit_state(report: DailyReport | None, submitted: DailyReport | None, deadline: dt.datetime,
               now: dt.datetime) -> str:
    """submitted, or (not submitted) draft / not_yet before the deadline, missing after it."""
    if submitted is not None:
        return "submitted"
    if now >= deadline:
        return "missing"
    return "draft" if report is not None else "not_yet"


# -- the community page --------------------------------------------------------------------


@dataclass
class UnitColumn:
    """A sub-report beside the community's: a residential group or a checkpoint."""
    unit: object  # the ResidentialGroup or Checkpoint
    kind: str  # "group" or "checkpoint"
    state: str
    report: DailyReport | None  # the latest version
    submitted: DailyReport | None
    figures: Figures

    @property
    def url_name(self) -> str:
        return f"reports:{self.kind}"


def unit_columns(community: Community, day: dt.date, *, now: dt.datetime | None = None,
                 deadline: dt.datetime) -> list[UnitColumn]:
    """The community's residential groups, then its active checkpoints, each with its sub-report."""
    now = now or timezone.now()
    columns = []
    for kind, units in (
        ("group", list(ResidentialGroup.objects.filter(community=community).order_by("number"))),
        ("checkpoint", list(active_checkpoints([community.pk]))),
    ):
        ids = [u.pk for u in units]
        latest = latest_reports(day, **{f"{kind}_ids": ids})
        submitted = submitted_reports(day, **{f"{kind}_ids": ids})
        drafted = draft_units(kind, [community.pk], ids, day)
        columns += [UnitColumn(
            unit=u, kind=kind, state=unit_state(latest.get(u.pk), submitted.get(u.pk), deadline, now),
            report=latest.get(u.pk), submitted=submitted.get(u.pk),
            figures=submitted[u.pk].figures if u.pk in submitted else drafted.get(u.pk, {}),
        ) for u in units]
    return columns


def unfiled(columns: list[UnitColumn]) -> list[dict]:
    """The sub-report units that have not submitted, as a report records them:
    [{"kind": "group" or "checkpoint", "id", "name"}], the groups first."""
    return [{"kind": c.kind, "id": c.unit.pk, "name": c.unit.name} for c in columns if c.submitted is None]


def pending_units(community: Community, day: dt.date) -> list[dict]:
    """The community's residential groups and active checkpoints without a submitted sub-report
    of the day (three queries, no drafting)."""
    units = [("group", list(ResidentialGroup.objects.filter(community=community).order_by("number"))),
             ("checkpoint", list(active_checkpoints([community.pk])))]
    pending = []
    for kind, found in units:
        done = submitted_reports(day, **{f"{kind}_ids": [u.pk for u in found]})
        pending += [{"kind": kind, "id": u.pk, "name": u.name} for u in found if u.pk not in done]
    return pending


def last_reminders(community: Community, day: dt.date) -> dict[tuple[str, int], dt.datetime]:
    """When each of the community's groups and checkpoints was last reminded of the day's sub-report."""
    rows = ReportReminder.objects.filter(community=community, day=day).exclude(group=None, checkpoint=None)
    return {("group", g) if g else ("checkpoint", c): at for g, c, at in rows.values_list(
        "group_id", "checkpoint_id", "sent_at")}


def compiled_fill(columns: list[UnitColumn]) -> dict:
    """The residential groups' submitted fill-ins, compiled, as the default of the community's
    own fill-in while it is blank: the texts one line per group that submitted; the numbers
    summed only once EVERY group has submitted, since a sum over some of them is not the
    community's figure (blank is not zero). The checkpoints' numbers are never added: the
    people they found belong to a group already."""
    groups = [c for c in columns if c.kind == "group"]
    reports = [c.submitted for c in groups if c.submitted is not None]
    if not reports:
        return {}
    compiled: dict = {}
    if len(reports) == len(groups):
        for name, _label in ZERO_FIELDS:
            values = [getattr(r, name) for r in reports]
            if None not in values:
                compiled[name] = sum(values)
    for name in ("progress", "problems"):
        lines = [f"{r.unit_name}: {getattr(r, name)}" for r in reports if getattr(r, name).strip()]
        compiled[name] = "\n".join(lines)
    return compiled


def report_figures(report: DailyReport) -> Figures:
    """What a report shows: its snapshot once submitted, the live draft before."""
    if report.is_submitted:
        return report.figures
    return unit_draft(report.community_id, report.group_id, report.checkpoint_id, report.day)


def unit_draft(community_id: int, group_id: int | None, checkpoint_id: int | None, day: dt.date) -> Figures:
    if group_id:
        return draft_units("group", [community_id], [group_id], day)[group_id]
    if checkpoint_id:
        return draft_units("checkpoint", [community_id], [checkpoint_id], day)[checkpoint_id]
    return draft([community_id], day)[community_id]


# -- the history of a figure -------------------------------------------------------------------


def figure_choices() -> list[tuple[str, str]]:
    """("section.figure", "Section · Figure") for every registered figure, then the fill-ins."""
    choices = [(f"{s.key}.{f.key}", f"{s.title} · {f.label}") for s in sections() for f in s.figures]
    return choices + [(f"fill.{name}", str(label)) for name, label in ZERO_FIELDS]


def history(communities, figure: str, start: dt.date, end: dt.date) -> list[tuple[dt.date, Total, int]]:
    """For each day from start to end: the figure's Total over the communities' submitted
    reports (the filed values summed, the communities with no value named; "—" when none
    filed) and how many communities reported a value."""
    communities = list(communities)
    section, _dot, key = figure.partition(".")
    reports = DailyReport.objects.filter(community__in=communities, group__isnull=True,
                                         checkpoint__isnull=True, status=DailyReport.Status.SUBMITTED,
                                         day__gte=start, day__lte=end)
    latest: dict[tuple[int, dt.date], DailyReport] = {}
    for report in reports.order_by("version").only("community_id", "day", "version", "figures", *[
            name for name, _label in ZERO_FIELDS]):
        latest[(report.community_id, report.day)] = report
    rows = []
    day = start
    while day <= end:
        values = []
        for community in communities:
            report = latest.get((community.pk, day))
            if report is None:
                value = None
            elif section == "fill":
                value = getattr(report, key)
            else:
                value = report.figures.get(section, {}).get(key)
            values.append((community.name, value))
        total = sum_known(values)
        rows.append((day, total, len(values) - len(total.missing)))
        day += dt.timedelta(days=1)
    return rows
