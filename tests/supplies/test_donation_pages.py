"""The donations pages as their users meet them: the list (items per donation, anonymous
donors, no phone anywhere, search, donor kind, the total), recording a donation (bad lines
refused naming the row, nothing stored; an anonymous donor stored without name or phone), the
phone revealed with a reason and logged, the receipt and the letter of thanks, the export.
The clock stands at 2026-03-02 10:00."""

import io
import re
import subprocess

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from fangxian.core.models import AuditEvent
from fangxian.core.scope import Scope
from fangxian.supplies import stock
from fangxian.supplies.models import Donation, Movement
from tests.factories import BuildingFactory, GridFactory
from tests.i18n import zh
from tests.roles import ROLES, walk_matrix
from tests.supplies import matrix_donations
from tests.supplies.cast import RESIDENT_DONOR

pytestmark = pytest.mark.usefixtures("frozen_clock")
FULL_PHONE = re.compile(r"1\d{10}")


@pytest.fixture
def cast(two_grids):
    matrix_donations.equip(two_grids)
    return two_grids


@pytest.mark.parametrize("role", ROLES)
def test_the_matrix_rows_hold(client, cast, role):
    wrong = walk_matrix(client, cast, role, matrix_donations)
    assert not wrong, "\n".join(wrong)


def test_no_page_but_the_reveal_shows_a_full_phone(client, cast):
    def check(name, method, response):
        if name != "supplies:donation_reveal" and response.get("Content-Type", "").startswith("text/html"):
            assert not FULL_PHONE.search(response.content.decode()), name

    assert not walk_matrix(client, cast, "carol", matrix_donations, check)


def get(client, cast, user, name, *args, **query):
    client.force_login(cast.users[user])
    response = client.get(reverse(name, args=args), query)
    assert response.status_code == 200, response.status_code
    return response


def list_page(client, cast, user="carol", **query) -> str:
    return get(client, cast, user, "supplies:donation_list", **query).content.decode()


def rows_of(text: str) -> list[str]:
    return re.findall(r'<tr id="donation-\d+">(.*?)</tr>', text, re.S)


# -- the list ---------------------------------------------------------------------------------


def test_the_list_shows_each_donation_with_its_items_and_no_phone(client, cast):
    text = list_page(client, cast)
    rows = rows_of(text)
    assert len(rows) == 3  # carol's community's three; olga's is not there
    assert "别的社区企业" not in text
    named = next(r for r in rows if cast.donation_named.number in r)
    assert "海景实业有限公司" in named and "口罩 1000 只" in named and "消毒液 20 瓶" in named
    assert "¥3000.00" in named
    anonymous = next(r for r in rows if cast.donation_anonymous.number in r)
    assert zh("Anonymous") in anonymous and "口罩 50 只" in anonymous
    assert not FULL_PHONE.search(text), FULL_PHONE.search(text)
    assert "1370" not in text and "1380" not in text  # not even masked on the list
    assert "¥3000.00" in text.split('class="donation-total"')[1].split("</p>")[0]
    assert reverse("supplies:donation_add", args=[cast.community.pk]) in text
    assert 'maxlength="100"' in text and "<script>" not in text and 'style="' not in text


def test_the_officer_reads_the_list_but_records_nothing(client, cast):
    text = list_page(client, cast, "dave")
    assert cast.donation_named.number in text
    assert reverse("supplies:donation_add", args=[cast.community.pk]) not in text


def test_olga_sees_only_her_communitys_donations(client, cast):
    text = list_page(client, cast, "olga")
    assert "别的社区企业" in text and "海景实业有限公司" not in text


def test_search_and_donor_kind_cut_the_list_and_the_total(client, cast):
    rows = rows_of(list_page(client, cast, q="海景"))
    assert len(rows) == 1 and cast.donation_named.number in rows[0]
    rows = rows_of(list_page(client, cast, q="消毒液"))  # by item
    assert len(rows) == 1 and cast.donation_named.number in rows[0]
    rows = rows_of(list_page(client, cast, q=cast.donation_private.number))
    assert len(rows) == 1 and RESIDENT_DONOR[0] in rows[0]
    text = list_page(client, cast, kind="anonymous")
    assert len(rows_of(text)) == 1 and cast.donation_anonymous.number in text
    assert "¥0.00" in text.split('class="donation-total"')[1].split("</p>")[0]
    empty = list_page(client, cast, q="没有这个捐赠人")
    assert not rows_of(empty) and zh("No donation matches these filters.") in empty


def test_a_reversed_donation_line_shows_what_is_left(client, cast):
    carol = cast.users["carol"]
    movement = Movement.objects.get(donation=cast.donation_named, item=cast.disinfectant)
    stock.movement_reverse(scope=Scope.for_user(carol), user=carol, movement=movement, reason="记错了")
    named = next(r for r in rows_of(list_page(client, cast)) if cast.donation_named.number in r)
    assert "消毒液 0 瓶" in named and zh("corrected") in named


# -- recording --------------------------------------------------------------------------------


