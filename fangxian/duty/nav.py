"""The duty app's entries in the menu (core.context_processors.navigation): (label, url) or
(label, url, badge count), only those the scope may open."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _


def items(scope) -> list[tuple]:
    from fangxian.duty.models import SwapRequest
    from fangxian.duty.volunteer_selectors import pending_count, sees_volunteers

    if not sees_volunteers(scope):
        return []
    pending_swaps = 0
    if scope.is_admin:  # only those who decide swaps see them counted
        pending_swaps = scope.filter(SwapRequest.objects.filter(status=SwapRequest.Status.PENDING), for_write=True).count()
    return [
        (_("Volunteers"), reverse("duty:volunteer_list"), pending_count(scope)),
        (_("Volunteer teams"), reverse("duty:team_list")),
        (_("Rosters"), reverse("duty:roster_plan_list")),
        (_("Swap requests"), reverse("duty:swap_list"), pending_swaps),
        (_("No-shows"), reverse("duty:no_show_list")),
    ]
