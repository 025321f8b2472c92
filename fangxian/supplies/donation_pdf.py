"""The printed paper of a donation: the receipt 收据 handed to the donor (A5) and the letter of
thanks 感谢信 (A4 landscape). Both go to the donor privately: they carry the donor's name
(unless anonymous), never the phone."""

from __future__ import annotations

import io

from django.utils import timezone
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4, A5, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from fangxian.core.pdf import chinese_font, printable

from .donation_selectors import Line
from .models import Donation

RED = colors.HexColor("#b3261e")


def donor_label(donation: Donation) -> str:
    if donation.donor_kind == Donation.DonorKind.ANONYMOUS or not donation.donor_name:
        return _("Anonymous")
    return donation.donor_name


def _receiver(donation: Donation) -> str:
    user = donation.received_by
    return user.get_full_name() or user.get_username()


def _money(donation: Donation) -> str:
    return _("%(amount)s yuan") % {"amount": f"{donation.value:,.2f}"} if donation.value is not None else "—"


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(printable(str(text)).replace("&", "&amp;").replace("<", "&lt;"), style)


def receipt_pdf(donation: Donation, lines: list[Line]) -> bytes:
    """An A5 receipt: community, number, day, donor, items and quantities, value, who received
    it, the signature lines."""
    font = chinese_font()
    head = ParagraphStyle("head", fontName=font, fontSize=12, leading=16, alignment=TA_CENTER)
    title = ParagraphStyle("title", fontName=font, fontSize=20, leading=26, alignment=TA_CENTER, textColor=RED)
    text = ParagraphStyle("text", fontName=font, fontSize=10, leading=15, wordWrap="CJK")
    right = ParagraphStyle("right", fontName=font, fontSize=10, leading=15, alignment=TA_RIGHT)
    cell = ParagraphStyle("cell", fontName=font, fontSize=10, leading=13)
    white = ParagraphStyle("white", fontName=font, fontSize=10, leading=13, textColor=colors.white)
    small = ParagraphStyle("small", fontName=font, fontSize=8, leading=11, textColor=colors.grey)
    buffer = io.BytesIO()
    width = A5[0] - 24 * mm
    doc = SimpleDocTemplate(buffer, pagesize=A5, leftMargin=12 * mm, rightMargin=12 * mm, topMargin=12 * mm,
                            bottomMargin=12 * mm, title=_("Donation receipt"), author=str(_("Fangxian")))
    facts = [
        (_("Receipt number"), donation.number),
        (_("Received on"), donation.received_on.isoformat()),
        (_("Donor"), f"{donor_label(donation)}（{donation.get_donor_kind_display()}）"),
        (_("Estimated value"), _money(donation)),
        (_("Receiver"), _receiver(donation)),
    ]
    if donation.note:
        facts.append((_("Note"), donation.note))
    fact_table = Table([[_p(label, cell), _p(value, cell)] for label, value in facts],
                       colWidths=[30 * mm, width - 30 * mm])
    fact_table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                                    ("LINEBELOW", (0, 0), (-1, -1), 0.3, colors.lightgrey)]))
    rows = [[_p(label, white) for label in ("#", _("Item"), _("Quantity"), _("Unit"))]]
    for n, line in enumerate(lines, start=1):
        rows.append([_p(n, cell), _p(line.item.name, cell), _p(f"{line.quantity:,}", cell), _p(line.item.unit, cell)])
    if not lines:
        rows.append(["", _p(_("No item."), cell), "", ""])
    items = Table(rows, colWidths=[10 * mm, width - 60 * mm, 30 * mm, 20 * mm], repeatRows=1)
    items.setStyle(TableStyle([
        ("BACKGROUND", (0, 0), (-1, 0), RED), ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
    ]))
    signatures = Table([[_p(_("Donor (signature)"), text), "", _p(_("Received by (signature)"), text)],
                        ["", "", ""]], colWidths=[width * 0.44, width * 0.12, width * 0.44], rowHeights=[None, 14 * mm])
    signatures.setStyle(TableStyle([("LINEBELOW", (0, 1), (0, 1), 0.5, colors.black),
                                    ("LINEBELOW", (2, 1), (2, 1), 0.5, colors.black)]))
    story = [
        _p(donation.community.name, head),
        _p(_("Donation receipt"), title),
        Spacer(1, 4 * mm),
        fact_table,
        Spacer(1, 4 * mm),
        items,
        Spacer(1, 4 * mm),
        _p(_("The items above were received into the community's stock. Thank you for your support."), text),
        Spacer(1, 6 * mm),
        signatures,
        Spacer(1, 6 * mm),
        _p(_("Seal of the community"), right),
        Spacer(1, 10 * mm),
        _p(_("Printed %(when)s by Fangxian.") % {"when": timezone.localtime().strftime("%Y-%m-%d %H:%M")}, small),
    ]
    doc.build(story)
    return buffer.getvalue()


