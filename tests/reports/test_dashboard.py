"""The wall dashboard: its figures equal counts made independently, the 30-day series hold
what the factories put on known dates, the JSON answer keeps its shape, the number of
queries does not grow with the data, and officers see totals or choose a community."""

import datetime as dt
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from fangxian.access.models import Checkpoint, FeverAlert, Scan
from fangxian.incidents.models import Incident
from fangxian.registry.models import Person
from fangxian.reports.dashboard_selectors import TREND_DAYS, dashboard
from fangxian.returnees.models import Quarantine, Registration
from tests.access.conftest import make_checkpoint
from tests.factories import DwellingFactory, PersonFactory
from tests.incidents.conftest import Clock, report
from tests.returnees.conftest import register

pytestmark = pytest.mark.clock_sensitive

TODAY = dt.date(2026, 3, 2)
# Figures nobody may know (None): canvassing without a campaign, delivery where nobody delivers,
# supplies where no item is kept.
MAY_BE_UNKNOWN = {"canvassing_coverage", "meals_delivered", "meals_due", "shopping_runs", "failed_or_late",
                  "supplies_received_today", "supplies_issued_today", "key_days_left", "open_shortages"}


def at(day_offset: int, hour: int = 10, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(TODAY + dt.timedelta(days=day_offset), dt.time(hour, minute)))


def scan(checkpoint: Checkpoint, when: dt.datetime, kind: str = "scan") -> Scan:
    return Scan.objects.create(
        event_id=uuid.uuid4(), device_id="test", device_seq=1, batch=uuid.uuid4(), checkpoint=checkpoint,
        community=checkpoint.community, kind=kind, direction="in", occurred_at=when, received_at=when,
        device_verdict="red" if kind == "refusal" else "green", server_verdict="red" if kind == "refusal" else "green")


def alert(checkpoint: Checkpoint, when: dt.datetime, closed: dt.datetime | None = None) -> FeverAlert:
    return FeverAlert.objects.create(scan=scan(checkpoint, when), checkpoint=checkpoint, community=checkpoint.community,
                                     temperature="38.2", raised_at=when, closed_at=closed,
                                     outcome="normal_on_remeasure" if closed else "")


def quarantine(building, starts: int, planned_end: int, ended: int | None = None) -> Quarantine:
    person = PersonFactory(dwelling=DwellingFactory(building=building))
    return Quarantine.objects.create(
        person=person, dwelling=person.dwelling, reason="测试", starts_on=TODAY + dt.timedelta(days=starts),
        planned_end=TODAY + dt.timedelta(days=planned_end),
        ended_on=TODAY + dt.timedelta(days=ended) if ended is not None else None,
        status=Quarantine.Status.RELEASED if ended is not None else Quarantine.Status.ACTIVE)


def registration(building, when: dt.datetime) -> Registration:
    made = register(building.community, DwellingFactory(building=building))
    Registration.objects.filter(pk=made.pk).update(created_at=when)
    return made


def incident(cast, reported: dt.datetime, closed: dt.datetime | None = None, urgency="high", community=None):
    made = report(cast, "carol" if community is None else "olga", community=community, urgency=urgency)
    Incident.objects.filter(pk=made.pk).update(reported_at=reported, closed_at=closed,
                                               status="closed" if closed else "new")
    return made


@pytest.fixture
def clock(monkeypatch):
    return Clock(monkeypatch, dt.datetime.combine(TODAY, dt.time(12, 0)))


@pytest.fixture
def wall(two_grids, clock):
    """A month of activity in carol's community on known days, and some in olga's."""
    c = two_grids
    c.east = make_checkpoint(c.estate, "东门")
    c.west = make_checkpoint(c.estate, "西门")
    c.far = make_checkpoint(c.outsider.dwelling.building.estate, "远门")
    for offset, hour, kind, checkpoint in [
        (0, 8, "scan", c.east), (0, 8, "scan", c.east), (0, 9, "manual", c.west), (0, 9, "refusal", c.west),
        (0, 11, "scan", c.west), (-1, 8, "scan", c.east), (-1, 23, "refusal", c.east), (-10, 7, "scan", c.west),
        (-29, 0, "scan", c.east), (-30, 12, "scan", c.east),  # the 30th day back is outside the window
        (1, 8, "scan", c.east),  # a device clock ahead: not today
        (0, 9, "scan", c.far),  # another community
    ]:
        scan(checkpoint, at(offset, hour), kind)
    # Just after midnight local time is still the same day (UTC is eight hours behind).
    scan(c.east, at(0, 0, 5))
    alert(c.east, at(0, 10))
    alert(c.west, at(-3, 10))
    alert(c.west, at(-2, 10), closed=at(-2, 12))
    alert(c.far, at(0, 10))
    for offset in (0, 0, -5, -29, -31):
        registration(c.building_a, at(offset, 9))
    registration(c.outsider.dwelling.building, at(0, 9))
    quarantine(c.building_a, starts=-20, planned_end=-6, ended=-6)  # released six days ago
    quarantine(c.building_a, starts=-10, planned_end=3)
    quarantine(c.building_b, starts=-2, planned_end=11)
    quarantine(c.building_b, starts=-16, planned_end=-2)  # overdue: still in
    incident(c, at(0, 8), urgency="critical")
    incident(c, at(-4, 8))
    incident(c, at(-1, 8), closed=at(0, 9))
    incident(c, at(0, 9), community=c.other)
    return c


