"""Blank is not zero: a unit that has not filed is unknown in every total, which names it; a
community's numbers are never pre-filled from some of its groups; submitting with units
missing needs a confirmation and records them (issue 12)."""

import datetime as dt
import io
import subprocess

import pytest
from django.db import transaction
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from fangxian.core.scope import Scope
from fangxian.reports import days, selectors, services, snapshots
from fangxian.reports.models import DailyReport
from fangxian.reports.totals import Total, sum_known, total_cell
from tests.factories import CommunityFactory, GroupFactory, PersonFactory
from tests.reports.conftest import TODAY, at

pytestmark = [pytest.mark.usefixtures("english"), pytest.mark.clock_sensitive]

PROPERTY = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
ZEROS = {"confirmed": "0", "suspected": "0", "close_contacts": "0"}


class Rollback(Exception):
    """Raised to undo one hypothesis example's rows."""


def _root_submit(cast, community, *, group=None, suspected=0, confirm=True):
    root = cast.users["root"]
    return services.report_save(scope=Scope.everything(root.pk), user=root, community=community, group=group,
                                day=TODAY, data={**ZEROS, "suspected": suspected}, submit=True,
                                confirm_missing=confirm, now=at(9))


@given(st.lists(st.one_of(st.none(), st.integers(0, 50)), max_size=8))
def test_a_total_is_the_sum_of_what_was_filed_and_names_the_rest(values):
    named = [(f"单位{i}", v) for i, v in enumerate(values)]
    total = sum_known(named)
    filed = [v for v in values if v is not None]
    assert total.value == (sum(filed) if filed else None)  # never a bare 0 for an all-unfiled set
    assert total.missing == tuple(name for name, v in named if v is None)
    if total.missing:
        assert isinstance(total_cell(total), str) and f"{len(total.missing)} unit" in total_cell(total)


@PROPERTY
@given(st.lists(st.one_of(st.none(), st.integers(0, 9)), min_size=1, max_size=5))
def test_the_subdistricts_totals_count_the_submitted_communities_only(two_grids, filings):
    """Random sets of communities, each filed (with a number of suspected cases) or not."""
    try:
        with transaction.atomic():
            communities = [CommunityFactory(subdistrict=two_grids.community.subdistrict) for _ in filings]
            for community, suspected in zip(communities, filings, strict=True):
                if suspected is not None:
                    _root_submit(two_grids, community, suspected=suspected)
            view = days.day_view(communities, TODAY, now=at(18))
            filed = [s for s in filings if s is not None]
            unfiled = tuple(c.name for c, s in zip(communities, filings, strict=True) if s is None)
            assert view.fill_totals["suspected"] == Total(sum(filed) if filed else None, unfiled)
            people = view.totals["population"]["people"]
            assert people.missing == unfiled and people.value == (0 if filed else None)
            assert [row.community.name for row in view.unfiled] == list(unfiled)
            raise Rollback
    except Rollback:
        pass


@PROPERTY
@given(st.lists(st.one_of(st.none(), st.integers(0, 9)), min_size=1, max_size=5))
def test_the_groups_are_summed_into_the_community_only_when_all_have_filed(two_grids, filings):
    """Random sets of residential groups in a community, each filed or not."""
    try:
        with transaction.atomic():
            community = CommunityFactory(subdistrict=two_grids.community.subdistrict)
            groups = [GroupFactory(community=community) for _ in filings]
            for group, suspected in zip(groups, filings, strict=True):
                if suspected is not None:
                    _root_submit(two_grids, community, group=group, suspected=suspected)
            columns = selectors.unit_columns(community, TODAY, now=at(10), deadline=at(17))
            compiled = selectors.compiled_fill(columns)
            unfiled = [g.name for g, s in zip(groups, filings, strict=True) if s is None]
            if unfiled:
                assert "suspected" not in compiled  # blank, never a partial sum or a 0
            else:
                assert compiled["suspected"] == sum(filings)
            assert [u["name"] for u in selectors.pending_units(community, TODAY)] == unfiled
            raise Rollback
    except Rollback:
        pass


def _page(cast):
    return reverse("reports:community", args=[cast.community.pk]) + f"?day={TODAY}"


def test_it_leaves_the_numbers_blank_while_a_group_has_not_filed(client, two_groups):
    client.force_login(two_groups.users["carol"])
    page = client.get(_page(two_groups)).content.decode()
    for name in ("confirmed", "suspected", "close_contacts"):
        assert f'name="{name}"' in page and f'name="{name}" value=' not in page  # blank, not 0 nor 2
    assert 'id="fill-not-compiled"' in page and "二组" in page
    assert 'id="pending-units"' in page and two_groups.gate.name in page
    _root_submit(two_groups, two_groups.community, group=two_groups.second, suspected=1)
    page = client.get(_page(two_groups)).content.decode()
    assert 'name="suspected" value="3"' in page and 'name="close_contacts" value="3"' in page  # both groups


