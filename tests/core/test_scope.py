from fangxian.core.scope import Scope
from fangxian.registry.models import Building, Community, Person


def test_it_limits_a_grid_worker_to_their_grid(two_grids):
    scope = Scope.for_user(two_grids.users["alice"])
    assert list(scope.filter(Person.objects.all())) == [two_grids.person_a]
    assert list(scope.filter(Building.objects.all())) == [two_grids.building_a]
    assert list(scope.filter(Community.objects.all())) == [two_grids.community]


def test_it_lets_the_officer_read_but_not_write(two_grids):
    scope = Scope.for_user(two_grids.users["dave"])
    assert scope.filter(Person.objects.all()).count() == 3
    assert scope.filter(Person.objects.all(), for_write=True).count() == 0


def test_it_gives_volunteers_no_registry(two_grids):
    for name in ("erin", "frank"):
        scope = Scope.for_user(two_grids.users[name])
        assert not scope.sees_registry
        assert scope.filter(Person.objects.all()).count() == 0


def test_it_keeps_an_admin_inside_their_community(two_grids):
    scope = Scope.for_user(two_grids.users["olga"])
    assert list(scope.filter(Person.objects.all())) == [two_grids.outsider]
