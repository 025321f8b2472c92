"""The database → solver Problem conversion, solving a tiny community for real, and the
shortfall explanations."""

import datetime as dt

import pytest
from django.utils import translation

from fangxian.duty.models import Assignment, Pair, RosterPlan, RosterRules, ShiftRequest, Volunteer
from fangxian.duty.rosters import services
from fangxian.duty.rosters.problem import LEAD_POST, build_problem, explain
from tests.duty.matrix_rosters import roster_community

MONDAY = dt.date(2026, 2, 2)


@pytest.fixture(autouse=True)
def english(settings):
    """The texts below are the English ones (Chinese is the default)."""
    settings.LANGUAGE_CODE = "en"



@pytest.fixture
def tiny(two_grids):
    return roster_community(two_grids, lead=True)


def plan_of(cast, days=3, seconds=3, first_day=MONDAY):
    return services.plan_create(user=cast.users["carol"], community=cast.community, first_day=first_day,
                                days=days, seconds=seconds)


def test_it_builds_slots_with_minimum_target_and_leaders(tiny):
    problem = build_problem(plan_of(tiny)).problem
    assert problem.days == 3 and problem.first_weekday == 0
    assert len(problem.slots) == 3 * 4
    gate = [s for s in problem.slots if s.post == str(tiny.checkpoint.pk) and s.day == 0]
    assert {s.shift for s in gate} == {"0800-1600", "1600-0000", "0000-0800"}
    assert all(s.minimum == 1 and s.target == 1 and s.leader_required for s in gate)
    assert sorted(s.label for s in gate) == sorted(f"{tiny.checkpoint.name} {h}" for h in ("00–08", "08–16", "16–24"))
    night = {t.id: t for t in problem.shifts}["0000-0800"]
    assert night.night and night.minutes == 480
    # 16–24 ends at midnight: 00–08 on the next day would give no rest
    assert "0000-0800" in {t.id: t for t in problem.shifts}["1600-0000"].forbidden_next
    # and no morning after a night
    assert "0800-1600" in night.forbidden_next


def test_it_gives_ages_leaders_posts_and_availability(tiny):
    people = tiny.roster_people
    wang = people[2]
    wang.availability = {"0": ["morning", "afternoon"], "1": ["night", "morning"]}
    wang.save()
    Volunteer.objects.create(community=tiny.community, name="未批准", phone="1", birth_year=1990)
    problem = build_problem(plan_of(tiny)).problem
    staff = {s.id: s for s in problem.staff}
    assert len(staff) == len(people)  # the pending sign-up is left out
    assert staff[str(people[0].pk)].leader and staff[str(people[0].pk)].posts is None  # staff may lead the day
    assert staff[str(people[3].pk)].posts == frozenset({str(tiny.checkpoint.pk)})  # volunteers: no 带班
    assert staff[str(people[4].pk)].age == 2026 - 1958
    assert staff[str(wang.pk)].available == frozenset({(0, "0800-1600"), (1, "0000-0800")})
    assert staff[str(people[1].pk)].available is None  # nothing given: any time
    assert LEAD_POST in {s.post for s in problem.slots}


def test_it_scales_weekly_rules_and_passes_requests_pairs_and_weights(tiny):
    RosterRules.objects.create(community=tiny.community, effective_from=MONDAY - dt.timedelta(days=9),
                               max_shifts_per_week=3, weight_elderly_night=40, min_days_off_per_week=2)
    people = tiny.roster_people
    ShiftRequest.objects.create(volunteer=people[3], date=MONDAY + dt.timedelta(days=1),
                                template=tiny.shift_templates[2], want=False, weight=7)
    Pair.objects.create(first=people[3], second=people[5])
    problem = build_problem(plan_of(tiny, days=14)).problem
    assert problem.staff[0].max_total_shifts == 6 and problem.staff[0].min_days_off == 4
    assert problem.weights.elderly_on_night == 40 and problem.weights.change == 0
    [r] = problem.requests
    assert (r.staff, r.day, r.shift, r.weight, r.want) == (str(people[3].pk), 1, "0000-0800", 7, False)
    assert problem.pairs == [(str(people[3].pk), str(people[5].pk))]


def test_it_solves_a_tiny_community_end_to_end(tiny):
    RosterRules.objects.create(community=tiny.community, effective_from=MONDAY, max_hours_per_week=100)
    plan = plan_of(tiny)
    plan = services.plan_solve(plan.pk)
    assert plan.status == RosterPlan.Status.SOLVED, plan.error
    rows = list(Assignment.objects.filter(plan=plan).select_related("template", "volunteer"))
    assert len(rows) == 3 * 4
    for day in plan.dates:
        day_rows = [a for a in rows if a.date == day]
        assert len({a.volunteer_id for a in day_rows}) == len(day_rows)  # one shift a day
        gate = [a for a in day_rows if a.checkpoint_id]
        assert all(a.volunteer.is_shift_leader or a.volunteer.kind == "staff" for a in gate)
        lead = [a for a in day_rows if not a.checkpoint_id]
        assert [a.volunteer.kind for a in lead] == ["staff"]
    assert plan.shortfalls == [] and plan.best_objective is not None


