"""Unreturned households: marking rooms not returned, door seals, the board, the seal PDF and
the "slipped through" list."""

from __future__ import annotations

import datetime as dt
import re
import uuid

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from fangxian.access import services as access_services
from fangxian.access.models import Scan
from fangxian.core.models import AuditEvent
from fangxian.registry.models import Dwelling
from fangxian.returnees import seals
from fangxian.returnees.models import DoorSeal, Registration
from fangxian.returnees.seal_views import seal_urlpatterns
from tests.access.conftest import make_checkpoint
from tests.factories import BuildingFactory, DwellingFactory, PersonFactory, make_national_id

# Reads the date or the hour: .ci/run runs it again at 03:00 and at 23:59 Asia/Shanghai.
pytestmark = pytest.mark.clock_sensitive

PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
       b"\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x03\x00\x08\xfc\x02\xfe\xa7\x9a\xa0\xa0\x00\x00\x00\x00IEND\xaeB`\x82")


def dwelling_b(cast) -> Dwelling:
    return cast.person_b.dwelling


def registration(dwelling, *, status="pending", created_at=None) -> Registration:
    reg = Registration.objects.create(
        community=dwelling.building.community, dwelling=dwelling, name="返深人员", national_id=make_national_id(),
        phone="13900000000", from_province="湖北省", arrival_date=timezone.localdate(), consent_version="1",
        consent_at=timezone.now(), status=status)
    if created_at is not None:
        Registration.objects.filter(pk=reg.pk).update(created_at=created_at)
    return reg


def scan(checkpoint, *, person=None, pass_obj=None, at=None) -> Scan:
    now = timezone.now()
    return Scan.objects.create(
        event_id=uuid.uuid4(), device_id="test", device_seq=1, batch=uuid.uuid4(), checkpoint=checkpoint,
        community=checkpoint.community, kind=Scan.Kind.SCAN if pass_obj else Scan.Kind.MANUAL, direction="in",
        occurred_at=at or now, received_at=now, pass_obj=pass_obj, person=person, device_verdict="green",
        server_verdict="green")


# -- marking rooms not returned -------------------------------------------------------------

def test_it_marks_rooms_not_returned_with_a_reason_and_audits_it(two_grids):
    bob, dwelling = two_grids.users["bob"], dwelling_b(two_grids)
    seals.dwellings_mark_not_returned(dwellings=[dwelling], reason="仍在老家", user=bob)
    dwelling.refresh_from_db()
    assert dwelling.status == Dwelling.Status.NOT_RETURNED
    event = AuditEvent.objects.get(target_type="registry.Dwelling", target_id=str(dwelling.pk))
    assert (event.actor, event.action, event.field, event.reason) == (bob, "update", "status", "仍在老家")
    assert event.detail == "occupied → not_returned"
    assert event.community_id == two_grids.community.pk


@pytest.mark.parametrize("reason", ["", "  ", "x"])
def test_it_requires_a_reason_to_mark_rooms_not_returned(two_grids, reason):
    with pytest.raises(ValidationError):
        seals.dwellings_mark_not_returned(dwellings=[dwelling_b(two_grids)], reason=reason,
                                          user=two_grids.users["bob"])
    assert Dwelling.objects.get(pk=dwelling_b(two_grids).pk).status == Dwelling.Status.OCCUPIED
    assert not AuditEvent.objects.exists()


def test_it_marks_nothing_when_one_room_is_not_occupied(two_grids):
    other = DwellingFactory(building=two_grids.building_b, room="909", status=Dwelling.Status.QUARANTINE)
    with pytest.raises(ValidationError, match="909"):
        seals.dwellings_mark_not_returned(dwellings=[dwelling_b(two_grids), other], reason="仍在老家",
                                          user=two_grids.users["bob"])
    assert Dwelling.objects.get(pk=dwelling_b(two_grids).pk).status == Dwelling.Status.OCCUPIED


