"""The public donations page and its poster: no login, by the community's code; totals per item
equal to the ledger's movements; only the donors who agreed to be named, and nothing personal
(no donor who did not agree, no phone, no mobile number at all); never another community's.
The clock stands at 2026-03-02 10:00."""

import re
import shutil
import subprocess

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from fangxian.core.scope import Scope
from fangxian.supplies import services, stock
from fangxian.supplies.models import Donation, Movement
from fangxian.supplies.public_selectors import public_report
from tests.i18n import zh
from tests.roles import ROLES, walk_matrix
from tests.supplies import matrix_public
from tests.supplies.cast import RESIDENT_DONOR

pytestmark = pytest.mark.usefixtures("frozen_clock")
K = Movement.Kind
MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")


@pytest.fixture
def cast(two_grids):
    """The supplies cast and the matrix's team activity (10 masks given out to the team), and:
    40 masks issued to households, 2 bottles of disinfectant lost, the anonymous donation's 50
    masks reversed (recorded by mistake)."""
    matrix_public.equip(two_grids)
    carol = two_grids.users["carol"]
    office = Scope.for_user(carol)
    stock.stock_out(scope=office, user=carol, item=two_grids.masks, place=two_grids.store, kind=K.ISSUE, quantity=40,
                    recipient=Movement.Recipient.HOUSEHOLD)
    stock.stock_out(scope=office, user=carol, item=two_grids.disinfectant, place=two_grids.store, kind=K.LOSS,
                    quantity=2, note="打翻了")
    stock.movement_reverse(scope=office, user=carol, movement=two_grids.donation_anonymous.movements.get(),
                           reason="重复登记")
    return two_grids


def public_page(client, cast, code=None) -> str:
    response = client.get(reverse("supplies:public", args=[code or cast.community.code]))
    assert response.status_code == 200
    assert "no-cache" in response.headers.get("Cache-Control", "") or "max-age=0" in response["Cache-Control"]
    return response.content.decode()


