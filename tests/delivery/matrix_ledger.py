"""The money ledger's part of the scope matrix and of the list-page query counts.

The cast's purchase (frank bought grid B's shopping, 58.50 yuan) carries a receipt photo; grid
B's household paid frank back 20 yuan in cash (recorded by bob), the entry the matrix reverses.
Readers (carol, dave) see all of the community's entries, bob (grid B) grid B's, alice (grid A)
none of them, frank (the courier) those where he paid or received; olga opens the page and sees
her own community (no entry); erin and gina (no delivery) are refused. A correction is made by
who may write the entry (bob, carol, never dave who reads) or by frank, who received the
repayment; couriers are paid back by carol, the admin of the community.
"""

from decimal import Decimal

from django.core.files.base import ContentFile

from fangxian.core.scope import Scope
from fangxian.delivery import ledger
from fangxian.delivery.models import Task
from tests.delivery.cast import delivery_cast
from tests.factories import DwellingFactory
from tests.returnees.conftest import PNG
from tests.roles import ADMIN_OF_CAROL, DENY, LOGIN, OK, row

LEDGER_READERS = row(LOGIN, OK, OK, OK, OK, DENY, OK, OK, OK, gina=DENY)
LEDGER_SEES_B = row(LOGIN, DENY, OK, OK, OK, DENY, OK, DENY, OK, gina=DENY)
LEDGER_CORRECTS_B = row(LOGIN, DENY, OK, OK, DENY, DENY, OK, DENY, OK, gina=DENY)

PAGES: dict = {
    "delivery:ledger": ("get", None, LEDGER_READERS),
    "delivery:ledger_export": ("get", None, LEDGER_READERS),
    "delivery:ledger_reverse": ("post", lambda c: c.repayment_b.pk, LEDGER_CORRECTS_B),
    "delivery:ledger_reimburse": ("post", lambda c: c.community.pk, ADMIN_OF_CAROL),
    "delivery:ledger_receipt": ("get", lambda c: c.purchase_b.pk, LEDGER_SEES_B),
}
POST_DATA: dict = {
    "delivery:ledger_reverse": {"reason": "矩阵测试"},
    "delivery:ledger_reimburse": {"courier": "", "amount": "20.00", "method": "cash", "note": "矩阵测试"},
}
API: dict = {}
LIST_CASES: dict = {
    "delivery:ledger": ("carol", "dave", "bob"),
}


def equip(cast) -> None:
    delivery_cast(cast)
    if getattr(cast, "repayment_b", None) is not None:
        return
    bob, frank = cast.users["bob"], cast.users["frank"]
    cast.purchase_b.receipt.save("receipt.png", ContentFile(PNG), save=True)
    cast.repayment_b = ledger.repayment_record(scope=Scope.for_user(bob), user=bob, dwelling=cast.household_b,
                                               amount="20", method="cash", payee=frank, task=cast.shopping_b)
    POST_DATA["delivery:ledger_reimburse"]["courier"] = str(frank.pk)


def grow(cast, building, i: int) -> None:
    """A shopping run in the new building and one more in grid B, each bought by frank and
    paid back in part; one repayment corrected; the office pays frank back."""
    equip(cast)
    carol, frank = cast.users["carol"], cast.users["frank"]
    everything = Scope.everything(carol.pk)
    # Rooms of their own (the factory's numbered rooms would meet other parts' "201", "302" ...).
    rooms = (f"账{building.pk}-{i}", f"账B{building.pk}-{i}")
    for dwelling in (DwellingFactory(building=building, room=rooms[0]),
                     DwellingFactory(building=cast.building_b, room=rooms[1])):
        task = Task.objects.create(dwelling=dwelling, kind=Task.Kind.SHOPPING, day=cast.shopping_b.day,
                                   due_by=cast.shopping_b.due_by, status=Task.Status.PICKED_UP, courier=frank,
                                   source=Task.Source.WORKER, created_at=cast.shopping_b.created_at)
        ledger.purchase_record(scope=everything, user=frank, task=task, amount=Decimal("30") + i)
        repaid = ledger.repayment_record(scope=everything, user=carol, dwelling=dwelling, amount="10",
                                         method="transfer", payee=carol if i % 2 else frank, task=task)
        if i % 3 == 0:
            ledger.entry_reverse(scope=everything, user=carol, entry=repaid, reason="记错")
    ledger.reimbursement_record(scope=everything, user=carol, community_id=cast.community.pk, courier=frank,
                                amount="5", method="cash")
