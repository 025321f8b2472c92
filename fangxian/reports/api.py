"""The daily report's API, under /api/v1/reports/.

- GET /reports/dashboard[?community=<id>]: the wall dashboard's data, which the page
  (static/reports/dashboard.js) fetches again every minute.
- GET /reports/day[?day=YYYY-MM-DD]: the subdistrict's day, each community and the totals.
  A total is `value` null while a community has not submitted (blank is not zero), with
  `filed_sum` (what the submitted reports add up to), `complete` false and `missing` naming them.
- POST /reports/communities/{id}/report: save or submit a community's report of a day. With
  units (groups, active checkpoints) that have not submitted, submitting needs
  `confirm_missing: true`, else 422 naming them; the units missing are recorded on the report.

For those who read whole communities (community admins, subdistrict officers, superusers),
with a bearer token or the browser session; the communities through the caller's scope.
"""

from __future__ import annotations

import datetime as dt
from typing import Optional

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from ninja import Field, Path, Query, Router, Schema

from fangxian.api.errors import ERRORS, WRITE_ERRORS
from fangxian.core.scope import scope_of
from fangxian.registry.models import Community

from . import days, exports, services
from .dashboard_selectors import wall
from .models import TEXT_FIELDS, ZERO_FIELDS, DailyReport
from .selectors import reads_reports
from .totals import as_json

router = Router(tags=["reports"])

MAX_ID = 2**63 - 1
PathId = Path[int, {"ge": 1, "le": MAX_ID}]


class DashboardParams(Schema):
    community: Optional[int] = Field(None, ge=1, le=MAX_ID, description=(
        "One community of the caller's; none: the only one, or all of them added up"))


def _figure(description: str):
    return Field(None, description=f"{description}; null: unknown")


class DashboardFigures(Schema):
    people: Optional[int] = _figure("People in the register")
    in_quarantine: Optional[int] = _figure("In home quarantine now")
    returnees_today: Optional[int] = _figure("Self-registrations today")
    passages_today: Optional[int] = _figure("Admitted passages today")
    refusals_today: Optional[int] = _figure("Refusals today")
    open_fever_alerts: Optional[int] = _figure("Open fever alerts")
    open_incidents: Optional[int] = _figure("Open incidents")
    canvassing_coverage: Optional[int] = _figure("Doors covered by the current canvassing campaigns, %")
    meals_delivered: Optional[int] = _figure("Home delivery: today's meals delivered")
    meals_due: Optional[int] = _figure("Home delivery: today's meals due (cancelled ones left out)")
    shopping_runs: Optional[int] = _figure("Home delivery: shopping and medicine runs delivered today")
    failed_or_late: Optional[int] = _figure("Home delivery: tasks failed today or due today and late")
    supplies_received_today: Optional[int] = _figure("Supplies: units received today (donated or purchased)")
    supplies_issued_today: Optional[int] = _figure("Supplies: units issued, used up, lost or expired today")
    key_days_left: Optional[int] = _figure(
        "Supplies: the fewest days of stock left among the key items, at the last seven days' rate")
    open_shortages: Optional[int] = _figure("Supplies: open requests the store cannot cover")


class DashboardTrend(Schema):
    days: list[str] = Field(description="The last 30 days, MM-DD, oldest first")
    passages: list[int]
    refusals: list[int]
    returnees: list[int]
    in_quarantine: list[int] = Field(description="In home quarantine at the end of each day")
    fever_alerts: list[int]
    incidents: list[int] = Field(description="Incidents reported each day")
    doors_covered: list[int] = Field(description="Doors first covered each day by the current canvassing campaigns")


class HourlySeries(Schema):
    name: str = Field(description="The checkpoint")
    data: list[int] = Field(description="Admitted passages in each hour 0-23")


class DashboardHourly(Schema):
    hours: list[int]
    series: list[HourlySeries]


class QuarantineEnds(Schema):
    days: list[str] = Field(description="Today and the next six days, MM-DD")
    counts: list[int] = Field(description="Quarantines planned to end on each day")
    overdue: int = Field(description="Open quarantines whose planned end has passed")


class DashboardAlert(Schema):
    id: int
    checkpoint: str
    temperature: str
    raised_at: str = Field(description="MM-DD HH:MM, local time")
    assigned: bool


class DashboardIncident(Schema):
    id: int
    title: str
    location: str
    urgency: str
    urgency_label: str
    status_label: str
    reported_at: str = Field(description="MM-DD HH:MM, local time")


class DashboardOut(Schema):
    day: str = Field(description="Today, YYYY-MM-DD")
    label: str = Field(description="The community shown, or the communities added up")
    community: Optional[int] = Field(description="The community shown; null when several are added up")
    updated_at: str = Field(description="HH:MM:SS, local time")
    figures: DashboardFigures
    trend: DashboardTrend
    hourly: DashboardHourly
    quarantine_ends: QuarantineEnds
    fever_alerts: list[DashboardAlert] = Field(description="The latest open fever alerts (at most 8)")
    incidents: list[DashboardIncident] = Field(description="The most urgent open incidents (at most 8)")


