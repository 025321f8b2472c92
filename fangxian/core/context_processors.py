from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .scope import scope_of


def navigation(request):
    """The menu: only the modules this user may open, so no link leads to a refusal."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    scope = scope_of(request)
    items = [(_("Home"), reverse("home"))]
    if scope.sees_registry:
        items += [
            (_("People"), reverse("registry:person_list")),
            (_("Dwellings"), reverse("registry:dwelling_list")),
            (_("Buildings"), reverse("registry:building_list")),
            (_("Estates"), reverse("registry:estate_list")),
            (_("Grids"), reverse("registry:grid_list")),
        ]
    if scope.is_admin:
        items += [
            (_("Roster import"), reverse("registry:roster_upload")),
            (_("Audit log"), reverse("audit_log")),
        ]
    items.append((_("API tokens"), reverse("accounts:token_list")))
    return {"nav_items": items, "scope": scope}
