"""The roster page while the solver runs, in a real browser (issue 11): the card refreshes
every 1.5 s and must keep its stop button, and the heading must follow the plan from
"waiting" to "solving"."""

import pytest
from django.urls import reverse
from django.utils import timezone

from fangxian.duty.models import RosterPlan
from tests.duty.matrix_rosters import roster_community
from tests.e2e.conftest import log_in, shot

pytestmark = pytest.mark.browser


@pytest.fixture
def cast(transactional_db, two_grids):
    roster_community(two_grids)
    two_grids.plan = RosterPlan.objects.create(community=two_grids.community, first_day=timezone.localdate(), days=7,
                                               seconds=120, status=RosterPlan.Status.QUEUED,
                                               started_at=timezone.now())
    return two_grids


def test_the_stop_button_and_the_heading_survive_the_refresh(live_server, cast, phone, desktop):
    url = live_server.url + reverse("duty:roster_plan_detail", args=[cast.plan.pk])
    for page in (phone, desktop):
        log_in(page, live_server, "carol", "pw-carol")
        page.goto(url)
    assert "等待排班" in desktop.locator("h1").inner_text()
    # the worker takes it
    RosterPlan.objects.filter(pk=cast.plan.pk).update(status=RosterPlan.Status.SOLVING, started_at=timezone.now(),
                                                      best_assigned=120, best_missing=3, best_objective=456)
    for page, size in ((phone, "phone"), (desktop, "desktop")):
        page.wait_for_function("document.querySelector('h1').innerText.includes('排班中')", timeout=6000)
        page.wait_for_timeout(1700)  # one more refresh of the card
        assert page.locator("#progress button.danger").count() == 1  # the stop button is still there
        assert "456" in page.locator("#progress").inner_text()
        shot(page, f"{size}-duty-roster-solving-refreshed")
    assert desktop.locator("#plan-status").count() == 1  # the swapped status is not doubled
    desktop.locator("#progress button.danger").click()
    desktop.wait_for_function("!document.querySelector('#progress button.danger')", timeout=6000)
    assert RosterPlan.objects.get(pk=cast.plan.pk).stop_requested
