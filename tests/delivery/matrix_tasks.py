"""The office's task pages in the scope matrix and in the list-page query counts.

The list and the Excel of the day: whoever sees the office's delivery pages (the community's
readers, grid workers; olga opens them and sees her own community, where nothing is
delivered); never a courier (frank has his run sheet) or a checkpoint volunteer. A task's page
and its photo: whoever sees the task (grid B's: bob, the readers, frank its courier). Its
steps (assign, cancel, reopen): whoever may edit the household (bob, carol, root), never the
officer (dave reads only) nor the courier.

The matrix's own tasks, all of grid B's household and frank's: a medicine request he could not
deliver (failed: to reopen), a garbage pickup he delivered with a photo at the door, and a
shopping request to cancel. Assigning posts no courier: refused with a message, nothing changes.
"""

from __future__ import annotations

import datetime as dt

from django.core.files.base import ContentFile

from fangxian.core.scope import Scope
from fangxian.delivery import services
from fangxian.delivery.models import Task
from tests.conftest import FROZEN_AT
from tests.delivery.cast import delivery_cast
from tests.factories import DwellingFactory, PersonFactory
from tests.returnees.conftest import PNG
from tests.roles import DENY, LOGIN, OK, row

OFFICE = row(LOGIN, OK, OK, OK, OK, DENY, DENY, OK, OK, gina=DENY)
TASK_B_READ = row(LOGIN, DENY, OK, OK, OK, DENY, OK, DENY, OK, gina=DENY)
TASK_B_WRITE = row(LOGIN, DENY, OK, OK, DENY, DENY, DENY, DENY, OK, gina=DENY)

PAGES: dict = {
    "delivery:task_list": ("get", None, OFFICE),
    "delivery:task_export": ("get", None, OFFICE),
    "delivery:task_detail": ("get", lambda c: c.lunch_b.pk, TASK_B_READ),
    "delivery:task_photo": ("get", lambda c: c.delivered_b.pk, TASK_B_READ),
    "delivery:task_assign": ("post", lambda c: c.cancel_b.pk, TASK_B_WRITE),
    "delivery:task_cancel": ("post", lambda c: c.cancel_b.pk, TASK_B_WRITE),
    "delivery:task_reopen": ("post", lambda c: c.failed_b.pk, TASK_B_WRITE),
}
POST_DATA: dict = {
    "delivery:task_cancel": {"reason": "矩阵测试", "confirm": "on"},
    "delivery:task_reopen": {"note": "矩阵测试"},
}
API: dict = {}
LIST_CASES: dict = {
    "delivery:task_list": ("carol", "dave", "bob"),
}


def equip(cast) -> None:
    delivery_cast(cast)
    if getattr(cast, "failed_b", None) is not None:
        return
    bob, frank = cast.users["bob"], cast.users["frank"]
    bob_scope, frank_scope = Scope.for_user(bob), Scope.for_user(frank)
    cast.failed_b = services.request_make(dwelling=cast.household_b, kind=Task.Kind.MEDICINE, items="布洛芬 1盒",
                                          user=bob, scope=bob_scope)
    services.task_step(task=cast.failed_b, step="failed", user=frank, scope=frank_scope, note="药店关门")
    cast.delivered_b = services.request_make(dwelling=cast.household_b, kind=Task.Kind.GARBAGE, user=bob,
                                             scope=bob_scope)
    services.task_step(task=cast.delivered_b, step="delivered", user=frank, scope=frank_scope,
                       photo=ContentFile(PNG, name="door.png"))
    cast.cancel_b = services.request_make(dwelling=cast.household_b, kind=Task.Kind.SHOPPING, items="酱油 1瓶",
                                          user=bob, scope=bob_scope)


def grow(cast, building, i: int) -> None:
    """Around a new building of carol's community: a household with a lunch given to frank,
    delivered on odd rounds, and a shopping request he could not deliver."""
    equip(cast)
    frank = cast.users["frank"]
    # A room no factory sequence and no other matrix's grow makes (they number rooms in digits).
    dwelling = DwellingFactory(building=building, room=f"T{i + 1}01")
    PersonFactory(dwelling=dwelling)
    now = FROZEN_AT
    lunch = Task.objects.create(
        dwelling=dwelling, kind=Task.Kind.MEAL, meal="lunch", day=FROZEN_AT.date(),
        due_by=now + dt.timedelta(hours=2), people=1, status=Task.Status.ASSIGNED, courier=frank,
        source=Task.Source.GENERATED, created_at=now, assigned_at=now)
    if i % 2:
        services.task_step(task=lunch, step="delivered", user=frank, scope=Scope.for_user(frank))
    errand = services.request_make(dwelling=dwelling, kind=Task.Kind.SHOPPING, items=f"面条 {i + 1}包",
                                   user=cast.users["carol"], scope=Scope.for_user(cast.users["carol"]))
    Task.objects.filter(pk=errand.pk).update(courier=frank, status=Task.Status.ASSIGNED)
    errand.refresh_from_db()
    services.task_step(task=errand, step="failed", user=frank, scope=Scope.for_user(frank), note="无人应门")
