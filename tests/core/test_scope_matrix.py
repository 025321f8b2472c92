"""The scope matrix: every URL pattern and every API operation, with every role.

A new URL or API operation that is not listed here fails `test_it_lists_every_*`: whoever
adds a page decides, here, who may open it. The objects requested belong to grid B of
the community, so alice (grid worker of grid A) must be refused them while bob (grid B)
gets them; lists must not show grid B's person to alice.
"""

from __future__ import annotations

import importlib

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from fangxian.accounts.models import ApiToken
from fangxian.api.api import api
from fangxian.registry.models import ResidentsImport
from tests.access.conftest import equip_gate, scan_event
from tests.factories import make_national_id
from tests.returnees.conftest import equip_returnees
from tests.roles import (  # noqa: F401 (the rows are re-exported for the apps' matrix modules)
    ACCESS_READ,
    ADMIN_OF_CAROL,
    ADMIN_ONLY,
    ANY_USER,
    COMMUNITY_READ,
    CONSOLE,
    DENY,
    INVALID,
    LOGIN,
    OK,
    OWN_TOKEN_OF_BOB,
    PUBLIC,
    REGISTRY_CREATE,
    REGISTRY_LIST,
    REGISTRY_READ_B,
    REGISTRY_WRITE_B,
    ROLES,
    SUPERUSER,
    row,
)

# Rosters, passes, quarantines and reports are dated from today: a fixed moment, whatever the
# hour CI runs at.
pytestmark = pytest.mark.usefixtures("frozen_clock")

# Later apps keep their part of the matrix in `tests/<app>/matrix.py`: PAGES, POST_DATA, API
# (each optional) and `equip(cast)`, which adds their objects to the cast. They are merged below.
APP_MATRICES = [importlib.import_module(f"tests.{name}") for name in (
    "duty.matrix_volunteers", "duty.matrix_rosters", "reports.matrix", "incidents.matrix",
    "access.matrix13", "returnees.matrix13", "registry.matrix13", "registry.matrix_pending",
    "fieldwork.matrix_campaigns", "fieldwork.matrix_coverage", "fieldwork.matrix_walk", "fieldwork.matrix_care",
    "delivery.matrix_tasks", "delivery.matrix_households", "delivery.matrix_run", "delivery.matrix_ledger",
    "delivery.matrix_rules",
    "supplies.matrix_stock", "supplies.matrix_donations", "supplies.matrix_requests", "supplies.matrix_public")]