@router.get("/dashboard", response={200: DashboardOut, **ERRORS}, summary="The wall dashboard's data")
def dashboard_data(request: HttpRequest, params: Query[DashboardParams], response: HttpResponse):
    """Today's figures, the 30-day trends, today's passages per hour and checkpoint, the
    quarantines ending this week and the open fever alerts and incidents. 403 for those who
    read no whole community, 404 for a community outside the caller's."""
    data, _choices = wall(scope_of(request), params.community)
    add_never_cache_headers(response)
    return data


# -- the subdistrict's day and a community's report ---------------------------------------------


class DayParams(Schema):
    day: Optional[dt.date] = Field(None, description="The day, YYYY-MM-DD; none: today")


class TotalOut(Schema):
    value: Optional[int] = Field(description="The total; null while a unit has not submitted (or none has)")
    filed_sum: Optional[int] = Field(description="What the submitted reports add up to; null: none submitted")
    complete: bool = Field(description="Every unit submitted")
    missing: list[str] = Field(description="The units not in the total")


class FigureTotalOut(TotalOut):
    section: str
    figure: str


class CommunityDayOut(Schema):
    id: int
    name: str
    state: str = Field(description="submitted, draft, not_yet (before the deadline) or missing (after it)")
    submitted: bool
    fill: dict[str, Optional[int]] = Field(description="The fill-ins of the submitted report; null: not filed")
    figures: dict[str, dict[str, Optional[int]]] = Field(
        description="As submitted; else the day's snapshot or live draft; null: a figure nobody could know")


class DayOut(Schema):
    day: str
    complete: bool = Field(description="Every community submitted: the totals are whole")
    unfiled: list[str] = Field(description="The communities without a submitted report, not in the totals")
    communities: list[CommunityDayOut]
    fill_totals: dict[str, TotalOut]
    totals: list[FigureTotalOut]


@router.get("/day", response={200: DayOut, **ERRORS}, summary="The subdistrict's daily reports of a day")
def day_data(request: HttpRequest, params: Query[DayParams]):
    """Every community the caller reads, with the totals over their submitted reports: a total
    is null while a community has not submitted, and names it. 403 for those who read no
    community reports."""
    scope = scope_of(request)
    if not reads_reports(scope):
        raise PermissionDenied
    today = timezone.localdate()
    day = min(params.day or today, today)
    communities = scope.communities(Community.objects.order_by("subdistrict__code", "code"))
    view = days.day_view(communities, day)
    return {
        "day": str(day), "complete": not view.unfiled, "unfiled": [row.community.name for row in view.unfiled],
        "communities": [{"id": row.community.pk, "name": row.community.name, "state": row.state,
                         "submitted": row.filed, "fill": row.fill, "figures": row.figures} for row in view.rows],
        "fill_totals": {name: as_json(total) for name, total in view.fill_totals.items()},
        "totals": [{"section": s.key, "figure": f.key, **as_json(view.totals[s.key][f.key])}
                   for s, figures in exports.layout() for f in figures],
    }


def _count():
    return Field(None, ge=0, le=1_000_000, description="Blank (null) while drafting; needed to submit")


class ReportIn(Schema):
    day: Optional[dt.date] = Field(None, description="YYYY-MM-DD; none: today")
    confirmed: Optional[int] = _count()
    suspected: Optional[int] = _count()
    close_contacts: Optional[int] = _count()
    progress: str = Field("", max_length=services.TEXT_MAX)
    problems: str = Field("", max_length=services.TEXT_MAX)
    submit: bool = Field(False, description="Submit and lock; false: save the draft")
    confirm_missing: bool = Field(False, description="Submit although some units have not submitted theirs")


class MissingUnitOut(Schema):
    kind: str = Field(description="group or checkpoint")
    id: int
    name: str


class ReportOut(Schema):
    id: int
    community: int
    day: str
    version: int
    status: str
    confirmed: Optional[int]
    suspected: Optional[int]
    close_contacts: Optional[int]
    progress: str
    problems: str
    missing_units: list[MissingUnitOut] = Field(description="The units that had not submitted at submission")


@router.post("/communities/{id}/report", response={200: ReportOut, **WRITE_ERRORS},
             summary="Save or submit a community's daily report")
def community_report(request: HttpRequest, id: PathId, payload: ReportIn):
    """Its admins only (403 for readers, 404 outside the caller's communities). A blank number
    blocks submission; units missing need confirm_missing (422 naming them otherwise)."""
    scope = scope_of(request)
    community = get_object_or_404(scope.communities(Community.objects.all()), pk=id)
    data = {name: getattr(payload, name) for name, _label in ZERO_FIELDS + TEXT_FIELDS}
    report: DailyReport = services.report_save(
        scope=scope, user=request.user, community=community, day=payload.day or timezone.localdate(), data=data,
        submit=payload.submit, confirm_missing=payload.confirm_missing)
    return {"id": report.pk, "community": community.pk, "day": str(report.day), "version": report.version,
            "status": report.status, "missing_units": report.missing_units,
            **{name: getattr(report, name) for name, _label in ZERO_FIELDS + TEXT_FIELDS}}
