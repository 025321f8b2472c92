"""Every list page runs the same number of queries for 3 rows as for 30."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from fangxian.core.models import AuditEvent
from tests.factories import BuildingFactory, DwellingFactory, GridFactory, PersonFactory

LIST_PAGES = [
    "home",
    "audit_log",
    "registry:person_list",
    "registry:dwelling_list",
    "registry:building_list",
    "registry:estate_list",
    "registry:grid_list",
    "registry:roster_upload",
    "accounts:token_list",
]


def grow(cast, n: int) -> None:
    """n more grids, buildings, dwellings, people and audit events in carol's community."""
    for i in range(n):
        grid = GridFactory(community=cast.community)
        building = BuildingFactory(estate=cast.estate, grid=grid)
        PersonFactory(dwelling=DwellingFactory(building=building), is_party_member=bool(i % 2))
        AuditEvent.objects.create(actor=cast.users["carol"], action="view", target_type="registry.Person",
                                  target_id=str(i), community=cast.community)


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(queries)


ADMIN_ONLY = {"audit_log", "registry:roster_upload"}
CASES = [(name, user) for name in LIST_PAGES for user in ("carol", "dave", "bob")
         if user == "carol" or name not in ADMIN_ONLY]


@pytest.mark.parametrize(("name", "user"), CASES)
def test_it_runs_a_constant_number_of_queries(client, two_grids, name, user):
    client.force_login(two_grids.users[user])
    url = reverse(name)
    grow(two_grids, 3)
    few = count_queries(client, url)
    grow(two_grids, 27)
    many = count_queries(client, url)
    assert many == few, f"{name} as {user}: {few} queries for few rows, {many} for many"
