"""A request from the front line: a checkpoint volunteer asks, the office approves (or
refuses with a reason), issues from the store in one go or in parts, the volunteer
acknowledges; shortages are ranked by waiting time and people served. The clock stands at
2026-03-02 10:00."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from fangxian.core.scope import Scope
from fangxian.supplies import selectors, services, stock
from fangxian.supplies.models import SupplyRequest
from tests.supplies.cast import supplies_cast

pytestmark = pytest.mark.usefixtures("frozen_clock")
S = SupplyRequest.Status


@pytest.fixture
def cast(two_grids):
    return supplies_cast(two_grids)


def test_a_request_goes_from_asked_to_received_and_moves_the_stock(cast):
    carol, erin = cast.users["carol"], cast.users["erin"]
    office, gate = Scope.for_user(carol), Scope.for_user(erin)
    request = cast.gate_request
    assert request.status == S.WAITING
    services.request_decide(scope=office, user=carol, request=request, approve=True)
    services.request_issue(scope=office, user=carol, request=request, quantity=200)
    request.refresh_from_db()
    assert (request.status, selectors.issued_for(request)) == (S.APPROVED, 200)  # in part: still to issue
    with pytest.raises(ValidationError) as refused:
        services.request_issue(scope=office, user=carol, request=request, quantity=301)
    assert "300" in refused.value.message_dict["quantity"][0]
    services.request_issue(scope=office, user=carol, request=request, quantity=300)
    request.refresh_from_db()
    assert request.status == S.ISSUED
    assert stock.stock_of(cast.masks, cast.store) == 950 - 500
    assert stock.stock_of(cast.masks, cast.gate_place) == 270 + 500
    services.request_acknowledge(scope=gate, user=erin, request=request)
    request.refresh_from_db()
    assert (request.status, request.received_by) == (S.RECEIVED, erin)


def test_an_issue_the_store_cannot_cover_is_refused(cast):
    carol = cast.users["carol"]
    office = Scope.for_user(carol)
    big = services.request_make(scope=office, user=carol, item=cast.disinfectant, place=cast.gate_place, quantity=50)
    services.request_decide(scope=office, user=carol, request=big, approve=True)
    with pytest.raises(ValidationError) as refused:
        services.request_issue(scope=office, user=carol, request=big, quantity=50)
    assert "消毒液" in refused.value.message_dict["quantity"][0]
    assert selectors.issued_for(big) == 0


def test_only_the_office_decides_and_issues_and_a_refusal_needs_a_reason(cast):
    erin, carol = cast.users["erin"], cast.users["carol"]
    with pytest.raises(PermissionDenied):
        services.request_decide(scope=Scope.for_user(erin), user=erin, request=cast.gate_request, approve=True)
    with pytest.raises(ValidationError) as refused:
        services.request_decide(scope=Scope.for_user(carol), user=carol, request=cast.gate_request, approve=False)
    assert list(refused.value.message_dict) == ["note"]
    for name in ("alice", "frank", "olga"):
        user = cast.users[name]
        with pytest.raises(PermissionDenied):
            services.request_make(scope=Scope.for_user(user), user=user, item=cast.masks, place=cast.gate_place,
                                  quantity=1)


def test_shortages_rank_the_longest_waiting_for_the_most_people_first(cast, frozen_clock):
    carol = cast.users["carol"]
    office = Scope.for_user(carol)
    frozen_clock.shift(dt.timedelta(hours=1))
    few = services.request_make(scope=office, user=carol, item=cast.disinfectant, place=cast.gate_place,
                                quantity=30, people=2)
    many = services.request_make(scope=office, user=carol, item=cast.disinfectant, place=cast.gate_place,
                                 quantity=3, people=40)
    frozen_clock.shift(dt.timedelta(hours=49))
    ranked = selectors.shortages(SupplyRequest.objects.filter(community=cast.community))
    # 49 h × 40 people, then the gate's 50 h × 12, then 49 h × 2.
    assert [s.request for s in ranked] == [many, cast.gate_request, few]
    assert all(s.long_unmet for s in ranked)
    assert [s.can_issue for s in ranked] == [True, True, False]  # the store holds 20 bottles, 950 masks
