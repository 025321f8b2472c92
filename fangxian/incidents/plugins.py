"""What incidents add to the shell (see core.plugins)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from fangxian.core import plugins

from . import report_sections, selectors
from .demo import demo_incident_history, demo_incidents

plugins.urls("incidents/", "fangxian.incidents.urls")
for section in report_sections.SECTIONS:
    plugins.report_section(section)


@plugins.menu(order=60)
def menu(scope) -> list[plugins.MenuItem]:
    if not selectors.sees_incidents(scope):
        return []
    # The badge: open incidents the user sees (for the duty officer, the community's).
    entries = [plugins.MenuItem(_("Incidents"), reverse("incidents:list"), badge=selectors.open_count(scope))]
    if selectors.reporting_communities(scope).exists():
        entries.append(plugins.MenuItem(_("Report an incident"), reverse("incidents:create"), today=True))
    return entries


@plugins.demo_step(order=40)
def demo(community) -> list[tuple[str, int]]:
    made = demo_incident_history(community=community)["incidents"] + demo_incidents(community=community)["incidents"]
    return [(_("Incidents"), made)]