# url name → (method, how to find the object's pk from the cast, expectations)
PAGES = {
    "home": ("get", None, ANY_USER),
    "healthz": ("get", None, PUBLIC),
    "audit_log": ("get", None, ADMIN_ONLY),
    "set_language": ("post", None, PUBLIC),
    "accounts:login": ("get", None, PUBLIC),
    "accounts:logout": ("post", None, dict.fromkeys(ROLES, LOGIN)),  # back to the login page
    "accounts:token_list": ("get", None, ANY_USER),
    "accounts:token_revoke": ("post", lambda c: c.bob_token.pk, OWN_TOKEN_OF_BOB),
    "registry:community_detail": ("get", lambda c: c.community.pk, COMMUNITY_READ),
    "registry:person_list": ("get", None, REGISTRY_LIST),
    "registry:person_export": ("get", None, REGISTRY_LIST),
    "registry:person_create": ("get", None, REGISTRY_CREATE),
    "registry:person_detail": ("get", lambda c: c.person_b.pk, REGISTRY_READ_B),
    "registry:person_edit": ("get", lambda c: c.person_b.pk, REGISTRY_WRITE_B),
    "registry:person_reveal": ("post", lambda c: c.person_b.pk, REGISTRY_READ_B),
    "registry:dwelling_list": ("get", None, REGISTRY_LIST),
    "registry:dwelling_detail": ("get", lambda c: c.person_b.dwelling_id, REGISTRY_READ_B),
    "registry:building_list": ("get", None, REGISTRY_LIST),
    "registry:building_detail": ("get", lambda c: c.building_b.pk, REGISTRY_READ_B),
    "registry:building_create": ("get", None, ADMIN_ONLY),
    "registry:dwelling_create": ("post", lambda c: c.building_b.pk, ADMIN_OF_CAROL),
    "registry:estate_list": ("get", None, REGISTRY_LIST),
    "registry:estate_detail": ("get", lambda c: c.estate.pk, COMMUNITY_READ),
    "registry:grid_list": ("get", None, REGISTRY_LIST),
    "registry:grid_detail": ("get", lambda c: c.grid_b.pk, REGISTRY_READ_B),
    "registry:residents_import_upload": ("get", None, ADMIN_ONLY),
    "registry:residents_import_template": ("get", None, ADMIN_ONLY),
    "registry:residents_import_preview": ("get", lambda c: c.upload.pk, ADMIN_OF_CAROL),
    "registry:residents_import_commit": ("post", lambda c: c.upload.pk, ADMIN_OF_CAROL),
    "access:checkpoint_list": ("get", None, ACCESS_READ),
    "access:checkpoint_create": ("get", None, ADMIN_ONLY),
    "access:readiness_tick": ("post", lambda c: c.checkpoint.pk, ADMIN_OF_CAROL),
    "access:pass_list": ("get", None, REGISTRY_LIST),
    "access:pass_detail": ("get", lambda c: c.pass_b.pk, REGISTRY_READ_B),
    "access:pass_cards": ("get", None, ADMIN_ONLY),  # nothing ticked: back to the list
    "access:pass_revoke": ("post", lambda c: c.pass_b.pk, ADMIN_OF_CAROL),
    "access:pass_reissue": ("post", lambda c: c.pass_a.pk, ADMIN_OF_CAROL),
    "access:pass_issue": ("get", lambda c: c.person_b.pk, ADMIN_OF_CAROL),
    "access:building_passes": ("get", lambda c: c.building_b.pk, ADMIN_OF_CAROL),
    "access:building_cards": ("get", lambda c: c.building_b.pk, ADMIN_OF_CAROL),
    "access:pass_phone": ("get", lambda c: c.pass_b.phone_token, PUBLIC),  # the link is the key
    "access:passage_list": ("get", None, ACCESS_READ),
    "access:passage_export": ("get", None, ACCESS_READ),
    "access:refusal_list": ("get", None, ACCESS_READ),
    "access:fever_alert_list": ("get", None, ACCESS_READ),
    "access:fever_alert_assign": ("post", lambda c: c.alert.pk, ADMIN_OF_CAROL),
    "access:fever_alert_close": ("post", lambda c: c.alert.pk, ADMIN_OF_CAROL),
    "access:rule_list": ("get", None, ADMIN_ONLY),
    "access:key_list": ("get", None, ADMIN_ONLY),
    "access:key_rotate": ("post", lambda c: c.community.pk, ADMIN_OF_CAROL),
    "access:console": ("get", lambda c: c.checkpoint.pk, CONSOLE),
    "access:console_manifest": ("get", lambda c: c.checkpoint.pk, PUBLIC),  # browsers fetch it without cookies
    "access:console_sw": ("get", None, PUBLIC),  # holds no data; a service worker update must not need a login
    "returnees:register": ("get", lambda c: c.community.code, PUBLIC),  # the poster's page: no login
    "returnees:poster": ("get", lambda c: c.community.pk, COMMUNITY_READ),
    "returnees:area_list": ("get", None, REGISTRY_LIST),
    "returnees:queue": ("get", None, REGISTRY_LIST),
    "returnees:registration_detail": ("get", lambda c: c.registration_b.pk, REGISTRY_READ_B),
    "returnees:registration_review": ("post", lambda c: c.registration_b.pk, REGISTRY_WRITE_B),
    "returnees:slip_pdf": ("get", lambda c: c.slip_b.pk, REGISTRY_READ_B),
    "returnees:slip_phone": ("get", lambda c: c.slip_b.code, PUBLIC),  # the link is the key
    "returnees:quarantine_list": ("get", None, REGISTRY_LIST),
    "returnees:quarantine_detail": ("get", lambda c: c.quarantine_b.pk, REGISTRY_READ_B),
    "returnees:quarantine_checkin": ("post", lambda c: c.quarantine_b.pk, REGISTRY_WRITE_B),
    "returnees:quarantine_extend": ("post", lambda c: c.quarantine_b.pk, REGISTRY_WRITE_B),
    "returnees:quarantine_release": ("post", lambda c: c.quarantine_b2.pk, REGISTRY_WRITE_B),
    "returnees:release_pdf": ("get", lambda c: c.quarantine_b.pk, REGISTRY_READ_B),
    "returnees:checkin": ("get", lambda c: c.quarantine_b.checkin_token, PUBLIC),  # the link is the key
    "returnees:bulk_request": ("post", None, REGISTRY_CREATE),  # nothing ticked: a message
    "returnees:bulk_confirm": ("post", lambda c: c.bulk_b.pk, REGISTRY_WRITE_B),  # asked by carol
    "returnees:board_list": ("get", None, REGISTRY_LIST),
    "returnees:building_board": ("get", lambda c: c.building_b.pk, REGISTRY_READ_B),
    "returnees:board_mark_not_returned": ("post", lambda c: c.building_b.pk, REGISTRY_WRITE_B),
    "returnees:building_seals_pdf": ("get", lambda c: c.building_b.pk, REGISTRY_WRITE_B),  # printing seals is a write
    "returnees:dwelling_seals": ("get", lambda c: c.seal_b.dwelling_id, REGISTRY_READ_B),
    "returnees:seal_create": ("post", lambda c: c.unreturned_b.pk, REGISTRY_WRITE_B),
    "returnees:dwelling_seal_pdf": ("get", lambda c: c.seal_b.dwelling_id, REGISTRY_WRITE_B),
    "returnees:seal_photo": ("get", lambda c: c.seal_b.pk, REGISTRY_READ_B),
    "returnees:seal_remove": ("post", lambda c: c.seal_b.pk, REGISTRY_WRITE_B),
    "returnees:slipped_list": ("get", None, REGISTRY_LIST),
    "admin:*": ("get", None, SUPERUSER),
    "api:*": ("get", None, PUBLIC),  # the API's own operations are walked below
}
POST_DATA = {
    "registry:dwelling_create": {"room": "909"},
    "registry:person_reveal": {"field": "phone", "reason": "矩阵测试"},
    "set_language": {"language": "en", "next": "/"},
    "access:readiness_tick": {"items": ["tent_table", "signage"]},
    "access:pass_revoke": {"reason": "lost"},
    "access:fever_alert_assign": {"assignee": "me"},
    "access:fever_alert_close": {"outcome": "normal_on_remeasure"},
    "returnees:registration_review": {"decision": "reject", "reason": "矩阵测试"},
    "returnees:quarantine_checkin": {"temperature": "36.5"},
    "returnees:quarantine_extend": {"days": "1", "reason": "矩阵测试"},
    "returnees:quarantine_release": {"reason": "矩阵测试"},
    "returnees:board_mark_not_returned": {"reason": "矩阵测试"},
    "returnees:seal_create": {"sealed_on": "2026-01-01"},
    "returnees:seal_remove": {"unseal_reason": "矩阵测试", "to_status": "occupied"},
}


