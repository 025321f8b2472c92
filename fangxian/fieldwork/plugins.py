"""What fieldwork adds to the shell (see core.plugins)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from fangxian.core import plugins

from . import care, home, report_sections, selectors
from .api import router
from .demo import demo_care, demo_fieldwork

plugins.urls("fieldwork/", "fangxian.fieldwork.urls")
plugins.api_router("/fieldwork", router)
for section in report_sections.SECTIONS:
    plugins.report_section(section)
plugins.home_tile(order=40, template="fieldwork/home_tile.html")(home.fieldwork_tile)


@plugins.menu(order=55)
def menu(scope) -> list[plugins.MenuItem]:
    items = []
    if selectors.sees_fieldwork(scope):
        items.append(plugins.MenuItem(_("Canvassing"), reverse("fieldwork:campaign_list")))
    if care.sees_care(scope):
        items.append(plugins.MenuItem(_("Care visits"), reverse("fieldwork:care_list")))
    return items


@plugins.demo_step(order=45)
def demo(community) -> list[tuple[str, int]]:
    # After the returnees (order 25: the sealed and quarantined doors, the returnees the
    # doors answer about) and the incidents (40); before the reports (50), whose snapshots
    # then hold the canvassing figures of each past day.
    built = demo_fieldwork(community=community)
    care = demo_care(community=community)
    return [(_("Canvassing sections"), built["sections"]), (_("Door knocks"), built["knocks"]),
            (_("Care visits"), care["care_visits"])]
