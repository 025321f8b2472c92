"""Registering buildings and rooms: the houses a register is imported into."""

from django.urls import reverse

from fangxian.core.models import AuditEvent
from fangxian.registry.models import Building, Dwelling


def test_it_registers_a_building_with_its_rooms(client, two_grids):
    client.force_login(two_grids.users["carol"])
    response = client.post(reverse("registry:building_create"), {
        "estate": two_grids.estate.pk, "name": "9栋", "floors": 3, "grid": two_grids.grid_a.pk, "rooms_per_floor": 2,
    })
    building = Building.objects.get(name="9栋")
    assert response.url == reverse("registry:building_detail", args=[building.pk])
    assert sorted(building.dwellings.values_list("room", flat=True)) == ["101", "102", "201", "202", "301", "302"]
    assert building.community == two_grids.community
    assert AuditEvent.objects.filter(action="create", target_type="registry.Building").count() == 1


def test_it_refuses_a_duplicate_building_and_changes_nothing(client, two_grids):
    client.force_login(two_grids.users["carol"])
    before = Dwelling.objects.count()
    response = client.post(reverse("registry:building_create"), {
        "estate": two_grids.estate.pk, "name": two_grids.building_a.name, "floors": 3, "rooms_per_floor": 2,
    })
    assert response.status_code == 200
    assert f"已有楼栋{two_grids.building_a.name}" in response.content.decode()
    assert Dwelling.objects.count() == before


def test_it_refuses_an_estate_of_another_community(client, two_grids):
    client.force_login(two_grids.users["olga"])
    response = client.post(reverse("registry:building_create"), {
        "estate": two_grids.estate.pk, "name": "9栋", "floors": 3,
    })
    assert response.status_code == 200  # the form says the choice is not valid
    assert not Building.objects.filter(name="9栋").exists()


def test_it_adds_a_room_and_refuses_the_same_room_twice(client, two_grids):
    client.force_login(two_grids.users["carol"])
    url = reverse("registry:dwelling_create", args=[two_grids.building_a.pk])
    client.post(url, {"room": "808"})
    client.post(url, {"room": "808"})
    assert two_grids.building_a.dwellings.filter(room="808").count() == 1


def test_it_does_not_let_a_grid_worker_add_rooms(client, two_grids):
    client.force_login(two_grids.users["alice"])
    response = client.post(reverse("registry:dwelling_create", args=[two_grids.building_a.pk]), {"room": "808"})
    assert response.status_code == 404
    assert not Dwelling.objects.filter(room="808").exists()