def test_it_refuses_to_submit_with_units_missing_until_confirmed(client, two_groups):
    client.force_login(two_groups.users["carol"])
    form = {**ZEROS, "submit": "1"}
    page = client.post(_page(two_groups), form).content.decode()
    assert "2 units have not submitted their sub-reports: 二组、" in page and two_groups.gate.name in page
    assert not DailyReport.objects.filter(group=None, checkpoint=None).exists()  # nothing saved
    assert client.post(_page(two_groups), {**form, "confirm_missing": "1"}).status_code == 302
    report = DailyReport.objects.get(group=None, checkpoint=None)
    assert report.is_submitted
    assert report.missing_units == [{"kind": "group", "id": two_groups.second.pk, "name": "二组"},
                                    {"kind": "checkpoint", "id": two_groups.gate.pk, "name": two_groups.gate.name}]
    page = client.get(_page(two_groups)).content.decode()
    assert 'id="missing-at-submission"' in page and "Submitted with 2 units missing" in page
    version = client.get(reverse("reports:version", args=[report.pk])).content.decode()
    assert "Units missing at submission" in version and "二组" in version
    sheet = load_workbook(io.BytesIO(client.get(
        reverse("reports:community_xlsx", args=[two_groups.community.pk]) + f"?day={TODAY}").content)).active
    assert any(str(row[0]).startswith("Submitted with 2 units missing: 二组") for row in sheet.iter_rows(
        values_only=True) if row[0])


def test_the_api_refuses_with_422_naming_the_units_and_records_them_when_confirmed(client, two_groups):
    client.force_login(two_groups.users["carol"])
    url = f"/api/v1/reports/communities/{two_groups.community.pk}/report"
    body = {"confirmed": 0, "suspected": 0, "close_contacts": 0, "submit": True}
    refused = client.post(url, body, content_type="application/json")
    assert refused.status_code == 422
    detail = refused.json()["detail"][0]
    assert detail["field"] == "confirm_missing" and "二组" in detail["message"]
    assert not DailyReport.objects.filter(group=None, checkpoint=None).exists()
    done = client.post(url, {**body, "confirm_missing": True}, content_type="application/json")
    assert done.status_code == 200 and done.json()["status"] == "submitted"
    assert [u["name"] for u in done.json()["missing_units"]] == ["二组", two_groups.gate.name]


def test_the_api_gives_null_for_an_incomplete_total_and_names_who_is_missing(client, two_groups):
    _root_submit(two_groups, two_groups.community, suspected=4)
    client.force_login(two_groups.users["dave"])
    data = client.get(f"/api/v1/reports/day?day={TODAY}").json()
    assert data["complete"] is False and data["unfiled"] == [two_groups.other.name]
    assert data["fill_totals"]["suspected"] == {"value": None, "filed_sum": 4, "complete": False,
                                                "missing": [two_groups.other.name]}
    people = next(t for t in data["totals"] if (t["section"], t["figure"]) == ("population", "people"))
    assert people["value"] is None and people["filed_sum"] == 2
    other = next(c for c in data["communities"] if c["id"] == two_groups.other.pk)
    assert other["submitted"] is False and other["fill"]["suspected"] is None


def test_the_day_page_excel_and_pdf_mark_the_totals_incomplete(client, two_groups):
    _root_submit(two_groups, two_groups.community, suspected=4)
    client.force_login(two_groups.users["dave"])
    page = client.get(reverse("reports:day") + f"?day={TODAY}").content.decode()
    assert "4 (1 unit not reported)" in page and 'id="totals-incomplete"' in page
    sheet = load_workbook(io.BytesIO(client.get(reverse("reports:day_xlsx") + f"?day={TODAY}").content)).active
    total = next(row for row in sheet.iter_rows(values_only=True) if row[0] == "Total")
    assert total[3] == "4 (1 unit not reported)"  # community, status, confirmed, suspected
    assert all(not isinstance(value, int) for value in total[2:] if value is not None)  # no bare number
    pdf = client.get(reverse("reports:day_pdf") + f"?day={TODAY}").content
    text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True,
                          check=True).stdout.decode()
    assert "4 (1 unit not" in text and two_groups.other.name in text
    # With every community filed the totals are plain numbers again.
    _root_submit(two_groups, two_groups.other, suspected=1)
    sheet = load_workbook(io.BytesIO(client.get(reverse("reports:day_xlsx") + f"?day={TODAY}").content)).active
    total = next(row for row in sheet.iter_rows(values_only=True) if row[0] == "Total")
    assert total[3] == 5


def test_a_past_day_shows_the_stored_snapshot_of_a_community_that_did_not_submit(client, two_groups):
    yesterday = TODAY - dt.timedelta(days=1)
    snapshots.snapshot_take([two_groups.other.pk], yesterday, now=at(23, 55, yesterday))
    PersonFactory.create_batch(3, dwelling=two_groups.outsider.dwelling)  # today's arrivals: not yesterday's
    view = days.day_view([two_groups.community, two_groups.other], yesterday, now=at(10))
    other = next(row for row in view.rows if row.community == two_groups.other)
    assert other.figures["population"]["people"] == 1  # as stored at yesterday's close, not today's 4
    today = days.day_view([two_groups.other], TODAY, now=at(10)).rows[0]
    assert today.figures["population"]["people"] == 4  # today: the live draft
    client.force_login(two_groups.users["dave"])
    page = client.get(reverse("reports:community", args=[two_groups.other.pk]) + f"?day={yesterday}")
    people = next(values[0] for section, figures in page.context["rows"] if section.key == "population"
                  for figure, values in figures if figure.key == "people")
    assert people == 1  # the community page of that day reads the snapshot too


def test_submitting_a_community_report_stores_the_days_snapshot(two_groups):
    _root_submit(two_groups, two_groups.community)
    assert snapshots.stored_figures([two_groups.community.pk], TODAY)[two_groups.community.pk][
        "population"]["people"] == 2
