"""This app's part of the scope matrix (tests/core/test_scope_matrix.py) and of the list-page
query counts (tests/core/test_list_queries.py): the incident pages.

Incidents: anyone with a membership opens the list (and sees there what their scope reads,
plus what they reported or were given); anyone with a membership in a community reports
(not dave: an officer's subdistrict is no community membership); the matrix incident was
reported by bob and given to bob, so bob reads it and reports in, carol manages it, dave
reads it, alice, the volunteers and olga do not see it.
"""

from django.core.files.base import ContentFile

from fangxian.core.scope import Scope
from fangxian.incidents import services
from tests.returnees.conftest import PNG
from tests.roles import (  # noqa: F401
    ADMIN_OF_CAROL,
    ANY_USER,
    DENY,
    LOGIN,
    OK,
    PUBLIC,
    REGISTRY_READ_B,
    REGISTRY_WRITE_B,
    row,
)

REPORTERS = row(LOGIN, OK, OK, OK, DENY, OK, OK, OK, OK)

PAGES: dict = {
    "incidents:list": ("get", None, ANY_USER),
    "incidents:export": ("get", None, ANY_USER),
    "incidents:create": ("get", None, REPORTERS),
    "incidents:detail": ("get", lambda c: c.incident_b.pk, REGISTRY_READ_B),
    "incidents:photo": ("get", lambda c: c.incident_b.pk, REGISTRY_READ_B),
    "incidents:assign": ("post", lambda c: c.incident_b.pk, ADMIN_OF_CAROL),
    "incidents:report_in": ("post", lambda c: c.incident_b.pk, REGISTRY_WRITE_B),
    "incidents:close": ("post", lambda c: c.incident_b.pk, ADMIN_OF_CAROL),
}
POST_DATA: dict = {
    "incidents:assign": {"department": "派出所", "note": "矩阵测试"},
    "incidents:report_in": {"note": "矩阵测试：已到现场"},
    "incidents:close": {"outcome": "resolved", "note": "矩阵测试"},
}
API: dict = {}
LIST_CASES: dict = {
    "incidents:list": ("carol", "dave", "bob"),
}


def _root():
    return Scope.everything()


def equip(cast) -> None:
    """An incident at grid B's building, reported by bob and given to bob, with a photo."""
    carol, bob = cast.users["carol"], cast.users["bob"]
    cast.incident_b = services.incident_report(
        scope=_root(), user=bob, community=cast.community, title="楼道堆放杂物", location="",
        urgency="high", building=cast.building_b, photo=ContentFile(PNG, name="incident.png"))
    services.incident_assign(scope=_root(), user=carol, incident=cast.incident_b, assignee=bob)


def grow(cast, building, i: int) -> None:
    """An open incident reported by bob (assigned, with a report-in) and a closed one by alice."""
    carol, bob, alice = cast.users["carol"], cast.users["bob"], cast.users["alice"]
    mine = services.incident_report(scope=_root(), user=bob, community=cast.community, title=f"事件{i}",
                                    location="", urgency=("low", "high", "critical")[i % 3], building=building)
    services.incident_assign(scope=_root(), user=carol, incident=mine, assignee=alice, department="物业")
    services.incident_report_in(scope=_root(), user=alice, incident=mine, note="已处理")
    closed = services.incident_report(scope=_root(), user=alice, community=cast.community, title=f"已结事件{i}",
                                      location=f"{i}号门", urgency="low")
    services.incident_close(scope=_root(), user=carol, incident=closed, outcome="no_action")
