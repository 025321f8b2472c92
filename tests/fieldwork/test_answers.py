"""Answers that act: what a visited door sets going, through the walk's sync (bob walks section B)."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.urls import reverse
from django.utils import translation

from fangxian.access.models import FeverAlert
from fangxian.core.scope import Scope
from fangxian.delivery.models import Task
from fangxian.fieldwork import answers
from fangxian.fieldwork.models import Knock
from fangxian.fieldwork.sync import knocks_sync
from fangxian.incidents.models import Incident
from fangxian.registry import pending
from fangxian.registry.models import PendingPerson
from fangxian.returnees.models import Registration
from tests.conftest import FROZEN_AT
from tests.fieldwork.cast import fieldwork_cast

pytestmark = pytest.mark.usefixtures("frozen_clock")

VISIT = {"people_home": 2, "back_from_outside": False, "symptoms": False}


@pytest.fixture
def cast(two_grids):
    return fieldwork_cast(two_grids)


def knock(cast, *, outcome="visited", event_id=None, **answers_):
    return {"event_id": str(event_id or uuid.uuid4()), "campaign": cast.campaign.pk, "dwelling": cast.dwelling_b.pk,
            "outcome": outcome, "occurred_at": (FROZEN_AT - dt.timedelta(minutes=5)).isoformat(),
            "answers": {**VISIT, **answers_} if outcome == "visited" else answers_}


def sync(cast, *events, who="bob"):
    user = cast.users[who]
    acks = knocks_sync(scope=Scope.for_user(user), user=user, device_id="phone-b", events=list(events))
    assert all(a["status"] != "rejected" for a in acks), acks
    return acks


def test_a_newcomer_waits_for_the_grid_workers_of_that_door(cast):
    sync(cast, knock(cast, newcomers=[{"name": "李新来", "phone": "13900001111", "note": "租客"}]))
    row = PendingPerson.objects.get()
    assert (row.dwelling, row.name, row.phone, row.status) == (cast.dwelling_b, "李新来", "13900001111", "pending")
    assert cast.campaign.name in row.source
    seen = {who: pending.visible_pending(Scope.for_user(cast.users[who])).count() for who in ("bob", "carol", "alice")}
    assert seen == {"bob": 1, "carol": 1, "alice": 0}


def test_the_same_event_sent_twice_sets_going_once(cast):
    event = knock(cast, newcomers=[{"name": "李新来"}], symptoms=True, need_food=True, back_from_outside=True,
                  back_people=[cast.person_b.pk], back_from="湖北 武汉")
    sync(cast, event)
    assert [a["status"] for a in sync(cast, event)] == ["duplicate"]
    # Even a direct second call for the stored knock makes nothing more.
    answers.act_on_knocks(Knock.objects.all(), user=cast.users["bob"])
    counts = (PendingPerson.objects.count(), FeverAlert.objects.filter(source_ref__startswith="knock:").count(),
              Task.objects.count(), Registration.objects.count())
    assert counts == (1, 1, 1, 1)


def test_two_walkers_finding_the_same_newcomer_make_one_row(cast):
    sync(cast, knock(cast, newcomers=[{"name": "李新来"}]))
    sync(cast, knock(cast, newcomers=[{"name": "李新来"}, {"name": "王另一"}]), who="frank")
    assert sorted(PendingPerson.objects.values_list("name", flat=True)) == ["李新来", "王另一"]


def test_symptoms_raise_one_fever_alert_at_the_door_on_the_admins_list(cast, client):
    sync(cast, knock(cast, symptoms=True))
    alert = FeverAlert.objects.get(source_ref__startswith="knock:")
    assert alert.checkpoint is None and alert.temperature is None
    assert alert.place == f"{cast.building_b} {cast.dwelling_b.room}"
    client.force_login(cast.users["carol"])
    page = client.get(reverse("access:fever_alert_list")).content.decode()
    assert alert.place in page


def test_a_temperature_at_the_threshold_raises_an_alert_and_a_normal_one_does_not(cast):
    sync(cast, knock(cast, temperature="36.6"))
    assert not FeverAlert.objects.filter(source_ref__startswith="knock:").exists()
    sync(cast, knock(cast, temperature="37.3", back_from_outside=True, back_people=[cast.person_b.pk]))
    alert = FeverAlert.objects.get(source_ref__startswith="knock:")
    assert (str(alert.temperature), alert.person) == ("37.3", cast.person_b)


def test_a_named_returnee_waits_for_review_once(cast):
    event = knock(cast, back_from_outside=True, back_people=[cast.person_b.pk], back_from="湖北省武汉市")
    sync(cast, event)
    sync(cast, knock(cast, back_from_outside=True, back_people=[cast.person_b.pk]), who="frank")
    registration = Registration.objects.get()
    assert (registration.person, registration.dwelling, registration.status) == (
        cast.person_b, cast.dwelling_b, Registration.Status.PENDING)
    assert (registration.from_province, registration.from_city) == ("湖北省", "武汉市")
    assert registration.recorded_at_door
    assert registration.arrival_date == FROZEN_AT.date()


def test_a_returnee_nobody_named_becomes_an_incident_not_a_half_registration(cast):
    with translation.override("en"):
        sync(cast, knock(cast, back_from_outside=True, back_from="广东 深圳",
                         back_people=[cast.person_a.pk]))  # a resident of another door counts for nothing
    assert not Registration.objects.exists()
    incident = Incident.objects.get()
    where = f"{cast.building_b} {cast.dwelling_b.room}"
    assert incident.title == f"Canvassing: someone back from outside at {where} must register"
    assert "广东 深圳" in incident.description
    assert incident.building == cast.building_b and incident.reported_by == cast.users["bob"]


def test_food_and_medicine_needs_become_delivery_requests_for_the_door(cast):
    """frank walks as a team member: the requests are made in the system's name, go to the
    door's household and are made once however often the knock is acted on."""
    event = knock(cast, need_food=True, need_medicine=True, note="要降压药和大米")
    sync(cast, event, who="frank")
    answers.act_on_knocks(Knock.objects.all(), user=cast.users["frank"])
    tasks = Task.objects.order_by("kind")
    assert [(t.kind, t.dwelling, t.items, t.source) for t in tasks] == [
        ("medicine", cast.dwelling_b, "要降压药和大米", "canvassing"),
        ("shopping", cast.dwelling_b, "要降压药和大米", "canvassing")]
    assert Incident.objects.count() == 0


def test_other_help_becomes_one_low_urgency_incident_reported_by_the_walker(cast):
    with translation.override("en"):
        sync(cast, knock(cast, need_help=True), who="frank")
    incident = Incident.objects.get()
    assert (incident.urgency, incident.building, incident.reported_by) == ("low", cast.building_b,
                                                                           cast.users["frank"])
    assert incident.location == f"{cast.building_b} {cast.dwelling_b.room}"
    assert incident.title == "Canvassing found needs: other help"
    assert not Task.objects.exists()


def test_a_door_nobody_answered_sets_nothing_going(cast):
    sync(cast, knock(cast, outcome="nobody_home", newcomers=[{"name": "李新来"}], symptoms=True, need_food=True))
    assert Knock.objects.count() == 1
    assert (PendingPerson.objects.count(), Incident.objects.count(), Registration.objects.count(),
            FeverAlert.objects.filter(source_ref__startswith="knock:").count(), Task.objects.count()) == (0, 0, 0, 0, 0)
