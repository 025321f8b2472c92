"""The stock pages as their users meet them: the report's figures for the cast, the items and
their form, the ledger's rows, filters and record forms, a refused issue that changes nothing,
a reversal, the exports, and olga who sees only her own community. The clock stands at
2026-03-02 10:00."""

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from fangxian.supplies import stock
from fangxian.supplies.models import Item, Movement, Place
from tests.access.conftest import make_checkpoint
from tests.factories import BuildingFactory
from tests.i18n import zh
from tests.roles import ROLES, walk_matrix
from tests.supplies import matrix_stock

pytestmark = pytest.mark.usefixtures("frozen_clock")
K = Movement.Kind


@pytest.fixture
def cast(two_grids):
    matrix_stock.equip(two_grids)
    return two_grids


@pytest.mark.parametrize("role", ROLES)
def test_the_matrix_rows_hold(client, cast, role):
    wrong = walk_matrix(client, cast, role, matrix_stock)
    assert not wrong, "\n".join(wrong)


def get(client, cast, user, name, **query):
    client.force_login(cast.users[user])
    response = client.get(reverse(name), query)
    assert response.status_code == 200, response.status_code
    return response


def post(client, cast, user, name, args, data, **kwargs):
    client.force_login(cast.users[user])
    return client.post(reverse(name, args=args), data, **kwargs)


def card_of(response, item):
    return next((total, places) for total, places, _name in response.context["cards"] if total.item == item)


def plain_page(response) -> str:
    text = response.content.decode()
    assert 'style="' not in text and "<script>" not in text
    return text


# -- the stock report -------------------------------------------------------------------------


@pytest.fixture
def plain(two_grids):
    """The supplies cast alone (no matrix purchase): masks 950 at the store, 270 at the gate."""
    return matrix_stock.supplies_cast(two_grids)


def test_the_report_shows_each_place_the_total_the_rate_and_the_days_left(client, plain):
    response = get(client, plain, "carol", "supplies:stock")
    total, places = card_of(response, plain.masks)
    assert [(row.place, row.level, row.low) for row in places] == [(plain.store, 950, False),
                                                                  (plain.gate_place, 270, False)]
    assert total.level == 1220
    assert total.per_day == pytest.approx(30 / 7)  # 30 used up at the gate today, over 7 days
    assert total.days_left == pytest.approx(1220 / (30 / 7))
    text = plain_page(response)
    assert ">1220<" in text and ">4.3<" in text and ">285<" in text
    disinfectant, _places = card_of(response, plain.disinfectant)
    assert disinfectant.per_day is None and disinfectant.days_left is None  # nothing consumed: "—", never 0
    card = text[text.index(f'id="item-{plain.disinfectant.pk}"'):]
    assert '<dd class="stock-rate">—</dd>' in card and '<dd class="stock-days">—</dd>' in card
    assert reverse("supplies:stock_export") in text and reverse("supplies:ledger_export") in text
    assert "别的社区企业" not in text and plain.other.name not in text


def test_a_low_stock_is_highlighted_and_warned(client, plain):
    text = plain_page(get(client, plain, "carol", "supplies:stock"))
    assert "stock-card low" not in text and '<tr class="low">' not in text
    Item.objects.filter(pk=plain.masks.pk).update(low_stock=300)  # the gate's 270 is now low, the store's 950 not
    text = plain_page(get(client, plain, "carol", "supplies:stock"))
    assert f'<section class="card stock-card low" id="item-{plain.masks.pk}">' in text
    assert f'<tr class="low"><th scope="row">{plain.gate_place.name}</th>' in text
    assert f'<tr class=""><th scope="row">{plain.store.name}</th>' in text
    assert text.count('<p class="stock-warning">') == 1
    assert text.count('<tr class="low">') == 1


