"""The subdistrict's day: totals, missing reports after the deadline, reminders, Excel, history, scope."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from fangxian.core.scope import Scope
from fangxian.reports import days, selectors, services
from fangxian.reports.exports import layout
from fangxian.reports.models import ReportReminder
from fangxian.reports.totals import Change, Total
from tests.factories import DwellingFactory, PersonFactory
from tests.reports.conftest import TODAY, at

pytestmark = [pytest.mark.usefixtures("english"), pytest.mark.clock_sensitive]

FILLED = {"confirmed": 0, "suspected": 1, "close_contacts": 2, "progress": "", "problems": ""}


def _submit(cast, community, day, **data):
    root = cast.users["root"]
    return services.report_save(scope=Scope.everything(root.pk), user=root, community=community,
                                day=day, data={**FILLED, **data}, submit=True, confirm_missing=True,
                                now=at(16, 0, day))


@pytest.fixture
def reported(two_grids):
    """Both communities have people; carol's has submitted today, the other has not."""
    for _i in range(3):
        PersonFactory(dwelling=DwellingFactory(building=two_grids.outsider.dwelling.building), kind="tenant")
    two_grids.report = _submit(two_grids, two_grids.community, TODAY, suspected=1)
    return two_grids


def test_it_totals_the_submitted_reports_and_names_the_community_that_has_not(reported):
    # Changed on purpose (issue 12): a community without a submitted report is not in the
    # totals, even with drafted figures, and every total names it.
    view = days.day_view([reported.community, reported.other], TODAY, now=at(10))
    mine = view.rows[0]
    for section, figures in layout():
        for figure in figures:
            value = mine.figures[section.key][figure.key]
            # A figure the submitted report cannot know (no canvassing campaign) is named too.
            unknown = (reported.community.name,) if value is None else ()
            assert view.totals[section.key][figure.key] == Total(value, (*unknown, reported.other.name)), figure.key
    assert view.rows[1].figures["population"]["people"] == 4  # its row still shows the draft
    assert view.totals["population"]["people"] == Total(2, (reported.other.name,))
    assert view.fill_totals == {name: Total(value, (reported.other.name,))
                                for name, value in {"confirmed": 0, "suspected": 1, "close_contacts": 2}.items()}
    _submit(reported, reported.other, TODAY, suspected=2)
    view = days.day_view([reported.community, reported.other], TODAY, now=at(10))
    assert view.totals["population"]["people"] == Total(6) and view.fill_totals["suspected"] == Total(3)


def test_it_shows_the_day_on_day_change(reported):
    _submit(reported, reported.community, TODAY - dt.timedelta(days=1), suspected=3)
    view = days.day_view([reported.community, reported.other], TODAY, now=at(10))
    # Both days lack the other community: the change compares reported.community alone and says so.
    assert view.fill_change("suspected") == Change(-2, incomplete=True)
    assert str(view.fill_change("suspected")) == "-2 (incomplete)"
    # The other community files today only: it is not compared, so its 2 is no rise.
    _submit(reported, reported.other, TODAY, suspected=2)
    view = days.day_view([reported.community, reported.other], TODAY, now=at(10))
    assert view.fill_totals["suspected"] == Total(3)
    assert view.fill_change("suspected") == Change(-2, incomplete=True)
    # With both communities on both days the change is complete.
    _submit(reported, reported.other, TODAY - dt.timedelta(days=1), suspected=1)
    view = days.day_view([reported.community, reported.other], TODAY, now=at(10))
    assert view.fill_change("suspected") == Change(-1, incomplete=False)
    assert str(view.fill_change("suspected")) == "-1"


def test_it_flags_a_missing_report_after_the_deadline_and_not_before(client, reported, frozen):
    client.force_login(reported.users["dave"])
    frozen.now = at(16, 59)
    page = client.get(reverse("reports:day") + f"?day={TODAY}").content.decode()
    assert "Not yet" in page and "Not reported" not in page
    frozen.now = at(17, 0)
    page = client.get(reverse("reports:day") + f"?day={TODAY}").content.decode()
    assert "1 community has not reported by its deadline." in page
    assert 'class="missing"' in page and reported.other.name in page


def test_it_follows_a_deadline_set_by_the_admin(client, reported, frozen):
    olga = reported.users["olga"]
    client.force_login(olga)
    response = client.post(reverse("reports:deadlines"), {"community": reported.other.pk, "time": "19:30",
                                                         "effective_from": str(TODAY - dt.timedelta(days=3))})
    assert response.status_code == 302
    frozen.now = at(18)
    rows = days.day_view([reported.other], TODAY, now=frozen.now).rows
    assert rows[0].state == "not_yet"
    assert days.day_view([reported.other], TODAY, now=at(19, 30)).rows[0].state == "missing"
    # olga may not set carol's community's deadline
    response = client.post(reverse("reports:deadlines"), {"community": reported.community.pk, "time": "12:00",
                                                         "effective_from": str(TODAY)})
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()


def test_it_reminds_each_unit_once_after_the_deadline(reported, monkeypatch):
    sent = []
    monkeypatch.setattr(services, "notify", lambda kind, **kw: sent.append((kind, kw["community"], kw["url"])))
    group = reported.estate.group
    assert services.reminders_send(now=at(16, 59)) == 0
    assert services.reminders_send(now=at(17, 5)) == 3  # the other community, and both communities' groups
    assert {url for _kind, _community, url in sent} == {
        reverse("reports:community", args=[reported.other.pk]) + f"?day={TODAY}",
        reverse("reports:group", args=[group.pk]) + f"?day={TODAY}",
        reverse("reports:group", args=[reported.outsider.dwelling.building.estate.group_id]) + f"?day={TODAY}",
    }
    assert services.reminders_send(now=at(17, 15)) == 0  # once per unit and day
    assert ReportReminder.objects.count() == 3


