"""The courier's run sheet as frank meets it on his phone, and as the office reads it: his own
tasks only, in the order of the stairs, without ID numbers or phones (the call goes through an
audited button), steps stored once per event_id, receipts and repayments, the printed A4.
The clock stands at 2026-03-02 10:00."""

import io
import re
import shutil
import subprocess
import uuid
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from fangxian.accounts.models import Role
from fangxian.core.models import AuditEvent
from fangxian.core.personal import mask_name, mask_phone
from fangxian.delivery.models import Household, LedgerEntry, Task, TaskEvent
from fangxian.delivery.run_forms import clean_photo
from tests.conftest import FROZEN_AT
from tests.delivery import matrix_run
from tests.factories import BuildingFactory, DwellingFactory, PersonFactory, make_user
from tests.i18n import zh
from tests.roles import ROLES, walk_matrix

pytestmark = pytest.mark.usefixtures("frozen_clock")
FULL_ID = re.compile(r"\d{17}[\dXx]")
FULL_MOBILE = re.compile(r"(?<!\d)1\d{10}(?!\d)")



@pytest.fixture
def cast(two_grids):
    matrix_run.equip(two_grids)
    return two_grids


def sheet(client, **params) -> str:
    response = client.get(reverse("delivery:run_sheet"), params)
    assert response.status_code == 200
    return response.content.decode()


def new_task(cast, dwelling, courier, **fields) -> Task:
    now = timezone.now()
    values = dict(dwelling=dwelling, kind=Task.Kind.GARBAGE, day=FROZEN_AT.date(), due_by=now.replace(hour=18),
                  status=Task.Status.ASSIGNED, courier=courier, source=Task.Source.WORKER, created_at=now,
                  assigned_at=now)
    values.update(fields)
    return Task.objects.create(**values)


def png_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 10, 10)).save(out, format="PNG")
    return out.getvalue()


def jpeg_with_exif() -> bytes:
    image = Image.new("RGB", (40, 30), (10, 200, 10))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


@pytest.mark.parametrize("role", ROLES)
def test_the_matrix_rows_hold(client, cast, role):
    wrong = walk_matrix(client, cast, role, matrix_run)
    assert not wrong, "\n".join(wrong)


def test_frank_sees_his_tasks_in_stair_order_and_nobody_elses(client, cast):
    frank = cast.users["frank"]
    henry = make_user("henry", Role.DELIVERY_VOLUNTEER, cast.community)
    high, low = DwellingFactory(building=cast.building_b, room="2601"), DwellingFactory(building=cast.building_b,
                                                                                          room="0209")
    PersonFactory(dwelling=high, name="欧阳高楼")
    PersonFactory(dwelling=low, name="司马低楼")
    new_task(cast, high, frank)
    new_task(cast, low, frank)
    others = new_task(cast, cast.dwelling_a, henry, items="别人的任务清单")
    client.force_login(frank)
    page = sheet(client)
    assert page.index(mask_name("司马低楼")) < page.index(mask_name("欧阳高楼"))  # floor 2 before floor 26
    assert "司马低楼" not in page and "欧阳高楼" not in page
    assert "别人的任务清单" not in page and f"task-{others.pk}" not in page
    assert f"task-{cast.lunch_b.pk}" in page and f"task-{cast.shopping_b.pk}" in page
    assert "清真" in page and "大米 5斤" in page
    assert not FULL_ID.search(page) and not FULL_MOBILE.search(page)
    # Another courier's sheet is not his to open.
    assert client.get(reverse("delivery:run_sheet"), {"courier": henry.pk}).status_code == 404


def test_the_phone_is_never_on_the_page_and_the_call_is_audited(client, cast):
    frank = cast.users["frank"]
    client.force_login(frank)
    page = sheet(client)
    assert cast.run_person.phone not in page and cast.quarantine_b.person.phone not in page
    call = reverse("delivery:run_call", args=[cast.run_task.pk])
    assert call in page  # the household agreed: a button to call
    assert reverse("delivery:run_call", args=[cast.lunch_b.pk]) not in page  # it did not: no button
    response = client.post(call)
    assert response.status_code == 302 and response["Location"] == f"tel:{cast.run_person.phone}"
    logged = AuditEvent.objects.get(action=AuditEvent.Action.VIEW, target_type="registry.Person",
                                    target_id=str(cast.run_person.pk))
    assert logged.actor == frank and logged.field == "phone" and logged.reason == "delivery call"
    assert client.post(reverse("delivery:run_call", args=[cast.lunch_b.pk])).status_code == 404
    client.force_login(cast.users["carol"])  # the office is not the courier
    assert client.post(call).status_code == 403


