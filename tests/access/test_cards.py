"""The A4 sheet of pass cards: a real PDF, ten cards to a page, Chinese text, masked names."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.urls import reverse

from fangxian.access import cards, services
from fangxian.access.models import Pass
from fangxian.core.personal import mask_name
from tests.factories import DwellingFactory, PersonFactory

pytestmark = pytest.mark.django_db
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def page_count(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?![s\w])", pdf))


def test_it_masks_names_on_cards():
    assert [mask_name(n) for n in ("张三", "张伟三", "欧阳春花", "阿依古丽·买买提", "王")] == [
        "张*", "张*三", "欧**花", "阿******提", "王"]


def test_it_prints_ten_cards_to_a_page(client, gate):
    for _ in range(11):  # 11 more in building A: 12 with person_a
        services.pass_issue(person=PersonFactory(dwelling=DwellingFactory(building=gate.building_a)),
                            user=gate.users["carol"])
    client.force_login(gate.users["carol"])
    response = client.get(reverse("access:building_cards", args=[gate.building_a.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    pdf = response.content
    assert pdf.startswith(b"%PDF-") and page_count(pdf) == 2
    assert b"STSong-Light" in pdf or b"WenQuanYi" in pdf  # the built-in CID font, or an installed one embedded
    for secret in (gate.person_a.name.encode(), gate.person_a.national_id.encode(), gate.person_a.phone.encode()):
        assert secret not in pdf
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "pass-cards.pdf").write_bytes(pdf)
    if shutil.which("pdftoppm"):
        # For people to look at: page 1 as a PNG (poppler renders what a printer would get).
        subprocess.run(["pdftoppm", "-png", "-r", "50", "-f", "1", "-l", "1", str(ARTIFACTS / "pass-cards.pdf"),
                        str(ARTIFACTS / "pass-cards")], check=True, timeout=60)
        assert any(ARTIFACTS.glob("pass-cards-*1.png"))


def test_it_prints_the_ticked_valid_passes_only(client, gate):
    services.pass_revoke(pass_=gate.pass_b, reason="lost", user=gate.users["carol"])
    client.force_login(gate.users["carol"])
    response = client.get(reverse("access:pass_cards"), {"pass": [gate.pass_a.pk, gate.pass_b.pk, "x"]})
    assert response.status_code == 200 and page_count(response.content) == 1
    nothing = client.get(reverse("access:pass_cards"), {"pass": [gate.pass_b.pk]})
    assert nothing.status_code == 302 and nothing["Location"] == reverse("access:pass_list")


def test_it_fits_the_qr_of_a_pass_in_a_small_code():
    """A pass QR is short enough for a low QR version, which phones read from a worn card."""
    text = "FX1:" + "A" * 230
    assert cards.qr(text).version <= 10


def test_it_reads_back_the_qr_printed_on_the_card(gate):
    """The modules drawn on the card are the QR of a text that verifies."""
    text = services.pass_qr_text(gate.pass_a)
    code = cards.qr(text)
    assert code.mode == "alphanumeric" and code.version <= 10
    assert Pass.objects.filter(pk=gate.pass_a.pk).exists()


def test_it_draws_the_on_screen_code_with_a_viewbox_and_its_quiet_zone():
    """Without a viewBox, CSS that narrowed the SVG cut the code off (issue 13): the drawing is
    in modules, 4 of quiet zone on each side painted white, and scales to any width."""
    svg = cards.qr_svg("FX1:TEST", scale=8)
    assert 'viewBox="0 0 29 29"' in svg  # 21 modules of a version-1 code + 2 × 4 of quiet zone
    assert 'width="232" height="232"' in svg  # its size where no style applies: 8 px a module
    assert '<path fill="#fff" d="M0 0h29v29h-29z"/>' in svg
    assert 'class="qr"' in svg and "<?xml" not in svg