def test_the_officer_picks_a_community_and_olga_sees_only_hers(client, plain):
    response = get(client, plain, "dave", "supplies:stock")
    text = plain_page(response)
    assert 'name="community"' in text and plain.community.name in text and plain.other.name in text
    assert {total.item for total, _p, _n in response.context["cards"]} == {plain.masks, plain.disinfectant,
                                                                           plain.other_masks}
    response = get(client, plain, "dave", "supplies:stock", community=plain.other.pk)
    assert [total.item for total, _p, _n in response.context["cards"]] == [plain.other_masks]
    response = get(client, plain, "olga", "supplies:stock")
    assert [(t.item, t.level) for t, _p, _n in response.context["cards"]] == [(plain.other_masks, 70)]
    assert 'name="community"' not in response.content.decode()  # one community: no picker


def test_an_empty_community_is_sent_to_its_items(client, two_grids):
    text = plain_page(get(client, two_grids, "olga", "supplies:stock"))
    assert zh("No item is kept yet.") in text and reverse("supplies:items") in text
    assert Place.objects.filter(community=two_grids.other, kind=Place.Kind.STORE).exists()  # made on opening


def test_the_admin_opening_the_page_makes_the_places_of_new_checkpoints(client, plain):
    checkpoint = make_checkpoint(plain.estate, name="西门")
    get(client, plain, "dave", "supplies:stock")  # an officer only reads
    assert not Place.objects.filter(checkpoint=checkpoint).exists()
    get(client, plain, "carol", "supplies:stock")
    assert Place.objects.get(checkpoint=checkpoint).community == plain.community


# -- items ------------------------------------------------------------------------------------


def test_the_items_page_lists_what_is_in_stock_and_adds_an_item(client, cast):
    text = plain_page(get(client, cast, "carol", "supplies:items"))
    assert "口罩" in text and "消毒液" in text and ">1225<" in text  # 950 + 270 + the matrix's 5
    assert reverse("supplies:item_add", args=[cast.community.pk]) in text
    response = post(client, cast, "carol", "supplies:item_add", [cast.community.pk],
                    {"name": "体温计", "unit": "支", "low_stock": "2", "key": "on"}, follow=True)
    item = Item.objects.get(community=cast.community, name="体温计")
    assert (item.unit, item.low_stock, item.key) == ("支", 2, True)
    assert "体温计" in response.content.decode()
    dave = plain_page(get(client, cast, "dave", "supplies:items"))
    assert "体温计" in dave and reverse("supplies:item_add", args=[cast.community.pk]) not in dave


@pytest.mark.parametrize(("data", "field", "message"), [
    ({"name": "", "unit": "个", "low_stock": "0"}, "name", "Name the item."),
    ({"name": "口罩", "unit": "个", "low_stock": "0"}, "name", "The community has an item of that name already."),
    ({"name": "酒精", "unit": "", "low_stock": "0"}, "unit", "Give the unit it is counted in (个, 瓶, 箱…)."),
    ({"name": "酒精", "unit": "瓶", "low_stock": "-1"}, "low_stock", "Enter a whole number, 0 or more."),
])
def test_a_bad_item_is_refused_with_a_message_naming_the_field(client, cast, data, field, message):
    before = list(Item.objects.values_list("pk", "name", "unit", "low_stock").order_by("pk"))
    response = post(client, cast, "carol", "supplies:item_add", [cast.community.pk], data)
    assert response.status_code == 400
    form = response.context["add_form"]
    assert f"{form[field].label}: {zh(message)}" in response.content.decode()
    assert list(Item.objects.values_list("pk", "name", "unit", "low_stock").order_by("pk")) == before


def test_an_item_is_changed_and_a_clash_is_refused(client, cast):
    response = post(client, cast, "carol", "supplies:item_edit", [cast.disinfectant.pk],
                    {"name": "消毒液", "unit": "桶", "low_stock": "9"})
    assert response.status_code == 302
    cast.disinfectant.refresh_from_db()
    assert (cast.disinfectant.unit, cast.disinfectant.low_stock) == ("桶", 9)
    response = post(client, cast, "carol", "supplies:item_edit", [cast.disinfectant.pk],
                    {"name": "口罩", "unit": "桶", "low_stock": "9"})
    assert response.status_code == 400
    assert zh("The community has an item of that name already.") in response.content.decode()
    cast.disinfectant.refresh_from_db()
    assert cast.disinfectant.name == "消毒液"


