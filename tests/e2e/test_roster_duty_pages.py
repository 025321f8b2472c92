"""The duty roster pages in a real browser, on a phone and a desktop: a solved roster with
its shortfalls, the live progress, a re-plan's change list, publishing through the confirm
dialog, a volunteer's schedule link and a check-in at the console."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from fangxian.duty.models import Attendance, Pair, RosterPlan, RosterRules, ShiftRequest, ShiftTemplate
from fangxian.duty.rosters import services
from tests.duty.matrix_rosters import roster_community
from tests.e2e.conftest import log_in, shot

# Reads the date or the hour: .ci/run runs it again at 03:00 and at 23:59 Asia/Shanghai.
pytestmark = [pytest.mark.browser, pytest.mark.clock_sensitive]


@pytest.fixture
def cast(transactional_db, two_grids):
    """A solved 7-day roster from today (one night shift short of a leader), published; a
    re-plan without 李 from tomorrow, solved; a plan shown as solving."""
    roster_community(two_grids, lead=True)
    carol = two_grids.users["carol"]
    today = timezone.localdate()
    RosterRules.objects.create(community=two_grids.community, effective_from=today, max_hours_per_week=60)
    people = two_grids.roster_people
    ShiftRequest.objects.create(volunteer=people[5], date=today, template=two_grids.shift_templates[0], want=True)
    Pair.objects.create(first=people[3], second=people[5], note="母女")
    plan = services.plan_create(user=carol, community=two_grids.community, first_day=today, days=7, seconds=3)
    plan = services.plan_publish(user=carol, plan=services.plan_solve(plan.pk))
    replan = services.replan_create(user=carol, plan=plan, volunteer=people[1],
                                    from_date=today + dt.timedelta(days=1))
    two_grids.replan = services.plan_solve(replan.pk)
    two_grids.plan = plan
    two_grids.solving = RosterPlan.objects.create(community=two_grids.community, first_day=today, days=14,
                                                  seconds=60, status=RosterPlan.Status.SOLVING, best_objective=1234,
                                                  bound=800, best_assigned=160, best_missing=2,
                                                  started_at=timezone.now())
    return two_grids


def both(phone, desktop, live_server, url, name):
    for page, size in ((phone, "phone"), (desktop, "desktop")):
        page.goto(live_server.url + url)
        shot(page, f"{size}-duty-{name}")


def test_it_shows_every_roster_page_on_a_phone_and_a_desktop(live_server, cast, phone, desktop):
    log_in(phone, live_server, "carol", "pw-carol")
    log_in(desktop, live_server, "carol", "pw-carol")
    both(phone, desktop, live_server, reverse("duty:roster_plan_list"), "roster-plans")
    both(phone, desktop, live_server, reverse("duty:roster_plan_detail", args=[cast.plan.pk]), "roster-result")
    assert desktop.locator(".roster-grid table").count() == 1
    both(phone, desktop, live_server, reverse("duty:roster_plan_detail", args=[cast.solving.pk]), "roster-progress")
    assert desktop.locator("#progress progress").count() == 1
    both(phone, desktop, live_server, reverse("duty:roster_plan_detail", args=[cast.replan.pk]), "roster-replan-result")
    changes = desktop.locator("section.card", has_text="各人变动").inner_text()
    assert "李组长" in changes and "→" in changes  # old shift → new shift, per day
    both(phone, desktop, live_server, reverse("duty:roster_replan", args=[cast.plan.pk]), "roster-replan-form")
    both(phone, desktop, live_server, reverse("duty:roster_plan_create"), "roster-create")
    both(phone, desktop, live_server, reverse("duty:shift_template_list"), "shift-templates")
    both(phone, desktop, live_server, reverse("duty:roster_rules"), "roster-rules")
    both(phone, desktop, live_server, reverse("duty:shift_request_list"), "shift-requests")
    both(phone, desktop, live_server, reverse("duty:roster_pair_list"), "roster-pairs")
    both(phone, desktop, live_server, reverse("duty:no_show_list"), "no-shows")

    # publish the re-plan through its confirm dialog
    desktop.goto(live_server.url + reverse("duty:roster_plan_detail", args=[cast.replan.pk]))
    desktop.once("dialog", lambda dialog: dialog.accept())
    desktop.get_by_role("button", name="发布").click()
    desktop.wait_for_selector(".messages .success")
    cast.plan.refresh_from_db()
    assert cast.plan.status == RosterPlan.Status.SUPERSEDED


def test_it_lets_a_volunteer_read_their_shifts_and_see_who_may_take_one(live_server, cast, phone):
    """The whole swap (QR, request, approval) is tests/e2e/test_roster_swap.py; here, on this small
    roster, every shift's take-over page either lists people the rules allow or says nobody may."""
    zhao = cast.roster_people[3]
    phone.goto(live_server.url + reverse("duty:schedule_personal", args=[zhao.schedule_token]))
    shot(phone, "phone-duty-schedule")
    cards = phone.locator("section.card")
    assert cards.count() >= 1
    links = cards.locator("a").evaluate_all("as => as.map(a => a.getAttribute('href'))")
    for link in links:
        phone.goto(live_server.url + link)
        offered = phone.locator("ul.picker input[name=to_volunteer]").count()
        assert offered or "没有人能在不违反排班规则的情况下接此班" in phone.inner_text("main")
    shot(phone, "phone-duty-swap-request")


def test_it_checks_in_at_the_console(live_server, cast, phone):
    start = timezone.localtime() - dt.timedelta(hours=1)
    template = ShiftTemplate.objects.create(community=cast.community, checkpoint=cast.checkpoint,
                                            start=dt.time(start.hour, 30), end=dt.time((start.hour + 8) % 24, 30))
    published = RosterPlan.objects.get(status=RosterPlan.Status.PUBLISHED)
    published.assignments.filter(volunteer=cast.roster_people[5], date=start.date()).delete()
    mine = published.assignments.create(volunteer=cast.roster_people[5], date=start.date(),
                                        checkpoint=cast.checkpoint, template=template, published=True)
    log_in(phone, live_server, "erin", "pw-erin")
    phone.goto(live_server.url + reverse("duty:attendance_console", args=[cast.checkpoint.pk]))
    shot(phone, "phone-duty-attendance")
    # Other shifts of the solved roster run now too (a night shift at 03:00): tap this
    # person's card for this shift, found by name and hours, never "the first" button.
    card = phone.locator("section.card", has_text=cast.roster_people[5].name).filter(has_text=template.hours)
    assert card.count() == 1
    card.get_by_role("button", name="签到").click()
    phone.wait_for_selector(".messages .success")
    shot(phone, "phone-duty-attendance-done")
    assert list(Attendance.objects.values_list("assignment", flat=True)) == [mine.pk]
