"""The donations pages' part of the scope matrix and of the list-page query counts.

The office (carol, olga for her own community, root) and the officer (dave) read the
donations; olga opens the list and sees only hers, and gets 404 on carol's donation; carol and
root record donations for carol's community; erin (checkpoint volunteer), the grid workers,
frank and gina are refused. The reveal of a donor's phone is for those who read the donation.
"""

from fangxian.core.scope import Scope
from fangxian.supplies import services
from fangxian.supplies.models import Donation
from tests.roles import ADMIN_OF_CAROL, DENY, LOGIN, OK, row
from tests.supplies.cast import supplies_cast

DONATION_READERS = row(LOGIN, DENY, DENY, OK, OK, DENY, DENY, OK, OK, gina=DENY)
READS_CAROLS = row(LOGIN, DENY, DENY, OK, OK, DENY, DENY, DENY, OK, gina=DENY)

PAGES: dict = {
    "supplies:donation_list": ("get", None, DONATION_READERS),
    "supplies:donation_export": ("get", None, DONATION_READERS),
    "supplies:donation_add": ("post", lambda c: c.community.pk, ADMIN_OF_CAROL),
    "supplies:donation_detail": ("get", lambda c: c.donation_named.pk, READS_CAROLS),
    "supplies:donation_reveal": ("post", lambda c: c.donation_named.pk, READS_CAROLS),
    "supplies:donation_receipt": ("get", lambda c: c.donation_named.pk, READS_CAROLS),
    "supplies:donation_certificate": ("get", lambda c: c.donation_named.pk, READS_CAROLS),
}
POST_DATA: dict = {
    "supplies:donation_add": {"donor_kind": "enterprise", "donor_name": "矩阵测试企业", "naming": "named",
                              "received_on": "2026-03-02", "value": "100", "item_1": "", "quantity_1": "10"},
    "supplies:donation_reveal": {"field": "phone", "reason": "矩阵测试"},
}
API: dict = {}
LIST_CASES: dict = {
    "supplies:donation_list": ("carol", "dave"),
}


def equip(cast) -> None:
    supplies_cast(cast)
    POST_DATA["supplies:donation_add"]["item_1"] = str(cast.masks.pk)


def grow(cast, building, i: int) -> None:
    """One more donation to carol's community, of two items, every third one anonymous."""
    equip(cast)
    carol = cast.users["carol"]
    anonymous = i % 3 == 0
    services.donation_record(
        scope=Scope.everything(carol.pk), user=carol, community=cast.community,
        donor_kind=Donation.DonorKind.ANONYMOUS if anonymous else Donation.DonorKind.RESIDENT,
        donor_name="" if anonymous else f"捐赠人{building.pk}-{i}", donor_phone="" if anonymous else "13900139000",
        naming=Donation.Naming.DISPLAY if i % 2 else Donation.Naming.NOT_NAMED, display_name="爱心居民",
        value=str(10 + i), lines=[(cast.masks, 5 + i), (cast.disinfectant, 1)])
