"""The door seal 封条 and the notice 告示 as an A4 PDF, one page per dwelling.

The top of the page is the seal strip (cut along the dashed line): the "封" characters, the
community, the dwelling and the date; the rest is the notice asking the household to register
with its residential group on return, with the community's phone left blank to fill in by hand.
Chinese through the font of the pass cards (an installed TrueType font, else STSong-Light).
"""

from __future__ import annotations

import datetime as dt
import io
import re

from django.utils import timezone
from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas

from fangxian.core.pdf import chinese_font, printable
from fangxian.registry.models import Dwelling

RED = (0.75, 0.1, 0.08)
SEAL_CHARACTER = "封"  # the seal itself, in any language of the page
_NO_LINE_START = set("，。、；：！？）》」』”’,.;:!?)")  # stays at the end of the line before
_TOKENS = re.compile(r"[A-Za-z0-9'’.,;:!?()\-/%]+ ?| +|.", re.S)


def _wrap(pdf: canvas.Canvas, text: str, font: str, size: float, width: float) -> list[str]:
    """Lines of at most `width`: Chinese breaks between any two characters, English between words."""
    lines, line = [], ""
    for token in _TOKENS.findall(text):
        too_long = pdf.stringWidth(line + token.rstrip(), font, size) > width
        if too_long and line.strip() and token not in _NO_LINE_START:
            lines.append(line.rstrip())
            line = token.lstrip()
        else:
            line += token
    if line.strip():
        lines.append(line.rstrip())
    return lines


def _date_text(day: dt.date) -> str:
    return _("%(year)d-%(month)02d-%(day)02d") % {"year": day.year, "month": day.month, "day": day.day}


def _place(dwelling: Dwelling) -> str:
    building = dwelling.building
    return _("%(estate)s, building %(building)s, room %(room)s") % {
        "estate": building.estate.name, "building": building.name, "room": dwelling.room}


def _draw_strip(pdf: canvas.Canvas, dwelling: Dwelling, day: dt.date, x: float, y: float, w: float, h: float):
    font = chinese_font()
    community = dwelling.building.community.name
    pdf.setStrokeColorRGB(*RED)
    pdf.setLineWidth(2)
    pdf.rect(x, y, w, h, stroke=1, fill=0)
    pdf.setLineWidth(0.6)
    pdf.rect(x + 2 * mm, y + 2 * mm, w - 4 * mm, h - 4 * mm, stroke=1, fill=0)
    # 封 at both ends and in the middle, large and red: it crosses the door's gap.
    pdf.setFillColorRGB(*RED)
    big = h * 0.55
    pdf.setFont(font, big)
    for cx in (x + 5 * mm + big / 2, x + w - 5 * mm - big / 2):
        pdf.drawCentredString(cx, y + (h - big * 0.75) / 2, SEAL_CHARACTER)
    pdf.setFont(font, 20)
    pdf.drawCentredString(x + w / 2, y + h - 15 * mm, printable(community))
    pdf.setFont(font, 14)
    pdf.drawCentredString(x + w / 2, y + h - 24 * mm, _("Epidemic prevention and control"))
    pdf.setFillColorRGB(0, 0, 0)
    pdf.setFont(font, 13)
    pdf.drawCentredString(x + w / 2, y + 15 * mm, printable(_place(dwelling)))
    pdf.setFont(font, 12)
    pdf.drawCentredString(x + w / 2, y + 7 * mm, _("Sealed on %(date)s") % {"date": _date_text(day)})


def _draw_notice(pdf: canvas.Canvas, dwelling: Dwelling, day: dt.date, x: float, top: float, w: float) -> None:
    font = chinese_font()
    building = dwelling.building
    community = building.community.name
    group = building.estate.group.name
    pdf.setFillColorRGB(*RED)
    pdf.setFont(font, 36)
    pdf.drawCentredString(x + w / 2, top - 14 * mm, _("Notice"))
    pdf.setFillColorRGB(0, 0, 0)
    size, leading = 17, 11 * mm
    y = top - 34 * mm
    pdf.setFont(font, size)
    pdf.drawString(x, y, printable(_("To the household of %(place)s:") % {"place": _place(dwelling)}))
    y -= leading * 1.3
    paragraphs = [
        _("To protect everyone in the community during the epidemic, the door of this home has been "
          "sealed while the household is away."),
        _("On your return, first register with the %(group)s residential group of %(community)s. "
          "You may move in only with a move-in slip.") % {"group": group, "community": community},
        _("Do not remove the seal yourself. Thank you for your understanding and cooperation."),
    ]
    for paragraph in paragraphs:
        indent = 2 * size  # two characters, as a Chinese paragraph starts
        for i, line in enumerate(_wrap(pdf, printable(paragraph), font, size, w - indent)):
            pdf.drawString(x + (indent if i == 0 else 0), y, line)
            y -= leading
        y -= leading * 0.3
    y -= leading
    label = _("Community phone:")
    pdf.drawString(x, y, label)
    line_from = x + pdf.stringWidth(label, font, size) + 3 * mm
    pdf.setLineWidth(0.8)
    pdf.line(line_from, y - 1.5 * mm, min(line_from + 80 * mm, x + w), y - 1.5 * mm)  # written in by hand
    y -= leading * 2.5
    pdf.drawRightString(x + w, y, printable(community))
    pdf.drawRightString(x + w, y - leading, _date_text(day))


def seals_pdf(dwellings: list[Dwelling], *, day: dt.date | None = None, title: str = "") -> bytes:
    """One A4 page per dwelling: the seal strip and, below the cut line, the notice.

    The dwellings need `building__community` and `building__estate__group` loaded."""
    day = day or timezone.localdate()
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, pageCompression=1)
    pdf.setTitle(title or _("Door seals and notices"))
    pdf.setAuthor(str(_("Fangxian")))
    page_w, page_h = A4
    margin = 12 * mm
    strip_h = 70 * mm
    for index, dwelling in enumerate(dwellings):
        if index:
            pdf.showPage()
        _draw_strip(pdf, dwelling, day, margin, page_h - margin - strip_h, page_w - 2 * margin, strip_h)
        cut = page_h - margin - strip_h - 6 * mm
        pdf.setStrokeColorRGB(0.55, 0.55, 0.55)
        pdf.setLineWidth(0.4)
        pdf.setDash(3, 3)
        pdf.line(margin, cut, page_w - margin, cut)
        pdf.setDash()
        _draw_notice(pdf, dwelling, day, margin + 10 * mm, cut - 6 * mm, page_w - 2 * margin - 20 * mm)
    if not dwellings:
        pdf.setFont(chinese_font(), 12)
        pdf.drawString(20 * mm, page_h - 30 * mm, _("No rooms to print."))
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