def test_it_exports_the_day_to_excel_with_the_same_figures(client, reported, frozen):
    frozen.now = at(18)
    client.force_login(reported.users["dave"])
    response = client.get(reverse("reports:day_xlsx") + f"?day={TODAY}")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxml")
    sheet = load_workbook(io.BytesIO(response.content)).active
    labels = [cell.value for cell in sheet[3]]
    rows = {row[0]: row for row in sheet.iter_rows(min_row=4, values_only=True)}
    people = labels.index("People")
    suspected = labels.index("Suspected cases")
    view = days.day_view([reported.community, reported.other], TODAY, now=at(18))
    assert rows[reported.community.name][people] == view.rows[0].figures["population"]["people"] == 2
    assert rows[reported.other.name][people] == 4
    assert rows[reported.other.name][1] == "Not reported"
    # The total is never a bare number while a community is missing.
    assert rows["Total"][people] == "2 (1 unit not reported)" and rows["Total"][suspected] == "1 (1 unit not reported)"
    assert "Population" in [cell.value for cell in sheet[2]]  # the grouped header row


def test_it_exports_a_community_report_to_excel_and_pdf(client, reported):
    client.force_login(reported.users["carol"])
    url = reverse("reports:community_xlsx", args=[reported.community.pk]) + f"?day={TODAY}"
    sheet = load_workbook(io.BytesIO(client.get(url).content)).active
    values = {row[0]: row[1:] for row in sheet.iter_rows(min_row=4, values_only=True)}
    assert values["People"][0] == 2 and values["Suspected cases"][0] == 1
    pdf = client.get(reverse("reports:community_pdf", args=[reported.community.pk]) + f"?day={TODAY}")
    assert pdf.content.startswith(b"%PDF")


def test_it_draws_the_history_of_a_figure_from_the_submitted_reports(client, reported, frozen):
    frozen.now = at(18)
    _submit(reported, reported.community, TODAY - dt.timedelta(days=2), suspected=5)
    _submit(reported, reported.other, TODAY - dt.timedelta(days=2), suspected=2)
    rows = selectors.history([reported.community, reported.other], "fill.suspected",
                             TODAY - dt.timedelta(days=2), TODAY)
    everyone, nobody, one = (total for _day, total, _n in rows)
    assert (everyone.value, everyone.missing, rows[0][2]) == (7, (), 2)
    assert (nobody.value, set(nobody.missing), rows[1][2]) == (None, {reported.community.name, reported.other.name}, 0)
    assert (one.value, one.missing, rows[2][2]) == (1, (reported.other.name,), 1)
    assert str(one) == "1 (1 unit not reported)"
    client.force_login(reported.users["dave"])
    page = client.get(reverse("reports:history") + "?figure=population.people").content.decode()
    assert "echarts" in page and "chart-data" in page
    page = client.get(reverse("reports:history") + "?figure=fill.suspected").content.decode()
    assert "1 (1 unit not reported)" in page and "7</td>" in page


def test_it_shows_group_leaders_only_their_groups_sub_report(client, reported):
    from tests.factories import GroupFactory

    client.force_login(reported.users["gina"])
    assert client.get(reverse("reports:group", args=[reported.estate.group_id])).status_code == 200
    other_group = GroupFactory(community=reported.community)
    assert client.get(reverse("reports:group", args=[other_group.pk])).status_code == 404
    assert client.get(reverse("reports:community", args=[reported.community.pk])).status_code == 403
    assert client.get(reverse("reports:version", args=[reported.report.pk])).status_code == 404


def test_it_lets_officers_read_every_community_and_write_none(client, reported):
    client.force_login(reported.users["dave"])
    page = client.get(reverse("reports:day")).content.decode()
    assert reported.community.name in page and reported.other.name in page
    other_page = reverse("reports:community", args=[reported.other.pk])
    assert client.get(other_page).status_code == 200
    assert client.post(other_page, {**FILLED, "submit": "1"}).status_code == 403


def test_it_keeps_olga_out_of_carols_community(client, reported):
    client.force_login(reported.users["olga"])
    page = client.get(reverse("reports:day")).content.decode()
    assert reported.other.name in page and reported.community.name not in page
    assert client.get(reverse("reports:community", args=[reported.community.pk])).status_code == 404
    assert client.get(reverse("reports:version", args=[reported.report.pk])).status_code == 404
    assert client.post(reverse("reports:correct", args=[reported.report.pk]), {"reason": "乱改"}).status_code == 404


def test_it_reminds_a_checkpoint_that_has_not_reported(reported, monkeypatch):
    from tests.access.conftest import make_checkpoint

    sent = []
    monkeypatch.setattr(services, "notify", lambda kind, **kw: sent.append(kw["url"]))
    gate = make_checkpoint(reported.estate)
    closed = make_checkpoint(reported.estate, name="旧门")
    closed.active = False
    closed.save(update_fields=["active"])
    services.reminders_send(now=at(17, 5))
    assert reverse("reports:checkpoint", args=[gate.pk]) + f"?day={TODAY}" in sent
    assert not any(reverse("reports:checkpoint", args=[closed.pk]) in url for url in sent)
