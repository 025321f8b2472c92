"""People waiting for registration in the scope matrix (tests/core/test_scope_matrix.py) and the
list query counts (tests/core/test_list_queries.py).

The list is the registry's: grid workers (their grids' rows: alice sees none of grid B's),
admins and officers of the community, olga her own community's (empty) list; volunteers and
the group leader do not open it. The matrix row waits at grid B's door: bob and carol (and
root) register it or set it aside; alice, dave (officers read, never write the register) and
olga are refused.
"""

from __future__ import annotations

from django.utils import timezone

from fangxian.registry.pending import pending_person_add
from tests.fieldwork.cast import fieldwork_cast
from tests.roles import REGISTRY_LIST, REGISTRY_WRITE_B

PAGES: dict = {
    "registry:pending_list": ("get", None, REGISTRY_LIST),
    "registry:pending_register": ("get", lambda c: c.pending_b.pk, REGISTRY_WRITE_B),
    "registry:pending_resolve": ("post", lambda c: c.pending_b.pk, REGISTRY_WRITE_B),
}
POST_DATA: dict = {
    "registry:pending_resolve": {"action": "dismiss", "reason": "矩阵测试"},
}
API: dict = {}
LIST_CASES: dict = {
    "registry:pending_list": ("carol", "dave", "bob"),
}


def equip(cast) -> None:
    """A person found at grid B's door, waiting for registration."""
    fieldwork_cast(cast)
    cast.pending_b = pending_person_add(
        community=cast.community, dwelling=cast.dwelling_b, name="乙网格新来人", phone="13900002222",
        source="敲门行动：矩阵", source_ref="matrix:pending_b", found_at=timezone.now())


def grow(cast, building, i: int) -> None:
    """One more waiting at the new building's first door."""
    pending_person_add(community=cast.community, dwelling=building.dwellings.first(), name=f"新来人{i}",
                       source="敲门行动：矩阵", source_ref=f"matrix:grow:{i}", found_at=timezone.now())
