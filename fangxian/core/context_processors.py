from importlib import import_module

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .scope import scope_of


def navigation(request):
    """The menu: only the modules this user may open, so no link leads to a refusal.

    Each item is (label, url) or (label, url, badge count)."""
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
            (_("Returnees"), reverse("returnees:queue")),
            (_("Home quarantine"), reverse("returnees:quarantine_list")),
            (_("Unreturned households"), reverse("returnees:board_list")),
            (_("Slipped through"), reverse("returnees:slipped_list")),
            (_("Risk areas"), reverse("returnees:area_list")),
        ]
    items += _access_items(scope)
    for app in ("duty", "reports", "incidents"):
        items += import_module(f"fangxian.{app}.nav").items(scope)
    if scope.is_admin:
        items += [
            (_("Roster import"), reverse("registry:roster_upload")),
            (_("Audit log"), reverse("audit_log")),
        ]
    items.append((_("API tokens"), reverse("accounts:token_list")))
    badges = sum(item[2] for item in items if len(item) > 2 and item[2])
    return {"nav_items": items, "nav_badges": badges, "scope": scope}


def _access_items(scope) -> list[tuple]:
    """Closed management. A third member, when there is one, is the badge: the number of
    open fever alerts, shown only to those who may see them."""
    from fangxian.access import selectors

    items = []
    if selectors.sees_access(scope):
        items.append((_("Checkpoints"), reverse("access:checkpoint_list")))
    if selectors.sees_passes(scope):
        items.append((_("Passes"), reverse("access:pass_list")))
    if selectors.sees_access(scope):
        items += [
            (_("Passages"), reverse("access:passage_list")),
            (_("Refusals"), reverse("access:refusal_list")),
            (_("Fever alerts"), reverse("access:fever_alert_list"), selectors.open_alert_count(scope)),
        ]
    return items