def add(client, cast, **data):
    client.force_login(cast.users["carol"])
    base = {"donor_kind": "enterprise", "donor_name": "顺丰物流", "donor_phone": "", "naming": "named",
            "display_name": "", "received_on": "2026-03-02", "value": "", "note": ""}
    return client.post(reverse("supplies:donation_add", args=[cast.community.pk]), {**base, **data})


def test_the_form_shows_the_communitys_items_and_todays_date(client, cast):
    text = get(client, cast, "carol", "supplies:donation_add", cast.community.pk).content.decode()
    assert str(cast.masks) in text and str(cast.disinfectant) in text and "2026-03-02" in text
    assert text.count('name="quantity_') == 6 and 'name="event_id"' in text
    assert set(re.findall(r'<option value="(\d+)"', text)) == {str(cast.masks.pk), str(cast.disinfectant.pk)}
    assert zh("Not named publicly") in text


def test_an_admin_records_a_donation_into_the_store(client, cast):
    before = stock.stock_of(cast.masks, cast.store)
    response = add(client, cast, donor_phone="13600136000", value="1,200", item_2=cast.masks.pk, quantity_2="300",
                   item_4=cast.disinfectant.pk, quantity_4="12")
    assert response.status_code == 302
    donation = Donation.objects.get(donor_name="顺丰物流")
    assert response["Location"] == reverse("supplies:donation_detail", args=[donation.pk])
    assert str(donation.value) == "1200.00" and donation.received_by == cast.users["carol"]
    assert stock.stock_of(cast.masks, cast.store) == before + 300
    assert sorted(donation.movements.values_list("change", flat=True)) == [12, 300]
    page = client.get(response["Location"]).content.decode()
    assert donation.number in page and "136****6000" in page and "13600136000" not in page


@pytest.mark.parametrize(("data", "field", "words"), [
    ({"item_3": "MASKS", "quantity_3": "abc"}, "quantity_3", "3"),
    ({"item_1": "MASKS", "quantity_1": "5", "item_5": "MASKS", "quantity_5": "0"}, "quantity_5", "5"),
    ({"quantity_2": "10"}, "item_2", "2"),
    ({"item_6": "MASKS", "quantity_6": "2000000"}, "quantity_6", "6"),
])
def test_a_bad_line_is_refused_naming_its_row_and_nothing_is_stored(client, cast, data, field, words):
    data = {key: str(cast.masks.pk) if value == "MASKS" else value for key, value in data.items()}
    counts = Donation.objects.count(), Movement.objects.count()
    response = add(client, cast, **data)
    assert response.status_code == 400
    assert (Donation.objects.count(), Movement.objects.count()) == counts
    errors = response.context["form"].errors[field]
    assert any(words in error for error in errors), errors
    assert f'id="line-{words}"' in response.content.decode()


def test_no_line_at_all_is_refused(client, cast):
    response = add(client, cast)
    assert response.status_code == 400
    assert zh("Add at least one item with its quantity.") in response.content.decode()
    assert not Donation.objects.filter(donor_name="顺丰物流").exists()


def test_the_services_refusals_show_beside_their_fields(client, cast):
    counts = Donation.objects.count(), Movement.objects.count()
    response = add(client, cast, donor_name="", naming="display", received_on="2026-03-05", value="很多",
                   item_1=cast.masks.pk, quantity_1="10")
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert zh("Give the donor's name, or choose anonymous.") in errors["donor_name"]
    assert zh("Give the display name the donor chose.") in errors["display_name"]
    assert zh("The day cannot be in the future.") in errors["received_on"]
    assert zh("Enter the estimated value in yuan, or leave it empty.") in errors["value"]
    assert (Donation.objects.count(), Movement.objects.count()) == counts


def test_an_anonymous_donor_has_no_name_or_phone_stored(client, cast):
    response = add(client, cast, donor_kind="anonymous", donor_name="其实是张三", donor_phone="13500135000",
                   naming="named", item_1=cast.masks.pk, quantity_1="40")
    assert response.status_code == 302
    donation = Donation.objects.latest("pk")
    assert donation.donor_kind == "anonymous"
    assert (donation.donor_name, donation.donor_phone, donation.naming) == ("", "", "not_named")
    assert donation.public_name == ""


def test_the_same_form_sent_twice_records_once(client, cast):
    event = "1b4e28ba-2fa1-11d2-883f-0016d3cca427"
    for _ in range(2):
        assert add(client, cast, event_id=event, item_1=cast.masks.pk, quantity_1="7").status_code == 302
    assert Donation.objects.filter(donor_name="顺丰物流").count() == 1


def test_olga_cannot_record_for_carols_community_nor_dave(client, cast):
    for user in ("olga", "dave"):
        client.force_login(cast.users[user])
        response = client.get(reverse("supplies:donation_add", args=[cast.community.pk]))
        assert response.status_code in (403, 404)


# -- the donation's page and the reveal ---------------------------------------------------------


