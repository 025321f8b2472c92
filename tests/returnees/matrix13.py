"""Issue 13's additions to the scope matrix (tests/core/test_scope_matrix.py) for the returnees pages:
PAGES, POST_DATA and API rows for the pages and operations added by that issue.

Asking for an early release or a shortening is a write of the quarantine (its grid worker bob,
the admin carol, root); deciding one is for an admin of its community (carol, root), not for
bob who may write it nor for dave who reads it. The walk reaches these rows after the older
ones, when grid B's first household (quarantine_b) is extended by a day and still open.
"""

import datetime as dt

from django.utils import timezone

from fangxian.core.scope import Scope
from fangxian.returnees import quarantine_changes, services
from tests.factories import DwellingFactory
from tests.returnees.conftest import register, root_scope
from tests.roles import ADMIN_OF_CAROL, REGISTRY_WRITE_B

PAGES: dict = {
    "returnees:quarantine_change": ("post", lambda c: c.quarantine_b.pk, REGISTRY_WRITE_B),
    "returnees:change_decide": ("post", lambda c: c.change_b.pk, ADMIN_OF_CAROL),
}
POST_DATA: dict = {
    "returnees:quarantine_change": {"kind": "early_release", "reason": "矩阵测试：复核阴性"},
    "returnees:change_decide": {"decision": "approve"},
}
API: dict = {}


def equip(cast) -> None:
    """A third household in home quarantine in grid B, with an early release asked by bob and
    waiting for an admin."""
    bob, carol = cast.users["bob"], cast.users["carol"]
    registration = register(cast.community, DwellingFactory(building=cast.building_b),
                            arrival_date=timezone.localdate() - dt.timedelta(days=5))
    registration = services.registration_review(scope=root_scope(cast), user=carol, registration=registration,
                                                decision="home_quarantine", reason="来自高风险地区")
    cast.change_b = quarantine_changes.change_request(
        scope=Scope.for_user(bob), user=bob, quarantine=registration.quarantines.get(),
        kind="early_release", reason="核酸阴性，申请提前解除")
