"""The run sheet's, the standing assignments' and the delivery API's part of the scope matrix
and of the list-page query counts.

The matrix task is `run_task`: a shopping request of a second household of building B (its
phone shared with the courier), given to frank, building B's standing courier. Frank works it
(steps, receipt, repayment, the call); bob (grid B), carol (admin) and root may move it on too;
dave reads it and may not; alice (grid A) and olga (another community) do not see it. Everyone
who opens the office's delivery pages (readers, grid workers) opens the run sheet of a courier
of their communities, and frank his own; erin and gina have no run sheet. The standing
assignments are read by the office and changed by the community's admins only.
"""

import datetime as dt
import uuid
from decimal import Decimal

from fangxian.core.scope import Scope
from fangxian.delivery import ledger, services
from fangxian.delivery.models import Assignment, Household, Task
from tests.conftest import FROZEN_AT
from tests.delivery.cast import delivery_cast
from tests.factories import DwellingFactory, PersonFactory
from tests.roles import ADMIN_OF_CAROL, DENY, LOGIN, OK, row

RUN_SHEET = row(LOGIN, OK, OK, OK, OK, DENY, OK, OK, OK, gina=DENY)
RUN_WORK = row(LOGIN, DENY, OK, OK, DENY, DENY, OK, DENY, OK, gina=DENY)
RUN_CALL = row(LOGIN, DENY, DENY, DENY, DENY, DENY, OK, DENY, DENY, gina=DENY)
ASSIGN_READ = row(LOGIN, OK, OK, OK, OK, DENY, DENY, OK, OK, gina=DENY)

PAGES: dict = {
    "delivery:run_sheet": ("get", None, RUN_SHEET),
    "delivery:run_pdf": ("get", None, RUN_SHEET),
    "delivery:run_step": ("post", lambda c: c.run_task.pk, RUN_WORK),
    "delivery:run_purchase": ("post", lambda c: c.run_task.pk, RUN_WORK),
    "delivery:run_repayment": ("post", lambda c: c.run_task.pk, RUN_WORK),
    "delivery:run_call": ("post", lambda c: c.run_task.pk, RUN_CALL),
    "delivery:assignments": ("get", None, ASSIGN_READ),
    # Building A has no standing courier: "nobody" changes nothing, and needs no confirmation.
    "delivery:assignment_set": ("post", lambda c: c.building_a.pk, ADMIN_OF_CAROL),
}
POST_DATA: dict = {
    "delivery:run_step": {"step": "picked_up", "event_id": "8a0c4c3e-5f0e-4a43-9a55-2c1e8f1b7d01"},
    "delivery:run_purchase": {"amount": "30", "event_id": "8a0c4c3e-5f0e-4a43-9a55-2c1e8f1b7d02"},
    "delivery:run_repayment": {"amount": "10", "method": "cash", "event_id": "8a0c4c3e-5f0e-4a43-9a55-2c1e8f1b7d03"},
    "delivery:assignment_set": {"courier": ""},
}


def _step(c) -> dict:
    return {"step": "picked_up", "event_id": str(uuid.uuid4())}


API: dict = {
    "delivery_task_list": (None, None, RUN_SHEET),
    "delivery_task_step": (lambda c: c.run_task.pk, _step, RUN_WORK),
}
LIST_CASES: dict = {
    "delivery:run_sheet": ("carol", "bob"),
    "delivery:assignments": ("carol", "dave", "bob"),
}


def equip(cast) -> None:
    """The delivery cast, and run_task: 鲁家 of building B (room 1709, phone shared with the
    courier) asked bob for medicine and shopping; it went to frank."""
    delivery_cast(cast)
    if getattr(cast, "run_task", None) is not None:
        return
    bob = cast.users["bob"]
    cast.run_dwelling = DwellingFactory(building=cast.building_b, room="R1709")
    cast.run_person = PersonFactory(dwelling=cast.run_dwelling, name="鲁大海")
    Household.objects.create(dwelling=cast.run_dwelling, phone_shared=True, dietary="软食")
    cast.run_task = services.request_make(dwelling=cast.run_dwelling, kind=Task.Kind.SHOPPING, items="面条\n牛奶",
                                          budget="50", user=bob, scope=Scope.for_user(bob))


def grow(cast, building, i: int) -> None:
    """Frank stands for the new building: a lunch of a new household there, a shopping run
    bought for 20 yuan, and a garbage pickup nobody has yet."""
    equip(cast)
    frank = cast.users["frank"]
    Assignment.objects.get_or_create(building=building, defaults={"courier": frank})
    now = FROZEN_AT
    day = FROZEN_AT.date()
    dwelling = DwellingFactory(building=building, room=f"R{40 + i}0{i % 9 + 1}")
    PersonFactory(dwelling=dwelling)
    Household.objects.create(dwelling=dwelling, phone_shared=bool(i % 2), dietary="清真" if i % 2 else "")
    Task.objects.create(dwelling=dwelling, kind=Task.Kind.MEAL, meal="lunch", day=day,
                        due_by=now.replace(hour=12, minute=0, second=0, microsecond=0), people=1,
                        status=Task.Status.ASSIGNED, courier=frank, source=Task.Source.GENERATED, created_at=now,
                        assigned_at=now)
    shopping = Task.objects.create(dwelling=dwelling, kind=Task.Kind.SHOPPING, items="米", budget=Decimal("30"),
                                   day=day, due_by=now + dt.timedelta(hours=20), status=Task.Status.ASSIGNED,
                                   courier=frank, source=Task.Source.WORKER, created_at=now, assigned_at=now)
    ledger.purchase_record(scope=Scope.for_user(frank), user=frank, task=shopping, amount="20")
    Task.objects.create(dwelling=DwellingFactory(building=building), kind=Task.Kind.GARBAGE, day=day,
                        due_by=now + dt.timedelta(hours=20), source=Task.Source.WORKER, created_at=now)