def url_names(resolver=None, namespace="") -> set[str]:
    names = set()
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            if pattern.namespace in {"admin", "api"}:
                names.add(f"{pattern.namespace}:*")
                continue
            names |= url_names(pattern, inner)
        elif isinstance(pattern, URLPattern):
            assert pattern.name, f"unnamed URL pattern {pattern.pattern}: name it and add it to the matrix"
            names.add(namespace + pattern.name)
    return names


def test_it_lists_every_url_pattern():
    assert url_names() == set(PAGES), "URL patterns and the scope matrix differ"


@pytest.fixture
def cast(two_grids):
    two_grids.person_b.name = "乙网格居民"
    two_grids.person_b.save(update_fields=["name"])
    two_grids.person_a.name = "甲网格居民"
    two_grids.person_a.save(update_fields=["name"])
    two_grids.bob_token = ApiToken.objects.create(
        user=two_grids.users["bob"], name="phone", key_hash=ApiToken.hash("fx_matrix"), hint="trix")
    two_grids.upload = ResidentsImport.objects.create(
        community=two_grids.community, original_name="residents_import.xlsx",
        uploaded_by=two_grids.users["carol"], error_count=1)
    equip_gate(two_grids)  # a checkpoint, passes, a fever alert and a refusal
    equip_returnees(two_grids)  # risk area, registrations, a slip, home quarantine, a door seal in grid B
    for matrix in APP_MATRICES:
        matrix.equip(two_grids)
    return two_grids


