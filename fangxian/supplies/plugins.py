"""What supplies adds to the shell (see core.plugins)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from fangxian.core import plugins

from . import home, report_sections, request_selectors, selectors
from .demo import demo_supplies

plugins.urls("supplies/", "fangxian.supplies.urls")
for section in report_sections.SECTIONS:
    plugins.report_section(section)
plugins.home_tile(order=38, template="supplies/home_tile.html")(home.supplies_tile)


@plugins.menu(order=28)
def menu(scope) -> list[plugins.MenuItem]:
    items = []
    if selectors.reads_stock(scope):
        items.append(plugins.MenuItem(_("Supplies and donations"), reverse("supplies:stock")))
    if selectors.sees_supplies(scope):
        items.append(plugins.MenuItem(_("Supply requests"), reverse("supplies:request_list"),
                                      badge=request_selectors.waiting_count(scope) or None))
    return items


@plugins.demo_step(order=37)
def demo(community) -> list[tuple[str, int]]:
    # After access (20: the checkpoints), duty (30: the teams) and delivery (35); before the
    # reports (50), whose snapshots then hold the supplies figures of each past day.
    built = demo_supplies(community=community)
    return [(_("Supply donations"), built["donations"]), (_("Stock movements"), built["movements"])]
