"""The household's phone link, opened without a login: it asks for shopping, medicine, a
garbage pickup or something else, stores a double submit once, confirms receipt of a
delivered task, shows what the household owes, and takes no request once the quarantine
ended. The clock stands at 2026-03-02 10:00."""

import re
import uuid

import pytest
from django.core.cache import cache
from django.urls import reverse

from fangxian.core.personal import mask_name
from fangxian.core.scope import Scope
from fangxian.delivery import services
from fangxian.delivery.models import Household, Task, TaskEvent
from fangxian.returnees.models import Quarantine
from tests.conftest import FROZEN_AT
from tests.delivery.cast import delivery_cast
from tests.i18n import zh

pytestmark = pytest.mark.usefixtures("frozen_clock")

FULL_ID = re.compile(r"\d{17}[\dXx]")
FULL_MOBILE = re.compile(r"(?<!\d)1\d{10}(?!\d)")


@pytest.fixture
def cast(two_grids):
    cache.clear()  # the rate limit counts posts per address and hour
    return delivery_cast(two_grids)


@pytest.fixture
def url(cast):
    return reverse("delivery:link", args=[cast.profile_b.token])



def ask(client, url, **data):
    data.setdefault("action", "request")
    data.setdefault("event_id", str(uuid.uuid4()))
    return client.post(url, data)


def test_it_shows_the_household_masked_with_its_tasks_and_money(client, cast, url):
    response = client.get(url)
    text = response.content.decode()
    person = cast.quarantine_b.person
    assert response.status_code == 200 and response["X-Robots-Tag"] == "noindex"
    assert mask_name(person.name) in text and person.name not in text
    assert not FULL_ID.search(text) and not FULL_MOBILE.search(text)
    assert cast.household_b.room in text and cast.building_b.name in text
    assert zh("Take my garbage away") in text
    assert "58.50" in text  # the receipt of its shopping, and what it owes
    assert "大米 5斤" in text


def test_a_household_asks_for_shopping_and_the_buildings_courier_gets_it(client, cast, url):
    event_id = str(uuid.uuid4())
    data = {"kind": "shopping", "items": "牛奶 2盒\n面包", "budget": "40", "event_id": event_id}
    first = ask(client, url, **data)
    assert first.status_code == 302
    assert ask(client, url, **data).status_code == 302  # a double submit
    tasks = Task.objects.filter(event_id=event_id)
    assert tasks.count() == 1
    task = tasks.get()
    assert task.source == Task.Source.HOUSEHOLD and task.requested_by is None
    assert task.courier == cast.users["frank"] and task.status == Task.Status.ASSIGNED
    assert str(task.budget) == "40.00" and task.dietary == "清真" and task.people == 2
    shown = client.get(url).content.decode()
    assert "牛奶 2盒" in shown


def test_garbage_is_one_tap(client, cast, url):
    before = Task.objects.filter(dwelling=cast.household_b, kind="garbage").count()
    assert ask(client, url, kind="garbage").status_code == 302
    assert Task.objects.filter(dwelling=cast.household_b, kind="garbage").count() == before + 1


def test_a_bad_budget_names_the_field_and_stores_nothing(client, cast, url):
    before = Task.objects.count()
    response = ask(client, url, kind="shopping", items="米", budget="一百块")
    text = response.content.decode()
    assert response.status_code == 400 and Task.objects.count() == before
    assert zh("Enter an amount from 0 to 10,000 yuan.") in text
    assert "一百块" in text and "<details class=\"card\" open>" in text  # the form kept open with what was typed


def test_medicine_needs_to_say_what(client, cast, url):
    response = ask(client, url, kind="medicine", items="  ")
    assert response.status_code == 400 and zh("Say what to bring.") in response.content.decode()


def test_an_ended_quarantine_shows_no_forms_and_refuses_requests(client, cast, url):
    Quarantine.objects.filter(dwelling=cast.household_b).update(status=Quarantine.Status.RELEASED,
                                                                ended_on=FROZEN_AT.date())
    text = client.get(url).content.decode()
    assert zh("Your home quarantine has ended. Thank you. Requests are no longer taken here.") in text
    assert zh("Take my garbage away") not in text and 'name="kind"' not in text
    before = Task.objects.count()
    response = ask(client, url, kind="garbage")
    assert response.status_code == 400 and Task.objects.count() == before
    refused = client.post(url, {"action": "profile", "dietary": "素食"})
    assert refused.status_code == 400 and Household.objects.get(pk=cast.profile_b.pk).dietary == "清真"


def test_the_household_confirms_a_delivered_task_once(client, cast, url):
    frank = cast.users["frank"]
    services.task_step(task=cast.lunch_b, step="delivered", user=frank, scope=Scope.for_user(frank))
    Quarantine.objects.filter(dwelling=cast.household_b).update(status=Quarantine.Status.RELEASED)
    text = client.get(url).content.decode()
    assert zh("I received it") in text  # still, after the quarantine ended
    event_id = str(uuid.uuid4())
    data = {"action": "confirm", "task": cast.lunch_b.pk, "event_id": event_id}
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302  # the same tap sent twice
    assert TaskEvent.objects.filter(task=cast.lunch_b, step="confirmed").count() == 1
    assert Task.objects.get(pk=cast.lunch_b.pk).confirmed_at is not None
    assert zh("I received it") not in client.get(url).content.decode()


def test_it_confirms_only_the_households_own_tasks(client, cast, url):
    response = client.post(url, {"action": "confirm", "task": cast.garbage_a.pk, "event_id": str(uuid.uuid4())})
    assert response.status_code == 400
    assert not TaskEvent.objects.filter(task=cast.garbage_a, step="confirmed").exists()


def test_a_task_not_yet_delivered_is_not_confirmed(client, cast, url):
    response = client.post(url, {"action": "confirm", "task": cast.lunch_b.pk, "event_id": str(uuid.uuid4())})
    assert response.status_code == 400 and Task.objects.get(pk=cast.lunch_b.pk).confirmed_at is None


def test_the_household_sets_its_notes_and_shares_its_phone(client, cast, url):
    response = client.post(url, {"action": "profile", "dietary": "不吃辣", "phone_shared": "on"})
    assert response.status_code == 302
    profile = Household.objects.get(pk=cast.profile_b.pk)
    assert profile.dietary == "不吃辣" and profile.phone_shared


def test_an_unknown_or_too_long_token_is_404(client, cast):
    assert client.get(reverse("delivery:link", args=["nope"])).status_code == 404
    assert client.get(reverse("delivery:link", args=["x" * 65])).status_code == 404


def test_too_many_posts_from_one_address_are_refused(client, cast, url):
    for _ in range(30):
        ask(client, url, kind="other", items="报纸")
    before = Task.objects.count()
    response = ask(client, url, kind="other", items="报纸")
    assert response.status_code == 429 and Task.objects.count() == before
    assert zh("Too many requests from this network: please try again in an hour.") in response.content.decode()
