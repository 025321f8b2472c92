"""The demo's volunteers, staff, sign-ups and teams."""

import datetime as dt

from fangxian.duty.models import Volunteer, VolunteerTeam
from fangxian.duty.volunteers.demo import demo_volunteers
from fangxian.duty.volunteers.services import clean_availability
from tests.access.conftest import make_checkpoint


def _build(cast):
    make_checkpoint(cast.estate, name="东门")
    make_checkpoint(cast.estate, name="北门")
    return demo_volunteers(cast.community)


def test_it_builds_volunteers_staff_sign_ups_and_teams(two_grids):
    assert _build(two_grids) == {"volunteers": 300, "staff": 10, "pending": 8, "teams": 3}
    everyone = Volunteer.objects.filter(community=two_grids.community)
    approved = everyone.filter(status="approved", kind="volunteer")
    assert approved.count() == 300
    assert everyone.filter(kind="staff", status="approved", is_shift_leader=True).count() == 10
    assert everyone.filter(status="pending").count() == 8
    leaders = approved.filter(is_shift_leader=True).count()
    assert 0.25 * 300 <= leaders <= 0.35 * 300
    ages = [v.age_in(2020) for v in everyone]
    assert min(ages) >= 18 and max(ages) <= 75
    assert len({v.name for v in everyone}) == len({v.phone for v in everyone}) == 318
    assert approved.filter(preferred_checkpoint__isnull=False).count() > 150
    for volunteer in everyone:
        assert volunteer.availability and clean_availability(volunteer.availability) == volunteer.availability
    nights = sum(1 for v in approved if any("night" in bands for bands in v.availability.values()))
    days = sum(1 for v in approved if any("morning" in bands for bands in v.availability.values()))
    assert nights > 60 and days > 100
    women = VolunteerTeam.objects.get(name="巾帼志愿服务队")
    assert women.formed_on == dt.date(2020, 3, 8) and women.members.count() >= 20
    assert women.activities.count() >= 3
    assert all(t.members.exists() and t.activities.exists() for t in VolunteerTeam.objects.all())


def test_it_is_the_same_every_time_and_runs_once(two_grids):
    _build(two_grids)
    first = list(Volunteer.objects.order_by("pk").values_list("name", "phone", "birth_year", "availability"))
    assert demo_volunteers(two_grids.community) == {"volunteers": 0, "staff": 0, "pending": 0, "teams": 0}
    Volunteer.objects.all().delete()
    VolunteerTeam.objects.all().delete()
    demo_volunteers(two_grids.community)
    assert list(Volunteer.objects.order_by("pk").values_list("name", "phone", "birth_year", "availability")) == first


def test_it_works_without_checkpoints(two_grids):
    demo_volunteers(two_grids.community)
    assert not Volunteer.objects.filter(preferred_checkpoint__isnull=False).exists()
    assert Volunteer.objects.count() == 318
