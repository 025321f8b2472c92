"""The stock pages' part of the scope matrix and of the list-page query counts.

The office pages (stock, its export, items, the ledger and its export) are read by carol (the
community's admin), dave (the subdistrict's officer), olga (admin of another community: she
opens them and sees only hers) and root; written by carol and root only: olga gets 404 on
carol's community and movements, dave 403. The matrix records a purchase of 10 masks at the
store, adds an item, changes the disinfectant, and reverses a purchase of 5 masks made here.
"""

from fangxian.core.scope import Scope
from fangxian.supplies import stock
from fangxian.supplies.models import Item, Movement
from tests.roles import ADMIN_OF_CAROL, DENY, LOGIN, OK, row
from tests.supplies.cast import supplies_cast

STOCK_READERS = row(LOGIN, DENY, DENY, OK, OK, DENY, DENY, OK, OK)

PAGES: dict = {
    "supplies:stock": ("get", None, STOCK_READERS),
    "supplies:stock_export": ("get", None, STOCK_READERS),
    "supplies:items": ("get", None, STOCK_READERS),
    "supplies:item_add": ("post", lambda c: c.community.pk, ADMIN_OF_CAROL),
    "supplies:item_edit": ("post", lambda c: c.disinfectant.pk, ADMIN_OF_CAROL),
    "supplies:ledger": ("get", None, STOCK_READERS),
    "supplies:ledger_export": ("get", None, STOCK_READERS),
    "supplies:movement_add": ("post", lambda c: c.community.pk, ADMIN_OF_CAROL),
    "supplies:movement_reverse": ("post", lambda c: c.matrix_purchase.pk, ADMIN_OF_CAROL),
}
POST_DATA: dict = {
    "supplies:item_add": {"name": "体温计", "unit": "支", "low_stock": "2"},
    "supplies:item_edit": {"name": "消毒液", "unit": "瓶", "low_stock": "8", "key": "on"},
    "supplies:movement_add": {"act": "in", "item": "", "place": "", "quantity": "10", "note": "矩阵测试"},
    "supplies:movement_reverse": {"reason": "矩阵测试"},
}
API: dict = {}
LIST_CASES: dict = {
    "supplies:stock": ("carol", "dave"),
    "supplies:items": ("carol", "dave"),
    "supplies:ledger": ("carol", "dave"),
}


def equip(cast) -> None:
    supplies_cast(cast)
    if getattr(cast, "matrix_purchase", None) is not None:
        return
    carol = cast.users["carol"]
    cast.matrix_purchase = stock.stock_in(scope=Scope.for_user(carol), user=carol, item=cast.masks, place=cast.store,
                                          kind=Movement.Kind.PURCHASE, quantity=5, note="矩阵")
    POST_DATA["supplies:movement_add"].update(item=str(cast.masks.pk), place=str(cast.store.pk))


def grow(cast, building, i: int) -> None:
    """One more item in carol's community, with a purchase at the store, a transfer to the
    gate, an issue there (every third reversed); and one more of olga's."""
    equip(cast)
    carol = cast.users["carol"]
    everything = Scope.everything(carol.pk)
    item = Item.objects.create(community=cast.community, name=f"物资{building.pk}-{i}", unit="个", low_stock=3)
    stock.stock_in(scope=everything, user=carol, item=item, place=cast.store, kind=Movement.Kind.PURCHASE,
                            quantity=20 + i, note="增长")
    stock.transfer(scope=everything, user=carol, item=item, source=cast.store, target=cast.gate_place, quantity=5)
    issued = stock.stock_out(scope=everything, user=carol, item=item, place=cast.gate_place,
                             kind=Movement.Kind.ISSUE, quantity=2, recipient=Movement.Recipient.FRONT_LINE)
    if i % 3 == 0:
        stock.movement_reverse(scope=everything, user=carol, movement=issued, reason="记错")
    other = Item.objects.create(community=cast.other, name=f"物资{building.pk}-{i}", unit="个")
    stock.stock_in(scope=everything, user=cast.users["olga"], item=other, place=cast.other_store,
                   kind=Movement.Kind.PURCHASE, quantity=3)
