"""The schedule slip: an A6 card handed to a volunteer with the QR of their personal schedule
link and how to use it. It carries the masked name only."""

from __future__ import annotations

from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A6
from reportlab.lib.units import mm

from fangxian.core.pdf import centered, document, draw_qr, finish
from fangxian.core.personal import mask_name

from ..models import Volunteer


def schedule_slip_pdf(volunteer: Volunteer, url: str) -> bytes:
    title = _("My duty schedule")
    buffer, pdf = document(title, size=A6)
    width, height = A6
    centered(pdf, volunteer.community.name, height - 12 * mm, 10, width)
    centered(pdf, title, height - 21 * mm, 15, width)
    centered(pdf, mask_name(volunteer.name), height - 28 * mm, 10, width)
    size = 62 * mm
    top = height - 32 * mm
    draw_qr(pdf, url, (width - size) / 2, top - size, size)
    y = top - size - 7 * mm
    for line in (_("Scan the code with your phone's camera or WeChat:"),
                 _("it opens your shifts, and lets you ask someone to take one over."),
                 _("Keep this slip to yourself: the code is your key.")):
        centered(pdf, line, y, 7.5, width)
        y -= 4.6 * mm
    return finish(buffer, pdf)
