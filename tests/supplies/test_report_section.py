"""Supplies' figures of the daily report (supplies.report_sections) and of the wall dashboard,
against counts made independently over the cast's movements. The clock stands at 2026-03-02
10:00; every movement of the cast is of that day."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from fangxian.core.scope import Scope
from fangxian.reports.dashboard_selectors import dashboard
from fangxian.supplies import services, stock
from fangxian.supplies.figures import section_figures
from fangxian.supplies.models import Donation, Item, Movement, SupplyRequest
from fangxian.supplies.report_sections import SECTIONS
from tests.conftest import FROZEN_AT
from tests.factories import CommunityFactory
from tests.supplies.cast import supplies_cast

pytestmark = pytest.mark.usefixtures("frozen_clock")
TODAY = FROZEN_AT.date()
YESTERDAY = TODAY - dt.timedelta(days=1)
K = Movement.Kind
KEYS = ["received_today", "issued_today", "key_items_in_stock", "lowest_days_left", "open_shortages"]


@pytest.fixture
def cast(two_grids):
    return supplies_cast(two_grids)


def by_hand(community, day):
    """The figures counted over the rows in Python, the way a clerk would from the ledger."""
    movements = list(Movement.objects.filter(community=community).select_related("reverses", "item", "place"))

    def kind_of(m):
        return m.reverses.kind if m.kind == K.REVERSAL else m.kind

    received = sum(m.change for m in movements if m.day == day and kind_of(m) in (K.DONATION, K.PURCHASE))
    issued = -sum(m.change for m in movements if m.day == day and kind_of(m) in Movement.CONSUMED)
    keys = Item.objects.filter(community=community, key=True)
    in_stock, days_left = 0, []
    for item in keys:
        level = sum(m.change for m in movements if m.item_id == item.pk and m.day <= day)
        used = -sum(m.change for m in movements if m.item_id == item.pk and kind_of(m) in Movement.CONSUMED
                    and day - dt.timedelta(days=6) <= m.day <= day)
        in_stock += level
        if used > 0:
            days_left.append(int(level // (used / 7)))
    store_of = {}
    for m in movements:
        if m.place.kind == "store" and m.day <= day:
            store_of[m.item_id] = store_of.get(m.item_id, 0) + m.change
    end = timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))
    short = 0
    for request in SupplyRequest.objects.filter(community=community, asked_at__lt=end):
        if request.status == "cancelled" or (request.status == "refused" and request.decided_at < end):
            continue
        issued_so_far = -sum(m.change for m in movements if m.request_id == request.pk and m.day <= day
                             and m.place_id != request.place_id)
        left = request.quantity - issued_so_far
        if left > 0 and store_of.get(request.item_id, 0) < left:
            short += 1
    return {"received_today": received, "issued_today": issued, "key_items_in_stock": in_stock,
            "lowest_days_left": min(days_left) if days_left else None, "open_shortages": short}


def test_the_section_declares_its_flows_and_levels(db):
    (section,) = SECTIONS
    assert section.key == "supplies" and [f.key for f in section.figures] == KEYS
    assert [f.kind for f in section.figures] == ["today", "today", "level", "level", "level"]


def test_the_figures_of_the_day_equal_a_count_by_hand(cast):
    drafted = section_figures([cast.community.pk, cast.other.pk], TODAY)
    assert drafted[cast.community.pk] == by_hand(cast.community, TODAY)
    assert drafted[cast.other.pk] == by_hand(cast.other, TODAY)
    # And written out: 1,000 + 20 + 200 + 50 came in; 30 masks were used (the 300 carried to the
    # gate stayed the community's); 1,220 masks are left; at 30 a week they last 284 days.
    assert drafted[cast.community.pk] == {"received_today": 1270, "issued_today": 30, "key_items_in_stock": 1220,
                                          "lowest_days_left": 284, "open_shortages": 0}
    # Olga's community consumed nothing: how long its masks last is unknown.
    assert drafted[cast.other.pk] == {"received_today": 70, "issued_today": 0, "key_items_in_stock": 70,
                                      "lowest_days_left": None, "open_shortages": 0}


def test_reversals_and_issues_and_shortages_move_the_figures(cast):
    carol = cast.users["carol"]
    office = Scope.for_user(carol)
    stock.movement_reverse(scope=office, user=carol, movement=cast.used_at_gate, reason="其实没有用掉")
    stock.stock_out(scope=office, user=carol, item=cast.masks, place=cast.store, kind=K.ISSUE, quantity=70,
                    recipient=Movement.Recipient.DELIVERY)
    anonymous = cast.donation_anonymous.movements.get()
    stock.movement_reverse(scope=office, user=carol, movement=anonymous, reason="记重了")
    # The gate asks for more than the store holds (830): a shortage; a small ask is not.
    services.request_make(scope=office, user=carol, item=cast.masks, place=cast.gate_place, quantity=2000)
    services.request_make(scope=office, user=carol, item=cast.disinfectant, place=cast.gate_place, quantity=5)
    figures = section_figures([cast.community.pk], TODAY)[cast.community.pk]
    assert figures == by_hand(cast.community, TODAY)
    assert figures["received_today"] == 1270 - 50 and figures["issued_today"] == 70
    assert figures["key_items_in_stock"] == 1250 - 50 - 70 and figures["open_shortages"] == 1
    assert figures["lowest_days_left"] == (1250 - 50 - 70) * 7 // 70


def test_a_past_day_counts_that_days_flows_and_the_levels_at_its_end(cast):
    carol = cast.users["carol"]
    services.donation_record(scope=Scope.for_user(carol), user=carol, community=cast.community,
                             donor_kind=Donation.DonorKind.ANONYMOUS, received_on=YESTERDAY,
                             lines=[(cast.masks, 40)])
    drafted = section_figures([cast.community.pk], YESTERDAY)[cast.community.pk]
    assert drafted == by_hand(cast.community, YESTERDAY)
    assert drafted["received_today"] == 40 and drafted["issued_today"] == 0
    assert drafted["key_items_in_stock"] == 40 and drafted["lowest_days_left"] is None
    # Today's figures count today's movements only; the level includes yesterday's masks.
    today = section_figures([cast.community.pk], TODAY)[cast.community.pk]
    assert today["received_today"] == 1270 and today["key_items_in_stock"] == 1260


def test_a_shortage_is_counted_on_the_days_the_store_could_not_cover_it(cast):
    carol = cast.users["carol"]
    office = Scope.for_user(carol)
    services.donation_record(scope=office, user=carol, community=cast.community,
                             donor_kind=Donation.DonorKind.ANONYMOUS, received_on=YESTERDAY, lines=[(cast.masks, 40)])
    asked = services.request_make(scope=office, user=carol, item=cast.masks, place=cast.gate_place, quantity=100)
    SupplyRequest.objects.filter(pk=asked.pk).update(asked_at=FROZEN_AT - dt.timedelta(days=1))
    # Yesterday the store held 40 masks for 100 asked; today 990.
    assert section_figures([cast.community.pk], YESTERDAY)[cast.community.pk]["open_shortages"] == 1
    assert section_figures([cast.community.pk], TODAY)[cast.community.pk]["open_shortages"] == 0
    assert by_hand(cast.community, YESTERDAY)["open_shortages"] == 1
    # Issued in full today: yesterday it stays a shortage of its day.
    services.request_decide(scope=office, user=carol, request=asked, approve=True)
    services.request_issue(scope=office, user=carol, request=asked, quantity=100)
    assert section_figures([cast.community.pk], YESTERDAY)[cast.community.pk]["open_shortages"] == 1
    refused = services.request_make(scope=office, user=carol, item=cast.masks, place=cast.gate_place, quantity=5000)
    assert section_figures([cast.community.pk], TODAY)[cast.community.pk]["open_shortages"] == 1
    services.request_decide(scope=office, user=carol, request=refused, approve=False, note="太多了")
    assert section_figures([cast.community.pk], TODAY)[cast.community.pk]["open_shortages"] == 0


def test_a_community_that_keeps_no_item_gets_none_not_zero(cast):
    bare = CommunityFactory(subdistrict=cast.community.subdistrict)
    drafted = section_figures([cast.community.pk, bare.pk], TODAY)
    assert drafted[bare.pk] == dict.fromkeys(KEYS)
    # An item kept and nothing moved: the figures are known, and 0.
    Item.objects.create(community=bare, name="口罩", unit="只", key=True)
    assert section_figures([bare.pk], TODAY)[bare.pk] == {
        "received_today": 0, "issued_today": 0, "key_items_in_stock": 0, "lowest_days_left": None,
        "open_shortages": 0}


def test_a_fixed_number_of_queries_whatever_the_communities(cast):
    with CaptureQueriesContext(connection) as for_two:
        section_figures([cast.community.pk, cast.other.pk], TODAY)
    more = []
    for i in range(3):
        community = CommunityFactory(subdistrict=cast.community.subdistrict)
        olga = cast.users["olga"]
        item = Item.objects.create(community=community, name=f"口罩{i}", unit="只", key=True)
        services.donation_record(scope=Scope.everything(), user=olga, community=community,
                                 donor_kind=Donation.DonorKind.ANONYMOUS, lines=[(item, 10 + i)])
        more.append(community.pk)
    with CaptureQueriesContext(connection) as for_five:
        drafted = section_figures([cast.community.pk, cast.other.pk, *more], TODAY)
    assert len(for_five) == len(for_two) <= 6
    assert [drafted[pk]["received_today"] for pk in more] == [10, 11, 12]


def test_the_wall_dashboard_adds_up_the_supplies(cast):
    carol = cast.users["carol"]
    services.request_make(scope=Scope.for_user(carol), user=carol, item=cast.masks, place=cast.gate_place,
                          quantity=2000)
    one = dashboard([cast.community.pk], TODAY)["figures"]
    assert (one["supplies_received_today"], one["supplies_issued_today"], one["key_days_left"],
            one["open_shortages"]) == (1270, 30, 284, 1)
    both = dashboard([cast.community.pk, cast.other.pk], TODAY)["figures"]
    # Added up; the fewest days left of the two (olga's is unknown, carol's counts).
    assert (both["supplies_received_today"], both["supplies_issued_today"], both["key_days_left"],
            both["open_shortages"]) == (1340, 30, 284, 1)
    bare = CommunityFactory(subdistrict=cast.community.subdistrict)
    nothing = dashboard([bare.pk], TODAY)["figures"]
    assert [nothing[k] for k in ("supplies_received_today", "supplies_issued_today", "key_days_left",
                                 "open_shortages")] == [None] * 4
