"""What the registry adds to the shell (see core.plugins)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from fangxian.core import plugins

from . import home, jobs, pending, report_sections
from .api import router

plugins.urls("registry/", "fangxian.registry.urls")
plugins.api_router("/registry", router)
for section in report_sections.SECTIONS:
    plugins.report_section(section)
plugins.periodic(every_seconds=3600)(jobs.residents_imports_purge)


@plugins.menu(order=10)
def menu(scope) -> list[plugins.MenuItem]:
    if not scope.sees_registry:
        return []
    return [
        plugins.MenuItem(_("People"), reverse("registry:person_list")),
        plugins.MenuItem(_("Dwellings"), reverse("registry:dwelling_list")),
        plugins.MenuItem(_("Buildings"), reverse("registry:building_list")),
        plugins.MenuItem(_("Estates"), reverse("registry:estate_list")),
        plugins.MenuItem(_("Grids"), reverse("registry:grid_list")),
        # The badge: people found at doors waiting for this user (a grid worker's grids) to register them.
        plugins.MenuItem(_("Waiting for registration"), reverse("registry:pending_list"),
                         badge=pending.waiting_count(scope) if pending.resolves_pending(scope) else None),
    ]


@plugins.menu(order=80)
def import_menu(scope) -> list[plugins.MenuItem]:
    if not scope.is_admin:
        return []
    return [plugins.MenuItem(_("Register import"), reverse("registry:residents_import_upload"))]


plugins.home_tile(order=10, template="registry/home_subdistrict.html", main=True)(home.subdistrict_tile)
plugins.home_tile(order=10, template="registry/home_community.html", main=True)(home.community_tile)