def days_back(offset: int) -> int:
    """The index of TODAY + offset in a 30-day series."""
    return TREND_DAYS - 1 + offset


def local_day(value: dt.datetime) -> dt.date:
    return timezone.localtime(value).date()


def test_it_counts_todays_figures_as_by_hand(wall):
    community = wall.community
    data = dashboard([community.pk], TODAY)
    scans = [s for s in Scan.objects.filter(community=community) if local_day(s.occurred_at) == TODAY]
    assert data["figures"] == {
        "people": Person.objects.filter(community=community).count(),
        "in_quarantine": len([q for q in Quarantine.objects.all() if q.dwelling.building.community_id == community.pk
                              and q.status in ("active", "extended")]),
        "returnees_today": len([r for r in Registration.objects.filter(community=community)
                                if local_day(r.created_at) == TODAY]),
        "passages_today": len([s for s in scans if s.kind != "refusal"]),
        "refusals_today": len([s for s in scans if s.kind == "refusal"]),
        "open_fever_alerts": len([a for a in FeverAlert.objects.filter(community=community) if a.closed_at is None]),
        "open_incidents": len([i for i in Incident.objects.filter(community=community) if i.closed_at is None]),
        "canvassing_coverage": None,  # no canvassing campaign: unknown, not 0 %
        # Households in home quarantine are owed their meals: delivery is known, and nothing was delivered.
        "meals_delivered": 0, "meals_due": 0, "shopping_runs": 0, "failed_or_late": 0,
        # No item is kept: supplies are unknown, not 0.
        "supplies_received_today": None, "supplies_issued_today": None, "key_days_left": None,
        "open_shortages": None,
    }
    # And the same, written out: what the factories made.
    assert data["figures"]["passages_today"] == 6 and data["figures"]["refusals_today"] == 1
    assert data["figures"]["returnees_today"] == 2 and data["figures"]["in_quarantine"] == 3
    assert data["figures"]["open_fever_alerts"] == 2 and data["figures"]["open_incidents"] == 2


def test_it_draws_the_30_day_series_on_the_right_days(wall):
    data = dashboard([wall.community.pk], TODAY)
    trend = data["trend"]
    assert len(trend["days"]) == TREND_DAYS and trend["days"][-1] == "03-02" and trend["days"][0] == "02-01"

    def series(points: dict[int, int]) -> list[int]:
        values = [0] * TREND_DAYS
        for offset, n in points.items():
            values[days_back(offset)] = n
        return values

    # A fever alert comes from a scan: those of days -3, -2 and today are passages too.
    assert trend["passages"] == series({0: 6, -1: 1, -2: 1, -3: 1, -10: 1, -29: 1})
    assert trend["refusals"] == series({0: 1, -1: 1})
    assert trend["returnees"] == series({0: 2, -5: 1, -29: 1})
    assert trend["fever_alerts"] == series({0: 1, -3: 1, -2: 1})
    assert trend["incidents"] == series({0: 1, -4: 1, -1: 1})
    # In quarantine at the end of each day: counted by hand from the four quarantines.
    expected = []
    for i in range(TREND_DAYS):
        day = TODAY - dt.timedelta(days=TREND_DAYS - 1 - i)
        expected.append(sum(1 for q in Quarantine.objects.all()
                            if q.starts_on <= day and (q.ended_on is None or q.ended_on > day)))
    assert trend["in_quarantine"] == expected
    assert [trend["in_quarantine"][days_back(d)] for d in (-21, -20, -7, -6, -2, 0)] == [0, 1, 3, 2, 3, 3]


def test_it_shows_passages_per_hour_per_checkpoint_and_the_end_dates(wall):
    data = dashboard([wall.community.pk], TODAY)
    hourly = {s["name"]: s["data"] for s in data["hourly"]["series"]}
    assert set(hourly) == {wall.east.name, wall.west.name}
    assert hourly[wall.east.name][0] == 1 and hourly[wall.east.name][8] == 2 and hourly[wall.east.name][10] == 1
    assert hourly[wall.west.name][9] == 1 and hourly[wall.west.name][11] == 1  # the refusal is not a passage
    ends = data["quarantine_ends"]
    assert ends["days"][0] == "03-02" and len(ends["days"]) == 7
    assert ends["counts"] == [0, 0, 0, 1, 0, 0, 0] and ends["overdue"] == 1
    assert [i["urgency"] for i in data["incidents"]] == ["critical", "high"]
    assert len(data["fever_alerts"]) == 2


