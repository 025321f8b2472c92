"""Returnee fixtures: risk areas, registrations in grid B, a move-in slip and a home quarantine."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.utils import timezone

from fangxian.core.scope import Scope
from fangxian.registry.models import Dwelling
from fangxian.returnees import services
from fangxian.returnees.models import DoorSeal
from tests.factories import DwellingFactory, make_national_id


def root_scope(cast) -> Scope:
    return Scope(user_id=cast.users["root"].pk, is_superuser=True)


def registration_data(dwelling, **overrides) -> dict:
    data = {
        "name": "返深居民", "national_id": make_national_id(), "phone": "13912340000", "dwelling": dwelling,
        "from_province": "湖北省", "from_city": "武汉市", "from_district": "江汉区", "route": "武汉→深圳",
        "transport": "G1001", "arrival_date": timezone.localdate(), "symptoms": False, "temperature": "36.5",
    }
    data.update(overrides)
    return data


def register(community, dwelling, *, companions=(), **overrides):
    return services.registration_submit(community=community, data=registration_data(dwelling, **overrides),
                                        companions=list(companions), consent=True)


def equip_returnees(cast):
    """In `cast` (two_grids or the matrix cast), all in grid B: a risk area (Wuhan, high, home
    quarantine 14 days), a pending registration named like person_b (so alice's pages must not
    show it), an approved one with its move-in slip, a household in home quarantine (the returnee
    and a companion, with a check-in) and another household's quarantine due for release."""
    carol = cast.users["carol"]
    scope = root_scope(cast)
    cast.area = services.area_set(scope=scope, user=cast.users["root"], subdistrict=cast.community.subdistrict,
                                  data={"province": "湖北省", "city": "武汉市", "level": "high",
                                        "measure": "home_quarantine", "quarantine_days": 14,
                                        "effective_from": timezone.localdate() - dt.timedelta(days=30)})
    cast.registration_b = register(cast.community, DwellingFactory(building=cast.building_b), name="乙网格居民",
                                   companions=[{"name": "同行人", "national_id": make_national_id(),
                                                "phone": "13912340001", "relation": "配偶"}])
    approved = register(cast.community, DwellingFactory(building=cast.building_b), from_province="广东省",
                        from_city="广州市", from_district="")
    approved = services.registration_review(scope=scope, user=carol, registration=approved, decision="approve",
                                            reason="无风险")
    cast.slip_b = approved.slips.get()
    quarantined = register(cast.community, DwellingFactory(building=cast.building_b),
                           arrival_date=timezone.localdate() - dt.timedelta(days=14),
                           companions=[{"name": "同住人", "national_id": make_national_id(), "phone": "",
                                        "relation": "子女"}])
    quarantined = services.registration_review(scope=scope, user=carol, registration=quarantined,
                                               decision="home_quarantine", reason="来自高风险地区")
    # The returnee and the companion: one household measure.
    cast.quarantine_b, cast.quarantine_b_companion = quarantined.quarantines.order_by("pk")
    # Another household, due for release today (extending the first does not touch it).
    alone = register(cast.community, DwellingFactory(building=cast.building_b),
                     arrival_date=timezone.localdate() - dt.timedelta(days=14))
    alone = services.registration_review(scope=scope, user=carol, registration=alone, decision="home_quarantine",
                                         reason="来自高风险地区")
    cast.quarantine_b2 = alone.quarantines.get()
    services.checkin_record(quarantine=cast.quarantine_b, temperature="36.6", symptoms=False)
    # A bulk approval of the pending registration, asked by carol, waiting for a second approver.
    cast.bulk_b = services.bulk_review_request(scope=scope, user=carol, registrations=[cast.registration_b],
                                               decision="approve", reason="批量核实")
    # Door seals: a room not returned (to seal), and a sealed room with a photo.
    cast.unreturned_b = DwellingFactory(building=cast.building_b, status=Dwelling.Status.NOT_RETURNED)
    cast.seal_b = DoorSeal.objects.create(
        dwelling=DwellingFactory(building=cast.building_b, status=Dwelling.Status.SEALED), sealed_at=timezone.now(),
        sealed_by=carol, note="矩阵", photo=ContentFile(PNG, name="seal.png"))
    return cast


# A 1×1 PNG.
PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c63f8"
                    "ffff3f0005fe02fea7d69c9b0000000049454e44ae426082")


@pytest.fixture
def returnees(request, two_grids):
    """The returnee cast, dated from a known moment: the test's own frozen clock or the CI
    clock when one runs, else FROZEN_AT (ticking), never the real hour."""
    if not time_machine.escape_hatch.is_travelling():
        request.getfixturevalue("frozen_clock_or_ci_clock")
    return equip_returnees(two_grids)