def test_the_detail_masks_the_phone_and_links_the_paper(client, cast):
    text = get(client, cast, "dave", "supplies:donation_detail", cast.donation_private.pk).content.decode()
    assert RESIDENT_DONOR[0] in text and "138****8123" in text
    assert not FULL_PHONE.search(text)
    assert zh("The public donations page counts it under “anonymous”, with no name.") in text
    assert reverse("supplies:donation_receipt", args=[cast.donation_private.pk]) in text
    assert reverse("supplies:donation_certificate", args=[cast.donation_private.pk]) in text
    assert reverse("supplies:donation_reveal", args=[cast.donation_private.pk]) in text


def test_olga_gets_404_on_carols_donation(client, cast):
    client.force_login(cast.users["olga"])
    for name in ("supplies:donation_detail", "supplies:donation_receipt", "supplies:donation_certificate"):
        assert client.get(reverse(name, args=[cast.donation_named.pk])).status_code == 404


def test_the_reveal_shows_the_phone_once_and_logs_it(client, cast):
    client.force_login(cast.users["carol"])
    url = reverse("supplies:donation_reveal", args=[cast.donation_private.pk])
    response = client.post(url, {"field": "phone", "reason": "打电话致谢"})
    assert response.status_code == 200
    assert RESIDENT_DONOR[1] in response.content.decode()
    event = AuditEvent.objects.get(action=AuditEvent.Action.REVEAL, target_type="supplies.Donation",
                                   target_id=str(cast.donation_private.pk))
    assert (event.field, event.reason, event.actor) == ("donor_phone", "打电话致谢", cast.users["carol"])
    again = client.get(reverse("supplies:donation_detail", args=[cast.donation_private.pk])).content.decode()
    assert RESIDENT_DONOR[1] not in again


def test_a_reveal_without_a_reason_shows_nothing_and_logs_nothing(client, cast):
    client.force_login(cast.users["carol"])
    response = client.post(reverse("supplies:donation_reveal", args=[cast.donation_private.pk]),
                           {"field": "phone", "reason": ""})
    assert response.status_code == 400
    assert RESIDENT_DONOR[1] not in response.content.decode()
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.REVEAL).exists()


# -- the paper --------------------------------------------------------------------------------


def pdf_text(content: bytes) -> str:
    done = subprocess.run(["pdftotext", "-layout", "-", "-"], input=content, capture_output=True, check=True)
    return done.stdout.decode()


def test_the_receipt_names_the_donor_and_what_they_gave(client, cast):
    response = get(client, cast, "carol", "supplies:donation_receipt", cast.donation_named.pk)
    assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF-")
    text = pdf_text(response.content)
    assert "海景实业有限公司" in text and cast.donation_named.number in text and cast.community.name in text
    assert "口罩" in text and "1,000" in text and "消毒液" in text
    assert "13700137000" not in text and "3,000.00" in text


def test_the_certificate_thanks_the_donor_by_name_or_a_caring_donor(client, cast):
    response = get(client, cast, "dave", "supplies:donation_certificate", cast.donation_private.pk)
    assert response.content.startswith(b"%PDF-")
    text = pdf_text(response.content)
    assert RESIDENT_DONOR[0] in text and "口罩 200 只" in text and RESIDENT_DONOR[1] not in text
    anonymous = pdf_text(get(client, cast, "carol", "supplies:donation_certificate",
                             cast.donation_anonymous.pk).content)
    assert zh("Caring donor") in anonymous


# -- the export -------------------------------------------------------------------------------


def test_the_export_has_a_row_per_item_line_with_the_phone_masked(client, cast):
    response = get(client, cast, "carol", "supplies:donation_export", kind="enterprise")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 3  # the header, the named donation's two lines
    body = rows[1:]
    assert {r[8] for r in body} == {"口罩", "消毒液"} and {r[9] for r in body} == {1000, 20}
    assert all(r[0] == cast.donation_named.number and r[5] == "137****7000" for r in body)
    assert [r[11] for r in body].count(None) == 1  # the value once per donation
    everything = "".join(str(cell) for r in load_workbook(io.BytesIO(
        get(client, cast, "carol", "supplies:donation_export").content)).active.iter_rows(values_only=True)
        for cell in r)
    assert not FULL_PHONE.search(everything) and "别的社区企业" not in everything
    get(client, cast, "carol", "supplies:donation_export", q=RESIDENT_DONOR[0])
    logged = AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT, target_type="supplies.Donation")
    assert logged.count() == 3 and not logged.filter(detail__contains=RESIDENT_DONOR[0]).exists()


# -- queries ----------------------------------------------------------------------------------


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("user", ["carol", "dave"])
def test_the_list_runs_a_constant_number_of_queries(client, cast, user):
    client.force_login(cast.users[user])
    url = reverse("supplies:donation_list")

    def grow(n, start):
        for i in range(start, start + n):
            matrix_donations.grow(cast, BuildingFactory(estate=cast.estate, grid=GridFactory(community=cast.community)),
                                  i)

    grow(3, 0)
    few = count_queries(client, url)
    grow(27, 3)
    assert count_queries(client, url) == few
