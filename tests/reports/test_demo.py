"""The demo's week of reports: submitted, one per unit and day, and not filed twice."""

import pytest
from django.urls import reverse

from fangxian.reports.demo import demo_reports
from fangxian.reports.models import DailyReport

pytestmark = [pytest.mark.usefixtures("english"), pytest.mark.clock_sensitive]


def test_it_files_a_week_of_reports_once(client, two_grids):
    assert demo_reports(two_grids.community, days=3) == {"reports": 3 * 2}  # the community and its group
    assert demo_reports(two_grids.community, days=3) == {"reports": 0}
    assert DailyReport.objects.filter(status="submitted").count() == 6
    client.force_login(two_grids.users["carol"])
    page = client.get(reverse("reports:history") + "?figure=fill.close_contacts").content.decode()
    assert page.count('<td class="num">1</td>') + page.count('<td class="num">0</td>') >= 3