def what_was_given(lines: list[Line]) -> str:
    """口罩 1,000 只、消毒液 20 瓶"""
    given = [f"{line.item.name} {line.quantity:,} {line.item.unit}" for line in lines if line.quantity > 0]
    return _(", ").join(given)


def certificate_pdf(donation: Donation, lines: list[Line]) -> bytes:
    """An A4 landscape letter of thanks: the donor's name (a caring donor when anonymous), what
    they gave, the community's thanks and the day."""
    font = chinese_font()
    size = landscape(A4)
    title = ParagraphStyle("title", fontName=font, fontSize=40, leading=52, alignment=TA_CENTER, textColor=RED)
    to = ParagraphStyle("to", fontName=font, fontSize=20, leading=30)
    body = ParagraphStyle("body", fontName=font, fontSize=18, leading=34, firstLineIndent=36, wordWrap="CJK")
    sign = ParagraphStyle("sign", fontName=font, fontSize=18, leading=30, alignment=TA_RIGHT)
    buffer = io.BytesIO()

    def frame(canvas, doc):
        canvas.saveState()
        canvas.setStrokeColor(RED)
        canvas.setLineWidth(3)
        canvas.rect(10 * mm, 10 * mm, size[0] - 20 * mm, size[1] - 20 * mm)
        canvas.setLineWidth(0.8)
        canvas.rect(13 * mm, 13 * mm, size[0] - 26 * mm, size[1] - 26 * mm)
        canvas.restoreState()

    doc = SimpleDocTemplate(buffer, pagesize=size, leftMargin=32 * mm, rightMargin=32 * mm, topMargin=26 * mm,
                            bottomMargin=22 * mm, title=_("Letter of thanks"), author=str(_("Fangxian")))
    anonymous = donation.donor_kind == Donation.DonorKind.ANONYMOUS or not donation.donor_name
    donor = _("Caring donor") if anonymous else donation.donor_name
    what = what_was_given(lines) or _("supplies")
    story = [
        _p(_("Letter of thanks"), title),
        Spacer(1, 14 * mm),
        _p(_("Dear %(donor)s:") % {"donor": donor}, to),
        Spacer(1, 4 * mm),
        _p(_("In the fight against the epidemic, you gave %(what)s to %(community)s on %(day)s. Your kindness "
             "protects our residents and the workers on the front line.")
           % {"what": what, "community": donation.community.name, "day": _day(donation)}, body),
        _p(_("We thank you sincerely."), body),
        _p(_("Receipt number %(number)s.") % {"number": donation.number}, body),
        Spacer(1, 16 * mm),
        _p(donation.community.name, sign),
        _p(_day(donation), sign),
    ]
    doc.build(story, onFirstPage=frame, onLaterPages=frame)
    return buffer.getvalue()


def _day(donation: Donation) -> str:
    day = donation.received_on
    return _("%(year)d-%(month)02d-%(day)02d") % {"year": day.year, "month": day.month, "day": day.day}
