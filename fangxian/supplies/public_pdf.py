"""The public donations page as an A4 poster for the notice board: the totals per item, the
donors who agreed to be named, the date of the last update and a QR code to the page."""

from __future__ import annotations

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm

from fangxian.core.pdf import centered, chinese_font, document, draw_qr, finish, printable

from .public_selectors import PublicReport

MARGIN = 18 * mm


def _fit(pdf, text: str, size: float, width: float) -> str:
    """The text cut with an ellipsis to fit the width."""
    text = printable(text)
    if pdf.stringWidth(text, chinese_font(), size) <= width:
        return text
    while text and pdf.stringWidth(text + "…", chinese_font(), size) > width:
        text = text[:-1]
    return text + "…"


def poster_pdf(report: PublicReport, *, url: str) -> bytes:
    title = _("Donations and where they went")
    buffer, pdf = document(title)
    width, height = A4
    font = chinese_font()
    centered(pdf, report.community.name, height - 26 * mm, 20, width)
    centered(pdf, title, height - 40 * mm, 28, width)
    if report.updated_at:
        centered(pdf, _("Updated %(date)s") % {"date": date_format(report.updated_at, "Y-m-d H:i")},
                 height - 50 * mm, 12, width)
    y = height - 64 * mm
    # The totals: item | received | given out | in stock.
    columns = (MARGIN, MARGIN + 70 * mm, MARGIN + 105 * mm, MARGIN + 140 * mm)
    pdf.setFont(font, 13)
    for x, head in zip(columns, (_("Item"), _("Received"), _("Given out"), _("In stock now")), strict=True):
        pdf.drawString(x, y, printable(head))
    pdf.line(MARGIN, y - 2.5 * mm, width - MARGIN, y - 2.5 * mm)
    y -= 9 * mm
    pdf.setFont(font, 14)
    shown = 0
    for item in report.items:
        if y < 150 * mm:
            break
        pdf.drawString(columns[0], y, _fit(pdf, f"{item.name}（{item.unit}）", 14, 68 * mm))
        for x, value in zip(columns[1:], (item.received + item.bought, item.given_out, item.in_stock), strict=True):
            pdf.drawString(x, y, str(value))
        y -= 8 * mm
        shown += 1
    if shown < len(report.items):
        pdf.setFont(font, 11)
        pdf.drawString(MARGIN, y, printable(_("More items on the page behind the code.")))
        y -= 8 * mm
    if not report.items:
        pdf.setFont(font, 13)
        pdf.drawString(MARGIN, y, printable(_("No supplies recorded yet.")))
        y -= 8 * mm
    # The donors who agreed to be named, on the left; the QR on the right.
    y -= 4 * mm
    qr_size = 72 * mm
    pdf.setFont(font, 15)
    pdf.drawString(MARGIN, y, printable(_("Thank you to our donors")))
    y -= 8 * mm
    text_width = width - 2 * MARGIN - qr_size - 8 * mm
    pdf.setFont(font, 12)
    bottom = MARGIN + 24 * mm
    listed = 0
    for donation in report.named:
        if y < bottom:
            break
        line = f"{donation.received_on:%m-%d}  {donation.name}"
        pdf.drawString(MARGIN, y, _fit(pdf, line, 12, text_width))
        y -= 6.5 * mm
        listed += 1
    rest = report.named_count - listed
    lines = []
    if rest > 0:
        lines.append(ngettext("and %(n)d more named donor", "and %(n)d more named donors", rest) % {"n": rest})
    if report.unnamed_count:
        lines.append(ngettext("%(n)d anonymous or unnamed donor", "%(n)d anonymous or unnamed donors",
                              report.unnamed_count) % {"n": report.unnamed_count})
    for line in lines:
        if y < MARGIN + 10 * mm:
            break
        pdf.drawString(MARGIN, y, _fit(pdf, line, 12, text_width))
        y -= 6.5 * mm
    qr_x, qr_y = width - MARGIN - qr_size, MARGIN + 22 * mm
    draw_qr(pdf, url, qr_x, qr_y, qr_size)
    pdf.setFont(font, 11)
    pdf.drawCentredString(qr_x + qr_size / 2, qr_y - 6 * mm, printable(_("Scan for the full account")))
    pdf.setFont(font, 8)
    pdf.drawCentredString(width / 2, MARGIN, printable(url))
    return finish(buffer, pdf)