def _outcome(response) -> str:
    if response.status_code in (403, 404, 405):
        return DENY
    if response.status_code == 302 and "/login/" in response.headers.get("Location", ""):
        return LOGIN
    if response.status_code < 400 or response.status_code == 400 and response.request["PATH_INFO"].endswith("/commit/"):
        return OK
    return f"status {response.status_code}"


def _url(name: str, cast, pk_of) -> str:
    from django.urls import reverse

    if name == "admin:*":
        return reverse("admin:index")
    if name == "api:*":
        return "/api/v1/openapi.json"
    if not pk_of:
        return reverse(name)
    args = pk_of(cast)  # one pk, or a tuple of them for a URL with several (a campaign's building)
    return reverse(name, args=list(args) if isinstance(args, tuple) else [args])


@pytest.mark.parametrize("role", ROLES)
def test_it_gives_each_role_what_the_matrix_says(client, cast, role):
    if role != "anon":
        client.force_login(cast.users[role])
    wrong = []
    for name, (method, pk_of, expected) in PAGES.items():
        if name == "accounts:logout":
            continue  # would end the session for the rest of the walk; covered at the end
        response = getattr(client, method)(_url(name, cast, pk_of), POST_DATA.get(name, {}))
        outcome = _outcome(response)
        # A residents' register commit of an upload with errors refuses with a message: still "reached".
        if outcome != expected[role]:
            wrong.append(f"{name}: expected {expected[role]}, got {outcome} ({response.status_code})")
        if role == "alice" and response.status_code == 200 and method == "get":
            assert "乙网格居民" not in response.content.decode(errors="ignore"), f"{name} shows grid B to alice"
    assert _outcome(client.post(_url("accounts:logout", cast, None))) == LOGIN
    assert not wrong, "\n".join(wrong)


# -- the API ----------------------------------------------------------------------------

def api_operations() -> list[tuple[str, str, str]]:
    schema = api.get_openapi_schema()
    return [(method.upper(), path, operation["operationId"])
            for path, methods in schema["paths"].items() for method, operation in methods.items()]


API_WRITE_INTO_B = row(LOGIN, INVALID, OK, OK, DENY, DENY, DENY, INVALID, OK)
# The checkpoint console's operations: its volunteers and the community's admins. Olga (admin
# elsewhere) may sync, but her event for carol's checkpoint is acknowledged as rejected.
CHECKPOINT_DEVICE = row(LOGIN, DENY, DENY, OK, DENY, OK, DENY, DENY, OK)
CHECKPOINT_SYNC = row(LOGIN, DENY, DENY, OK, DENY, OK, DENY, OK, OK)

