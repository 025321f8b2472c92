"""List operations run a constant number of queries, whatever the number of rows."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from fangxian.registry.models import Entrance, GridTeamMember
from tests.api import Caller
from tests.factories import BuildingFactory, DwellingFactory, EstateFactory, GridFactory, PersonFactory

LISTS = ("/registry/people", "/registry/dwellings", "/registry/buildings", "/registry/grids", "/registry/estates",
         "/registry/groups", "/registry/communities")


def query_counts(caller) -> dict[str, int]:
    counts = {}
    for path in LISTS:
        with CaptureQueriesContext(connection) as queries:
            response = caller.get(path, limit=200)
        assert response.status_code == 200, response.content
        counts[path] = (len(queries), response.json()["count"])
    return counts


def grow(cast, n: int) -> None:
    """n more of everything in carol's community, in grid A: estates with entrances, grids
    with teams, buildings, dwellings and people."""
    for _i in range(n):
        estate = EstateFactory(community=cast.community)
        Entrance.objects.create(estate=estate, name="东门")
        Entrance.objects.create(estate=estate, name="西门")
        grid = GridFactory(community=cast.community)
        GridTeamMember.objects.create(grid=grid, role="grid_worker", name="网格员", phone="13800138000")
        PersonFactory(dwelling=DwellingFactory(building=BuildingFactory(estate=estate, grid=cast.grid_a)))


def test_it_runs_a_constant_number_of_queries_per_list(client, two_grids):
    callers = {name: Caller(client, two_grids.users[name]) for name in ("carol", "alice", "dave", "root")}
    for caller in callers.values():
        caller.get("/me")  # a token's last_used_at is written on its first call only
    before = {name: query_counts(caller) for name, caller in callers.items()}
    grow(two_grids, 27)
    after = {name: query_counts(caller) for name, caller in callers.items()}
    assert (before["carol"]["/registry/people"][1], after["carol"]["/registry/people"][1]) == (2, 29)
    assert after["alice"]["/registry/people"][1] == 28
    for name in callers:
        for path in LISTS:
            assert before[name][path][0] == after[name][path][0], (name, path, before[name], after[name])


def test_it_runs_a_constant_number_of_queries_per_grid_detail(client, two_grids):
    caller = Caller(client, two_grids.users["carol"])
    caller.get("/me")
    url = f"/registry/grids/{two_grids.grid_a.pk}"
    with CaptureQueriesContext(connection) as few:
        caller.get(url)
    for i in range(10):
        GridTeamMember.objects.create(grid=two_grids.grid_a, role="party_member", name=f"党员{i}")
    with CaptureQueriesContext(connection) as many:
        assert len(caller.get(url).json()["team"]) == 10
    assert len(few) == len(many)
