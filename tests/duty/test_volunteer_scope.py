"""Who may open the volunteer and team pages: the rows of matrix_volunteers, walked with every
role on their own cast (the whole matrix walks them too). Community admins read and write,
the subdistrict officer only reads, every other role is refused."""

import pytest
from django.urls import reverse

from fangxian.core.models import AuditEvent
from fangxian.duty.models import TeamActivity, Volunteer
from tests.duty import matrix_volunteers as matrix
from tests.roles import ROLES, walk_matrix


@pytest.fixture
def cast(two_grids):
    matrix.equip(two_grids)
    return two_grids


@pytest.mark.parametrize("role", ROLES)
def test_it_gives_each_role_what_the_volunteer_matrix_says(client, cast, role):
    wrong = walk_matrix(client, cast, role, matrix)
    assert not wrong, "\n".join(wrong)


def test_it_lets_the_officer_read_but_change_nothing(client, cast):
    client.force_login(cast.users["dave"])
    assert "乙志愿者" in client.get(reverse("duty:volunteer_list")).content.decode()
    assert client.get(reverse("duty:volunteer_detail", args=[cast.volunteer.pk])).status_code == 200
    page = client.get(reverse("duty:volunteer_detail", args=[cast.pending_volunteer.pk])).content.decode()
    assert ('name="decision"' not in page
            and reverse("duty:volunteer_edit", args=[cast.pending_volunteer.pk]) not in page)
    client.post(reverse("duty:volunteer_decide", args=[cast.pending_volunteer.pk]), {"decision": "approve"})
    client.post(reverse("duty:team_activity_add", args=[cast.team.pk]), matrix.POST_DATA["duty:team_activity_add"])
    cast.pending_volunteer.refresh_from_db()
    assert cast.pending_volunteer.status == Volunteer.Status.PENDING
    assert TeamActivity.objects.filter(team=cast.team).count() == 1
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.UPDATE).exists()


@pytest.mark.parametrize("role", ["alice", "bob", "erin", "frank", "gina"])
def test_it_keeps_volunteers_from_other_roles(client, cast, role):
    client.force_login(cast.users[role])
    assert client.get(reverse("duty:volunteer_list")).status_code == 403
    assert client.get(reverse("duty:team_list")).status_code == 403


def test_it_shows_olga_none_of_carols_volunteers(client, cast, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(cast.users["olga"])
    page = client.get(reverse("duty:volunteer_list")).content.decode()
    assert "乙志愿者" not in page and "No volunteers yet" in page
    assert client.get(reverse("duty:volunteer_detail", args=[cast.volunteer.pk])).status_code == 404
    teams = client.get(reverse("duty:team_list")).content.decode()
    assert reverse("duty:team_detail", args=[cast.team.pk]) not in teams and "No volunteer teams yet" in teams