# -- the ledger -------------------------------------------------------------------------------


def levels():
    return stock.stock_levels(Movement.objects.all()), Movement.objects.count()


def test_the_ledger_lists_the_movements_newest_first_with_what_they_point_at(client, cast):
    response = get(client, cast, "carol", "supplies:ledger")
    rows = list(response.context["page"])
    assert rows[0] == cast.matrix_purchase and rows[-1].donation == cast.donation_named
    text = plain_page(response)
    assert cast.donation_named.number in text and "海景实业" not in text and "13800138123" not in text
    assert "+1000" in text and "−30" in text and "−300" in text and "+300" in text
    assert cast.gate_place.name in text and "carol" in text
    assert 'maxlength="100"' in text and 'data-confirm="' in text
    assert reverse("supplies:movement_add", args=[cast.community.pk]) in text
    dave = plain_page(get(client, cast, "dave", "supplies:ledger"))
    assert "−30" in dave and reverse("supplies:movement_add", args=[cast.community.pk]) not in dave
    assert reverse("supplies:movement_reverse", args=[cast.matrix_purchase.pk]) not in dave


def test_the_ledger_filters_and_searches(client, cast):
    response = get(client, cast, "carol", "supplies:ledger", kind=K.USE)
    assert list(response.context["page"]) == [cast.used_at_gate]
    response = get(client, cast, "carol", "supplies:ledger", q="矩阵")
    assert list(response.context["page"]) == [cast.matrix_purchase]
    response = get(client, cast, "carol", "supplies:ledger", item=cast.disinfectant.pk, place=cast.store.pk)
    assert [m.change for m in response.context["page"]] == [20]
    response = get(client, cast, "carol", "supplies:ledger", **{"from": "2026-03-03"})
    assert zh("No movement matches these filters.") in response.content.decode()
    response = get(client, cast, "carol", "supplies:ledger", to="2026-03-02", **{"from": "2026-03-02"})
    assert len(response.context["page"]) == Movement.objects.filter(community=cast.community).count()


def test_olga_sees_none_of_carols_rows(client, cast):
    response = get(client, cast, "olga", "supplies:ledger")
    assert {m.community_id for m in response.context["page"]} == {cast.other.pk}
    text = response.content.decode()
    assert cast.gate_place.name not in text and "−30" not in text
    response = get(client, cast, "olga", "supplies:items")
    assert [item for item, _level, _form in response.context["rows"]] == [cast.other_masks]
    client.force_login(cast.users["olga"])
    book = load_workbook(io.BytesIO(client.get(reverse("supplies:ledger_export")).content), read_only=True)
    values = [row for row in book.worksheets[0].iter_rows(min_row=2, values_only=True)]
    assert len(values) == 1 and values[0][3] == cast.other.name


def test_a_purchase_is_recorded_once_when_sent_twice(client, cast):
    data = {"act": "in", "item": cast.disinfectant.pk, "place": cast.store.pk, "quantity": "12", "note": "采购",
            "event_id": "0b5e7a52-52a5-4c33-9a8e-2f0e0a1b3c4d"}
    for _ in range(2):
        response = post(client, cast, "carol", "supplies:movement_add", [cast.community.pk], data, follow=True)
        assert response.status_code == 200
    assert stock.stock_of(cast.disinfectant, cast.store) == 32
    assert Movement.objects.filter(kind=K.PURCHASE, item=cast.disinfectant).count() == 1
    assert "+12" in response.content.decode()


