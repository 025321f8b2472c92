"""The public self-registration page: consent, duplicates, companions, errors, rate limit."""

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from fangxian.returnees.models import Companion, Registration
from tests.factories import DwellingFactory, make_national_id

# Reads the date or the hour: .ci/run runs it again at 03:00 and at 23:59 Asia/Shanghai.
pytestmark = pytest.mark.clock_sensitive


@pytest.fixture(autouse=True)
def clear_cache():
    cache.clear()
    yield
    cache.clear()


def form_data(cast, dwelling, **overrides):
    data = {
        "name": "返深居民", "national_id": make_national_id(), "phone": "13912340000",
        "building": dwelling.building_id, "room": dwelling.room, "from_province": "湖北省", "from_city": "武汉市",
        "from_district": "", "route": "武汉→深圳", "transport": "G1001",
        "arrival_date": timezone.localdate().isoformat(), "temperature": "36.5", "consent": "on",
        "companion_0_name": "同行人", "companion_0_national_id": make_national_id(),
        "companion_0_phone": "", "companion_0_relation": "配偶",
    }
    data.update(overrides)
    return data


def url(cast):
    return reverse("returnees:register", args=[cast.community.code])


def test_it_registers_a_returnee_with_a_companion_without_login(client, two_grids):
    dwelling = DwellingFactory(building=two_grids.building_b)
    assert client.get(url(two_grids)).status_code == 200
    response = client.post(url(two_grids), form_data(two_grids, dwelling))
    assert response.status_code == 200, response.content.decode()
    registration = Registration.objects.get()
    assert registration.dwelling == dwelling and registration.status == "pending"
    assert registration.consent_version and registration.consent_at
    assert Companion.objects.get().relation == "配偶"


def test_it_refuses_without_consent(client, two_grids):
    dwelling = DwellingFactory(building=two_grids.building_b)
    data = form_data(two_grids, dwelling)
    del data["consent"]
    response = client.post(url(two_grids), data)
    assert not Registration.objects.exists()
    assert "未经同意无法登记" in response.content.decode()  # the error, not the checkbox label


def test_it_updates_the_pending_registration_for_the_same_id(client, two_grids):
    dwelling = DwellingFactory(building=two_grids.building_b)
    data = form_data(two_grids, dwelling)
    client.post(url(two_grids), data)
    client.post(url(two_grids), {**data, "phone": "13912349999", "companion_0_name": "",
                                 "companion_0_national_id": ""})
    registration = Registration.objects.get()
    assert registration.phone == "13912349999"
    assert not registration.companions.exists()
    # Once reviewed, the same ID registers anew (a later return).
    Registration.objects.update(status="rejected")
    client.post(url(two_grids), data)
    assert Registration.objects.count() == 2


def test_it_names_each_bad_field(client, two_grids, settings):
    settings.LANGUAGE_CODE = "en"
    dwelling = DwellingFactory(building=two_grids.building_b)
    response = client.post(url(two_grids), form_data(two_grids, dwelling, national_id="123", phone="12",
                                                     room="no-such-room", companion_0_national_id="440"),
                           HTTP_ACCEPT_LANGUAGE="en")
    form = response.context["form"]
    assert {"room", "national_id", "phone", "companion_0_national_id"} <= set(form.errors)  # all at once
    assert "The name" not in response.content.decode()
    assert not Registration.objects.exists()
    response = client.post(url(two_grids), form_data(two_grids, dwelling, national_id="123", phone="12",
                                                     companion_0_national_id="440"))
    assert {"national_id", "phone", "companion_0_national_id"} <= set(response.context["form"].errors)
    assert not Registration.objects.exists()


def test_it_limits_posts_per_address(client, two_grids):
    dwelling = DwellingFactory(building=two_grids.building_b)
    for _ in range(20):
        client.post(url(two_grids), form_data(two_grids, dwelling))
    assert client.post(url(two_grids), form_data(two_grids, dwelling)).status_code == 429


def test_it_prints_a_poster(client, two_grids):
    client.force_login(two_grids.users["carol"])
    response = client.get(reverse("returnees:poster", args=[two_grids.community.pk]))
    assert response.content[:5] == b"%PDF-"


def test_it_answers_404_for_an_unknown_community(client, db):
    assert client.get(reverse("returnees:register", args=["nope"])).status_code == 404
