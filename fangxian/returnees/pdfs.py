"""Printed paper of the returnees practice: the registration poster, the move-in slip 入住条
and the release slip. Names are printed masked; no ID number or phone is printed."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A4, A5
from reportlab.lib.units import mm

from fangxian.core.pdf import centered, document, draw_qr, finish
from fangxian.core.personal import mask_name


def poster_pdf(*, community, url: str) -> bytes:
    """An A4 poster with the QR of the community's self-registration page."""
    title = _("Returnee registration")
    buffer, pdf = document(title)
    width, height = A4
    centered(pdf, community.name, height - 40 * mm, 26, width)
    centered(pdf, title, height - 58 * mm, 34, width)
    size = 120 * mm
    draw_qr(pdf, url, (width - size) / 2, height - 70 * mm - size, size)
    y = height - 80 * mm - size
    for line in (_("Coming back? Scan the code and register before you move in."),
                 _("You get a move-in slip after the community has reviewed your registration."),
                 url):
        centered(pdf, line, y, 14 if line != url else 10, width)
        y -= 10 * mm
    return finish(buffer, pdf)


def slip_pdf(*, slip, qr_text: str) -> bytes:
    """The move-in slip 入住条 on A5: masked name, room, the date and the signed QR."""
    title = _("Move-in slip")
    buffer, pdf = document(title, A5)
    width, height = A5
    registration = slip.registration
    dwelling = registration.dwelling
    centered(pdf, registration.community.name, height - 20 * mm, 14, width)
    centered(pdf, title, height - 34 * mm, 26, width)
    size = 60 * mm
    draw_qr(pdf, qr_text, (width - size) / 2, height - 42 * mm - size, size)
    y = height - 52 * mm - size
    companions = registration.companions.count()
    for line in (
        f"{mask_name(slip.person.name)}" + (_(" and %(count)d more") % {"count": companions} if companions else ""),
        f"{dwelling.building.estate.name} {dwelling.building.name} {dwelling.room}",
        _("Issued on %(date)s") % {"date": timezone.localtime(slip.issued_at).strftime("%Y-%m-%d")},
        _("No. %(number)s") % {"number": slip.code[:8].upper()},
    ):
        centered(pdf, line, y, 13, width)
        y -= 8 * mm
    return finish(buffer, pdf)


def release_pdf(*, quarantine) -> bytes:
    """The release slip of a home quarantine."""
    title = _("Home quarantine release slip")
    buffer, pdf = document(title, A5)
    width, height = A5
    dwelling = quarantine.dwelling
    centered(pdf, dwelling.building.community.name, height - 20 * mm, 14, width)
    centered(pdf, title, height - 36 * mm, 22, width)
    y = height - 56 * mm
    for line in (
        mask_name(quarantine.person.name),
        f"{dwelling.building.estate.name} {dwelling.building.name} {dwelling.room}",
        _("Home quarantine from %(start)s to %(end)s") % {"start": quarantine.starts_on,
                                                           "end": quarantine.ended_on or quarantine.planned_end},
        _("Released on %(date)s") % {"date": quarantine.ended_on or "—"},
    ):
        centered(pdf, line, y, 13, width)
        y -= 9 * mm
    return finish(buffer, pdf)