def test_an_issue_and_a_transfer_are_recorded(client, cast):
    response = post(client, cast, "carol", "supplies:movement_add", [cast.community.pk], {
        "act": "out", "item": cast.masks.pk, "place": cast.gate_place.pk, "kind": K.ISSUE,
        "recipient": Movement.Recipient.HOUSEHOLD, "quantity": "20"})
    assert response.status_code == 302
    issued = Movement.objects.get(kind=K.ISSUE)
    assert (issued.change, issued.recipient, issued.recorded_by) == (-20, "household", cast.users["carol"])
    response = post(client, cast, "carol", "supplies:movement_add", [cast.community.pk], {
        "act": "transfer", "item": cast.disinfectant.pk, "place": cast.store.pk, "target": cast.gate_place.pk,
        "quantity": "6"})
    assert response.status_code == 302
    assert stock.stock_of(cast.disinfectant, cast.gate_place) == 6
    text = get(client, cast, "carol", "supplies:ledger").content.decode()
    assert zh("A household") in text and zh("Front-line workers") in text  # the issue's row; the form's choice


def test_an_issue_beyond_the_stock_is_refused_with_its_message_and_changes_nothing(client, cast):
    before = levels()
    response = post(client, cast, "carol", "supplies:movement_add", [cast.community.pk], {
        "act": "out", "item": cast.disinfectant.pk, "place": cast.store.pk, "kind": K.ISSUE,
        "recipient": Movement.Recipient.DELIVERY, "quantity": "21"})
    assert response.status_code == 400
    text = response.content.decode()
    assert "消毒液" in text and "21" in text
    message = response.context["record"]["out"].errors["quantity"][0]
    assert "消毒液" in message and cast.store.name in message
    assert message in text and '<details class="card stock-record" open>' in text  # the form stays open
    assert levels() == before


@pytest.mark.parametrize(("data", "field"), [
    ({"kind": K.LOSS, "quantity": "3", "note": ""}, "note"),
    ({"kind": K.ISSUE, "quantity": "3"}, "recipient"),
    ({"kind": "", "quantity": "3"}, "kind"),
    ({"kind": K.USE, "quantity": "0"}, "quantity"),
    ({"kind": K.USE, "quantity": "两个"}, "quantity"),
])
def test_a_bad_out_is_refused_naming_the_field(client, cast, data, field):
    before = levels()
    response = post(client, cast, "carol", "supplies:movement_add", [cast.community.pk], {
        "act": "out", "item": cast.masks.pk, "place": cast.store.pk, **data})
    assert response.status_code == 400
    form = response.context["record"]["out"]
    assert field in form.errors
    assert f"{form[field].label}: {form.errors[field][0]}" in response.content.decode()
    assert levels() == before


def test_a_transfer_to_the_same_place_is_refused(client, cast):
    before = levels()
    response = post(client, cast, "carol", "supplies:movement_add", [cast.community.pk], {
        "act": "transfer", "item": cast.masks.pk, "place": cast.store.pk, "target": cast.store.pk, "quantity": "1"})
    assert response.status_code == 400
    assert zh("Choose another place than the one the stock leaves.") in response.content.decode()
    assert levels() == before


def test_a_movement_is_reversed_once_and_a_refusal_is_told(client, cast):
    url_args = [cast.used_at_gate.pk]
    response = post(client, cast, "carol", "supplies:movement_reverse", url_args, {"reason": "其实没有用掉"},
                    follow=True)
    reversal = cast.used_at_gate.reversal
    assert reversal.change == 30 and reversal.note == "其实没有用掉"
    assert stock.stock_of(cast.masks, cast.gate_place) == 300
    text = response.content.decode()
    assert f"#{reversal.pk}" in text and 'class="reversed"' in text and 'class="reversal"' in text
    assert reverse("supplies:movement_reverse", args=url_args) not in text  # reversed: no second form
    before = levels()
    response = post(client, cast, "carol", "supplies:movement_reverse", url_args, {"reason": "再来"}, follow=True)
    assert zh("This movement has been reversed already.") in response.content.decode()
    assert levels() == before


def test_a_reversal_that_would_take_a_stock_below_zero_is_refused(client, cast):
    client.force_login(cast.users["carol"])
    client.post(reverse("supplies:movement_add", args=[cast.community.pk]), {
        "act": "out", "item": cast.masks.pk, "place": cast.gate_place.pk, "kind": K.USE, "quantity": "270"})
    out_half = next(m for m in cast.to_gate if m.kind == K.TRANSFER_OUT)
    before = levels()
    response = post(client, cast, "carol", "supplies:movement_reverse", [out_half.pk], {"reason": "送错"},
                    follow=True)
    text = response.content.decode()
    assert "口罩" in text and cast.gate_place.name in text and 'class="error"' in text
    assert levels() == before
    response = post(client, cast, "carol", "supplies:movement_reverse", [out_half.pk], {"reason": ""}, follow=True)
    assert zh("Say why this movement is reversed.") in response.content.decode()
    assert levels() == before


