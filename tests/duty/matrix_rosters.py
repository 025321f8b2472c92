"""This app's part of the scope matrix (tests/core/test_scope_matrix.py) and of the list-page
query counts (tests/core/test_list_queries.py), for the roster pages; and the helpers the
roster tests share (`roster_community`, `published_plan`).

Who sees the roster pages: community admins write, subdistrict officers read; grid workers,
volunteers and group leaders have no access (a volunteer reads their own shifts at the
personal schedule link, which needs no login). The attendance page is the checkpoint
console's: the checkpoint's volunteers and the community's admins.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from tests.roles import CONSOLE, DENY, INVALID, LOGIN, OK, PUBLIC, row  # noqa: F401

ROSTER_READ = row(LOGIN, DENY, DENY, OK, OK, DENY, DENY, DENY, OK)  # olga: not her community
ROSTER_WRITE = row(LOGIN, DENY, DENY, OK, DENY, DENY, DENY, DENY, OK)
ROSTER_LIST = row(LOGIN, DENY, DENY, OK, OK, DENY, DENY, OK, OK)  # olga sees her own (empty) lists
ROSTER_CREATE = row(LOGIN, DENY, DENY, OK, DENY, DENY, DENY, OK, OK)

PAGES: dict = {
    "duty:roster_plan_list": ("get", None, ROSTER_LIST),
    "duty:roster_plan_create": ("get", None, ROSTER_CREATE),
    "duty:roster_plan_detail": ("get", lambda c: c.roster_plan.pk, ROSTER_READ),
    "duty:roster_plan_progress": ("get", lambda c: c.roster_plan.pk, ROSTER_READ),
    "duty:roster_plan_run": ("post", lambda c: c.roster_draft.pk, ROSTER_WRITE),
    "duty:roster_plan_stop": ("post", lambda c: c.roster_draft.pk, ROSTER_WRITE),
    "duty:roster_plan_publish": ("post", lambda c: c.roster_plan.pk, ROSTER_WRITE),
    "duty:roster_plan_pdf": ("get", lambda c: c.roster_plan.pk, ROSTER_READ),
    "duty:roster_plan_excel": ("get", lambda c: c.roster_plan.pk, ROSTER_READ),
    "duty:roster_replan": ("get", lambda c: c.roster_plan.pk, ROSTER_WRITE),
    "duty:shift_template_list": ("get", None, ROSTER_LIST),
    "duty:shift_template_edit": ("get", lambda c: c.shift_templates[0].pk, ROSTER_WRITE),
    "duty:roster_rules": ("get", None, ROSTER_LIST),
    "duty:shift_request_list": ("get", None, ROSTER_LIST),
    "duty:shift_request_delete": ("post", lambda c: c.shift_request.pk, ROSTER_WRITE),
    "duty:roster_pair_list": ("get", None, ROSTER_LIST),
    "duty:roster_pair_delete": ("post", lambda c: c.roster_pair.pk, ROSTER_WRITE),
    "duty:schedule_personal": ("get", lambda c: c.roster_people[0].schedule_token, PUBLIC),  # the link is the key
    "duty:swap_request_create": ("get", lambda c: c.roster_people[0].schedule_token, PUBLIC),
    "duty:swap_list": ("get", None, ROSTER_LIST),
    "duty:swap_decide": ("post", lambda c: c.swap.pk, ROSTER_WRITE),
    "duty:assignment_edit": ("get", lambda c: c.swap.assignment_id, ROSTER_WRITE),
    "duty:schedule_slip": ("get", lambda c: c.roster_people[0].pk, ROSTER_WRITE),
    "duty:attendance_console": ("get", lambda c: c.checkpoint.pk, CONSOLE),
    "duty:attendance_checkin": ("post", lambda c: c.checkpoint.pk, CONSOLE),
    "duty:no_show_list": ("get", None, ROSTER_LIST),
    "duty:no_show_export": ("get", None, ROSTER_LIST),
}
POST_DATA: dict = {
    "duty:swap_decide": {"decision": "reject"},
    "duty:attendance_checkin": {"assignment": "0", "event_id": "00000000-0000-4000-8000-000000000001"},
}
# The console's check-in: assignment 0 is on no shift, so those who may check in reach the
# validation (422); the others are refused before it.
API: dict = {
    "attendance_checkin": (None, lambda c: {"checkpoint": c.checkpoint.pk, "assignment": 0,
                                            "event_id": "00000000-0000-4000-8000-000000000002"},
                           row(LOGIN, DENY, DENY, INVALID, DENY, INVALID, DENY, DENY, INVALID)),
}
LIST_CASES: dict = {
    "duty:roster_plan_list": ("carol", "dave"),
    "duty:shift_template_list": ("carol", "dave"),
    "duty:roster_rules": ("carol", "dave"),
    "duty:shift_request_list": ("carol", "dave"),
    "duty:roster_pair_list": ("carol", "dave"),
    "duty:swap_list": ("carol", "dave"),
    "duty:no_show_list": ("carol", "dave"),
}

# (name, birth year, kind, leader): the tiny community the roster tests solve.
PEOPLE = [
    ("张带班", 1975, "staff", True),
    ("李组长", 1985, "volunteer", True),
    ("王青年", 2000, "volunteer", True),
    ("赵大姐", 1962, "volunteer", False),
    ("钱师傅", 1958, "volunteer", True),
    ("孙小妹", 1998, "volunteer", False),
]


def roster_community(cast, *, lead: bool = False, people=PEOPLE):
    """A checkpoint (cast.checkpoint, made if missing) with shifts 08–16, 16–24, 00–08 (one
    person each, a leader required), optionally a leader on duty, and approved people."""
    from fangxian.duty.models import ShiftTemplate, Volunteer
    from tests.access.conftest import make_checkpoint

    if not hasattr(cast, "checkpoint"):
        cast.checkpoint = make_checkpoint(cast.estate)
    templates = [
        ShiftTemplate.objects.create(community=cast.community, checkpoint=cast.checkpoint, start=dt.time(h),
                                     end=dt.time((h + 8) % 24), minimum=1, preferred=1, leader_required=True)
        for h in (8, 16, 0)
    ]
    if lead:
        templates.append(ShiftTemplate.objects.create(community=cast.community, checkpoint=None, start=dt.time(8),
                                                      end=dt.time(20), minimum=1, preferred=1,
                                                      leader_required=False))
    cast.shift_templates = templates
    cast.roster_people = [
        Volunteer.objects.create(community=cast.community, name=name, phone=f"1390000{i:04d}", birth_year=year,
                                 kind=kind, status="approved", is_shift_leader=leader)
        for i, (name, year, kind, leader) in enumerate(people)
    ]
    return cast


def published_plan(cast, *, first_day=None, days=3):
    """A published plan made by hand (no solver): person i works shift i % 3 on every day,
    for the first three people."""
    from fangxian.duty.models import Assignment, RosterPlan

    first_day = first_day or timezone.localdate()
    plan = RosterPlan.objects.create(community=cast.community, first_day=first_day, days=days,
                                     status=RosterPlan.Status.PUBLISHED, seconds=3)
    for d in range(days):
        for i, person in enumerate(cast.roster_people[:3]):
            t = cast.shift_templates[i % 3]
            Assignment.objects.create(plan=plan, volunteer=person, date=first_day + dt.timedelta(days=d),
                                      checkpoint=t.checkpoint, template=t, published=True)
    return plan


def equip(cast) -> None:
    """A roster with shifts at the gate, a published plan starting tomorrow, a draft plan,
    a request, a pair and a swap request."""
    from fangxian.duty.models import Pair, RosterPlan, ShiftRequest, SwapRequest

    roster_community(cast)
    cast.roster_plan = published_plan(cast, first_day=timezone.localdate() + dt.timedelta(days=1))
    cast.roster_draft = RosterPlan.objects.create(community=cast.community, first_day=timezone.localdate(), days=7)
    people = cast.roster_people
    cast.shift_request = ShiftRequest.objects.create(volunteer=people[3], date=cast.roster_plan.first_day,
                                                     template=cast.shift_templates[0], want=True)
    cast.roster_pair = Pair.objects.create(first=people[3], second=people[5])
    assignment = cast.roster_plan.assignments.filter(volunteer=people[0]).first()
    cast.swap = SwapRequest.objects.create(assignment=assignment, from_volunteer=people[0], to_volunteer=people[4])


def grow(cast, building, i: int) -> None:
    """One more of each row the roster lists show: a checkpoint with a shift, a plan with an
    assignment that was missed, a request, a pair and a swap."""
    from fangxian.duty.models import Assignment, Pair, RosterPlan, ShiftRequest, ShiftTemplate, SwapRequest, Volunteer
    from fangxian.registry.models import Entrance
    from tests.access.conftest import make_checkpoint

    checkpoint = make_checkpoint(cast.estate, name=f"岗{Entrance.objects.count()}")
    template = ShiftTemplate.objects.create(community=cast.community, checkpoint=checkpoint, start=dt.time(8),
                                            end=dt.time(16), minimum=1, preferred=2)
    a, b = (Volunteer.objects.create(community=cast.community, name=f"志愿者{i}{k}", phone="13900001111",
                                     birth_year=1990, status="approved") for k in "ab")
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    plan = RosterPlan.objects.create(community=cast.community, first_day=yesterday, days=3,
                                     status=RosterPlan.Status.PUBLISHED)
    assignment = Assignment.objects.create(plan=plan, volunteer=a, date=yesterday, checkpoint=checkpoint,
                                           template=template, published=True)
    ShiftRequest.objects.create(volunteer=a, date=yesterday, template=template, want=False)
    Pair.objects.create(first=a, second=b)
    SwapRequest.objects.create(assignment=assignment, from_volunteer=a, to_volunteer=b)
    from fangxian.duty.models import RosterRules

    RosterRules.objects.create(community=cast.community, effective_from=yesterday - dt.timedelta(days=i))