def poster_text(client, cast, tmp_path) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext is not installed")
    response = client.get(reverse("supplies:public_pdf", args=[cast.community.code]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    path = tmp_path / "poster.pdf"
    path.write_bytes(response.content)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


def independent_totals(community):
    """Per item name, straight from the movements: received (donations less their reversals),
    given out (issued, used, lost, expired, less their reversals), in stock (everything)."""
    totals = {}
    for m in Movement.objects.filter(community=community).select_related("item", "reverses"):
        kind = m.reverses.kind if m.kind == K.REVERSAL else m.kind
        row = totals.setdefault(m.item.name, {"received": 0, "given_out": 0, "in_stock": 0})
        row["in_stock"] += m.change
        if kind == K.DONATION:
            row["received"] += m.change
        elif kind in Movement.CONSUMED:
            row["given_out"] -= m.change
    return totals


def item_block(page: str, name: str) -> str:
    """The text of one item's card on the page, tags removed."""
    block = re.search(r'<article class="card public-item">\s*<h3>' + re.escape(name) + r"(.*?)</article>", page, re.S)
    assert block, f"no card for {name}"
    return " ".join(re.sub(r"<[^>]+>", " ", block.group(1)).split())


@pytest.mark.parametrize("role", ROLES)
def test_the_matrix_rows_hold(client, two_grids, role):
    matrix_public.equip(two_grids)
    wrong = walk_matrix(client, two_grids, role, matrix_public)
    assert not wrong, "\n".join(wrong)


def test_the_totals_equal_the_movements(cast):
    expected = independent_totals(cast.community)
    assert expected["口罩"] == {"received": 1200, "given_out": 30 + 10 + 40, "in_stock": 1200 - 80}
    report = public_report(cast.community)
    got = {i.name: {"received": i.received, "given_out": i.given_out, "in_stock": i.in_stock} for i in report.items}
    assert got == expected
    masks = next(i for i in report.items if i.name == "口罩")
    assert dict(masks.issued) == {Movement.Recipient.TEAM: 10, Movement.Recipient.HOUSEHOLD: 40}
    assert masks.checkpoint_rows == [(cast.gate_place.name, 300)] and masks.used == 30
    disinfectant = next(i for i in report.items if i.name == "消毒液")
    assert (disinfectant.lost, disinfectant.in_stock) == (2, 18)


def test_the_page_shows_each_items_figures_without_a_login(client, cast):
    page = public_page(client, cast)
    masks = item_block(page, "口罩")
    assert f"{zh('Received as donations')} 1200" in masks
    assert f"{zh('In stock now')} 1120" in masks
    assert f"{cast.gate_place.name} 300" in masks and f"{zh('Used up')} 30" in masks
    for label, units in ((Movement.Recipient.TEAM.label, 10), (Movement.Recipient.HOUSEHOLD.label, 40)):
        assert f"{zh(str(label))} {units}" in masks
    disinfectant = item_block(page, "消毒液")
    assert f"{zh('Received as donations')} 20" in disinfectant and f"{zh('Lost or expired')} 2" in disinfectant
    assert "2026-03-02" in page  # the last update


def test_only_donors_who_agreed_are_named_and_nothing_personal_is_shown(client, cast, tmp_path):
    page = public_page(client, cast)
    poster = poster_text(client, cast, tmp_path)
    for text in (page, poster):
        assert "海景实业有限公司" in text
        for secret in (*RESIDENT_DONOR, "13700137000", cast.donation_private.number, "别的社区企业"):
            assert secret not in text
        assert not MOBILE.findall(text)
    # Named: the enterprise; counted: the resident who did not agree, the anonymous donor.
    assert re.search(r"\b2\b", re.sub(r"<[^>]+>", " ", page.split('class="card unnamed"')[1]))
    donors = page.split('class="public-donors"')[1].split("</ol>")[0]
    assert donors.count('<p class="donor">') == 1
    assert "口罩 1000" in donors and "消毒液 20" in donors
    assert "3000" not in page  # the donation's value stays in the office


def test_a_display_name_is_shown_instead_of_the_donors_name(client, cast):
    carol = cast.users["carol"]
    services.donation_record(scope=Scope.for_user(carol), user=carol, community=cast.community,
                             donor_kind=Donation.DonorKind.PARTY_MEMBER, donor_name="王真名", donor_phone="13912345678",
                             naming=Donation.Naming.DISPLAY, display_name="一名老党员", lines=[(cast.masks, 8)])
    page = public_page(client, cast)
    assert "一名老党员" in page and "王真名" not in page and not MOBILE.findall(page)


def test_another_communitys_donations_never_appear(client, cast):
    page = public_page(client, cast)
    assert "别的社区企业" not in page and "70" not in item_block(page, "口罩").split()
    other = public_page(client, cast, code=cast.other.code)
    assert "别的社区企业" in other and "海景实业有限公司" not in other
    assert f"{zh('Received as donations')} 70" in item_block(other, "口罩")


def test_an_unknown_code_is_not_found(client, cast):
    assert client.get(reverse("supplies:public", args=["NO-SUCH"])).status_code == 404
    assert client.get(reverse("supplies:public_pdf", args=["NO-SUCH"])).status_code == 404


def test_a_community_with_nothing_yet_shows_empty_states(client, two_grids):
    page = public_page(client, two_grids, code=two_grids.community.code)
    assert zh("No supplies recorded yet.") in page and zh("No donations recorded yet.") in page


def test_the_poster_has_the_totals_and_the_pages_address(client, cast, tmp_path):
    text = poster_text(client, cast, tmp_path)
    assert cast.community.name in text
    line = next(line for line in text.splitlines() if "口罩" in line)
    assert line.split()[-3:] == ["1200", "80", "1120"]
    assert reverse("supplies:public", args=[cast.community.code]) in text


def test_the_pages_queries_do_not_grow_with_the_donations(client, cast):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            public_page(client, cast)
        return len(queries)

    building = cast.building_a
    for i in range(3):
        matrix_public.grow(cast, building, i)
    few = count()
    for i in range(3, 13):
        matrix_public.grow(cast, building, i)
    assert count() == few