def test_it_stops_when_asked(tiny):
    """The stop button sets a flag; the watcher hands it to the solver at its next better roster."""
    import time

    from fangxian.duty.solver import Progress, Result

    plan = plan_of(tiny, days=7, seconds=30)
    services.plan_stop(user=tiny.users["carol"], plan=plan)  # pressed while it was queued
    seen = []

    def slow_solve(problem, *, seconds, on_progress, workers=None, stop):
        for i in range(200):  # a better roster every 50 ms, as long as nobody stops it
            seen.append(i)
            if on_progress(Progress(objective=100 - i, bound=0, seconds=i / 20, seconds_left=10, assignments=[],
                                    shortfall=0)) or stop.is_set():
                return Result(status="feasible", objective=100 - i, bound=0, assignments=[], shortfalls=[],
                              penalties={}, first_feasible_seconds=0, seconds=i / 20, stopped=True)
            time.sleep(0.05)
        raise AssertionError("never stopped")

    plan = services.plan_solve(plan.pk, solve=slow_solve)
    assert plan.status == RosterPlan.Status.SOLVED
    assert 1 < len(seen) < 60  # the watcher looks every half second
    assert plan.best_objective == 100 - seen[-1]


def test_it_explains_a_missing_leader_in_words(tiny):
    Volunteer.objects.filter(is_shift_leader=True).update(is_shift_leader=False)
    Volunteer.objects.filter(kind="staff").update(kind="volunteer")
    plan = services.plan_solve(plan_of(tiny, days=1).pk)
    assert plan.status == RosterPlan.Status.SOLVED
    leaders = [s for s in plan.shortfalls if s["kind"] == "leader"]
    assert len(leaders) == 3
    with translation.override("en"):
        texts = [explain(plan, s) for s in plan.shortfalls]
    assert any(t.startswith(tiny.checkpoint.name) and "February 2: no leader available" in t for t in texts), texts
    # 带班 needs staff, and nobody is staff now
    assert any("Leader on duty" in t and "nobody is available" in t for t in texts), texts


def test_a_replan_fixes_the_days_before_the_dropout_and_the_shifts_already_started(tiny, frozen_clock):
    """Issue 11, finding 1: nothing in the past or already started may change. At 10:00 on
    Monday 2 March, 00–08 and 08–16 have started; 16–24 has not."""
    from tests.duty.matrix_rosters import published_plan

    sunday = dt.date(2026, 3, 1)
    old = published_plan(tiny, first_day=sunday, days=4)  # people 0, 1, 2 work 08–16, 16–24, 00–08 daily
    boss, li, wang, zhao = tiny.roster_people[:4]
    new = services.replan_create(user=tiny.users["carol"], plan=old, volunteer=wang, from_date=dt.date(2026, 3, 2))
    problem = build_problem(new).problem
    gate = str(tiny.checkpoint.pk)
    fixed = problem.fixed
    # Sunday, before the dropout: everyone exactly as published, work or off
    assert fixed[(str(boss.pk), 0)] == (gate, "0800-1600") and fixed[(str(wang.pk), 0)] == (gate, "0000-0800")
    assert fixed[(str(zhao.pk), 0)] is None
    # Monday: 08–16 has started and stays; 16–24 has not started and is free to change;
    # 王 dropped out from Monday, so his started 00–08 is not forced on him
    assert fixed[(str(boss.pk), 1)] == (gate, "0800-1600")
    assert (str(li.pk), 1) not in fixed and (str(wang.pk), 1) not in fixed and (str(zhao.pk), 1) not in fixed
    assert not any(day >= 2 for _person, day in fixed)
    assert problem.previous[(str(li.pk), 2)] == (gate, "1600-0000")
    assert 1 in {s.id: s for s in problem.staff}[str(wang.pk)].unavailable_days