# operationId (without the module prefix) → (object whose pk fills {id}, body, expectations)
API = {
    "me": (None, None, ANY_USER),
    "person_list": (None, None, REGISTRY_LIST),
    "person_detail": (lambda c: c.person_b.pk, None, REGISTRY_READ_B),
    "person_create": (None, lambda c: {"name": "新来居民", "national_id": make_national_id(),
                                       "kind": "tenant", "dwelling_id": c.person_b.dwelling_id}, API_WRITE_INTO_B),
    "person_update": (lambda c: c.person_b.pk, lambda c: {"kind": "tenant"}, REGISTRY_WRITE_B),
    "person_reveal": (lambda c: c.person_b.pk, lambda c: {"field": "phone", "reason": "矩阵测试"}, REGISTRY_READ_B),
    "dwelling_list": (None, None, REGISTRY_LIST),
    "dwelling_detail": (lambda c: c.person_b.dwelling_id, None, REGISTRY_READ_B),
    "building_list": (None, None, REGISTRY_LIST),
    "building_detail": (lambda c: c.building_b.pk, None, REGISTRY_READ_B),
    "grid_list": (None, None, REGISTRY_LIST),
    "grid_detail": (lambda c: c.grid_b.pk, None, REGISTRY_READ_B),
    "estate_list": (None, None, REGISTRY_LIST),
    "estate_detail": (lambda c: c.estate.pk, None, COMMUNITY_READ),
    "group_list": (None, None, REGISTRY_LIST),
    "group_detail": (lambda c: c.estate.group_id, None, COMMUNITY_READ),
    "community_list": (None, None, REGISTRY_LIST),
    "community_detail": (lambda c: c.community.pk, None, COMMUNITY_READ),
    "bundle": (None, lambda c: {"checkpoint": c.checkpoint.pk}, CHECKPOINT_DEVICE),  # GET: the query
    "lookup": (None, lambda c: {"checkpoint": c.checkpoint.pk, "name": "居民"}, CHECKPOINT_DEVICE),  # GET: the query
    "sync": (None, lambda c: {"device_id": "matrix", "events": [
        scan_event(c.checkpoint, None, kind="refusal", verdict="red")]}, CHECKPOINT_SYNC),
}


for _matrix in APP_MATRICES:
    for _ours, _theirs in ((PAGES, "PAGES"), (POST_DATA, "POST_DATA"), (API, "API")):
        _extra = getattr(_matrix, _theirs, {})
        assert not set(_extra) & set(_ours), f"{_matrix.__name__}.{_theirs} repeats a name"
        _ours.update(_extra)


def _short(operation_id: str) -> str:
    return operation_id.rsplit("_api_", 1)[-1]


def test_it_lists_every_api_operation():
    assert {_short(op) for _m, _p, op in api_operations()} == set(API), "API operations and the matrix differ"


def _api_outcome(response) -> str:
    code = response.status_code
    return {401: LOGIN, 403: DENY, 404: DENY, 422: INVALID}.get(code, OK if code < 300 else f"status {code}")


@pytest.mark.parametrize("role", ROLES)
def test_it_gives_each_role_what_the_api_matrix_says(client, cast, role):
    if role != "anon":
        client.force_login(cast.users[role])
    wrong = []
    for method, path, operation_id in api_operations():
        pk_of, body_of, expected = API[_short(operation_id)]
        url = path.replace("{id}", str(pk_of(cast))) if pk_of else path
        body = body_of(cast) if body_of else None
        call = getattr(client, method.lower())
        response = call(url, body, content_type="application/json") if body is not None else call(url)
        outcome = _api_outcome(response)
        if outcome != expected[role]:
            wrong.append(f"{method} {path}: expected {expected[role]}, got {outcome} ({response.status_code})")
        if role == "alice" and method == "GET" and response.status_code == 200:
            assert "乙网格居民" not in response.content.decode(), f"{path} shows grid B to alice"
    assert not wrong, "\n".join(wrong)
