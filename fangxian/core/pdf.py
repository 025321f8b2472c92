"""What every printed page shares: the Chinese font, QR codes drawn as vectors, and an A4/A5
document with centred lines. Cards, slips, seals, posters, rosters and reports use it.

A Chinese TrueType font installed on the machine is embedded (a subset), so a page prints the
same from any viewer; without one, reportlab's built-in CID font STSong-Light, which the
viewer must supply (Adobe Reader and most printers' drivers do).
"""

from __future__ import annotations

import io
from pathlib import Path

import segno
from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

TTF_CANDIDATES = (
    ("WenQuanYiMicroHei", Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")),
    ("WenQuanYiZenHei", Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")),
)
CID_FONT = "STSong-Light"
_font_name: str | None = None


def chinese_font() -> str:
    """The registered name of the Chinese font, registering it on first use."""
    global _font_name
    if _font_name is None:
        for name, path in TTF_CANDIDATES:
            if path.exists():
                try:
                    pdfmetrics.registerFont(TTFont(name, str(path), subfontIndex=0))
                except Exception:  # an unreadable font file: try the next, then the CID font
                    continue
                _font_name = name
                break
        else:
            pdfmetrics.registerFont(UnicodeCIDFont(CID_FONT))
            _font_name = CID_FONT
    return _font_name


def printable(text: str) -> str:
    """STSong-Light has no U+00B7 middle dot (as in 阿依古丽·买买提): use the CJK one."""
    return text.replace("·", "・") if chinese_font() == CID_FONT else text


def qr(text: str) -> segno.QRCode:
    # Level M: a card in a pocket gets scuffed; Base45 fits the alphanumeric mode.
    return segno.make_qr(text, error="m", boost_error=False)


def draw_qr(pdf: canvas.Canvas, text: str, x: float, y: float, size: float) -> None:
    """The QR as vector squares (one rectangle per horizontal run of dark modules)."""
    code = qr(text)
    matrix = [list(row) for row in code.matrix]
    border = 2
    count = len(matrix) + 2 * border
    module = size / count
    pdf.setFillColorRGB(1, 1, 1)
    pdf.rect(x, y, size, size, stroke=0, fill=1)
    pdf.setFillColorRGB(0, 0, 0)
    for r, row in enumerate(matrix):
        top = y + size - (r + border + 1) * module
        c = 0
        while c < len(row):
            if row[c] & 1:
                start = c
                while c < len(row) and row[c] & 1:
                    c += 1
                pdf.rect(x + (start + border) * module, top, (c - start) * module, module, stroke=0, fill=1)
            else:
                c += 1


def document(title: str, size=A4):
    """A new one-page document: (buffer, canvas). Finish it with `finish`."""
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=size, pageCompression=1)
    pdf.setTitle(title)
    pdf.setAuthor(str(_("Fangxian")))
    return buffer, pdf


def finish(buffer, pdf) -> bytes:
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def centered(pdf, text: str, y: float, size: float, width: float) -> None:
    pdf.setFont(chinese_font(), size)
    pdf.drawCentredString(width / 2, y, printable(text))