def test_it_marks_ticked_rooms_from_the_board(client, two_grids):
    extra = DwellingFactory(building=two_grids.building_b, room="202")
    client.force_login(two_grids.users["bob"])
    url = reverse("returnees:board_mark_not_returned", args=[two_grids.building_b.pk])
    response = client.post(url, {"dwelling": [extra.pk], "reason": "春节回乡未返"})
    assert response.status_code == 302
    extra.refresh_from_db()
    assert extra.status == Dwelling.Status.NOT_RETURNED
    assert Dwelling.objects.get(pk=dwelling_b(two_grids).pk).status == Dwelling.Status.OCCUPIED
    # No reason: nothing changes.
    client.post(url, {"dwelling": [dwelling_b(two_grids).pk], "reason": ""})
    assert Dwelling.objects.get(pk=dwelling_b(two_grids).pk).status == Dwelling.Status.OCCUPIED


# -- seals --------------------------------------------------------------------------------

def test_it_seals_and_unseals_a_dwelling_and_audits_both(two_grids):
    bob, dwelling = two_grids.users["bob"], dwelling_b(two_grids)
    seals.dwellings_mark_not_returned(dwellings=[dwelling], reason="未返", user=bob)
    door_seal = seals.seal(dwelling=dwelling, user=bob, note="门已贴封条")
    dwelling.refresh_from_db()
    assert dwelling.status == Dwelling.Status.SEALED
    assert (door_seal.sealed_by, door_seal.unsealed_at) == (bob, None)
    assert AuditEvent.objects.filter(target_type="returnees.DoorSeal", target_id=str(door_seal.pk),
                                     action="create").exists()
    assert AuditEvent.objects.filter(target_type="registry.Dwelling", detail="not_returned → sealed").exists()

    seals.unseal(seal=door_seal, user=bob, reason="住户已登记")
    dwelling.refresh_from_db()
    door_seal.refresh_from_db()
    assert dwelling.status == Dwelling.Status.OCCUPIED
    assert (door_seal.unsealed_by, door_seal.unseal_reason) == (bob, "住户已登记")
    assert door_seal.unsealed_at is not None
    event = AuditEvent.objects.get(target_type="registry.Dwelling", detail="sealed → occupied")
    assert event.reason == "住户已登记"


def test_it_can_unseal_back_to_not_returned(two_grids):
    bob, dwelling = two_grids.users["bob"], dwelling_b(two_grids)
    door_seal = seals.seal(dwelling=dwelling, user=bob)
    seals.unseal(seal=door_seal, user=bob, reason="封条破损, 重新张贴", to_status=Dwelling.Status.NOT_RETURNED)
    dwelling.refresh_from_db()
    assert dwelling.status == Dwelling.Status.NOT_RETURNED
    seals.seal(dwelling=dwelling, user=bob)  # sealed anew
    dwelling.refresh_from_db()
    assert dwelling.status == Dwelling.Status.SEALED
    assert DoorSeal.objects.filter(dwelling=dwelling).count() == 2


@pytest.mark.parametrize("reason", ["", " ", "x"])
def test_it_requires_a_reason_to_unseal(two_grids, reason):
    bob, dwelling = two_grids.users["bob"], dwelling_b(two_grids)
    door_seal = seals.seal(dwelling=dwelling, user=bob)
    with pytest.raises(ValidationError):
        seals.unseal(seal=door_seal, user=bob, reason=reason)
    dwelling.refresh_from_db()
    door_seal.refresh_from_db()
    assert (dwelling.status, door_seal.unsealed_at) == (Dwelling.Status.SEALED, None)


def test_it_refuses_to_seal_twice_or_a_quarantined_home(two_grids):
    bob, dwelling = two_grids.users["bob"], dwelling_b(two_grids)
    seals.seal(dwelling=dwelling, user=bob)
    with pytest.raises(ValidationError):
        seals.seal(dwelling=dwelling, user=bob)
    quarantined = DwellingFactory(building=two_grids.building_b, status=Dwelling.Status.QUARANTINE)
    with pytest.raises(ValidationError):
        seals.seal(dwelling=quarantined, user=bob)
    assert DoorSeal.objects.count() == 1


