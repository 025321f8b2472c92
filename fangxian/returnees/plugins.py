"""What returnees adds to the shell (see core.plugins)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from fangxian.core import plugins

from . import report_sections
from .demo import demo_returnees

plugins.urls("returnees/", "fangxian.returnees.urls")
for section in report_sections.SECTIONS:
    plugins.report_section(section)


@plugins.menu(order=20)
def menu(scope) -> list[plugins.MenuItem]:
    if not scope.sees_registry:
        return []
    return [
        plugins.MenuItem(_("Returnees"), reverse("returnees:queue")),
        plugins.MenuItem(_("Home quarantine"), reverse("returnees:quarantine_list")),
        plugins.MenuItem(_("Unreturned households"), reverse("returnees:board_list")),
        plugins.MenuItem(_("Slipped through"), reverse("returnees:slipped_list")),
        plugins.MenuItem(_("Risk areas"), reverse("returnees:area_list")),
    ]


@plugins.demo_step(order=25)
def demo(community) -> list[tuple[str, int]]:
    # After closed management (order 20): passes go to occupied dwellings only, so the
    # people in quarantine hold none.
    built = demo_returnees(community=community)
    return [(_("Returnee registrations"), built["registrations"]), (_("Home quarantine"), built["quarantines"])]
