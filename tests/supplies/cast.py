"""The supplies part of the two_grids cast, shared by supplies' tests and matrix modules.

Carol's community keeps masks (key item, warn at 100 or below) and disinfectant in its office
store and at the east gate (`cast.gate_place`, erin's checkpoint). On the frozen day
(2026-03-02): a donation of 1,000 masks and 20 bottles from 海景实业 (an enterprise, named
publicly), 200 masks from a resident who did not agree to be named (with a phone), 50 masks
from an anonymous donor; 300 masks transferred to the gate; 30 masks used up at the gate;
erin's request for 500 more masks for the gate, waiting. Olga's community keeps its own
masks. Call inside the frozen clock."""

from __future__ import annotations

from fangxian.core.scope import Scope
from fangxian.supplies import services, stock
from fangxian.supplies.models import Donation, Item, Movement, Place
from tests.access.conftest import make_checkpoint

RESIDENT_DONOR = ("林捐赠", "13800138123")


def supplies_cast(cast):
    """Idempotent: a second call changes nothing."""
    if getattr(cast, "masks", None) is not None:
        return cast
    carol, olga = cast.users["carol"], cast.users["olga"]
    office = Scope.for_user(carol)
    if getattr(cast, "checkpoint", None) is None:
        cast.checkpoint = make_checkpoint(cast.estate)
    cast.masks = Item.objects.create(community=cast.community, name="口罩", unit="只", key=True, low_stock=100)
    cast.disinfectant = Item.objects.create(community=cast.community, name="消毒液", unit="瓶", low_stock=5)
    cast.store = services.places_ensure(cast.community)
    cast.gate_place = Place.objects.get(checkpoint=cast.checkpoint)
    cast.donation_named = services.donation_record(
        scope=office, user=carol, community=cast.community, donor_kind=Donation.DonorKind.ENTERPRISE,
        donor_name="海景实业有限公司", donor_phone="13700137000", naming=Donation.Naming.NAMED, value="3000",
        lines=[(cast.masks, 1000), (cast.disinfectant, 20)])
    cast.donation_private = services.donation_record(
        scope=office, user=carol, community=cast.community, donor_kind=Donation.DonorKind.RESIDENT,
        donor_name=RESIDENT_DONOR[0], donor_phone=RESIDENT_DONOR[1], naming=Donation.Naming.NOT_NAMED,
        lines=[(cast.masks, 200)])
    cast.donation_anonymous = services.donation_record(
        scope=office, user=carol, community=cast.community, donor_kind=Donation.DonorKind.ANONYMOUS,
        lines=[(cast.masks, 50)])
    cast.to_gate = stock.transfer(scope=office, user=carol, item=cast.masks, source=cast.store,
                                  target=cast.gate_place, quantity=300)
    cast.used_at_gate = stock.stock_out(scope=office, user=carol, item=cast.masks, place=cast.gate_place,
                                        kind=Movement.Kind.USE, quantity=30)
    cast.gate_request = services.request_make(scope=Scope.for_user(cast.users["erin"]), user=cast.users["erin"],
                                              item=cast.masks, place=cast.gate_place, quantity=500, people=12,
                                              note="夜班执勤")
    # Olga's community: its own masks, which carol's pages never show.
    other = cast.other
    cast.other_masks = Item.objects.create(community=other, name="口罩", unit="只", key=True)
    cast.other_store = services.places_ensure(other)
    services.donation_record(scope=Scope.for_user(olga), user=olga, community=other,
                             donor_kind=Donation.DonorKind.ENTERPRISE, donor_name="别的社区企业",
                             naming=Donation.Naming.NAMED, lines=[(cast.other_masks, 70)])
    return cast
