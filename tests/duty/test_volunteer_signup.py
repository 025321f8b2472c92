"""The public volunteer sign-up page: good and bad fields, age, duplicates, consent, rate limit."""

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from fangxian.duty.models import Volunteer
from tests.access.conftest import make_checkpoint
from tests.duty.matrix_volunteers import make_volunteer

# Reads the date or the hour: .ci/run runs it again at 03:00 and at 23:59 Asia/Shanghai.
pytestmark = [pytest.mark.clock_sensitive, pytest.mark.usefixtures("frozen_clock_or_ci_clock")]


@pytest.fixture(autouse=True)
def clear_cache(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the messages below are the English ones
    cache.clear()
    yield
    cache.clear()


def url(cast):
    return reverse("duty:signup", args=[cast.community.code])


def form_data(cast, **changes):
    data = {
        "name": "黄秀英", "phone": "139 1234 5678", "birth_year": "1968", "group": str(cast.estate.group_id),
        "availability": ["0:morning", "0:afternoon", "5:night"], "is_party_member": "on",
        "application": "我是一名共产党员，自愿报名参加社区防控值守。", "consent": "on",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_it_signs_a_volunteer_up_without_a_login(client, two_grids):
    checkpoint = make_checkpoint(two_grids.estate)
    page = client.get(url(two_grids))
    assert page.status_code == 200 and page["Referrer-Policy"] == "same-origin"
    assert 'name="availability" value="6:night"' in page.content.decode()  # the 7 × 4 grid
    response = client.post(url(two_grids), form_data(two_grids, preferred_checkpoint=str(checkpoint.pk)))
    assert response.status_code == 200 and "Thank you for volunteering" in response.content.decode()
    volunteer = Volunteer.objects.get()
    assert (volunteer.name, volunteer.phone, volunteer.birth_year) == ("黄秀英", "13912345678", 1968)
    assert volunteer.status == Volunteer.Status.PENDING and volunteer.kind == Volunteer.Kind.VOLUNTEER
    assert volunteer.availability == {"0": ["morning", "afternoon"], "5": ["night"]}
    assert volunteer.preferred_checkpoint == checkpoint and volunteer.group == two_grids.estate.group
    assert volunteer.is_party_member and not volunteer.can_drive
    assert volunteer.application.startswith("我是一名共产党员") and volunteer.consent_version


def test_it_names_each_bad_field_and_keeps_nothing(client, two_grids):
    response = client.post(url(two_grids), form_data(two_grids, name="", phone="12345", birth_year="abc",
                                                      group="", availability=[]))
    page = response.content.decode()
    assert response.status_code == 400
    for message in ("Name: This field is required.", "A mobile number has 11 digits",
                    "Enter your year of birth", "Choose your residential group", "Tick at least one time"):
        assert message in page, message
    assert 'value="12345"' in page  # what was typed stays
    assert not Volunteer.objects.exists()


def test_it_refuses_a_group_of_another_community(client, two_grids):
    other_group = two_grids.outsider.dwelling.building.estate.group
    response = client.post(url(two_grids), form_data(two_grids, group=str(other_group.pk)))
    assert response.status_code == 400 and not Volunteer.objects.exists()


def test_it_refuses_people_under_18_with_a_clear_message(client, two_grids):
    year = timezone.localdate().year
    response = client.post(url(two_grids), form_data(two_grids, birth_year=str(year - 17)))
    assert response.status_code == 400
    assert "Volunteers must be 18 or older" in response.content.decode()
    assert client.post(url(two_grids), form_data(two_grids, birth_year=str(year - 18))).status_code == 200


@pytest.mark.parametrize("year", ["1890", "3020", "20"])
def test_it_refuses_years_of_birth_that_cannot_be(client, two_grids, year):
    response = client.post(url(two_grids), form_data(two_grids, birth_year=year))
    assert response.status_code == 400 and "is not a possible year of birth" in response.content.decode()
    assert not Volunteer.objects.exists()


def test_it_updates_the_waiting_sign_up_of_the_same_mobile(client, two_grids):
    client.post(url(two_grids), form_data(two_grids))
    response = client.post(url(two_grids), form_data(two_grids, phone="+86 139-1234-5678", name="黄秀娟",
                                                      availability=["6:evening"]))
    assert "Your sign-up was updated" in response.content.decode()
    volunteer = Volunteer.objects.get()
    assert volunteer.name == "黄秀娟" and volunteer.availability == {"6": ["evening"]}


def test_it_tells_an_approved_volunteer_to_ask_the_office(client, two_grids):
    make_volunteer(two_grids.community, phone="13912345678")
    response = client.post(url(two_grids), form_data(two_grids))
    assert response.status_code == 400 and "already on the volunteer list" in response.content.decode()
    assert Volunteer.objects.count() == 1


def test_it_keeps_sign_ups_of_different_communities_apart(client, two_grids):
    make_volunteer(two_grids.other, phone="13912345678", status=Volunteer.Status.PENDING)
    assert client.post(url(two_grids), form_data(two_grids)).status_code == 200
    assert Volunteer.objects.filter(phone="13912345678").count() == 2


def test_it_requires_consent(client, two_grids):
    response = client.post(url(two_grids), form_data(two_grids, consent=None))
    assert response.status_code == 400 and "without consent we cannot sign you up" in response.content.decode()
    assert not Volunteer.objects.exists()


def test_it_limits_sign_ups_from_one_address(client, two_grids, settings):
    for n in range(20):
        client.post(url(two_grids), form_data(two_grids, phone=f"1391234{n:04d}"))
    assert Volunteer.objects.count() == 20
    response = client.post(url(two_grids), form_data(two_grids, phone="13900000000"))
    assert response.status_code == 429 and "Too many sign-ups" in response.content.decode()
    assert Volunteer.objects.count() == 20


def test_it_checks_the_csrf_token(two_grids):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.get(url(two_grids))  # the page sets the CSRF cookie; the post below lacks the token
    assert strict.post(url(two_grids), form_data(two_grids)).status_code == 403
    assert not Volunteer.objects.exists()


def test_it_answers_an_unknown_community_with_not_found(client, db):
    assert client.get(reverse("duty:signup", args=["NOPE"])).status_code == 404


def test_it_prints_a_poster_with_the_sign_up_link(client, two_grids):
    client.force_login(two_grids.users["carol"])
    response = client.get(reverse("duty:signup_poster", args=[two_grids.community.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
