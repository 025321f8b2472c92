"""This app's entries in the menu (core.context_processors.navigation): (label, url) or
(label, url, badge count), only those the scope may open."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _


def items(scope) -> list[tuple]:
    from . import selectors

    if not selectors.sees_incidents(scope):
        return []
    # The badge: open incidents the user sees (for the duty officer, the community's).
    entries = [(_("Incidents"), reverse("incidents:list"), selectors.open_count(scope))]
    if selectors.reporting_communities(scope).exists():
        entries.append((_("Report an incident"), reverse("incidents:create")))
    return entries
