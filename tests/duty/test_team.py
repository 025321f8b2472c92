"""Volunteer teams: forming one, members (approved volunteers of the community only), and
activities."""

import datetime as dt

import pytest
from django.urls import reverse

from fangxian.core.models import AuditEvent
from fangxian.duty.models import TeamActivity, Volunteer, VolunteerTeam
from tests.duty.matrix_volunteers import make_volunteer


@pytest.fixture
def carol(client, two_grids, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(two_grids.users["carol"])
    return client


@pytest.fixture
def team(two_grids):
    return VolunteerTeam.objects.create(community=two_grids.community, name="巾帼志愿服务队",
                                        formed_on=dt.date(2020, 3, 8), purpose="关爱独居老人")


def test_it_forms_the_womens_team_on_8_march(carol, two_grids):
    assert "No volunteer teams yet" in carol.get(reverse("duty:team_list")).content.decode()
    response = carol.post(reverse("duty:team_create"), {"name": "巾帼志愿服务队", "formed_on": "2020-03-08",
                                                        "purpose": "送热饭"})
    team = VolunteerTeam.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("duty:team_detail", args=[team.pk])
    assert team.formed_on == dt.date(2020, 3, 8) and team.community == two_grids.community
    assert "巾帼志愿服务队" in carol.get(reverse("duty:team_list")).content.decode()
    again = carol.post(reverse("duty:team_create"), {"name": "巾帼志愿服务队", "formed_on": "2020-03-08"})
    assert again.status_code == 400 and "already has a team called" in again.content.decode()
    assert VolunteerTeam.objects.count() == 1


def test_it_names_the_missing_fields_of_a_team(carol, two_grids):
    page = carol.post(reverse("duty:team_create"), {"name": "", "formed_on": ""}).content.decode()
    assert "Name: This field is required." in page and "Give the date the team was formed" in page
    assert not VolunteerTeam.objects.exists()


def test_it_adds_and_removes_approved_members(carol, two_grids, team):
    volunteer = make_volunteer(two_grids.community, name="林丽华")
    carol.post(reverse("duty:team_member_add", args=[team.pk]), {"volunteer": volunteer.pk})
    assert list(team.members.all()) == [volunteer]
    page = carol.get(reverse("duty:team_detail", args=[team.pk])).content.decode()
    assert "林丽华" in page and f'<option value="{volunteer.pk}"' not in page  # offered no more
    assert "林丽华" in carol.get(reverse("duty:volunteer_detail", args=[volunteer.pk])).content.decode()
    carol.post(reverse("duty:team_member_remove", args=[team.pk]), {"volunteer": volunteer.pk})
    assert not team.members.exists()
    assert list(AuditEvent.objects.filter(target_type="duty.VolunteerTeam").values_list("detail", flat=True)
                .order_by("pk")) == [f"+{volunteer.pk}", f"-{volunteer.pk}"]


def test_it_refuses_pending_and_other_communities_volunteers(carol, two_grids, team):
    pending = make_volunteer(two_grids.community, status=Volunteer.Status.PENDING)
    outsider = make_volunteer(two_grids.other)
    for volunteer in (pending, outsider):
        response = carol.post(reverse("duty:team_member_add", args=[team.pk]), {"volunteer": volunteer.pk})
        assert response.status_code == 400 and "Select a valid choice" in response.content.decode()
    assert not team.members.exists()


def test_it_records_activities_and_refuses_bad_ones(carol, two_grids, team):
    url = reverse("duty:team_activity_add", args=[team.pk])
    response = carol.post(url, {"held_on": "2020-03-10", "title": "为卡口送热饭", "participants": "12",
                                "note": "午饭和晚饭"})
    assert response.status_code == 302
    activity = TeamActivity.objects.get()
    assert (activity.title, activity.participants, activity.held_on) == ("为卡口送热饭", 12, dt.date(2020, 3, 10))
    bad = carol.post(url, {"held_on": "2020-03-01", "title": ""})
    page = bad.content.decode()
    assert (bad.status_code == 400 and "before the team was formed" in page
            and "Activity: This field is required." in page)
    assert TeamActivity.objects.count() == 1
    assert "为卡口送热饭" in carol.get(reverse("duty:team_detail", args=[team.pk])).content.decode()


def test_it_counts_members_and_activities_in_the_list(carol, two_grids, team):
    team.members.add(make_volunteer(two_grids.community), make_volunteer(two_grids.community))
    TeamActivity.objects.create(team=team, held_on=dt.date(2020, 3, 9), title="走访")
    page = carol.get(reverse("duty:team_list")).content.decode()
    assert '<td class="num">2</td><td class="num">1</td>' in page
