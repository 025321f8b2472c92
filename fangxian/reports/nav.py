"""This app's entries in the menu (core.context_processors.navigation): (label, url) or
(label, url, badge count), only those the scope may open."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _


def items(scope) -> list[tuple]:
    from .views import reads_reports

    entries = []
    if reads_reports(scope):
        entries.append((_("Daily reports"), reverse("reports:day")))
        if len(scope.admin_community_ids) == 1 and not scope.subdistrict_ids:
            community = next(iter(scope.admin_community_ids))
            entries.append((_("Our daily report"), reverse("reports:community", args=[community])))
        entries.append((_("Report history"), reverse("reports:history")))
        entries.append((_("Command dashboard"), reverse("reports:dashboard")))
    for group in sorted(scope.group_ids):
        entries.append((_("Group sub-report"), reverse("reports:group", args=[group])))
    if "checkpoint_volunteer" in scope.roles:  # the sub-reports of the checkpoints they stand at
        from fangxian.access.models import Checkpoint

        from .services import volunteer_communities

        for checkpoint in Checkpoint.objects.filter(community_id__in=volunteer_communities(scope), active=True
                                                    ).order_by("name", "pk")[:10]:
            entries.append((_("Sub-report: %(checkpoint)s") % {"checkpoint": checkpoint.name},
                            reverse("reports:checkpoint", args=[checkpoint.pk])))
    if scope.is_admin:
        entries.append((_("Report deadlines"), reverse("reports:deadlines")))
    return entries
