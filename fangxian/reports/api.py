"""The daily report's API, under /api/v1/reports/.

- GET /reports/dashboard[?community=<id>]: the wall dashboard's data, which the page
  (static/reports/dashboard.js) fetches again every minute.

For those who read whole communities (community admins, subdistrict officers, superusers),
with a bearer token or the browser session; the communities through the caller's scope.
"""

from __future__ import annotations

from typing import Optional

from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers
from ninja import Field, Query, Router, Schema

from fangxian.api.errors import ERRORS
from fangxian.core.scope import scope_of

from .dashboard_selectors import wall

router = Router(tags=["reports"])

MAX_ID = 2**63 - 1




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


class DashboardTrend(Schema):
    days: list[str] = Field(description="The last 30 days, MM-DD, oldest first")
    passages: list[int]
    refusals: list[int]
    returnees: list[int]
    in_quarantine: list[int] = Field(description="In home quarantine at the end of each day")
    fever_alerts: list[int]
    incidents: list[int] = Field(description="Incidents reported each day")


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
