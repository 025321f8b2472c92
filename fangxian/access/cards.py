"""Pass cards: the QR as SVG for the phone pass page, and the A4 PDF sheet of cards to print.

The card carries the QR, the masked name (张*三), building and room, estate, validity and
the issuing community, in Chinese through reportlab's built-in CID font STSong-Light (no
font file to install) or an installed TrueType font, embedded; ten cards to an A4 page, with cut marks.
"""

from __future__ import annotations

import io

from django.utils import timezone
from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas

from fangxian.core.pdf import chinese_font, draw_qr, printable, qr
from fangxian.core.personal import mask_name

from .models import Pass
from .services import pass_qr_text, signing_key_current

COLUMNS, ROWS = 2, 5
CARD_W, CARD_H = 90 * mm, 54 * mm
GAP_X, GAP_Y = 6 * mm, 3 * mm
CARDS_PER_PAGE = COLUMNS * ROWS


QUIET_ZONE = 4  # modules of white around the code: a reader needs them to find it


def qr_svg(text: str, *, scale: int = 8) -> str:
    """An inline <svg> of the QR (no XML declaration) that scales to its box.

    The drawing is in module units with a `viewBox`, so CSS may give it any width (the
    pages give it the width of their box, with a minimum) and the whole code, quiet zone
    included, is drawn at that size; `width` and `height` (`scale` pixels per module) are
    only its size where no style applies. Without the viewBox a narrower box cut the code off.
    The light modules are painted white, so that the quiet zone stays white on a dark page.
    """
    buffer = io.BytesIO()
    code = qr(text)
    code.save(buffer, kind="svg", scale=1, border=QUIET_ZONE, xmldecl=False, svgns=True, nl=False,
              title="QR", svgclass="qr", lineclass=None, omitsize=True, dark="#000", light="#fff")
    size = code.symbol_size(scale=scale, border=QUIET_ZONE)[0]
    svg = buffer.getvalue().decode()
    return svg.replace("<svg ", f'<svg width="{size}" height="{size}" preserveAspectRatio="xMidYMid meet" '
                       'role="img" ', 1)


def card_lines(pass_: Pass) -> dict:
    """The text of a card and of the phone pass page: nothing unmasked."""
    person = pass_.person
    dwelling = person.dwelling
    place = f"{dwelling.building.name} {dwelling.room}" if dwelling is not None else ""
    return {
        "name": mask_name(person.name),
        "place": place,
        "estate": pass_.estate.name,
        "kind": pass_.get_kind_display(),
        "community": pass_.community.name,
        # A visitor's pass lasts hours: its time matters; a resident's, the day.
        "valid_until": timezone.localtime(pass_.valid_until).strftime(
            "%Y-%m-%d %H:%M" if pass_.kind == Pass.Kind.VISITOR else "%Y-%m-%d"),
        "number": pass_.cti[:8].upper(),
    }


def _draw_card(pdf: canvas.Canvas, pass_: Pass, x: float, y: float, keys: dict) -> None:
    font = chinese_font()
    lines = card_lines(pass_)
    pdf.setStrokeColorRGB(0.55, 0.55, 0.55)
    pdf.setLineWidth(0.4)
    pdf.setDash(2, 2)
    pdf.roundRect(x, y, CARD_W, CARD_H, 3 * mm, stroke=1, fill=0)
    pdf.setDash()
    qr_size = CARD_H - 6 * mm
    if pass_.community_id not in keys:
        keys[pass_.community_id] = signing_key_current(community=pass_.community)
    draw_qr(pdf, pass_qr_text(pass_, key=keys[pass_.community_id]), x + 2 * mm, y + 3 * mm, qr_size)
    left = x + qr_size + 4 * mm
    top = y + CARD_H - 8 * mm
    pdf.setFillColorRGB(0.70, 0.15, 0.12)
    pdf.setFont(font, 12)
    pdf.drawString(left, top, _("Pass") + "  " + lines["kind"])
    pdf.setFillColorRGB(0, 0, 0)
    pdf.setFont(font, 15)
    pdf.drawString(left, top - 8 * mm, printable(lines["name"]))
    pdf.setFont(font, 9)
    rows = [lines["estate"], lines["place"], _("Valid until %(date)s") % {"date": lines["valid_until"]},
            lines["community"], "No. " + lines["number"]]
    for i, text in enumerate(rows):
        pdf.drawString(left, top - 15 * mm - i * 5 * mm,
                       _fit(pdf, printable(text), font, 9, x + CARD_W - 2 * mm - left))


def _fit(pdf: canvas.Canvas, text: str, font: str, size: float, width: float) -> str:
    while text and pdf.stringWidth(text, font, size) > width:
        text = text[:-1]
    return text


def cards_pdf(passes: list[Pass], *, title: str) -> bytes:
    """An A4 PDF, ten cards to a page, in the order given."""
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, pageCompression=1)
    pdf.setTitle(title)
    pdf.setAuthor(str(_("Fangxian")))
    page_w, page_h = A4
    margin_x = (page_w - COLUMNS * CARD_W - (COLUMNS - 1) * GAP_X) / 2
    margin_y = (page_h - ROWS * CARD_H - (ROWS - 1) * GAP_Y) / 2
    keys: dict = {}
    for index, pass_ in enumerate(passes):
        slot = index % CARDS_PER_PAGE
        if index and slot == 0:
            pdf.showPage()
        column, row = slot % COLUMNS, slot // COLUMNS
        x = margin_x + column * (CARD_W + GAP_X)
        y = page_h - margin_y - (row + 1) * CARD_H - row * GAP_Y
        _draw_card(pdf, pass_, x, y, keys)
    if not passes:
        pdf.setFont(chinese_font(), 12)
        pdf.drawString(20 * mm, page_h - 30 * mm, _("No valid passes to print."))
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