def test_it_refuses_an_unseal_twice(two_grids):
    bob = two_grids.users["bob"]
    door_seal = seals.seal(dwelling=dwelling_b(two_grids), user=bob)
    seals.unseal(seal=door_seal, user=bob, reason="已登记")
    with pytest.raises(ValidationError):
        seals.unseal(seal=door_seal, user=bob, reason="已登记")


def test_it_records_a_seal_with_a_photo_on_the_page_and_shows_it(client, two_grids, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(two_grids.users["bob"])
    dwelling = dwelling_b(two_grids)
    response = client.post(reverse("returnees:seal_create", args=[dwelling.pk]), {
        "sealed_on": timezone.localdate().isoformat(), "note": "东门",
        "photo": SimpleUploadedFile("door.png", PNG, content_type="image/png")})
    assert response.status_code == 302, response.content.decode()
    door_seal = DoorSeal.objects.get(dwelling=dwelling)
    assert door_seal.photo.name.endswith(".png")
    photo = client.get(reverse("returnees:seal_photo", args=[door_seal.pk]))
    assert photo.status_code == 200 and photo["Content-Type"] == "image/png"
    assert b"".join(photo.streaming_content) == PNG
    page = client.get(reverse("returnees:dwelling_seals", args=[dwelling.pk])).content.decode()
    assert reverse("returnees:seal_photo", args=[door_seal.pk]) in page
    # Alice (grid A) sees neither the page nor the photo.
    client.force_login(two_grids.users["alice"])
    assert client.get(reverse("returnees:seal_photo", args=[door_seal.pk])).status_code == 404


def test_it_refuses_a_photo_that_is_not_an_image_or_too_large(client, two_grids, settings, tmp_path, monkeypatch):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(two_grids.users["bob"])
    url = reverse("returnees:seal_create", args=[dwelling_b(two_grids).pk])
    day = timezone.localdate().isoformat()
    fake = SimpleUploadedFile("door.jpg", b"<html>not a photo</html>", content_type="image/jpeg")
    response = client.post(url, {"sealed_on": day, "photo": fake})
    assert response.status_code == 400
    assert "照片须为 JPEG、PNG 或 GIF 图片" in response.content.decode()  # the error, not the help text
    monkeypatch.setattr(seals, "PHOTO_MAX_BYTES", 10)
    response = client.post(url, {"sealed_on": day, "photo": SimpleUploadedFile("door.png", PNG)})
    assert response.status_code == 400
    future = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    assert client.post(url, {"sealed_on": future}).status_code == 400
    assert not DoorSeal.objects.exists()
    assert Dwelling.objects.get(pk=dwelling_b(two_grids).pk).status == Dwelling.Status.OCCUPIED


def test_it_unseals_on_the_page_only_with_a_reason(client, two_grids):
    bob = two_grids.users["bob"]
    door_seal = seals.seal(dwelling=dwelling_b(two_grids), user=bob)
    client.force_login(bob)
    url = reverse("returnees:seal_remove", args=[door_seal.pk])
    assert client.post(url, {"unseal_reason": "", "to_status": "occupied"}).status_code == 400
    assert Dwelling.objects.get(pk=dwelling_b(two_grids).pk).status == Dwelling.Status.SEALED
    assert client.post(url, {"unseal_reason": "已到居民小组登记", "to_status": "occupied"}).status_code == 302
    assert Dwelling.objects.get(pk=dwelling_b(two_grids).pk).status == Dwelling.Status.OCCUPIED


def test_it_unseals_a_door_when_its_household_returns(two_grids):
    bob, dwelling = two_grids.users["bob"], dwelling_b(two_grids)
    assert seals.dwelling_unseal_on_return(dwelling=dwelling, user=bob, reason="已审核入住") == []
    door_seal = seals.seal(dwelling=dwelling, user=bob)
    assert [s.pk for s in seals.dwelling_unseal_on_return(dwelling=dwelling, user=bob, reason="已审核入住")] == [
        door_seal.pk]
    dwelling.refresh_from_db()
    assert dwelling.status == Dwelling.Status.OCCUPIED
    assert DoorSeal.objects.get(pk=door_seal.pk).unseal_reason == "已审核入住"


# -- scope --------------------------------------------------------------------------------

def test_it_lets_alice_not_seal_mark_or_print_in_grid_b(client, two_grids):
    alice, dwelling = two_grids.users["alice"], dwelling_b(two_grids)
    door_seal = seals.seal(dwelling=DwellingFactory(building=two_grids.building_b), user=two_grids.users["bob"])
    client.force_login(alice)
    day = timezone.localdate().isoformat()
    assert client.post(reverse("returnees:seal_create", args=[dwelling.pk]), {"sealed_on": day}).status_code == 404
    assert client.post(reverse("returnees:seal_remove", args=[door_seal.pk]),
                       {"unseal_reason": "试图越权", "to_status": "occupied"}).status_code == 404
    assert client.post(reverse("returnees:board_mark_not_returned", args=[two_grids.building_b.pk]),
                       {"dwelling": [dwelling.pk], "reason": "试图越权"}).status_code == 404
    for name, pk in (("building_board", two_grids.building_b.pk), ("dwelling_seals", dwelling.pk),
                     ("dwelling_seal_pdf", dwelling.pk), ("building_seals_pdf", two_grids.building_b.pk)):
        assert client.get(reverse(f"returnees:{name}", args=[pk])).status_code == 404, name
    # Ticking a grid B room on her own board changes nothing either.
    client.post(reverse("returnees:board_mark_not_returned", args=[two_grids.building_a.pk]),
                {"dwelling": [dwelling.pk], "reason": "试图越权"})
    assert Dwelling.objects.get(pk=dwelling.pk).status == Dwelling.Status.OCCUPIED
    assert not DoorSeal.objects.filter(dwelling=dwelling).exists()
    with pytest.raises(PermissionDenied):  # the service checks too, when given the scope
        from fangxian.core.scope import Scope

        seals.seal(dwelling=dwelling, user=alice, scope=Scope.for_user(alice))


@pytest.mark.parametrize(("user", "board", "write"), [
    ("alice", 404, 404), ("bob", 200, 200), ("carol", 200, 200), ("dave", 200, 404),
    ("erin", 403, 403), ("frank", 403, 403), ("olga", 404, 404), ("root", 200, 200),
])
def test_it_gives_each_role_the_board_and_the_seal_pdf_of_grid_b(client, two_grids, user, board, write):
    client.force_login(two_grids.users[user])
    assert client.get(reverse("returnees:building_board", args=[two_grids.building_b.pk])).status_code == board
    assert client.get(reverse("returnees:dwelling_seal_pdf", args=[dwelling_b(two_grids).pk])).status_code == write


# -- the board ----------------------------------------------------------------------------

def _page_counts(html: str) -> dict[str, int]:
    return {state: int(n.replace(",", "")) for state, n in
            re.findall(r'data-state="(\w+)"><b[^>]*>([\d,]+)</b>', html)}


def test_it_shows_board_counts_equal_to_independent_counts(client, two_grids):
    building, bob = two_grids.building_b, two_grids.users["bob"]
    statuses = ["occupied", "not_returned", "sealed", "quarantine"]
    rooms = [DwellingFactory(building=building, room=f"{floor}0{i}") for floor in range(11, 15) for i in range(1, 4)]
    for index, dwelling in enumerate(rooms):
        Dwelling.objects.filter(pk=dwelling.pk).update(status=statuses[index % 4])
    # Pending registrations: two for one room (counts once), one for a sealed room, and
    # registrations already reviewed (not pending) that must not count.
    registration(rooms[0])
    registration(rooms[0])
    registration(rooms[2])
    registration(rooms[5], status="approved_occupied")
    registration(rooms[6], status="rejected")
    # Rooms of another building do not count.
    DwellingFactory(building=two_grids.building_a, status="sealed")

    everything = list(Dwelling.objects.filter(building=building))
    expected = {status: sum(1 for d in everything if d.status == status) for status in statuses}
    pending_rooms = {r.dwelling_id for r in Registration.objects.all() if r.status == "pending"}
    expected["pending"] = sum(1 for d in everything if d.pk in pending_rooms)
    assert expected["pending"] == 2

    client.force_login(bob)
    html = client.get(reverse("returnees:building_board", args=[building.pk])).content.decode()
    assert _page_counts(html) == expected
    assert seals.board_counts(Dwelling.objects.filter(building=building)).total == len(everything)
    # Every room is one cell, with its status, and the pending ones are marked.
    cells = re.findall(r'data-room="(\w+)" data-status="(\w+)"', html)
    assert sorted(cells) == sorted((d.room, d.status) for d in everything)
    assert html.count('class="pending-tag"') == 2
    # Only occupied rooms can be ticked.
    assert html.count('name="dwelling"') == expected["occupied"]


def test_it_sums_the_board_list_over_what_the_user_sees(client, two_grids):
    DwellingFactory(building=two_grids.building_a, status="sealed")
    DwellingFactory(building=two_grids.building_b, status="not_returned")
    DwellingFactory(building=two_grids.building_b, status="sealed")
    client.force_login(two_grids.users["alice"])
    counts = _page_counts(client.get(reverse("returnees:board_list")).content.decode())
    assert counts == {"occupied": 1, "not_returned": 0, "sealed": 1, "quarantine": 0, "pending": 0}
    client.force_login(two_grids.users["carol"])
    counts = _page_counts(client.get(reverse("returnees:board_list")).content.decode())
    assert counts == {"occupied": 2, "not_returned": 1, "sealed": 2, "quarantine": 0, "pending": 0}


def test_it_hides_the_tick_boxes_from_an_officer(client, two_grids):
    client.force_login(two_grids.users["dave"])
    html = client.get(reverse("returnees:building_board", args=[two_grids.building_b.pk])).content.decode()
    assert 'name="dwelling"' not in html and "board_mark" not in html


# -- slipped through ------------------------------------------------------------------------

@pytest.fixture
def slipped(two_grids):
    """People around a checkpoint; `expected` are those who slipped through since `since`."""
    cast = two_grids
    since = timezone.localdate() - dt.timedelta(days=10)
    start = timezone.make_aware(dt.datetime.combine(since, dt.time.min))
    checkpoint = make_checkpoint(cast.estate)
    carol = cast.users["carol"]

    def away(status="not_returned", building=None):
        return PersonFactory(dwelling=DwellingFactory(building=building or cast.building_a, status=status))

    seen_in_person = away()  # a manual admission with the person
    scan(checkpoint, person=seen_in_person, at=start + dt.timedelta(days=1))
    scan(checkpoint, person=seen_in_person, at=start + dt.timedelta(days=2))  # twice: listed once
    seen_by_pass = away("sealed")  # a pass scanned; the scan has no person of its own
    scan(checkpoint, pass_obj=access_services.pass_issue(person=seen_by_pass, user=carol), at=timezone.now())
    old_registration = away()  # registered before the campaign: still slipped through
    registration(old_registration.dwelling, status="approved_occupied", created_at=start - dt.timedelta(days=3))
    scan(checkpoint, person=old_registration, at=timezone.now())
    in_grid_b = away(building=cast.building_b)
    scan(checkpoint, person=in_grid_b, at=timezone.now())

    seen_before = away()  # seen only before the campaign began
    scan(checkpoint, person=seen_before, at=start - dt.timedelta(seconds=1))
    registered = away()  # the household registered (pending review) since the start
    registration(registered.dwelling, created_at=start + dt.timedelta(hours=1))
    scan(checkpoint, person=registered, at=timezone.now())
    housemate = PersonFactory(dwelling=registered.dwelling)  # same home: registered too
    scan(checkpoint, person=housemate, at=timezone.now())
    at_home = away("occupied")
    scan(checkpoint, person=at_home, at=timezone.now())
    in_quarantine = away("quarantine")
    scan(checkpoint, person=in_quarantine, at=timezone.now())
    away("sealed")  # never seen anywhere

    cast.since = since
    cast.expected_all = {seen_in_person.pk, seen_by_pass.pk, old_registration.pk, in_grid_b.pk}
    cast.expected_alice = cast.expected_all - {in_grid_b.pk}
    # With a start of today: seen_in_person was seen only before; the registered home's
    # registration is older than today.
    cast.expected_today = cast.expected_all - {seen_in_person.pk} | {registered.pk, housemate.pk}
    return cast


def test_it_lists_exactly_the_people_who_slipped_through(slipped):
    from fangxian.core.scope import Scope
    from fangxian.registry.models import Person

    people = seals.slipped_through(Person.objects.all(), since=slipped.since)
    assert {p.pk for p in people} == slipped.expected_all
    assert len(list(people)) == len(slipped.expected_all)
    alice_sees = Scope.for_user(slipped.users["alice"]).filter(Person.objects.all())
    assert {p.pk for p in seals.slipped_through(alice_sees, since=slipped.since)} == slipped.expected_alice


def test_it_shows_the_slipped_through_page_with_the_chosen_start(client, slipped):
    from fangxian.registry.models import Person

    client.force_login(slipped.users["carol"])
    url = reverse("returnees:slipped_list")
    html = client.get(url, {"since": slipped.since.isoformat()}).content.decode()
    for person in Person.objects.filter(pk__in=slipped.expected_all):
        assert person.name in html and person.national_id_masked in html
        assert person.national_id not in html
    listed = re.findall(r'/registry/people/(\d+)/', html)
    assert {int(pk) for pk in listed} == slipped.expected_all
    # A start of today leaves out those seen only earlier, and brings in the home whose
    # registration is older than that.
    later = client.get(url, {"since": timezone.localdate().isoformat()}).content.decode()
    assert {int(pk) for pk in re.findall(r'/registry/people/(\d+)/', later)} == slipped.expected_today
    # The default start is 14 days ago.
    assert seals.campaign_start_default(dt.date(2026, 3, 15)) == dt.date(2026, 3, 1)


def test_it_refuses_the_slipped_through_list_to_volunteers(client, two_grids):
    for user in ("erin", "frank"):
        client.force_login(two_grids.users[user])
        assert client.get(reverse("returnees:slipped_list")).status_code == 403


# -- the PDF --------------------------------------------------------------------------------

def test_it_prints_the_seal_and_notice_as_pdf(client, two_grids):
    client.force_login(two_grids.users["bob"])
    response = client.get(reverse("returnees:dwelling_seal_pdf", args=[dwelling_b(two_grids).pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    DwellingFactory(building=two_grids.building_b, room="301", status="not_returned")
    DwellingFactory(building=two_grids.building_b, room="302", status="not_returned")
    response = client.get(reverse("returnees:building_seals_pdf", args=[two_grids.building_b.pk]))
    assert response.content.startswith(b"%PDF")
    assert len(re.findall(rb"/Type /Page[^s]", response.content)) == 2  # one page per room not returned
    from fangxian.returnees.seal_pdf import seals_pdf

    assert seals_pdf([]).startswith(b"%PDF")


# -- query counts ---------------------------------------------------------------------------

def _grow(cast, n: int) -> None:
    checkpoint = make_checkpoint(cast.estate, name=f"门{n}-{Scan.objects.count()}")
    for i in range(n):
        building = BuildingFactory(estate=cast.estate, grid=cast.grid_b)
        for status in ("occupied", "not_returned", "sealed"):
            dwelling = DwellingFactory(building=building, status=status)
            person = PersonFactory(dwelling=dwelling)
            scan(checkpoint, person=person)
        room = DwellingFactory(building=cast.building_b, status="sealed")
        registration(room)
        DoorSeal.objects.create(dwelling=room, sealed_at=timezone.now(), sealed_by=cast.users["bob"])


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(queries)


@pytest.mark.parametrize("user", ["carol", "dave", "bob"])
@pytest.mark.parametrize("name", ["board_list", "building_board", "slipped_list"])
def test_it_runs_a_constant_number_of_queries(client, two_grids, user, name):
    client.force_login(two_grids.users[user])
    url = reverse(f"returnees:{name}", args=[two_grids.building_b.pk] if name == "building_board" else [])
    _grow(two_grids, 2)
    few = _queries(client, url)
    _grow(two_grids, 12)
    many = _queries(client, url)
    assert many == few, f"{name} as {user}: {few} queries for few rows, {many} for many"


# -- the scope matrix of these pages ---------------------------------------------------------
# The rows to add to tests/core/test_scope_matrix.py's PAGES once returnees/urls.py has the
# patterns (the matrix cast needs `seal_b`, made as in `seal_cast` below).

from tests.core import test_scope_matrix as matrix  # noqa: E402

matrix_cast = matrix.cast  # the matrix's `cast` fixture, found by pytest under this name

SEAL_PAGES = {
    "returnees:board_list": ("get", None, matrix.REGISTRY_LIST),
    "returnees:building_board": ("get", lambda c: c.building_b.pk, matrix.REGISTRY_READ_B),
    "returnees:board_mark_not_returned": ("post", lambda c: c.building_b.pk, matrix.REGISTRY_WRITE_B),
    "returnees:building_seals_pdf": ("get", lambda c: c.building_b.pk, matrix.REGISTRY_WRITE_B),
    "returnees:dwelling_seals": ("get", lambda c: c.person_b.dwelling_id, matrix.REGISTRY_READ_B),
    "returnees:seal_create": ("post", lambda c: c.person_b.dwelling_id, matrix.REGISTRY_WRITE_B),
    "returnees:dwelling_seal_pdf": ("get", lambda c: c.person_b.dwelling_id, matrix.REGISTRY_WRITE_B),
    "returnees:seal_photo": ("get", lambda c: c.seal_b.pk, matrix.REGISTRY_READ_B),
    "returnees:seal_remove": ("post", lambda c: c.seal_b.pk, matrix.REGISTRY_WRITE_B),
    "returnees:slipped_list": ("get", None, matrix.REGISTRY_LIST),
}
SEAL_POST_DATA = {
    "returnees:board_mark_not_returned": lambda: {"reason": "矩阵测试"},
    "returnees:seal_create": lambda: {"sealed_on": timezone.localdate().isoformat(), "note": "矩阵测试"},
    "returnees:seal_remove": lambda: {"unseal_reason": "矩阵测试", "to_status": "occupied"},
}


@pytest.fixture
def seal_cast(matrix_cast, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    matrix_cast.seal_b = seals.seal(dwelling=DwellingFactory(building=matrix_cast.building_b),
                                    user=matrix_cast.users["bob"], photo=SimpleUploadedFile("door.png", PNG))
    return matrix_cast


def test_it_lists_every_seal_page():
    assert {f"returnees:{p.name}" for p in seal_urlpatterns} == set(SEAL_PAGES)


@pytest.mark.parametrize("role", matrix.ROLES)
def test_it_gives_each_role_what_the_matrix_says_on_the_seal_pages(client, seal_cast, role):
    if role != "anon":
        client.force_login(seal_cast.users[role])
    wrong = []
    for name, (method, pk_of, expected) in SEAL_PAGES.items():
        url = reverse(name, args=[pk_of(seal_cast)] if pk_of else [])
        response = getattr(client, method)(url, SEAL_POST_DATA.get(name, dict)())
        outcome = matrix._outcome(response)
        if outcome != expected[role]:
            wrong.append(f"{name}: expected {expected[role]}, got {outcome} ({response.status_code})")
        if role == "alice" and response.status_code == 200 and method == "get" and not response.streaming:
            assert "乙网格居民" not in response.content.decode(errors="ignore"), f"{name} shows grid B to alice"
    assert not wrong, "\n".join(wrong)
