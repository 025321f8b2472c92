"""Every list page runs the same number of queries for 3 rows as for 30."""

import importlib

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from fangxian.access import services as access_services
from fangxian.core.models import AuditEvent
from fangxian.core.scope import Scope
from fangxian.registry.models import Entrance
from tests.access.conftest import make_checkpoint, scan_event
from tests.conftest import FROZEN_AT
from tests.factories import BuildingFactory, DwellingFactory, GridFactory, PersonFactory

# Rosters, passes, quarantines and reports are dated from today: a fixed moment, whatever the
# hour CI runs at.
pytestmark = pytest.mark.usefixtures("frozen_clock")

LIST_PAGES = [
    "home",
    "audit_log",
    "registry:person_list",
    "registry:dwelling_list",
    "registry:building_list",
    "registry:estate_list",
    "registry:grid_list",
    "registry:residents_import_upload",
    "accounts:token_list",
    "access:checkpoint_list",
    "access:pass_list",
    "access:passage_list",
    "access:refusal_list",
    "access:fever_alert_list",
    "access:rule_list",
    "access:key_list",
    "returnees:area_list",
    "returnees:queue",
    "returnees:quarantine_list",
    "returnees:board_list",
    "returnees:slipped_list",
]

# Later apps keep theirs in `tests/<app>/matrix.py`: LIST_CASES (url name → the users among
# carol, dave and bob who open it) and `grow(cast, building, i)`, which adds one more of each
# of their rows around a new building.
APP_MATRICES = [importlib.import_module(f"tests.{name}") for name in (
    "duty.matrix_volunteers", "duty.matrix_rosters", "reports.matrix", "incidents.matrix",
    "registry.matrix_pending", "fieldwork.matrix_campaigns", "fieldwork.matrix_coverage", "fieldwork.matrix_walk",
    "fieldwork.matrix_care", "delivery.matrix_tasks", "delivery.matrix_households", "delivery.matrix_run",
    "delivery.matrix_ledger", "delivery.matrix_rules",
    "supplies.matrix_stock", "supplies.matrix_donations", "supplies.matrix_requests", "supplies.matrix_public")]
# A list page inside a campaign (or another object) names it in its URL: LIST_ARGS[name](cast).
LIST_ARGS = {name: args for matrix in APP_MATRICES for name, args in getattr(matrix, "LIST_ARGS", {}).items()}


def grow(cast, n: int) -> None:
    """n more grids, buildings, dwellings, people and audit events in carol's community; and
    for each person a checkpoint (at a new entrance), a pass, a passage, a refusal, a fever
    alert and a rule."""
    carol = cast.users["carol"]
    for i in range(n):
        grid = GridFactory(community=cast.community)
        building = BuildingFactory(estate=cast.estate, grid=grid)
        person = PersonFactory(dwelling=DwellingFactory(building=building), is_party_member=bool(i % 2))
        AuditEvent.objects.create(actor=carol, action="view", target_type="registry.Person",
                                  target_id=str(i), community=cast.community)
        checkpoint = make_checkpoint(cast.estate, name=f"门{Entrance.objects.count()}")
        pass_ = access_services.pass_issue(person=person, user=carol)
        access_services.scans_sync(device_id="grow", user=cast.users["erin"],
                                   scope=Scope.for_user(cast.users["erin"]), events=[
            scan_event(checkpoint, access_services.pass_qr_text(pass_), temperature=38.2, verdict="red"),
            scan_event(checkpoint, None, kind="refusal", verdict="red",
                       visitor={"name": "访客", "phone": "13800000000", "visiting": "", "why": ""}),
        ])
        access_services.rule_set(user=carol, community=cast.community, key="pass_valid_days", value=str(30 + i))
        access_services.signing_key_rotate(community=cast.community, user=carol)
        grow_returnees(cast, building, i)
        for matrix in APP_MATRICES:
            matrix.grow(cast, building, i)


def grow_returnees(cast, building, i: int) -> None:
    """A risk area, a pending registration and a home quarantine with a fever check-in."""
    import datetime as dt

    from fangxian.returnees import services as returnee_services
    from tests.returnees.conftest import register, root_scope

    carol = cast.users["carol"]
    returnee_services.area_set(scope=root_scope(cast), user=cast.users["root"], subdistrict=cast.community.subdistrict,
                               data={"province": f"省{i}", "level": "high", "measure": "home_quarantine",
                                     "quarantine_days": 14, "effective_from": FROZEN_AT.date()})
    register(cast.community, DwellingFactory(building=building))
    quarantined = register(cast.community, DwellingFactory(building=building),
                           arrival_date=FROZEN_AT.date() - dt.timedelta(days=1))
    quarantined = returnee_services.registration_review(scope=root_scope(cast), user=carol, registration=quarantined,
                                                        decision="home_quarantine", reason="增长", days=14)
    returnee_services.checkin_record(quarantine=quarantined.quarantines.get(), temperature="38.0", symptoms=False)


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(queries)


ADMIN_ONLY = {"audit_log", "registry:residents_import_upload", "access:rule_list", "access:key_list"}
NOT_GRID_WORKERS = {"access:checkpoint_list", "access:passage_list", "access:refusal_list", "access:fever_alert_list"}
CASES = [(name, user) for name in LIST_PAGES for user in ("carol", "dave", "bob")
         if user == "carol" or name not in ADMIN_ONLY and not (user == "bob" and name in NOT_GRID_WORKERS)]
CASES += [(name, user) for matrix in APP_MATRICES for name, users in matrix.LIST_CASES.items() for user in users]


@pytest.mark.parametrize(("name", "user"), CASES)
def test_it_runs_a_constant_number_of_queries(client, two_grids, name, user):
    client.force_login(two_grids.users[user])
    grow(two_grids, 3)
    url = reverse(name, args=LIST_ARGS[name](two_grids) if name in LIST_ARGS else [])
    few = count_queries(client, url)
    # 3 rows, then 10: a query per row shows as 7 more; growing to 30 took 7–10 s a case, and
    # this test has a case per list page and role.
    grow(two_grids, 7)
    many = count_queries(client, url)
    assert many == few, f"{name} as {user}: {few} queries for few rows, {many} for many"
