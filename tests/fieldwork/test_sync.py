"""The walk's sync (POST /api/v1/fieldwork/sync): each knock stored once however often it comes,
its answers acted on once, and every refusal named so the walker can put it right."""

import uuid
from unittest import mock

import pytest
from django.utils import translation

from fangxian.fieldwork import answers
from fangxian.fieldwork.models import Campaign, Knock
from fangxian.fieldwork.questionnaire import BY_KEY
from tests.api import Caller
from tests.conftest import FROZEN_AT
from tests.fieldwork.cast import fieldwork_cast

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock")]

VISIT = {"people_home": 2, "back_from_outside": False, "symptoms": False}


@pytest.fixture
def cast(two_grids):
    return fieldwork_cast(two_grids)


def knock(cast, dwelling=None, outcome="visited", answers=None, **extra) -> dict:
    return {"event_id": str(uuid.uuid4()), "campaign": cast.campaign.pk,
            "dwelling": (dwelling or cast.dwelling_b).pk, "outcome": outcome,
            "occurred_at": FROZEN_AT.isoformat(), "answers": VISIT if answers is None else answers, **extra}


def sync(caller, events):
    response = caller.post("/fieldwork/sync", {"device_id": "phone-1", "events": events})
    assert response.status_code == 200, response.content
    return response.json()["acks"]


def statuses(acks) -> list[str]:
    return [a["status"] for a in acks]


def in_chinese(text) -> str:
    with translation.override("zh-hans"):
        return translation.gettext(str(text))


def test_it_stores_a_knock_once_within_a_batch_and_across_requests(client, cast):
    bob = Caller(client, cast.users["bob"])
    event = knock(cast)
    assert statuses(sync(bob, [event, event])) == ["stored", "duplicate"]
    assert statuses(sync(bob, [event])) == ["duplicate"]
    assert Knock.objects.filter(event_id=event["event_id"]).count() == 1
    stored = Knock.objects.get()
    assert (stored.recorded_by, stored.dwelling, stored.answers) == (cast.users["bob"], cast.dwelling_b, VISIT)


def test_a_retry_does_not_act_on_the_answers_twice(client, cast):
    bob = Caller(client, cast.users["bob"])
    newcomer = {**VISIT, "newcomers": [{"name": "张新来", "phone": "13800001234", "note": ""}]}
    event = knock(cast, answers=newcomer)
    with mock.patch.object(answers, "act_on_knocks") as act:
        sync(bob, [event])
        sync(bob, [event])
        sync(bob, [event, knock(cast, outcome="nobody_home")])
    assert act.call_count == 2, "once for the first request, once for the new knock; never for the retries"
    first = list(act.call_args_list[0].args[0])
    assert [k.answers["newcomers"][0]["name"] for k in first] == ["张新来"]
    assert [k.outcome for k in act.call_args_list[1].args[0]] == ["nobody_home"]


def test_a_visit_without_a_required_answer_is_rejected_naming_the_question(client, cast):
    bob = Caller(client, cast.users["bob"])
    missing = {"back_from_outside": False, "symptoms": False}
    acks = sync(bob, [knock(cast, answers=missing), knock(cast, outcome="nobody_home", answers={})])
    assert statuses(acks) == ["rejected", "stored"], "a door nobody answered needs no answers"
    assert in_chinese(BY_KEY["people_home"].label) in acks[0]["detail"]
    assert Knock.objects.get().outcome == "nobody_home"


def test_a_door_outside_ones_sections_is_rejected(client, cast):
    alice = Caller(client, cast.users["alice"])
    acks = sync(alice, [knock(cast, cast.dwelling_b), knock(cast, cast.dwelling_a)])
    assert statuses(acks) == ["rejected", "stored"]
    assert acks[0]["detail"] == in_chinese("dwelling: not one of the doors of your sections.")
    assert list(Knock.objects.values_list("dwelling", flat=True)) == [cast.dwelling_a.pk]


def test_a_closed_campaign_takes_no_knock(client, cast):
    Campaign.objects.filter(pk=cast.campaign.pk).update(status=Campaign.Status.CLOSED)
    acks = sync(Caller(client, cast.users["bob"]), [knock(cast)])
    assert statuses(acks) == ["rejected"] and cast.campaign.name in acks[0]["detail"]
    assert not Knock.objects.exists()


def test_more_than_200_events_are_refused_whole(client, cast):
    bob = Caller(client, cast.users["bob"])
    response = bob.post("/fieldwork/sync", {"device_id": "phone-1", "events": [knock(cast) for _ in range(201)]})
    assert response.status_code == 422
    [error] = response.json()["detail"]
    assert error["field"] == "events" and "200" in error["message"] and "201" in error["message"]
    assert not Knock.objects.exists()
    assert statuses(sync(bob, [knock(cast) for _ in range(200)])) == ["stored"] * 200


@pytest.mark.parametrize("reading", ["45", "hot", 33.9])
def test_a_bad_temperature_is_named(client, cast, reading):
    acks = sync(Caller(client, cast.users["bob"]), [knock(cast, answers={**VISIT, "temperature": reading})])
    assert statuses(acks) == ["rejected"]
    assert acks[0]["detail"].startswith(in_chinese(BY_KEY["temperature"].label))
    assert not Knock.objects.exists()


def test_a_good_temperature_is_kept_to_one_decimal(client, cast):
    sync(Caller(client, cast.users["bob"]), [knock(cast, answers={**VISIT, "temperature": 37.25})])
    assert Knock.objects.get().answers["temperature"] in {"37.2", "37.3"}


def test_a_user_without_canvassing_pages_is_refused(client, cast):
    response = Caller(client, cast.users["erin"]).post("/fieldwork/sync", {"device_id": "x", "events": [knock(cast)]})
    assert response.status_code == 403
    assert not Knock.objects.exists()