def test_a_closed_task_is_not_called(client, cast):
    frank = cast.users["frank"]
    Task.objects.filter(pk=cast.run_task.pk).update(status=Task.Status.DELIVERED)
    client.force_login(frank)
    assert client.post(reverse("delivery:run_call", args=[cast.run_task.pk])).status_code == 404


def test_the_office_picks_a_courier_and_sees_phones_masked(client, cast):
    Household.objects.filter(dwelling=cast.household_b).update(phone_shared=True)
    client.force_login(cast.users["carol"])
    page = sheet(client, courier=cast.users["frank"].pk)
    assert f"task-{cast.run_task.pk}" in page and f"task-{cast.lunch_b.pk}" in page
    assert mask_phone(cast.run_person.phone) in page and cast.run_person.phone not in page
    assert reverse("delivery:run_call", args=[cast.run_task.pk]) not in page
    assert client.get(reverse("delivery:run_sheet"), {"courier": cast.users["bob"].pk}).status_code == 404
    client.force_login(cast.users["alice"])  # grid A: none of frank's tasks are hers to see
    page = sheet(client, courier=cast.users["frank"].pk)
    assert f"task-{cast.lunch_b.pk}" not in page and mask_name(cast.quarantine_b.person.name) not in page


def test_a_repeated_step_is_stored_once(client, cast):
    client.force_login(cast.users["frank"])
    url = reverse("delivery:run_step", args=[cast.lunch_b.pk])
    event_id = str(uuid.uuid4())
    for _ in range(2):
        response = client.post(url, {"step": "delivered", "event_id": event_id, "contact_free": "on",
                                     "day": "2026-03-02"})
        assert response.status_code == 302 and response["Location"].startswith(reverse("delivery:run_sheet"))
        assert "day=2026-03-02" in response["Location"]
    assert TaskEvent.objects.filter(event_id=event_id).count() == 1
    task = Task.objects.get(pk=cast.lunch_b.pk)
    assert task.status == Task.Status.DELIVERED and task.contact_free


def test_a_failure_without_a_reason_is_refused_with_a_message(client, cast):
    client.force_login(cast.users["frank"])
    url = reverse("delivery:run_step", args=[cast.lunch_b.pk])
    response = client.post(url, {"step": "failed", "event_id": str(uuid.uuid4()), "note": "  "}, follow=True)
    assert zh("Say why the delivery failed.") in response.content.decode()
    assert Task.objects.get(pk=cast.lunch_b.pk).status == Task.Status.ASSIGNED
    client.post(url, {"step": "failed", "event_id": str(uuid.uuid4()), "note": "敲门无人应答"})
    task = Task.objects.get(pk=cast.lunch_b.pk)
    assert task.status == Task.Status.FAILED and task.failure_reason == "敲门无人应答"


