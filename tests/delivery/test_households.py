"""The office's household pages as their users meet them: who sees which household, a
request entered for a household without a smartphone, the profile, a repayment, a new link,
what a bad value says, and a constant number of queries on the list. The clock stands at
2026-03-02 10:00."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from fangxian.core.models import AuditEvent
from fangxian.core.personal import mask_name, mask_phone
from fangxian.delivery.models import Household, LedgerEntry, Task
from tests.delivery import matrix_households
from tests.delivery.cast import delivery_cast
from tests.factories import BuildingFactory, DwellingFactory, GridFactory
from tests.i18n import zh
from tests.roles import ROLES, walk_matrix

pytestmark = pytest.mark.usefixtures("frozen_clock")

FULL_ID = re.compile(r"\d{17}[\dXx]")
FULL_MOBILE = re.compile(r"(?<!\d)1\d{10}(?!\d)")


@pytest.fixture
def cast(two_grids):
    return delivery_cast(two_grids)



def contact_b(cast):
    return cast.quarantine_b.person


def page(client, cast, user, name="delivery:household_list", args=(), query=""):
    client.force_login(cast.users[user])
    response = client.get(reverse(name, args=list(args)) + query)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("role", ROLES)
def test_the_matrix_rows_hold(client, cast, role):
    matrix_households.equip(cast)

    def check(name, method, response):
        if method == "get" and response.status_code == 200:
            text = response.content.decode()
            assert not FULL_ID.search(text) and not FULL_MOBILE.search(text), f"{name} for {role}"
            if role == "alice" and name != "delivery:link":  # the link is its household's own key
                assert mask_name(contact_b(cast).name) not in text, name

    wrong = walk_matrix(client, cast, role, matrix_households, check)
    assert not wrong, "\n".join(wrong)


def test_each_user_sees_the_households_they_should(client, cast):
    b, a = mask_name(contact_b(cast).name), mask_name(cast.person_a.name)
    carol = page(client, cast, "carol")
    assert b in carol and a in carol  # grid B in quarantine, grid A with an open garbage pickup
    assert contact_b(cast).name not in carol  # masked, never in full
    assert "58.50" in carol  # what grid B's household owes for its shopping
    bob = page(client, cast, "bob")
    assert b in bob and a not in bob
    alice = page(client, cast, "alice")
    assert a in alice and b not in alice


def test_the_list_searches_by_building_and_room(client, cast):
    b = mask_name(contact_b(cast).name)
    found = page(client, cast, "carol", query=f"?q={cast.household_b.room}")
    assert b in found
    nothing = page(client, cast, "carol", query="?q=无此房间")
    assert b not in nothing and zh("No household matches this search.") in nothing
    assert 'maxlength="100"' in found


def test_the_list_says_when_there_is_nobody_to_serve(client, two_grids):
    client.force_login(two_grids.users["carol"])
    text = client.get(reverse("delivery:household_list")).content.decode()
    assert zh("No household to serve: nobody you see is in home quarantine and no delivery is open.") in text


def test_the_page_shows_the_profile_the_link_and_the_money(client, cast):
    text = page(client, cast, "bob", "delivery:household_detail", [cast.household_b.pk])
    contact = contact_b(cast)
    assert mask_name(contact.name) in text and contact.name not in text
    assert mask_phone(contact.phone) in text and contact.phone not in text
    assert contact.national_id not in text
    assert "清真" in text and "58.50" in text
    link = reverse("delivery:link", args=[cast.profile_b.token])
    assert f"http://testserver{link}" in text and "<svg" in text
    assert zh("Enter a request for this household") in text


def test_an_officer_reads_the_page_without_its_forms_or_link(client, cast):
    text = page(client, cast, "dave", "delivery:household_detail", [cast.household_b.pk])
    assert "清真" in text
    assert cast.profile_b.token not in text and zh("Enter a request for this household") not in text


def test_a_grid_worker_enters_a_request_for_a_household_of_their_grid(client, cast):
    client.force_login(cast.users["bob"])
    url = reverse("delivery:household_request", args=[cast.household_b.pk])
    data = {"kind": "shopping", "items": "酱油 1瓶\n面条", "budget": "30",
            "event_id": "6f0c1d3e-0000-4000-8000-00000000abcd"}
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302  # a double submit
    task = Task.objects.get(event_id=data["event_id"])
    assert task.source == Task.Source.WORKER and task.courier == cast.users["frank"]
    assert task.requested_by == cast.users["bob"] and task.items == "酱油 1瓶\n面条"
    assert AuditEvent.objects.filter(target_type="delivery.Task", target_id=str(task.pk)).exists()


def test_a_grid_worker_of_another_grid_is_refused(client, cast):
    client.force_login(cast.users["alice"])
    before = Task.objects.count()
    assert client.get(reverse("delivery:household_detail", args=[cast.household_b.pk])).status_code == 404
    response = client.post(reverse("delivery:household_request", args=[cast.household_b.pk]), {"kind": "garbage"})
    assert response.status_code == 404 and Task.objects.count() == before


def test_a_bad_budget_names_the_field_and_stores_nothing(client, cast):
    client.force_login(cast.users["bob"])
    before = Task.objects.count()
    response = client.post(reverse("delivery:household_request", args=[cast.household_b.pk]),
                           {"kind": "shopping", "items": "米", "budget": "很多"})
    assert response.status_code == 400 and Task.objects.count() == before
    assert zh("Enter an amount from 0 to 10,000 yuan.") in response.content.decode()


def test_the_profile_is_saved_audited_and_given_to_open_tasks(client, cast):
    client.force_login(cast.users["carol"])
    response = client.post(reverse("delivery:household_profile", args=[cast.household_b.pk]),
                           {"dietary": "软食  少盐", "phone_shared": "on"})
    assert response.status_code == 302
    profile = Household.objects.get(dwelling=cast.household_b)
    assert profile.dietary == "软食 少盐" and profile.phone_shared
    assert Task.objects.get(pk=cast.lunch_b.pk).dietary == "软食 少盐"
    assert AuditEvent.objects.filter(target_type="delivery.Household", action="update").exists()


def test_a_too_long_dietary_note_is_refused(client, cast):
    client.force_login(cast.users["carol"])
    response = client.post(reverse("delivery:household_profile", args=[cast.household_b.pk]), {"dietary": "素" * 201})
    assert response.status_code == 400
    assert Household.objects.get(dwelling=cast.household_b).dietary == "清真"


def test_a_repayment_received_by_the_courier_clears_the_balance(client, cast):
    client.force_login(cast.users["bob"])
    frank = cast.users["frank"]
    url = reverse("delivery:household_repayment", args=[cast.household_b.pk])
    page_text = client.get(reverse("delivery:household_detail", args=[cast.household_b.pk])).content.decode()
    assert f'value="{frank.pk}"' in page_text  # the community's couriers may be who received it
    response = client.post(url, {"amount": "58.50", "method": "transfer", "payee": str(frank.pk)}, follow=True)
    assert response.redirect_chain and response.status_code == 200
    entry = LedgerEntry.objects.get(kind="repayment")
    assert entry.payee == frank and entry.recorded_by == cast.users["bob"] and entry.method == "transfer"
    text = client.get(reverse("delivery:household_list")).content.decode()
    assert "58.50" not in text


def test_a_repayment_to_someone_outside_the_community_is_refused(client, cast):
    client.force_login(cast.users["bob"])
    response = client.post(reverse("delivery:household_repayment", args=[cast.household_b.pk]),
                           {"amount": "10", "method": "cash", "payee": str(cast.users["olga"].pk)})
    assert response.status_code == 400 and not LedgerEntry.objects.filter(kind="repayment").exists()


def test_a_bad_amount_names_the_field(client, cast):
    client.force_login(cast.users["bob"])
    response = client.post(reverse("delivery:household_repayment", args=[cast.household_b.pk]),
                           {"amount": "0", "method": "cash", "payee": "me"})
    assert response.status_code == 400 and zh("Enter the amount paid back.") in response.content.decode()


def test_a_new_link_ends_the_old_one(client, cast):
    old = cast.profile_b.token
    client.force_login(cast.users["bob"])
    text = client.get(reverse("delivery:household_detail", args=[cast.household_b.pk])).content.decode()
    assert "data-confirm=" in text  # asked before it is sent
    assert client.post(reverse("delivery:household_new_link", args=[cast.household_b.pk])).status_code == 302
    new = Household.objects.get(dwelling=cast.household_b).token
    assert new != old
    client.logout()
    assert client.get(reverse("delivery:link", args=[old])).status_code == 404
    assert client.get(reverse("delivery:link", args=[new])).status_code == 200


def test_the_page_of_a_household_without_a_profile_makes_one_for_its_editors(client, cast):
    dwelling = DwellingFactory(building=cast.building_a)
    assert not Household.objects.filter(dwelling=dwelling).exists()
    page(client, cast, "dave", "delivery:household_detail", [dwelling.pk])
    assert not Household.objects.filter(dwelling=dwelling).exists()  # a reader's visit writes nothing
    page(client, cast, "alice", "delivery:household_detail", [dwelling.pk])
    assert Household.objects.filter(dwelling=dwelling).exists()


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("user", ["carol", "dave", "bob"])
def test_the_list_runs_a_constant_number_of_queries(client, cast, user):
    client.force_login(cast.users[user])

    def grow(start, n):
        for i in range(start, start + n):
            grid = cast.grid_b if user == "bob" else GridFactory(community=cast.community)
            matrix_households.grow(cast, BuildingFactory(estate=cast.estate, grid=grid), i)
    grow(0, 2)
    url = reverse("delivery:household_list")
    few = count_queries(client, url)
    grow(2, 6)
    assert count_queries(client, url) == few
