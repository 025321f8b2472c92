"""The demo's incidents, and the incident list's query count as incidents grow."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from fangxian.accounts.models import Role
from fangxian.core.reporting import sections
from fangxian.incidents.demo import demo_incidents
from fangxian.incidents.models import Incident
from tests.factories import BuildingFactory, GridFactory, make_user
from tests.incidents import matrix


def test_it_makes_demo_incidents_in_every_state(two_grids):
    make_user("admin", Role.COMMUNITY_ADMIN, two_grids.community)
    make_user("grid1", Role.GRID_WORKER, two_grids.grid_a)
    make_user("gate", Role.CHECKPOINT_VOLUNTEER, two_grids.community)
    assert demo_incidents(community=two_grids.community) == {"incidents": 6}
    states = set(Incident.objects.values_list("status", flat=True))
    assert states == {"new", "assigned", "in_progress", "closed"}
    for incident in Incident.objects.exclude(status="new"):
        assert incident.reported_at < incident.assigned_at
        assert incident.first_response_at is None or incident.assigned_at < incident.first_response_at
        assert incident.closed_at is None or incident.first_response_at < incident.closed_at
        assert [u.at for u in incident.updates.all()] == sorted(u.at for u in incident.updates.all())
    section = next(s for s in sections() if s.key == "incidents")
    counts = section.compute([two_grids.community.pk], timezone.localdate())[two_grids.community.pk]
    assert counts["open"] == 3


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, {"state": "all"}).status_code == 200
    return len(queries)


def test_it_lists_incidents_in_a_constant_number_of_queries(client, two_grids):
    def grow(n, start):
        for i in range(start, start + n):
            building = BuildingFactory(estate=two_grids.estate, grid=GridFactory(community=two_grids.community))
            matrix.grow(two_grids, building, i)

    url = reverse("incidents:list")
    grow(3, 0)
    for user in ("carol", "dave", "bob", "alice"):
        client.force_login(two_grids.users[user])
        few = count_queries(client, url)
        grow(5, 100 + len(user) * 10)
        assert count_queries(client, url) == few, user
