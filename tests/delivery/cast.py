"""The delivery part of the two_grids cast, shared by delivery's tests and matrix modules.

Grid B's household in home quarantine (the returnee and a companion, `cast.quarantine_b`) is
served by frank, the standing courier of building B; building A has no courier. Its profile
says halal and keeps the phone from the courier. On the frozen day (2026-03-02): a lunch for
grid B's household, assigned to frank; a shopping request of the same household, bought by
frank (a receipt of 58.50 yuan) and not yet delivered; a garbage pickup in grid A, asked by
alice's household and given to nobody. Call inside the frozen clock."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from fangxian.core.scope import Scope
from fangxian.delivery import ledger, services
from fangxian.delivery.models import Assignment, Household, Task
from tests.conftest import FROZEN_AT
from tests.returnees.conftest import equip_returnees


def delivery_cast(cast):
    """Idempotent: a second call changes nothing."""
    if getattr(cast, "lunch_b", None) is not None:
        return cast
    if getattr(cast, "quarantine_b", None) is None:
        equip_returnees(cast)
    users = cast.users
    frank, carol, alice, bob = users["frank"], users["carol"], users["alice"], users["bob"]
    cast.household_b = cast.quarantine_b.dwelling
    cast.dwelling_a = cast.person_a.dwelling
    Assignment.objects.create(building=cast.building_b, courier=frank, assigned_by=carol)
    cast.profile_b = Household.objects.create(dwelling=cast.household_b, dietary="清真", phone_shared=False)
    now = FROZEN_AT
    cast.lunch_b = Task.objects.create(
        dwelling=cast.household_b, kind=Task.Kind.MEAL, meal="lunch", day=FROZEN_AT.date(),
        due_by=timezone.localtime(now).replace(hour=12, minute=0, second=0, microsecond=0), people=2, dietary="清真",
        status=Task.Status.ASSIGNED, courier=frank, source=Task.Source.GENERATED, created_at=now, assigned_at=now)
    bob_scope = Scope.for_user(bob)
    cast.shopping_b = services.request_make(dwelling=cast.household_b, kind=Task.Kind.SHOPPING,
                                            items="大米 5斤\n鸡蛋 12个", budget="80", user=bob, scope=bob_scope)
    frank_scope = Scope.for_user(frank)
    services.task_step(task=cast.shopping_b, step="picked_up", user=frank, scope=frank_scope)
    cast.purchase_b = ledger.purchase_record(scope=frank_scope, user=frank, task=cast.shopping_b,
                                             amount=Decimal("58.50"))
    cast.garbage_a = services.request_make(dwelling=cast.dwelling_a, kind=Task.Kind.GARBAGE,
                                           user=alice, scope=Scope.for_user(alice))
    cast.delivery_day = dt.date(2026, 3, 2)
    return cast
