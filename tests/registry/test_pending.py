"""People waiting for registration: who sees them, registering one in two steps, setting aside."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from fangxian.core.plugins import menu_items
from fangxian.core.scope import Scope
from fangxian.registry.models import PendingPerson, Person
from fangxian.registry.pending import pending_person_add
from tests.factories import DwellingFactory, make_national_id
from tests.registry import matrix_pending
from tests.roles import DENY, LOGIN, OK, ROLES

pytestmark = pytest.mark.usefixtures("frozen_clock")


@pytest.fixture
def cast(two_grids):
    matrix_pending.equip(two_grids)
    return two_grids


def _page(client, user, **params):
    client.force_login(user)
    return client.get(reverse("registry:pending_list"), params).content.decode()


def test_grid_workers_see_their_grids_waiting_people_masked(client, cast):
    assert "乙****人" in _page(client, cast.users["bob"])
    assert "乙网格新来人" not in _page(client, cast.users["carol"])
    page = _page(client, cast.users["alice"])
    assert "乙****人" not in page and "没有待登记的人员。" in page
    assert "139****2222" in _page(client, cast.users["bob"])


def test_the_search_finds_by_room_and_the_tabs_by_status(client, cast):
    room = cast.dwelling_b.room
    assert "乙****人" in _page(client, cast.users["carol"], q=room)
    assert "乙****人" not in _page(client, cast.users["carol"], q="9999")
    assert "乙****人" not in _page(client, cast.users["carol"], status="dismissed")


def test_register_opens_the_person_form_holding_what_was_found_and_saving_resolves_it(client, cast):
    client.force_login(cast.users["bob"])
    url = reverse("registry:pending_register", args=[cast.pending_b.pk])
    form = client.get(url).content.decode()
    assert 'value="乙网格新来人"' in form and f'value="{cast.dwelling_b.room}"' in form
    assert "13900002222" not in form  # the mobile given at the door stays out of the page
    national_id = make_national_id()
    response = client.post(url, {"name": "乙网格新来人", "national_id": national_id, "kind": "tenant",
                                 "building": cast.building_b.pk, "room": cast.dwelling_b.room})
    assert response.status_code == 302, response.content.decode()[:2000]
    person = Person.objects.get(national_id=national_id)
    assert (person.dwelling, person.phone) == (cast.dwelling_b, "13900002222")
    row = PendingPerson.objects.get(pk=cast.pending_b.pk)
    assert (row.status, row.person, row.resolved_by) == ("registered", person, cast.users["bob"])
    assert "乙****人" in _page(client, cast.users["bob"], status="registered")


def test_a_bad_id_number_keeps_the_row_waiting_and_says_why(client, cast):
    client.force_login(cast.users["bob"])
    response = client.post(reverse("registry:pending_register", args=[cast.pending_b.pk]), {
        "name": "乙网格新来人", "national_id": "123", "kind": "tenant", "building": cast.building_b.pk,
        "room": cast.dwelling_b.room})
    assert response.status_code == 200 and "errorlist" in response.content.decode()
    assert PendingPerson.objects.get(pk=cast.pending_b.pk).status == "pending"
    assert not Person.objects.filter(name="乙网格新来人").exists()


def test_a_person_already_in_the_register_is_linked(client, cast):
    client.force_login(cast.users["bob"])
    client.post(reverse("registry:pending_resolve", args=[cast.pending_b.pk]),
                {"action": "register", "person": cast.person_b.pk})
    row = PendingPerson.objects.get(pk=cast.pending_b.pk)
    assert (row.status, row.person) == ("registered", cast.person_b)


def test_only_a_resident_of_that_dwelling_can_be_linked(client, cast):
    client.force_login(cast.users["carol"])
    client.post(reverse("registry:pending_resolve", args=[cast.pending_b.pk]),
                {"action": "register", "person": cast.person_a.pk})
    assert PendingPerson.objects.get(pk=cast.pending_b.pk).status == "pending"


def test_setting_aside_needs_a_reason_said_clearly(client, cast):
    client.force_login(cast.users["bob"])
    url = reverse("registry:pending_resolve", args=[cast.pending_b.pk])
    response = client.post(url, {"action": "dismiss", "reason": " "}, follow=True)
    assert "Reason" in response.content.decode() or "原因" in response.content.decode()
    assert PendingPerson.objects.get(pk=cast.pending_b.pk).status == "pending"
    client.post(url, {"action": "dismiss", "reason": "只是来探亲的访客"})
    row = PendingPerson.objects.get(pk=cast.pending_b.pk)
    assert (row.status, row.resolution_note) == ("dismissed", "只是来探亲的访客")
    # Resolved once: a second decision changes nothing.
    client.post(url, {"action": "register", "person": cast.person_b.pk})
    assert PendingPerson.objects.get(pk=cast.pending_b.pk).status == "dismissed"


def test_alice_cannot_resolve_grid_b_and_officers_only_read(client, cast):
    for who in ("alice", "dave", "olga"):
        client.force_login(cast.users[who])
        response = client.post(reverse("registry:pending_resolve", args=[cast.pending_b.pk]),
                               {"action": "dismiss", "reason": "不该能改"})
        assert response.status_code in (403, 404), who
    assert PendingPerson.objects.get(pk=cast.pending_b.pk).status == "pending"


def test_the_menu_badge_counts_what_waits_for_the_grid_worker(cast):
    def badge(who):
        items = [i for i in menu_items(Scope.for_user(cast.users[who])) if i.url == reverse("registry:pending_list")]
        return items[0].badge if items else "no entry"
    assert (badge("bob"), badge("alice"), badge("carol"), badge("erin")) == (1, 0, 1, "no entry")


def test_the_slipped_through_list_shows_who_was_found_at_the_door(client, cast):
    client.force_login(cast.users["bob"])
    page = client.get(reverse("returnees:slipped_list"), {"since": "2026-02-25"}).content.decode()
    assert "乙****人" in page and reverse("registry:pending_list") in page
    client.force_login(cast.users["alice"])
    assert "乙****人" not in client.get(reverse("returnees:slipped_list"), {"since": "2026-02-25"}).content.decode()


def test_the_list_runs_the_same_queries_for_one_row_as_for_twelve(client, cast):
    client.force_login(cast.users["carol"])
    url = reverse("registry:pending_list")
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for i in range(11):
        pending_person_add(community=cast.community, dwelling=DwellingFactory(building=cast.building_b),
                           name=f"新来人{i}", source="敲门行动：测试", found_at=timezone.now())
    with CaptureQueriesContext(connection) as twelve:
        assert client.get(url).content.decode().count("btn\" href=\"/registry/pending/") == 12
    assert len(twelve) == len(one)


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_what_the_matrix_says(client, cast, role):
    if role != "anon":
        client.force_login(cast.users[role])
    for name, (method, pk_of, expected) in matrix_pending.PAGES.items():
        url = reverse(name, args=[pk_of(cast)] if pk_of else [])
        response = getattr(client, method)(url, matrix_pending.POST_DATA.get(name, {}))
        outcome = (DENY if response.status_code in (403, 404, 405) else
                   LOGIN if response.status_code == 302 and "/login/" in response.headers.get("Location", "") else
                   OK if response.status_code < 400 else response.status_code)
        assert outcome == expected[role], (name, role, response.status_code)
