"""Rosters for the demo community: three shifts at every checkpoint (08–16, 16–24, 00–08)
and a leader on duty 08–20, the default rules, and a 7-day roster from today solved for
20 seconds and published, so that schedules, the check-in page and the no-show list have
something to show. Run after demo_access (checkpoints) and demo_volunteers (people)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from fangxian.access.models import Checkpoint
from fangxian.registry.models import Community

from ..models import RosterPlan, RosterRules, ShiftTemplate, Volunteer
from .services import plan_create, plan_publish, plan_solve

SHIFTS = ((8, 16), (16, 0), (0, 8))


def demo_rosters(community: Community, *, days: int = 7, seconds: int = 20, solve: bool = True) -> dict:
    today = timezone.localdate()
    templates = 0
    for checkpoint in Checkpoint.objects.filter(community=community, active=True):
        for start, end in SHIFTS:
            _, made = ShiftTemplate.objects.get_or_create(
                community=community, checkpoint=checkpoint, start=dt.time(start), end=dt.time(end),
                defaults={"minimum": 1, "preferred": 2, "leader_required": True})
            templates += made
    _, made = ShiftTemplate.objects.get_or_create(
        community=community, checkpoint=None, start=dt.time(8), end=dt.time(20),
        defaults={"minimum": 1, "preferred": 1, "leader_required": False, "name": "带班"})
    templates += made
    if not RosterRules.objects.filter(community=community).exists():
        RosterRules.objects.create(community=community, effective_from=today - dt.timedelta(days=30))
    summary = {"shift_templates": templates, "roster": None, "shortfalls": 0}
    people = Volunteer.objects.filter(community=community, status=Volunteer.Status.APPROVED).count()
    if not solve or not people or RosterPlan.objects.filter(community=community).exists():
        return summary
    plan = plan_create(user=None, community=community, first_day=today, days=days, seconds=seconds)
    plan = plan_solve(plan.pk)
    if plan.status == RosterPlan.Status.SOLVED:
        # The demo's phones are made up: no message to each of its 300 volunteers (on `make run`,
        # 300 log lines before the first page).
        plan_publish(user=None, plan=plan, tell_volunteers=False)
        summary.update(roster=plan.pk, shortfalls=len(plan.shortfalls), shifts=plan.assignments.count())
    return summary
