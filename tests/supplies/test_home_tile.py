"""Supplies' home tile and menu entries: the office sees its low stocks and open requests, a
checkpoint volunteer the requests waiting for her to say they arrived; nobody else sees
either. The clock stands at 2026-03-02 10:00."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from fangxian.core.scope import Scope
from fangxian.supplies import plugins, services, stock
from fangxian.supplies.home import supplies_tile
from fangxian.supplies.models import Item, Movement
from tests.i18n import zh
from tests.supplies.cast import supplies_cast

pytestmark = pytest.mark.usefixtures("frozen_clock")


@pytest.fixture
def cast(two_grids):
    return supplies_cast(two_grids)


def tile(user):
    return supplies_tile(None, Scope.for_user(user))


def issue_the_gate_request(cast):
    carol = cast.users["carol"]
    office = Scope.for_user(carol)
    services.request_decide(scope=office, user=carol, request=cast.gate_request, approve=True)
    services.request_issue(scope=office, user=carol, request=cast.gate_request, quantity=500)


def test_the_office_sees_low_stocks_and_open_requests(cast):
    carol = cast.users["carol"]
    office = tile(carol)["office"]
    assert (office["warnings"], office["open"]) == (0, 1)  # erin's 500 masks wait
    assert office["stock_url"] == reverse("supplies:stock")
    assert office["requests_url"] == reverse("supplies:request_list")
    # 16 of the 20 bottles go out: 4 left, at or below the threshold of 5.
    stock.stock_out(scope=Scope.for_user(carol), user=carol, item=cast.disinfectant, place=cast.store,
                    kind=Movement.Kind.ISSUE, quantity=16, recipient=Movement.Recipient.DELIVERY)
    assert tile(carol)["office"]["warnings"] == 1
    # The officer reads both communities: the same, olga's being all well.
    assert tile(cast.users["dave"])["office"] == tile(carol)["office"]
    assert tile(cast.users["olga"])["office"]["warnings"] == tile(cast.users["olga"])["office"]["open"] == 0


def test_the_gate_sees_what_to_acknowledge(cast):
    erin = cast.users["erin"]
    assert tile(erin) is None  # her request still waits: nothing for her to do
    issue_the_gate_request(cast)
    assert tile(erin) == {"gate": {"to_acknowledge": 1, "requests_url": reverse("supplies:request_list")}}
    assert tile(cast.users["carol"])["office"]["open"] == 0
    services.request_acknowledge(scope=Scope.for_user(erin), user=erin, request=cast.gate_request)
    assert tile(erin) is None


def test_nobody_else_gets_a_tile_or_a_menu_entry(cast):
    for name in ("alice", "bob", "frank", "gina"):
        user = cast.users[name]
        assert tile(user) is None, name
        assert plugins.menu(Scope.for_user(user)) == [], name
    assert supplies_tile(None, Scope(user_id=None)) is None


def test_an_office_with_nothing_kept_and_nothing_asked_gets_no_tile(cast):
    olga = cast.users["olga"]
    Movement.objects.filter(community=cast.other).delete()
    Item.objects.filter(community=cast.other).delete()
    assert tile(olga) is None


def test_the_menu_names_the_pages_and_counts_what_waits(cast):
    carol, erin = cast.users["carol"], cast.users["erin"]
    labels = [(str(i.label), i.url, i.badge) for i in plugins.menu(Scope.for_user(carol))]
    assert labels == [(zh("Supplies and donations"), reverse("supplies:stock"), None),
                      (zh("Supply requests"), reverse("supplies:request_list"), 1)]
    assert [(str(i.label), i.badge) for i in plugins.menu(Scope.for_user(cast.users["dave"]))][0][0] == \
        zh("Supplies and donations")
    assert [(str(i.label), i.badge) for i in plugins.menu(Scope.for_user(erin))] == [(zh("Supply requests"), None)]
    issue_the_gate_request(cast)
    assert [i.badge for i in plugins.menu(Scope.for_user(erin))] == [1]


def test_the_home_page_shows_the_tile_in_chinese(client, cast):
    carol = cast.users["carol"]
    stock.stock_out(scope=Scope.for_user(carol), user=carol, item=cast.disinfectant, place=cast.store,
                    kind=Movement.Kind.ISSUE, quantity=16, recipient=Movement.Recipient.DELIVERY)
    client.force_login(carol)
    page = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert zh("Supplies") in page and f'href="{reverse("supplies:stock")}"' in page
    assert zh("Supplies and donations") in page
    client.force_login(cast.users["frank"])
    page = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert f'href="{reverse("supplies:stock")}"' not in page


def test_a_fixed_number_of_queries(cast):
    carol, erin = cast.users["carol"], cast.users["erin"]

    def count(user):
        scope = Scope.for_user(user)
        with CaptureQueriesContext(connection) as queries:
            supplies_tile(None, scope)
            plugins.menu(scope)
        return len(queries)

    few = (count(carol), count(erin))
    for i in range(5):
        item = Item.objects.create(community=cast.community, name=f"手套{i}", unit="双", low_stock=3)
        services.request_make(scope=Scope.for_user(erin), user=erin, item=item, place=cast.gate_place, quantity=2)
    assert (count(carol), count(erin)) == few