def test_the_previous_rosters_last_days_are_context_for_the_next(tiny):
    """Issue 11, finding 5: rest and consecutive days hold across two published rosters."""
    from tests.duty.matrix_rosters import published_plan

    before = published_plan(tiny, first_day=MONDAY - dt.timedelta(days=10), days=10)  # ends the Sunday before
    published_plan(tiny, first_day=MONDAY - dt.timedelta(days=30), days=5)  # long ago: not context
    boss, li = tiny.roster_people[:2]
    history = build_problem(plan_of(tiny, days=7)).problem.history
    assert history[(str(li.pk), -1)] == "1600-0000"  # 16–24 on Sunday: no 00–08 on Monday
    assert history[(str(boss.pk), -7)] == "0800-1600"
    assert min(day for _p, day in history) == -7 and max(day for _p, day in history) == -1
    assert len(history) == 3 * 7
    # a re-plan keeps the same context, and ignores the version it replaces
    before.refresh_from_db()
    first = services.plan_solve(plan_of(tiny, days=3).pk)
    services.plan_publish(user=tiny.users["carol"], plan=first)
    replan = services.replan_create(user=tiny.users["carol"], plan=first, volunteer=li, from_date=MONDAY)
    assert build_problem(replan).problem.history == history
    # a roster with a gap before it has no context
    assert build_problem(plan_of(tiny, days=7, first_day=MONDAY + dt.timedelta(days=14))).problem.history == {}


def test_it_counts_uncovered_shifts_once_and_names_the_rules(tiny):
    """Issue 11, finding 6: one line per shift (short of people and of a leader is one shift),
    out of time said as such, and the rules that stop each group of candidates named."""
    from fangxian.duty.rosters.problem import explain_shifts

    plan = plan_of(tiny, days=2)
    gate = str(tiny.checkpoint.pk)
    base = {"post": gate, "label": f"{tiny.checkpoint.name} 00–08", "shift": "0000-0800", "available": 3,
            "needed": 1}
    plan.shortfalls = [
        {**base, "day": 0, "kind": "minimum", "missing": 1, "reason": "out_of_time", "blocked": []},
        {**base, "day": 0, "kind": "leader", "missing": 1, "reason": "out_of_time", "blocked": []},
        {**base, "day": 1, "kind": "minimum", "missing": 1, "reason": "used_elsewhere",
         "blocked": [["max_total_shifts", 3], ["rest", 2]]},
        # stored before the solver said more: the old reason still reads
        {**base, "day": 1, "post": LEAD_POST, "label": "带班 08–20", "shift": "0800-2000", "kind": "minimum",
         "missing": 1, "reason": "no_one_available"},
    ]
    with translation.override("en"):
        lines = explain_shifts(plan)
    assert len(lines) == 3
    first, lead, second = lines
    assert first.out_of_time and "the search ran out of time" in first.text and first.text.count("ran out") == 1
    assert "1 short, no shift leader" in first.text
    assert not second.out_of_time
    assert "3 people have reached the shift limit, 2 people need rest after their previous shift" in second.text
    assert lead.text.startswith("Leader on duty 08–20") and "nobody is available" in lead.text


def test_the_plan_page_offers_to_continue_solving_when_time_ran_out(client, tiny, django_capture_on_commit_callbacks):
    from django.test import override_settings
    from django.urls import reverse

    from fangxian.duty.solver import Result

    RosterRules.objects.create(community=tiny.community, effective_from=MONDAY, max_hours_per_week=100)
    plan = services.plan_solve(plan_of(tiny, days=1).pk)
    assert plan.status == RosterPlan.Status.SOLVED and plan.assignments.exists()
    record = {"day": 0, "post": str(tiny.checkpoint.pk), "label": "x 00–08", "shift": "0000-0800", "kind": "minimum",
              "missing": 1, "reason": "out_of_time", "available": 2, "needed": 1, "blocked": []}
    RosterPlan.objects.filter(pk=plan.pk).update(shortfalls=[record, {**record, "day": 0, "shift": "0800-1600"}])
    client.force_login(tiny.users["carol"])
    page = client.get(reverse("duty:roster_plan_detail", args=[plan.pk])).content.decode()
    assert "What cannot be covered: 2 shifts" in page and "Continue solving" in page
    assert 'name="resume" value="1"' in page
    seen = {}
    stored = sorted((a.volunteer_id, a.template.type_id) for a in plan.assignments.select_related("template"))

    def solve(problem, *, seconds, on_progress, workers=None, stop, hint=None):
        seen["hint"] = sorted((int(a.staff), a.shift) for a in hint or ())
        return Result(status="feasible", objective=0, bound=0, assignments=list(hint), shortfalls=[], penalties={},
                      first_feasible_seconds=0, seconds=0)

    from unittest import mock

    with override_settings(TASKS={"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}), \
            mock.patch("fangxian.duty.rosters.services.default_solve", solve), \
            django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("duty:roster_plan_run", args=[plan.pk]), {"resume": "1"})
    assert seen["hint"] == stored  # it started from the roster it had
    plan.refresh_from_db()
    assert plan.status == RosterPlan.Status.SOLVED and plan.shortfalls == []
    # an officer sees the explanation but no button
    RosterPlan.objects.filter(pk=plan.pk).update(shortfalls=[record])
    client.force_login(tiny.users["dave"])
    page = client.get(reverse("duty:roster_plan_detail", args=[plan.pk])).content.decode()
    assert "ran out of time" in page and "Continue solving" not in page