# -- exports ----------------------------------------------------------------------------------


def open_book(client, cast, user, name, **query):
    client.force_login(cast.users[user])
    response = client.get(reverse(name), query)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return load_workbook(io.BytesIO(response.content), read_only=True)


def test_the_stock_export_holds_each_place_and_the_totals(client, plain):
    book = open_book(client, plain, "carol", "supplies:stock_export")
    by_place, totals = (list(sheet.iter_rows(min_row=2, values_only=True)) for sheet in book.worksheets)
    assert (plain.community.name, "口罩", "只", plain.store.name, 950) in [row[:5] for row in by_place]
    assert (plain.community.name, "口罩", "只", plain.gate_place.name, 270) in [row[:5] for row in by_place]
    masks = next(row for row in totals if row[1] == "口罩")
    assert masks[4] == 1220 and masks[5] == pytest.approx(4.29) and masks[6] == pytest.approx(284.7)
    disinfectant = next(row for row in totals if row[1] == "消毒液")
    assert disinfectant[5] == "—" and disinfectant[6] == "—"
    assert all(row[0] == plain.community.name for row in totals)


def test_the_ledger_export_holds_the_filtered_movements(client, cast):
    book = open_book(client, cast, "carol", "supplies:ledger_export")
    rows = list(book.worksheets[0].iter_rows(min_row=2, values_only=True))
    assert len(rows) == Movement.objects.filter(community=cast.community).count()
    assert rows[0][0] == cast.matrix_purchase.pk and rows[0][8] == 5
    assert any(row[11] == cast.donation_named.number and row[8] == 1000 for row in rows)
    flat = " ".join(str(value) for row in rows for value in row)
    assert "海景实业" not in flat and "13800138123" not in flat and "林捐赠" not in flat
    book = open_book(client, cast, "dave", "supplies:ledger_export", kind=K.USE)
    rows = list(book.worksheets[0].iter_rows(min_row=2, values_only=True))
    assert [(row[0], row[8]) for row in rows] == [(cast.used_at_gate.pk, -30)]


# -- query counts -----------------------------------------------------------------------------


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(queries)


def grow(cast, n: int) -> None:
    """As the central query-count test grows the cast: a new checkpoint (whose place the admin's
    page makes) and a building, then the matrix's rows."""
    for _ in range(n):
        make_checkpoint(cast.estate, name=f"门{Place.objects.count()}-{Movement.objects.count()}")
        building = BuildingFactory(estate=cast.estate, grid=cast.grid_a)
        matrix_stock.grow(cast, building, Movement.objects.count())


@pytest.mark.parametrize(("name", "user"), [(name, user) for name, users in matrix_stock.LIST_CASES.items()
                                            for user in users])
def test_a_list_page_runs_a_constant_number_of_queries(client, cast, name, user):
    client.force_login(cast.users[user])
    grow(cast, 3)
    few = count_queries(client, reverse(name))
    grow(cast, 27)
    many = count_queries(client, reverse(name))
    assert many == few, f"{name} as {user}: {few} queries for few rows, {many} for many"


def test_root_picks_a_community_before_recording(client, cast):
    text = plain_page(get(client, cast, "root", "supplies:ledger"))
    assert zh("Choose a community above to record its stock.") in text
    assert reverse("supplies:movement_add", args=[cast.community.pk]) not in text
    text = plain_page(get(client, cast, "root", "supplies:ledger", community=cast.community.pk))
    assert reverse("supplies:movement_add", args=[cast.community.pk]) in text
    assert zh("Choose a community above to record its stock.") not in text
    assert cast.gate_place.name in text and "−30" in text
