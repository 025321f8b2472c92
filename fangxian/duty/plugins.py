"""What duty and volunteers add to the shell (see core.plugins)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from fangxian.core import plugins
from fangxian.registry.demo import DEMO_COMMUNITY_CODE
from fangxian.registry.models import Person

from .models import SwapRequest
from .rosters.api import router
from .rosters.demo import demo_rosters
from .volunteers.demo import APPROVED, demo_volunteers
from .volunteers.selectors import pending_count, sees_volunteers

plugins.urls("duty/", "fangxian.duty.urls")
plugins.api_router("/duty", router)


@plugins.menu(order=40)
def menu(scope) -> list[plugins.MenuItem]:
    if not sees_volunteers(scope):
        return []
    pending_swaps = 0
    if scope.is_admin:  # only those who decide swaps see them counted
        pending_swaps = scope.filter(SwapRequest.objects.filter(status=SwapRequest.Status.PENDING),
                                     for_write=True).count()
    return [
        plugins.MenuItem(_("Volunteers"), reverse("duty:volunteer_list"), badge=pending_count(scope)),
        plugins.MenuItem(_("Volunteer teams"), reverse("duty:team_list")),
        plugins.MenuItem(_("Rosters"), reverse("duty:roster_plan_list")),
        plugins.MenuItem(_("Swap requests"), reverse("duty:swap_list"), badge=pending_swaps),
        plugins.MenuItem(_("No-shows"), reverse("duty:no_show_list")),
    ]


@plugins.demo_step(order=30)
def demo(community) -> list[tuple[str, int]]:
    # Dongshan's 300 volunteers for its 8,000 people; a smaller neighbour one in 25 residents.
    people = Person.objects.filter(community=community).count()
    built = demo_volunteers(community, approved_count=APPROVED if people >= 5000 else max(20, people // 25))
    return [(_("Volunteers"), built["volunteers"] + built["staff"])]


@plugins.demo_step(order=90, after_commit=True)
def demo_roster(community) -> list[tuple[str, int]]:
    # The published duty roster: the solver works for some seconds, after the rest of the
    # demo is committed, so that a slow machine keeps everything else. Dongshan's only: the
    # neighbours get their shifts and rules, and 20 s of solving each would slow `make run`.
    solve = community.code == DEMO_COMMUNITY_CODE
    return [(_("Duty shifts"), demo_rosters(community, solve=solve).get("shifts", 0))]
