"""The standing couriers of the buildings: carol gives building A to frank (and today's waiting
garbage pickup with it), a courier must be a delivery volunteer of the community, taking one
away is confirmed, grid workers read their grids' buildings only. Frozen at 2026-03-02 10:00."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from fangxian.core.models import AuditEvent
from fangxian.core.scope import Scope
from fangxian.delivery import assignments, services
from fangxian.delivery.models import Assignment, Task
from tests.delivery import matrix_run
from tests.factories import BuildingFactory
from tests.i18n import zh

pytestmark = pytest.mark.usefixtures("frozen_clock")



@pytest.fixture
def cast(two_grids):
    matrix_run.equip(two_grids)
    return two_grids


def test_carol_gives_building_a_to_frank_with_todays_waiting_task(client, cast):
    frank = cast.users["frank"]
    client.force_login(cast.users["carol"])
    page = client.get(reverse("delivery:assignments")).content.decode()
    assert reverse("delivery:assignment_set", args=[cast.building_a.pk]) in page
    response = client.post(reverse("delivery:assignment_set", args=[cast.building_a.pk]),
                           {"courier": frank.pk, "also_today": "on"}, follow=True)
    assert response.status_code == 200
    assert Assignment.objects.get(building=cast.building_a).courier == frank
    garbage = Task.objects.get(pk=cast.garbage_a.pk)
    assert garbage.courier == frank and garbage.status == Task.Status.ASSIGNED
    assert AuditEvent.objects.filter(target_type="delivery.Assignment", action=AuditEvent.Action.CREATE).exists()
    # The next request of the building goes to him as it is made.
    alice = cast.users["alice"]
    later = services.request_make(dwelling=cast.dwelling_a, kind=Task.Kind.OTHER, items="取快递", user=alice,
                                  scope=Scope.for_user(alice))
    assert later.courier == frank


def test_without_the_box_todays_tasks_stay_where_they_are(cast):
    carol = cast.users["carol"]
    result = assignments.assignment_set(scope=Scope.for_user(carol), user=carol, building=cast.building_a,
                                        courier_id=cast.users["frank"].pk)
    assert result.moved == 0 and Task.objects.get(pk=cast.garbage_a.pk).courier is None


def test_a_courier_must_be_a_delivery_volunteer_of_the_community(client, cast):
    client.force_login(cast.users["carol"])
    response = client.post(reverse("delivery:assignment_set", args=[cast.building_a.pk]),
                           {"courier": cast.users["bob"].pk}, follow=True)
    assert zh("Choose a delivery volunteer of this community.") in response.content.decode()
    assert not Assignment.objects.filter(building=cast.building_a).exists()
    response = client.post(reverse("delivery:assignment_set", args=[cast.building_a.pk]), {"courier": "abc"},
                           follow=True)
    assert zh("Choose a courier from the list.") in response.content.decode()


def test_taking_a_courier_away_is_confirmed(client, cast):
    client.force_login(cast.users["carol"])
    url = reverse("delivery:assignment_set", args=[cast.building_b.pk])
    client.post(url, {"courier": ""})
    assert Assignment.objects.filter(building=cast.building_b).exists()
    client.post(url, {"courier": "", "confirm_remove": "yes"})
    assert not Assignment.objects.filter(building=cast.building_b).exists()
    assert AuditEvent.objects.filter(target_type="delivery.Assignment", action=AuditEvent.Action.DELETE).exists()


def test_grid_workers_read_their_grids_buildings_only(client, cast):
    client.force_login(cast.users["bob"])
    page = client.get(reverse("delivery:assignments")).content.decode()
    assert f"building-{cast.building_b.pk}" in page and f"building-{cast.building_a.pk}" not in page
    assert reverse("delivery:assignment_set", args=[cast.building_b.pk]) not in page  # read-only
    assert client.post(reverse("delivery:assignment_set", args=[cast.building_b.pk]),
                       {"courier": ""}).status_code == 403
    with pytest.raises(PermissionDenied):
        assignments.assignment_set(scope=Scope.for_user(cast.users["bob"]), user=cast.users["bob"],
                                   building=cast.building_b, courier_id=None)


def test_the_service_refuses_a_stranger_and_changes_nothing(cast):
    carol = cast.users["carol"]
    with pytest.raises(ValidationError) as error:
        assignments.assignment_set(scope=Scope.for_user(carol), user=carol, building=cast.building_b,
                                   courier_id=cast.users["erin"].pk, also_today=True)
    assert "courier" in error.value.message_dict
    assert Assignment.objects.get(building=cast.building_b).courier == cast.users["frank"]


def test_the_list_searches_by_building_and_says_when_nothing_matches(client, cast):
    BuildingFactory(estate=cast.estate, grid=cast.grid_a, name="望海楼")
    client.force_login(cast.users["carol"])
    page = client.get(reverse("delivery:assignments"), {"q": "望海"}).content.decode()
    assert "望海楼" in page and f"building-{cast.building_a.pk}" not in page
    assert 'maxlength="100"' in page
    page = client.get(reverse("delivery:assignments"), {"q": "没有这栋楼"}).content.decode()
    assert zh("No building matches this search.") in page
