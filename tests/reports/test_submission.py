"""Filling in, submitting, locking and correcting a report; the groups' sub-reports compiled."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from fangxian.core.scope import Scope
from fangxian.reports import days, services
from fangxian.reports.models import DailyReport
from fangxian.reports.totals import Total

pytestmark = [pytest.mark.usefixtures("english"), pytest.mark.clock_sensitive]

# carol's community has gina's group, which has not filed in these tests: the admin confirms.
FILLED = {"confirmed": "0", "suspected": "0", "close_contacts": "2", "progress": "全面排查", "problems": "",
          "confirm_missing": "1"}


def _page(two_grids) -> str:
    return reverse("reports:community", args=[two_grids.community.pk])


def test_it_refuses_to_submit_with_a_blank_number_and_names_the_field(client, two_grids):
    client.force_login(two_grids.users["carol"])
    response = client.post(_page(two_grids), {**FILLED, "suspected": "", "submit": "1"})
    assert response.status_code == 200
    assert "Suspected cases must be filled in before submitting: enter 0 if there were none." in \
        response.content.decode()
    assert not DailyReport.objects.exists()  # nothing saved: bad input changes nothing


def test_it_accepts_zero_as_an_answer_and_locks_the_submitted_report(client, two_grids):
    client.force_login(two_grids.users["carol"])
    response = client.post(_page(two_grids), {**FILLED, "submit": "1"})
    assert response.status_code == 302
    report = DailyReport.objects.get()
    assert (report.confirmed, report.suspected, report.close_contacts) == (0, 0, 2)
    assert report.is_submitted and report.submitted_by == two_grids.users["carol"]
    assert report.figures["population"]["people"] == 2  # the drafted figures frozen into it
    page = client.get(_page(two_grids)).content.decode()
    assert 'name="submit"' not in page  # no form any more
    assert client.post(_page(two_grids), {**FILLED, "confirmed": "5", "submit": "1"}).status_code == 403
    with pytest.raises(ValidationError, match="locked"):
        services.report_save(scope=Scope.for_user(two_grids.users["carol"]), user=two_grids.users["carol"],
                             community=two_grids.community, day=report.day, data={**FILLED, "confirmed": "5"})
    report.refresh_from_db()
    assert report.confirmed == 0


def test_it_keeps_a_draft_with_blanks(client, two_grids):
    client.force_login(two_grids.users["carol"])
    client.post(_page(two_grids), {"confirmed": "1", "save": "1"})
    report = DailyReport.objects.get()
    assert report.status == "draft" and report.confirmed == 1 and report.suspected is None


def test_it_corrects_with_a_new_version_and_keeps_the_old_one_readable(client, two_grids):
    client.force_login(two_grids.users["carol"])
    client.post(_page(two_grids), {**FILLED, "submit": "1"})
    first = DailyReport.objects.get()
    response = client.post(reverse("reports:correct", args=[first.pk]), {"reason": ""})
    assert DailyReport.objects.count() == 1  # no reason, no correction
    response = client.post(reverse("reports:correct", args=[first.pk]), {"reason": "密接人数报错"})
    assert response.status_code == 302
    second = DailyReport.objects.get(version=2)
    assert second.correction_reason == "密接人数报错" and second.status == "draft" and second.close_contacts == 2
    client.post(_page(two_grids), {**FILLED, "close_contacts": "3", "submit": "1"})
    second.refresh_from_db()
    first.refresh_from_db()
    assert second.is_submitted and second.close_contacts == 3
    assert first.is_submitted and first.close_contacts == 2  # untouched
    assert client.get(reverse("reports:version", args=[first.pk])).status_code == 200
    assert "密接人数报错" in client.get(_page(two_grids)).content.decode()
    # The subdistrict sees the latest submitted version.
    view = days.day_view([two_grids.community], second.day)
    assert view.rows[0].report == second and view.fill_totals["close_contacts"] == Total(3)
    # Only the latest version can be corrected.
    with pytest.raises(ValidationError):
        services.report_correct(scope=Scope.for_user(two_grids.users["carol"]), user=two_grids.users["carol"],
                                report=first, reason="再改")


def test_it_shows_the_version_one_figures_as_submitted(client, two_grids):
    client.force_login(two_grids.users["carol"])
    client.post(_page(two_grids), {**FILLED, "submit": "1"})
    first = DailyReport.objects.get()
    first.figures["population"]["people"] = 777  # what was submitted then, whatever the data is now
    first.save(update_fields=["figures"])
    assert "777" in client.get(reverse("reports:version", args=[first.pk])).content.decode()


def test_it_compiles_the_groups_sub_reports_into_the_community_form(client, two_grids):
    gina = two_grids.users["gina"]
    client.force_login(gina)
    group_page = reverse("reports:group", args=[two_grids.estate.group_id])
    response = client.post(group_page, {"confirmed": "0", "suspected": "1", "close_contacts": "4",
                                        "progress": "一组已敲门", "submit": "1"})
    assert response.status_code == 302
    sub = DailyReport.objects.get(group=two_grids.estate.group)
    assert sub.community == two_grids.community and sub.figures["population"]["people"] == 2
    client.force_login(two_grids.users["carol"])
    page = client.get(_page(two_grids)).content.decode()
    assert 'name="suspected" value="1"' in page and 'name="close_contacts" value="4"' in page
    assert "一组已敲门" in page and two_grids.estate.group.name in page


def test_it_refuses_a_report_for_a_day_to_come(two_grids):
    carol = two_grids.users["carol"]
    with pytest.raises(ValidationError, match="not come yet"):
        services.report_save(scope=Scope.for_user(carol), user=carol, community=two_grids.community,
                             day=timezone.localdate() + dt.timedelta(days=1), data=FILLED)


def test_it_lets_the_checkpoint_volunteer_file_the_checkpoints_sub_report(client, two_grids):
    from tests.access.conftest import make_checkpoint

    gate = make_checkpoint(two_grids.estate)
    client.force_login(two_grids.users["erin"])
    page = reverse("reports:checkpoint", args=[gate.pk])
    assert client.get(page).status_code == 200
    response = client.post(page, {"confirmed": "0", "suspected": "0", "close_contacts": "0",
                                  "progress": "测温全覆盖", "submit": "1"})
    assert response.status_code == 302
    sub = DailyReport.objects.get(checkpoint=gate)
    assert sub.is_submitted and sub.group is None and sub.figures["checkpoints"]["passages"] == 0
    assert client.get(_page(two_grids)).status_code == 403  # not the community's report
    client.force_login(two_grids.users["carol"])
    page = client.get(_page(two_grids)).content.decode()
    assert gate.name in page and "测温全覆盖" in page
    # the checkpoint's numbers are shown beside the community's but not added into its form
    assert 'name="close_contacts" value="0"' not in page
    client.force_login(two_grids.users["olga"])
    assert client.get(reverse("reports:checkpoint", args=[gate.pk])).status_code == 404
