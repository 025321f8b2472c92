"""What the daily report and the dashboard add to the shell (see core.plugins)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from fangxian.access.selectors import standing_checkpoints
from fangxian.core import plugins
from fangxian.registry.demo import UNREPORTED_TODAY_CODE

from . import jobs
from .api import router
from .demo import HISTORY_DAYS, REPORT_DAYS, demo_reports
from .selectors import reads_reports

plugins.urls("reports/", "fangxian.reports.urls")
plugins.api_router("/reports", router)
plugins.periodic(every_seconds=600)(jobs.report_reminders)
plugins.periodic(every_seconds=300)(jobs.figure_snapshots)


@plugins.menu(order=50)
def menu(scope) -> list[plugins.MenuItem]:
    """The daily report (or one's part of it) and the dashboard are among the day's duties."""
    item = plugins.MenuItem
    entries = []
    if reads_reports(scope):
        entries.append(item(_("Daily reports"), reverse("reports:day"), today=True))
        if len(scope.admin_community_ids) == 1 and not scope.subdistrict_ids:
            community = next(iter(scope.admin_community_ids))
            entries.append(item(_("Our daily report"), reverse("reports:community", args=[community]), today=True))
        entries.append(item(_("Report history"), reverse("reports:history")))
        entries.append(item(_("Command dashboard"), reverse("reports:dashboard"), today=True))
    for group in sorted(scope.group_ids):
        entries.append(item(_("Group sub-report"), reverse("reports:group", args=[group]), today=True))
    for checkpoint in standing_checkpoints(scope)[:10]:  # the sub-reports of the checkpoints they stand at
        entries.append(item(_("Sub-report: %(checkpoint)s") % {"checkpoint": checkpoint.name},
                            reverse("reports:checkpoint", args=[checkpoint.pk]), today=True))
    if scope.is_admin:
        entries.append(item(_("Report deadlines"), reverse("reports:deadlines")))
    return entries


@plugins.demo_step(order=50)
def demo(community) -> list[tuple[str, int]]:
    # Two weeks of reports and a month of snapshots beside the other apps' month; one community
    # of the story leaves today's report unfiled, so that the officer sees who is missing (未报,
    # then 逾期未报 after the deadline).
    filed = demo_reports(community, days=REPORT_DAYS, snapshot_days=HISTORY_DAYS - 1,
                         file_today=community.code != UNREPORTED_TODAY_CODE)
    return [(_("Daily reports"), filed["reports"])]
