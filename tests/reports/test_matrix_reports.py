"""This app's rows of the scope matrix, walked on their own (the full matrix walks every app)."""

import pytest

from tests.access.conftest import equip_gate
from tests.core.test_scope_matrix import _outcome, _url
from tests.reports import matrix
from tests.returnees.conftest import equip_returnees
from tests.roles import ROLES

pytestmark = [pytest.mark.usefixtures("english"), pytest.mark.clock_sensitive]


@pytest.mark.parametrize("role", ROLES)
def test_it_gives_each_role_what_the_reports_matrix_says(client, two_grids, role):
    cast = two_grids
    equip_gate(cast)
    equip_returnees(cast)
    matrix.equip(cast)
    if role != "anon":
        client.force_login(cast.users[role])
    wrong = []
    for name, (method, pk_of, expected) in matrix.PAGES.items():
        response = getattr(client, method)(_url(name, cast, pk_of), matrix.POST_DATA.get(name, {}))
        if _outcome(response) != expected[role]:
            wrong.append(f"{name}: expected {expected[role]}, got {_outcome(response)} ({response.status_code})")
    assert not wrong, "\n".join(wrong)