def test_a_delivery_photo_is_stored_as_a_jpeg_without_exif(client, cast, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(cast.users["frank"])
    url = reverse("delivery:run_step", args=[cast.lunch_b.pk])
    client.post(url, {"step": "delivered", "event_id": str(uuid.uuid4()),
                      "photo": SimpleUploadedFile("door.jpg", jpeg_with_exif(), content_type="image/jpeg")})
    task = Task.objects.get(pk=cast.lunch_b.pk)
    assert task.status == Task.Status.DELIVERED and not task.contact_free  # the box was not ticked
    with task.photo.open("rb") as stored, Image.open(stored) as image:
        assert image.format == "JPEG" and not image.getexif()


def test_a_file_that_is_not_a_photo_is_refused(client, cast, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(cast.users["frank"])
    fake = SimpleUploadedFile("door.jpg", b"<html>not a photo</html>", content_type="image/jpeg")
    response = client.post(reverse("delivery:run_step", args=[cast.lunch_b.pk]),
                           {"step": "delivered", "event_id": str(uuid.uuid4()), "photo": fake}, follow=True)
    assert zh("The photo must be an image (JPEG, PNG or similar).") in response.content.decode()
    assert Task.objects.get(pk=cast.lunch_b.pk).status == Task.Status.ASSIGNED
    with pytest.raises(Exception):
        clean_photo(SimpleUploadedFile("a.txt", b"hello", content_type="text/plain"))
    assert clean_photo(SimpleUploadedFile("a.png", png_bytes(), content_type="image/png")).name.endswith(".jpg")


def test_frank_buys_delivers_and_takes_the_money_back(client, cast, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    frank = cast.users["frank"]
    client.force_login(frank)
    task = cast.run_task
    receipt = SimpleUploadedFile("receipt.png", png_bytes(), content_type="image/png")
    event_id = str(uuid.uuid4())
    for _ in range(2):  # a double tap
        client.post(reverse("delivery:run_purchase", args=[task.pk]),
                    {"amount": "42.50", "event_id": event_id, "receipt": receipt})
        receipt.seek(0)
    purchase = LedgerEntry.objects.get(task=task, kind=LedgerEntry.Kind.PURCHASE)
    assert purchase.amount == Decimal("42.50") and purchase.payer == frank and purchase.receipt.name.endswith(".jpg")
    page = sheet(client)
    assert "42.50" in page
    client.post(reverse("delivery:run_step", args=[task.pk]), {"step": "delivered", "event_id": str(uuid.uuid4()),
                                                               "contact_free": "on"})
    client.post(reverse("delivery:run_repayment", args=[task.pk]),
                {"amount": "42.50", "method": "transfer", "event_id": str(uuid.uuid4())})
    repayment = LedgerEntry.objects.get(task=task, kind=LedgerEntry.Kind.REPAYMENT)
    assert repayment.payee == frank and repayment.method == "transfer"
    assert reverse("delivery:run_repayment", args=[task.pk]) not in sheet(client)  # nothing owed any more


def test_a_bad_receipt_amount_is_refused_and_nothing_is_stored(client, cast):
    client.force_login(cast.users["frank"])
    response = client.post(reverse("delivery:run_purchase", args=[cast.run_task.pk]),
                           {"amount": "很多", "event_id": str(uuid.uuid4())}, follow=True)
    assert zh("Enter an amount from 0 to 10,000 yuan.") in response.content.decode()
    assert not LedgerEntry.objects.filter(task=cast.run_task).exists()


def test_the_day_is_chosen_and_a_bad_day_shows_today(client, cast):
    client.force_login(cast.users["frank"])
    assert f"task-{cast.lunch_b.pk}" not in sheet(client, day="2026-03-01")  # not yet
    page = sheet(client, day="2026-03-04")
    assert f"task-{cast.lunch_b.pk}" in page  # still open from before: it stays on the sheet
    page = sheet(client, day="not-a-day")
    assert zh("That day was not understood: the sheet shows today.") in page and f"task-{cast.lunch_b.pk}" in page


def test_the_printed_sheet_has_masked_names_and_no_phone(client, cast, tmp_path):
    Household.objects.filter(dwelling=cast.household_b).update(phone_shared=True)
    client.force_login(cast.users["frank"])
    response = client.get(reverse("delivery:run_pdf"))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext is not installed")
    (tmp_path / "run.pdf").write_bytes(response.content)
    text = subprocess.run(["pdftotext", str(tmp_path / "run.pdf"), "-"], capture_output=True, text=True,
                          check=True).stdout
    person = cast.quarantine_b.person
    assert mask_name(person.name) in text and person.name not in text
    assert mask_name("鲁大海") in text and "1709" in text and "清真" in text
    assert cast.run_person.phone not in text and person.phone not in text
    assert not FULL_ID.search(text) and not FULL_MOBILE.search(text)


def test_franks_sheet_runs_as_many_queries_for_many_tasks_as_for_few(client, cast):
    frank = cast.users["frank"]
    client.force_login(frank)
    url = reverse("delivery:run_sheet")

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    def grow(n: int, start: int) -> None:
        for i in range(start, start + n):
            building = BuildingFactory(estate=cast.estate, grid=cast.grid_b)
            matrix_run.grow(cast, building, i)

    grow(2, 0)
    few = count()
    grow(8, 2)
    assert count() == few
