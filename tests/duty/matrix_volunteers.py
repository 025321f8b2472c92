"""This app's part of the scope matrix (tests/core/test_scope_matrix.py) and of the list-page
query counts (tests/core/test_list_queries.py): volunteers, staff, sign-up and teams.

Who sees volunteers: community admins read and write their communities' (carol; olga sees
her own, empty, lists), subdistrict officers read (dave); grid workers, checkpoint and
delivery volunteers and group leaders see none. The sign-up page is public.
"""

import datetime as dt

from fangxian.duty.models import TeamActivity, Volunteer, VolunteerTeam
from tests.roles import ADMIN_OF_CAROL, ADMIN_ONLY, DENY, LOGIN, OK, PUBLIC, row  # noqa: F401

# Admins and officers read (olga: her own community's, so carol's objects are refused).
VOLUNTEER_LIST = row(LOGIN, DENY, DENY, OK, OK, DENY, DENY, OK, OK)
VOLUNTEER_READ = row(LOGIN, DENY, DENY, OK, OK, DENY, DENY, DENY, OK)

PAGES = {
    "duty:signup": ("get", lambda c: c.community.code, PUBLIC),  # the poster's page: no login
    "duty:signup_poster": ("get", lambda c: c.community.pk, VOLUNTEER_READ),
    "duty:volunteer_list": ("get", None, VOLUNTEER_LIST),
    "duty:volunteer_export": ("get", None, VOLUNTEER_LIST),
    "duty:volunteer_staff_add": ("get", None, ADMIN_ONLY),
    "duty:volunteer_detail": ("get", lambda c: c.volunteer.pk, VOLUNTEER_READ),
    "duty:volunteer_edit": ("get", lambda c: c.volunteer.pk, ADMIN_OF_CAROL),
    "duty:volunteer_decide": ("post", lambda c: c.pending_volunteer.pk, ADMIN_OF_CAROL),
    "duty:volunteer_reveal": ("post", lambda c: c.volunteer.pk, VOLUNTEER_READ),
    "duty:team_list": ("get", None, VOLUNTEER_LIST),
    "duty:team_create": ("get", None, ADMIN_ONLY),
    "duty:team_detail": ("get", lambda c: c.team.pk, VOLUNTEER_READ),
    "duty:team_member_add": ("post", lambda c: c.team.pk, ADMIN_OF_CAROL),
    "duty:team_member_remove": ("post", lambda c: c.team.pk, ADMIN_OF_CAROL),
    "duty:team_activity_add": ("post", lambda c: c.team.pk, ADMIN_OF_CAROL),
}
# The member pks are filled in by equip() (the same dicts are merged into the matrix's).
POST_DATA = {
    "duty:volunteer_decide": {"decision": "reject", "reason": "矩阵测试"},
    "duty:volunteer_reveal": {"field": "phone", "reason": "矩阵测试"},
    "duty:team_member_add": {"volunteer": ""},
    "duty:team_member_remove": {"volunteer": ""},
    "duty:team_activity_add": {"held_on": "2026-03-08", "title": "矩阵活动", "participants": "3"},
}
API: dict = {}
LIST_CASES = {"duty:volunteer_list": ("carol", "dave"), "duty:team_list": ("carol", "dave")}

_serial = iter(range(10**6))


def make_volunteer(community, **fields) -> Volunteer:
    """An approved volunteer of `community`, available on weekday mornings."""
    n = next(_serial)
    values = {"name": f"志愿者{n}", "phone": f"137{n:08d}", "birth_year": 1980, "status": Volunteer.Status.APPROVED,
              "availability": {str(day): ["morning"] for day in range(5)}, **fields}
    volunteer = Volunteer(community=community, **values)
    volunteer.full_clean()
    volunteer.save()
    return volunteer


def equip(cast) -> None:
    """An approved volunteer, a pending sign-up, another volunteer in a team with an activity,
    all of carol's community (volunteers belong to a community, not to a grid)."""
    group = cast.estate.group
    cast.volunteer = make_volunteer(cast.community, group=group, name="乙志愿者")
    cast.pending_volunteer = make_volunteer(cast.community, group=group, status=Volunteer.Status.PENDING,
                                            application="我志愿参加值守。")
    cast.member = make_volunteer(cast.community, group=group)
    cast.team = VolunteerTeam.objects.create(community=cast.community, name="巾帼志愿服务队",
                                             formed_on=dt.date(2020, 3, 8))
    cast.team.members.add(cast.member)
    TeamActivity.objects.create(team=cast.team, held_on=dt.date(2020, 3, 10), title="送热饭", participants=5)
    POST_DATA["duty:team_member_add"]["volunteer"] = str(cast.volunteer.pk)
    POST_DATA["duty:team_member_remove"]["volunteer"] = str(cast.member.pk)


def grow(cast, building, i: int) -> None:
    """One more volunteer of each kind and status, and one more team with a member and an
    activity, in carol's community."""
    group = building.estate.group
    make_volunteer(cast.community, group=group, is_shift_leader=bool(i % 2))
    make_volunteer(cast.community, group=group, status=Volunteer.Status.PENDING)
    staff = make_volunteer(cast.community, kind=Volunteer.Kind.STAFF, is_shift_leader=True)
    team = VolunteerTeam.objects.create(community=cast.community, name=f"服务队{i}-{staff.pk}",
                                        formed_on=dt.date(2020, 2, 1))
    team.members.add(staff)
    TeamActivity.objects.create(team=team, held_on=dt.date(2020, 2, 2), title="巡查", participants=2)
