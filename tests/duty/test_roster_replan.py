"""Re-planning when someone drops out: few changes, the change list, publishing over the old."""

import datetime as dt

import pytest
from django.test import override_settings
from django.urls import reverse

from fangxian.duty.models import Attendance, RosterPlan, RosterRules, Volunteer
from fangxian.duty.rosters import services
from fangxian.duty.rosters.selectors import plan_changes
from tests.duty.matrix_rosters import roster_community

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
MONDAY = dt.date(2026, 2, 2)


@pytest.fixture(autouse=True)
def english(settings):
    """The texts below are the English ones (Chinese is the default)."""
    settings.LANGUAGE_CODE = "en"



@pytest.fixture
def solved(two_grids):
    roster_community(two_grids)
    Volunteer.objects.update(is_shift_leader=True)
    RosterRules.objects.create(community=two_grids.community, effective_from=MONDAY, max_hours_per_week=100)
    carol = two_grids.users["carol"]
    plan = services.plan_create(user=carol, community=two_grids.community, first_day=MONDAY, days=7, seconds=3)
    plan = services.plan_solve(plan.pk)
    assert plan.status == RosterPlan.Status.SOLVED, plan.error
    two_grids.plan = services.plan_publish(user=carol, plan=plan)
    return two_grids


@override_settings(TASKS=IMMEDIATE)
def test_it_replans_with_only_the_dropped_persons_shifts_changed(client, solved, django_capture_on_commit_callbacks):
    old = solved.plan
    li = Volunteer.objects.get(name="李组长")
    dropped_from = MONDAY + dt.timedelta(days=3)
    li_later = {(a.date, a.template_id) for a in old.assignments.filter(volunteer=li, date__gte=dropped_from)}
    assert li_later, "the fixture gives 李 shifts late in the week"
    first = old.assignments.filter(date=MONDAY).first()
    Attendance.objects.create(assignment=first, checked_in_at=first.starts_at)

    client.force_login(solved.users["carol"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("duty:roster_replan", args=[old.pk]),
                               {"volunteer": li.pk, "from_date": dropped_from.isoformat()})
    new = RosterPlan.objects.exclude(pk=old.pk).get()
    assert response["Location"] == reverse("duty:roster_plan_detail", args=[new.pk])
    assert new.status == RosterPlan.Status.SOLVED and new.replaces == old

    changes = {c.volunteer.name: c for c in plan_changes(new)}
    removed = [(name, a.date, a.template_id) for name, c in changes.items() for a in c.removed]
    added = [(name, a.date, a.template_id) for name, c in changes.items() for a in c.added]
    assert {(d, t) for name, d, t in removed} == li_later and all(name == "李组长" for name, _d, _t in removed)
    assert len(added) == len(removed) and all(d >= dropped_from for _n, d, _t in added)
    assert not new.assignments.filter(volunteer=li, date__gte=dropped_from).exists()

    page = client.get(reverse("duty:roster_plan_detail", args=[new.pk])).content.decode()
    assert "李组长" in page and "− " + min(li_later)[0].strftime("%m-%d") in page

    client.post(reverse("duty:roster_plan_publish", args=[new.pk]))
    old.refresh_from_db()
    new.refresh_from_db()
    assert (old.status, new.status) == (RosterPlan.Status.SUPERSEDED, RosterPlan.Status.PUBLISHED)
    assert not old.assignments.filter(published=True).exists()
    # the check-in already made follows the unchanged shift into the new version
    assert Attendance.objects.get().assignment.plan == new


def test_it_refuses_a_replan_outside_the_roster(solved):
    with pytest.raises(Exception) as error:
        services.replan_create(user=solved.users["carol"], plan=solved.plan,
                               volunteer=Volunteer.objects.first(), from_date=MONDAY - dt.timedelta(days=1))
    assert "from_date" in str(error.value.message_dict)
