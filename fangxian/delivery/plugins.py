"""What delivery adds to the shell (see core.plugins)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from fangxian.core import plugins

from . import home, meals, report_sections, selectors
from .api import router
from .demo import demo_delivery

plugins.urls("delivery/", "fangxian.delivery.urls")
plugins.api_router("/delivery", router)
for section in report_sections.SECTIONS:
    plugins.report_section(section)
plugins.home_tile(order=35, template="delivery/home_tile.html")(home.delivery_tile)


@plugins.menu(order=25)
def menu(scope) -> list[plugins.MenuItem]:
    items = []
    if selectors.is_courier(scope):
        items.append(plugins.MenuItem(_("My run sheet"), reverse("delivery:run_sheet"), today=True))
    if selectors.sees_delivery(scope):
        items.append(plugins.MenuItem(_("Home delivery"), reverse("delivery:task_list"),
                                      badge=home.attention_count(scope) or None))
    return items


@plugins.periodic(every_seconds=3600)
def nightly_meals() -> None:
    # Tomorrow's standard meals, made the night before (and topped up every hour: a household
    # put into quarantine late in the evening still gets its breakfast).
    meals.nightly_meals()


@plugins.demo_step(order=35)
def demo(community) -> list[tuple[str, int]]:
    # After the returnees (25: the quarantined households it serves) and duty (30), before fieldwork (45)
    # and the reports (50), whose snapshots then hold the delivery figures of each past day.
    built = demo_delivery(community=community)
    return [(_("Delivery meals"), built["meals"]), (_("Delivery requests"), built["requests"])]
