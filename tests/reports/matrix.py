"""This app's part of the scope matrix (tests/core/test_scope_matrix.py) and of the list-page
query counts (tests/core/test_list_queries.py): the daily report's pages, the wall dashboard
and its API operation."""

import datetime as dt

from django.utils import timezone

from fangxian.core.scope import Scope
from fangxian.reports import services
from fangxian.reports.models import DailyReport
from tests.factories import CommunityFactory
from tests.roles import ACCESS_READ, ADMIN_OF_CAROL, ADMIN_ONLY, DENY, LOGIN, OK, row

# Officers, community admins and superusers read the community reports (olga: only her own
# community's, so the subdistrict page still opens for her).
REPORTS_READ = row(LOGIN, DENY, DENY, OK, OK, DENY, DENY, OK, OK)
CAROLS_REPORT = row(LOGIN, DENY, DENY, OK, OK, DENY, DENY, DENY, OK)
# A residential group's sub-report: its leader (gina) too.
GINAS_GROUP = row(LOGIN, DENY, DENY, OK, OK, DENY, DENY, DENY, OK, gina=OK)
GINAS_GROUP_WRITE = row(LOGIN, DENY, DENY, OK, DENY, DENY, DENY, DENY, OK, gina=OK)
# A checkpoint's sub-report: its volunteers (erin) too.
ERINS_CHECKPOINT = row(LOGIN, DENY, DENY, OK, OK, OK, DENY, DENY, OK)

PAGES: dict = {
    "reports:day": ("get", None, REPORTS_READ),
    "reports:day_xlsx": ("get", None, REPORTS_READ),
    "reports:day_pdf": ("get", None, REPORTS_READ),
    "reports:history": ("get", None, REPORTS_READ),
    "reports:deadlines": ("get", None, ADMIN_ONLY),
    "reports:community": ("get", lambda c: c.community.pk, CAROLS_REPORT),
    "reports:community_xlsx": ("get", lambda c: c.community.pk, CAROLS_REPORT),
    "reports:community_pdf": ("get", lambda c: c.community.pk, CAROLS_REPORT),
    "reports:group": ("get", lambda c: c.estate.group_id, GINAS_GROUP),
    "reports:checkpoint": ("get", lambda c: c.checkpoint.pk, ERINS_CHECKPOINT),
    "reports:version": ("get", lambda c: c.group_report.pk, GINAS_GROUP),
    "reports:correct": ("post", lambda c: c.group_report.pk, GINAS_GROUP_WRITE),
    # Reminding the groups and checkpoints that have not filed: the community's admins.
    "reports:remind": ("post", lambda c: c.community.pk, ADMIN_OF_CAROL),
    # The wall dashboard: those who read the community's closed management (it lists fever alerts).
    "reports:dashboard": ("get", None, ACCESS_READ),
}
POST_DATA: dict = {"reports:correct": {"reason": "矩阵测试"}, "reports:remind": {"all": "1"}}
# operationId (without the module prefix) → (object whose pk fills {id}, body, expectations)
API: dict = {
    "dashboard_data": (None, None, ACCESS_READ),  # the wall dashboard's refresh
    "day_data": (None, None, REPORTS_READ),
    # Submitting carol's community report, confirming the checkpoint that has not filed.
    "community_report": (lambda c: c.community.pk, lambda c: {
        "confirmed": 0, "suspected": 0, "close_contacts": 0, "submit": True, "confirm_missing": True},
        ADMIN_OF_CAROL),
}
LIST_CASES: dict = {
    "reports:day": ("carol", "dave"),
    "reports:history": ("carol", "dave"),
    "reports:deadlines": ("carol",),
    "reports:dashboard": ("carol", "dave"),
}


def equip(cast) -> None:
    """gina's submitted sub-report of today and carol's draft of the community report."""
    gina, carol = cast.users["gina"], cast.users["carol"]
    today = timezone.localdate()
    cast.group_report = services.report_save(
        scope=Scope.for_user(gina), user=gina, community=cast.community, group=cast.estate.group, day=today,
        data={"confirmed": 0, "suspected": 0, "close_contacts": 1, "progress": "敲门排查"}, submit=True)
    cast.community_draft = services.report_save(
        scope=Scope.for_user(carol), user=carol, community=cast.community, day=today, data={"confirmed": 0})


def grow(cast, building, i: int) -> None:
    """A new community of the subdistrict with a submitted report (dave's day and history pages
    grow), a past submitted report and a deadline of carol's community (carol's pages grow)."""
    root = cast.users["root"]
    scope = Scope.everything(root.pk)
    today = timezone.localdate()
    community = CommunityFactory(subdistrict=cast.community.subdistrict)
    services.report_save(scope=scope, user=root, community=community, day=today, submit=True, confirm_missing=True,
                         data={"confirmed": 0, "suspected": 0, "close_contacts": 0})
    back = DailyReport.objects.filter(community=cast.community, group=None).count() + 1  # grow runs i from 0 twice
    services.report_save(scope=scope, user=root, community=cast.community, day=today - dt.timedelta(days=back),
                         submit=True, confirm_missing=True, data={"confirmed": 0, "suspected": i, "close_contacts": 0})
    services.deadline_set(scope=scope, user=root, community=cast.community, time=dt.time(17, i % 60),
                          effective_from=today - dt.timedelta(days=i))
