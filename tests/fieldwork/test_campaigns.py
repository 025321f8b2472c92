"""Starting and changing canvassing campaigns, and the teams: what an admin, a reader and an
admin of another community see and may do."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from fangxian.core.models import AuditEvent
from fangxian.core.scope import Scope
from fangxian.fieldwork import services
from fangxian.fieldwork.models import Campaign, Section, Team
from fangxian.fieldwork.questionnaire import CATALOGUE, DEFAULT
from tests.factories import BuildingFactory, DwellingFactory
from tests.fieldwork import matrix_campaigns
from tests.fieldwork.cast import fieldwork_cast
from tests.roles import walk_matrix

pytestmark = pytest.mark.usefixtures("frozen_clock")
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def cast(two_grids):
    matrix_campaigns.equip(two_grids)
    return two_grids


def _campaign_post(cast, **changes) -> dict:
    data = {"community": cast.community.pk, "name": "清明返乡敲门", "purpose": "摸排返乡人员",
            "starts_on": "2026-03-03", "ends_on": "2026-03-09", "back_since": "2026-02-20", "max_attempts": "3"}
    data.update({f"q_{key}": value for key, value in DEFAULT.items()})
    data.update(changes)
    return data


def test_carol_starts_a_campaign_with_her_questionnaire(client, cast):
    client.force_login(cast.users["carol"])
    page = client.get(reverse("fieldwork:campaign_list")).content.decode()
    assert reverse("fieldwork:campaign_create") in page  # the "start a campaign" button
    data = _campaign_post(cast, q_temperature="required", q_note="")
    response = client.post(reverse("fieldwork:campaign_create"), data)
    campaign = Campaign.objects.get(name="清明返乡敲门")
    assert response.status_code == 302 and response["Location"] == reverse("fieldwork:campaign_detail",
                                                                           args=[campaign.pk])
    assert campaign.community == cast.community and campaign.is_open
    assert campaign.questionnaire["temperature"] == "required" and "note" not in campaign.questionnaire
    assert campaign.back_since == dt.date(2026, 2, 20) and campaign.created_by == cast.users["carol"]
    assert AuditEvent.objects.filter(action="create", target_type="fieldwork.Campaign",
                                     target_id=str(campaign.pk)).exists()


def test_the_form_offers_every_question_with_the_default_marked(client, cast):
    client.force_login(cast.users["carol"])
    page = client.get(reverse("fieldwork:campaign_create")).content.decode()
    for question in CATALOGUE:
        assert f'name="q_{question.key}" value="{DEFAULT[question.key]}"' in page.replace(" checked", "")
    assert 'type="hidden" name="community"' in page  # carol runs one community: no choice shown


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"ends_on": "2026-03-01"}, "ends_on", "The campaign cannot end before it starts."),
    ({"back_since": "2026-03-05"}, "back_since", "cannot be after the day the campaign starts"),
    ({"max_attempts": "11"}, "max_attempts", None),
])
def test_bad_dates_or_attempts_are_refused_by_field(client, cast, changes, field, message):
    client.force_login(cast.users["carol"])
    response = client.post(reverse("fieldwork:campaign_create"), _campaign_post(cast, **changes), **EN)
    assert response.status_code == 400
    assert response.context["form"].errors[field]
    if message:
        assert message in response.context["form"].errors[field][0]
    assert not Campaign.objects.filter(name="清明返乡敲门").exists()


def test_a_questionnaire_that_asks_nothing_is_refused(client, cast):
    client.force_login(cast.users["carol"])
    nothing = {f"q_{question.key}": "" for question in CATALOGUE}
    response = client.post(reverse("fieldwork:campaign_create"), _campaign_post(cast, **nothing))
    assert response.status_code == 400
    assert response.context["form"].non_field_errors()
    assert not Campaign.objects.filter(name="清明返乡敲门").exists()
    with pytest.raises(ValidationError) as error:
        services.campaign_create(scope=Scope.everything(), user=cast.users["root"], community=cast.community,
                                 name="x", starts_on=dt.date(2026, 3, 3), ends_on=dt.date(2026, 3, 4),
                                 questionnaire={})
    assert "questionnaire" in error.value.message_dict


def test_olga_cannot_start_a_campaign_in_carols_community(client, cast):
    client.force_login(cast.users["olga"])
    response = client.post(reverse("fieldwork:campaign_create"), _campaign_post(cast))
    assert response.status_code == 400 and response.context["form"].errors["community"]
    assert not Campaign.objects.filter(name="清明返乡敲门").exists()
    olga = Scope.for_user(cast.users["olga"])
    with pytest.raises(PermissionDenied):
        services.campaign_create(scope=olga, user=cast.users["olga"], community=cast.community, name="x",
                                 starts_on=dt.date(2026, 3, 3), ends_on=dt.date(2026, 3, 4), questionnaire=DEFAULT)
    assert client.get(reverse("fieldwork:campaign_edit", args=[cast.campaign.pk])).status_code == 404


def test_dave_reads_the_campaigns_but_starts_and_changes_none(client, cast):
    client.force_login(cast.users["dave"])
    page = client.get(reverse("fieldwork:campaign_list")).content.decode()
    assert cast.campaign.name in page and reverse("fieldwork:campaign_create") not in page
    assert client.get(reverse("fieldwork:campaign_create")).status_code == 403
    assert client.post(reverse("fieldwork:campaign_edit", args=[cast.campaign.pk]),
                       _campaign_post(cast, name="改名")).status_code == 403
    cast.campaign.refresh_from_db()
    assert cast.campaign.name == "春节返程敲门行动"


def test_carol_changes_an_open_campaign_but_not_a_closed_one(client, cast):
    client.force_login(cast.users["carol"])
    url = reverse("fieldwork:campaign_edit", args=[cast.campaign.pk])
    page = client.get(url, **EN).content.decode()
    assert 'value="春节返程敲门行动"' in page and "the answers already stored stay as they were given" in page
    response = client.post(url, _campaign_post(cast, name="春节返程敲门（二轮）", max_attempts="5"))
    assert response.status_code == 302
    cast.campaign.refresh_from_db()
    assert cast.campaign.name == "春节返程敲门（二轮）" and cast.campaign.max_attempts == 5
    cast.campaign.status = Campaign.Status.CLOSED
    cast.campaign.save()
    response = client.post(url, _campaign_post(cast, name="关闭后改名"))
    assert response.status_code == 302
    cast.campaign.refresh_from_db()
    assert cast.campaign.name == "春节返程敲门（二轮）"
    with pytest.raises(ValidationError):
        services.campaign_update(scope=Scope.everything(), user=cast.users["root"], campaign=cast.campaign,
                                 name="x", starts_on=cast.campaign.starts_on, ends_on=cast.campaign.ends_on,
                                 questionnaire=DEFAULT)


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def _grow(cast, n: int) -> None:
    for i in range(n):
        building = BuildingFactory(estate=cast.estate, grid=cast.grid_b)
        DwellingFactory(building=building)
        matrix_campaigns.grow(cast, building, i)


@pytest.mark.parametrize("name", ["fieldwork:campaign_list", "fieldwork:team_list", "fieldwork:section_list"])
@pytest.mark.parametrize("user", ["carol", "frank"])
def test_the_lists_run_the_same_queries_for_few_and_many_rows(client, cast, name, user):
    client.force_login(cast.users[user])
    _grow(cast, 2)
    few = _queries(client, reverse(name))
    _grow(cast, 6)
    assert _queries(client, reverse(name)) == few


# -- teams ---------------------------------------------------------------------------------------


def test_carol_forms_a_team_of_the_communitys_people(client, cast):
    client.force_login(cast.users["carol"])
    page = client.get(reverse("fieldwork:team_create")).content.decode()
    users = cast.users
    assert "alice" in page and "erin" in page and "dave" not in page and "olga" not in page
    response = client.post(reverse("fieldwork:team_create"), {
        "community": cast.community.pk, "name": "党员先锋队", "members": [users["alice"].pk, users["erin"].pk]})
    assert response.status_code == 302
    team = Team.objects.get(name="党员先锋队")
    assert set(team.members.all()) == {users["alice"], users["erin"]}
    listing = client.get(reverse("fieldwork:team_list")).content.decode()
    assert "党员先锋队" in listing and "第二小队" in listing and "二片区" in listing  # team B's section


def test_an_outsider_cannot_be_put_in_a_team(cast):
    with pytest.raises(ValidationError) as error:
        services.team_create(scope=Scope.everything(), user=cast.users["root"], community=cast.community,
                             name="外援队", members=[cast.users["olga"]])
    assert "members" in error.value.message_dict
    assert not Team.objects.filter(name="外援队").exists()


def test_a_team_name_is_used_once_in_a_community(client, cast):
    client.force_login(cast.users["carol"])
    response = client.post(reverse("fieldwork:team_edit", args=[cast.team_a.pk]),
                           {"name": "第二小队", "members": [cast.users["alice"].pk]})
    assert response.status_code == 400 and response.context["form"].errors["name"]
    cast.team_a.refresh_from_db()
    assert cast.team_a.name == "第一小队"


def test_deleting_a_team_leaves_its_sections_without_a_team(client, cast):
    client.force_login(cast.users["carol"])
    assert client.post(reverse("fieldwork:team_delete", args=[cast.team_b.pk])).status_code == 302
    assert not Team.objects.filter(pk=cast.team_b.pk).exists()
    assert Section.objects.get(pk=cast.section_b.pk).team is None


def test_frank_reads_his_team_and_edits_nothing(client, cast):
    client.force_login(cast.users["frank"])
    listing = client.get(reverse("fieldwork:team_list")).content.decode()
    assert "第二小队" in listing and "第一小队" not in listing
    assert reverse("fieldwork:team_edit", args=[cast.team_b.pk]) not in listing
    assert client.get(reverse("fieldwork:team_edit", args=[cast.team_b.pk])).status_code == 403
    assert client.post(reverse("fieldwork:team_delete", args=[cast.team_b.pk])).status_code == 403
    assert Team.objects.filter(pk=cast.team_b.pk).exists()


# -- the matrix rows, for a few roles (the lead walks them all in the scope matrix) ---------------


@pytest.mark.parametrize("role", ["anon", "alice", "carol", "dave", "erin", "frank", "olga", "gina"])
def test_the_matrix_rows_hold(client, cast, role):
    wrong = walk_matrix(client, cast, role, matrix_campaigns)
    assert not wrong, "\n".join(wrong)


def test_the_cast_is_equipped_once(cast):
    fieldwork_cast(cast)
    matrix_campaigns.equip(cast)
    assert Team.objects.filter(name="备用小队").count() == 1
