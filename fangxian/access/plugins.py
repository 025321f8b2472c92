"""What closed management adds to the shell (see core.plugins)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from fangxian.core import plugins

from . import report_sections, selectors
from .api import router
from .demo import demo_access, demo_passages

plugins.urls("access/", "fangxian.access.urls")
plugins.api_router("/access", router)
for section in report_sections.SECTIONS:
    plugins.report_section(section)


@plugins.menu(order=30)
def menu(scope) -> list[plugins.MenuItem]:
    """The badge of fever alerts is the number open, shown only to those who may see them."""
    items = []
    if selectors.sees_access(scope):
        items.append(plugins.MenuItem(_("Checkpoints"), reverse("access:checkpoint_list")))
    if selectors.sees_passes(scope):
        items.append(plugins.MenuItem(_("Passes"), reverse("access:pass_list")))
    if selectors.sees_access(scope):
        items += [
            plugins.MenuItem(_("Passages"), reverse("access:passage_list")),
            plugins.MenuItem(_("Refusals"), reverse("access:refusal_list")),
            plugins.MenuItem(_("Fever alerts"), reverse("access:fever_alert_list"),
                             badge=selectors.open_alert_count(scope)),
        ]
    return items


@plugins.home_tile(order=90, template="includes/consoles.html")
def consoles_tile(request, scope) -> dict | None:
    """The consoles of the user's checkpoints (a superuser reaches every console from the
    checkpoint list instead)."""
    if scope.is_superuser:
        return None
    consoles = list(selectors.console_checkpoints(scope).filter(active=True).order_by("name"))
    return {"consoles": consoles} if consoles else None


@plugins.demo_step(order=20)
def demo(community) -> list[tuple[str, int]]:
    built = demo_access(community=community)
    history = demo_passages(community=community)
    return [(_("Checkpoints"), built["checkpoints"]), (_("Passes"), built["passes"]),
            (_("Passages"), history["passages"]), (_("Fever alerts"), history["fever_alerts"])]
