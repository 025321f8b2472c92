"""Closing a campaign: refused while a door is neither covered nor explained, then closed by
its runner once each gap has a reason; the walk's sync refuses knocks for a closed campaign."""

from __future__ import annotations

import uuid

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from fangxian.core.models import AuditEvent
from fangxian.core.scope import Scope
from fangxian.fieldwork import closing
from fangxian.fieldwork.models import Campaign, CoverageGap, Knock
from fangxian.fieldwork.sync import knocks_sync
from tests.conftest import FROZEN_AT
from tests.factories import DwellingFactory
from tests.fieldwork.cast import fieldwork_cast
from tests.fieldwork.matrix_coverage import knock

pytestmark = pytest.mark.usefixtures("frozen_clock")


@pytest.fixture
def field(two_grids):
    """Door A never knocked; door B knocked three times, nobody home; door B2 visited."""
    c = fieldwork_cast(two_grids)
    for days_ago in (3, 2, 1):
        knock(c.campaign, c.dwelling_b, Knock.Outcome.NOBODY_HOME, days_ago=days_ago)
    c.dwelling_b2 = DwellingFactory(building=c.building_b, room="999")
    knock(c.campaign, c.dwelling_b2, Knock.Outcome.VISITED, answers={"people_home": 1})
    return c


def close_url(c):
    return reverse("fieldwork:campaign_close", args=[c.campaign.pk])


def reason_url(c, dwelling):
    return reverse("fieldwork:gap_reason", args=[c.campaign.pk, dwelling.pk])


def test_it_refuses_to_close_with_gaps_then_closes_once_each_gap_has_a_reason(client, field):
    client.force_login(field.users["carol"])
    page = client.get(close_url(field))
    assert page.context["missing"] == 2
    assert {door.pk for door, _state in page.context["gaps"]} == {field.dwelling_a.pk, field.dwelling_b.pk}
    refused = client.post(close_url(field), follow=True)
    assert "2" in " ".join(str(m) for m in refused.context["messages"])
    field.campaign.refresh_from_db()
    assert field.campaign.is_open and field.campaign.closed_at is None

    for dwelling in (field.dwelling_a, field.dwelling_b):
        response = client.post(reason_url(field, dwelling),
                               {"reason": "常年空置，业主在外地", "next": close_url(field)})
        assert response.status_code == 302 and response["Location"] == close_url(field)
    assert CoverageGap.objects.filter(campaign=field.campaign).count() == 2
    assert client.get(close_url(field)).context["missing"] == 0

    closed = client.post(close_url(field))
    assert closed["Location"] == reverse("fieldwork:campaign_detail", args=[field.campaign.pk])
    field.campaign.refresh_from_db()
    assert field.campaign.status == Campaign.Status.CLOSED
    assert field.campaign.closed_by == field.users["carol"] and field.campaign.closed_at is not None
    assert AuditEvent.objects.filter(target_type="fieldwork.Campaign", target_id=str(field.campaign.pk),
                                     detail="closed").count() == 1
    with pytest.raises(ValidationError):  # closing twice
        closing.campaign_close(scope=Scope.for_user(field.users["carol"]), user=field.users["carol"],
                               campaign=field.campaign)


def test_a_reader_may_not_close(client, field):
    for dwelling in (field.dwelling_a, field.dwelling_b):
        closing.gap_reason_give(scope=Scope.everything(), user=field.users["carol"], campaign=field.campaign,
                                dwelling=dwelling, reason="无人居住")
    client.force_login(field.users["dave"])
    assert client.post(close_url(field)).status_code == 403
    with pytest.raises(PermissionDenied):
        closing.campaign_close(scope=Scope.for_user(field.users["dave"]), user=field.users["dave"],
                               campaign=field.campaign)
    field.campaign.refresh_from_db()
    assert field.campaign.is_open


def test_gap_reasons_are_checked_and_kept_to_who_may_give_them(client, field):
    client.force_login(field.users["bob"])
    short = client.post(reason_url(field, field.dwelling_b), {"reason": " 空 "}, follow=True)
    assert not CoverageGap.objects.exists()
    assert any("999" not in str(m) and field.dwelling_b.room in str(m) for m in short.context["messages"])
    covered = client.post(reason_url(field, field.dwelling_b2), {"reason": "已经走访过了"})
    assert covered.status_code == 302 and not CoverageGap.objects.exists()  # a covered door needs none
    assert client.post(reason_url(field, field.dwelling_a), {"reason": "不是我的网格"}).status_code == 404
    client.post(reason_url(field, field.dwelling_b), {"reason": "常年空置"})
    assert CoverageGap.objects.get().reason == "常年空置"
    client.force_login(field.users["frank"])  # walks building B, gives no reasons
    assert client.post(reason_url(field, field.dwelling_b), {"reason": "改一下"}).status_code == 403
    assert CoverageGap.objects.get().reason == "常年空置"


def test_a_closed_campaign_takes_no_more_knocks(field):
    for dwelling in (field.dwelling_a, field.dwelling_b):
        closing.gap_reason_give(scope=Scope.everything(), user=field.users["carol"], campaign=field.campaign,
                                dwelling=dwelling, reason="无人居住")
    closing.campaign_close(scope=Scope.for_user(field.users["carol"]), user=field.users["carol"],
                           campaign=field.campaign)
    bob = field.users["bob"]
    before = Knock.objects.count()
    acks = knocks_sync(scope=Scope.for_user(bob), user=bob, device_id="phone", events=[{
        "event_id": str(uuid.uuid4()), "campaign": field.campaign.pk, "dwelling": field.dwelling_b.pk,
        "outcome": "visited", "occurred_at": FROZEN_AT.isoformat(), "answers": {
            "people_home": 1, "back_from_outside": False, "symptoms": False}}])
    assert acks[0]["status"] == "rejected" and field.campaign.name in acks[0]["detail"]
    assert Knock.objects.count() == before
    field.campaign.refresh_from_db()
    with pytest.raises(ValidationError):
        closing.gap_reason_give(scope=Scope.everything(), user=field.users["carol"], campaign=field.campaign,
                                dwelling=field.dwelling_b, reason="换个原因")
