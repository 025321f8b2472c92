"""The public donations page's, its poster's and the team activities' part of the scope matrix.

The public page and its poster are open to everyone (no login) by the community's code. The
supplies given out at a team activity are read by the office and the officers (carol, dave,
root; olga's scope holds no activity of carol's community: 404) and written by carol and root;
the photos of an activity by the same readers.
"""

import datetime as dt
import io

from django.core.files.base import ContentFile
from PIL import Image

from fangxian.core.scope import Scope
from fangxian.duty.models import TeamActivity, TeamActivityPhoto, VolunteerTeam
from fangxian.supplies import services, stock
from fangxian.supplies.models import Donation, Movement
from tests.conftest import FROZEN_AT
from tests.roles import ADMIN_OF_CAROL, DENY, LOGIN, OK, PUBLIC, row
from tests.supplies.cast import supplies_cast

STOCK_READ_OF_CAROL = row(LOGIN, DENY, DENY, OK, OK, DENY, DENY, DENY, OK)

PAGES = {
    "supplies:public": ("get", lambda c: c.community.code, PUBLIC),
    "supplies:public_pdf": ("get", lambda c: c.community.code, PUBLIC),
    "supplies:activity_supplies": ("get", lambda c: c.supplies_activity.pk, STOCK_READ_OF_CAROL),
    "supplies:activity_issue": ("post", lambda c: c.supplies_activity.pk, ADMIN_OF_CAROL),
    "supplies:activity_photo": ("get", lambda c: c.supplies_activity_photo.pk, STOCK_READ_OF_CAROL),
}
# The item and place pks are filled in by equip().
POST_DATA = {
    "supplies:activity_issue": {"item": "", "place": "", "quantity": "1", "note": "矩阵测试"},
}
API: dict = {}
LIST_CASES: dict = {}

def jpeg(colour=(200, 30, 30), size=(8, 8)) -> bytes:
    """A small JPEG, as the team page's upload stores it."""
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, format="JPEG")
    return out.getvalue()


def equip(cast) -> None:
    """A team of carol's community with a members' drive; 10 masks given out at it from the
    office store; a photo of it."""
    supplies_cast(cast)
    if getattr(cast, "supplies_activity", None) is not None:
        return
    carol = cast.users["carol"]
    cast.supplies_team = VolunteerTeam.objects.create(community=cast.community, name="物资募集服务队",
                                                      formed_on=dt.date(2026, 2, 1))
    cast.supplies_activity = TeamActivity.objects.create(
        team=cast.supplies_team, kind=TeamActivity.Kind.DRIVE, held_on=FROZEN_AT.date(), title="爱心物资募集",
        participants=4)
    cast.activity_issue = stock.stock_out(
        scope=Scope.for_user(carol), user=carol, item=cast.masks, place=cast.store, kind=Movement.Kind.ISSUE,
        quantity=10, recipient=Movement.Recipient.TEAM, team=cast.supplies_team, activity=cast.supplies_activity)
    cast.supplies_activity_photo = TeamActivityPhoto.objects.create(
        activity=cast.supplies_activity, image=ContentFile(jpeg(), name="drive.jpg"), uploaded_at=FROZEN_AT)
    POST_DATA["supplies:activity_issue"].update(item=str(cast.masks.pk), place=str(cast.store.pk))


def grow(cast, building, i: int) -> None:
    """One more named donation and one more unnamed, and one more issue at the activity."""
    equip(cast)
    carol = cast.users["carol"]
    office = Scope.for_user(carol)
    services.donation_record(scope=office, user=carol, community=cast.community,
                             donor_kind=Donation.DonorKind.ORGANISATION, donor_name=f"爱心协会{building.pk}-{i}",
                             naming=Donation.Naming.NAMED, lines=[(cast.masks, 5), (cast.disinfectant, 1)])
    services.donation_record(scope=office, user=carol, community=cast.community,
                             donor_kind=Donation.DonorKind.RESIDENT, donor_name=f"居民{i}", donor_phone="13900139000",
                             naming=Donation.Naming.NOT_NAMED, lines=[(cast.masks, 3)])
    stock.stock_out(scope=office, user=carol, item=cast.masks, place=cast.store, kind=Movement.Kind.ISSUE,
                    quantity=1, recipient=Movement.Recipient.TEAM, team=cast.supplies_team,
                    activity=cast.supplies_activity)