def test_it_answers_json_of_a_fixed_shape(client, wall):
    client.force_login(wall.users["carol"])
    response = client.get(reverse("api:dashboard_data"))
    assert response.status_code == 200 and response["Content-Type"].startswith("application/json")
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    data = response.json()
    assert set(data) == {"day", "figures", "trend", "hourly", "quarantine_ends", "fever_alerts", "incidents",
                         "label", "community", "updated_at"}
    assert data["community"] == wall.community.pk and data["label"] == wall.community.name
    assert set(data["trend"]) == {"days", "passages", "refusals", "returnees", "in_quarantine", "fever_alerts",
                                  "incidents", "doors_covered"}
    assert all(len(values) == TREND_DAYS for values in data["trend"].values())
    assert all(isinstance(v, int) for k, v in data["figures"].items() if k not in MAY_BE_UNKNOWN)
    assert set(data["hourly"]) == {"hours", "series"} and len(data["hourly"]["hours"]) == 24
    assert set(data["incidents"][0]) == {"id", "title", "location", "urgency", "urgency_label", "status_label",
                                         "reported_at"}
    assert set(data["fever_alerts"][0]) == {"id", "checkpoint", "temperature", "raised_at", "assigned"}


def test_it_refuses_the_data_in_the_api_error_shape(client, wall):
    url = reverse("api:dashboard_data")
    assert client.get(url).status_code == 401  # no login, no token
    client.force_login(wall.users["alice"])  # a grid worker reads no whole community
    refused = client.get(url)
    assert refused.status_code == 403 and set(refused.json()) == {"detail"}
    client.force_login(wall.users["carol"])
    elsewhere = client.get(url, {"community": wall.other.pk})
    assert elsewhere.status_code == 404 and set(elsewhere.json()) == {"detail"}
    invalid = client.get(url, {"community": "east"})
    assert invalid.status_code == 422 and invalid.json()["detail"][0]["field"] == "community"


def test_it_documents_the_data_in_openapi(client, wall):
    schema = client.get("/api/v1/openapi.json").json()
    operation = schema["paths"]["/api/v1/reports/dashboard"]["get"]
    assert operation["tags"] == ["reports"] and {"200", "401", "403", "404", "422"} <= set(operation["responses"])


def test_it_gives_officers_the_subdistrict_totals_or_one_community(client, wall):
    client.force_login(wall.users["dave"])
    url = reverse("api:dashboard_data")
    both = client.get(url).json()
    assert both["community"] is None
    mine = dashboard([wall.community.pk], TODAY)["figures"]
    theirs = dashboard([wall.other.pk], TODAY)["figures"]
    summed = {key: mine[key] + theirs[key] for key in mine if key not in MAY_BE_UNKNOWN}
    known = {key: None if mine[key] is None and theirs[key] is None else (mine[key] or 0) + (theirs[key] or 0)
             for key in MAY_BE_UNKNOWN if key != "canvassing_coverage"}
    assert both["figures"] == {**summed, **known, "canvassing_coverage": None}
    assert theirs["open_incidents"] == 1 and theirs["passages_today"] == 2
    one = client.get(url, {"community": wall.other.pk}).json()
    assert one["figures"] == theirs and one["label"] == wall.other.name
    page = client.get(reverse("reports:dashboard"), {"community": wall.other.pk})
    assert page.status_code == 200 and wall.other.name in page.content.decode()
    # carol may not pick olga's community, nor may olga pick carol's.
    client.force_login(wall.users["carol"])
    assert client.get(url, {"community": wall.other.pk}).status_code == 404
    assert client.get(url).json()["figures"] == mine


def test_it_runs_the_same_number_of_queries_as_the_data_grows(client, wall):
    client.force_login(wall.users["dave"])
    url = reverse("api:dashboard_data")

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    few = count()
    for i in range(6):
        checkpoint = make_checkpoint(wall.estate, f"新门{i}")
        for offset in range(0, 30, 3):
            scan(checkpoint, at(-offset, i + 6))
            scan(checkpoint, at(-offset, i + 7), "refusal")
        alert(checkpoint, at(-i, 10))
        registration(wall.building_b, at(-i, 9))
        quarantine(wall.building_b, starts=-i - 3, planned_end=i, ended=None if i % 2 else -1)
        incident(wall, at(-i, 8), urgency=("low", "high", "critical")[i % 3])
    many = count()
    assert many == few


def test_it_shows_the_wall_page_with_the_figures(client, wall):
    client.force_login(wall.users["carol"])
    page = client.get(reverse("reports:dashboard"), HTTP_ACCEPT_LANGUAGE="en")
    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-figure="passages_today">6<' in html and 'id="dashboard-data"' in html
    assert reverse("api:dashboard_data") in html and "vendor/echarts/echarts.min.js" in html
