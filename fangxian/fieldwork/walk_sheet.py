"""The walk sheet 敲门登记表: an A4 per building for a team without phones, filled in by pen.

A row per door (floor, room, the residents' names masked as on a pass card, its state so
far), a box per outcome to tick and room for notes; the campaign's questions at the foot.
The sheet goes up stairwells and may be left behind: names are masked, phones never printed.
"""

from __future__ import annotations

import io

from django.utils import timezone
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from fangxian.core.pdf import chinese_font, printable
from fangxian.core.personal import mask_name
from fangxian.registry.models import Building, Person
from fangxian.registry.rooms import floor_of

from . import coverage, selectors
from .models import Campaign
from .questionnaire import questions_of


def box_labels() -> list[str]:
    """The outcome boxes, short enough for a narrow column: 已访 / 无人 / 拒访 / 空置 / 封控."""
    return [_("Answered"), _("Nobody in"), _("Declined"), _("Empty"), _("Under seal")]


def walk_sheet_pdf(campaign: Campaign, building: Building) -> bytes:
    font = chinese_font()
    title = ParagraphStyle("title", fontName=font, fontSize=15, leading=20)
    text = ParagraphStyle("text", fontName=font, fontSize=9, leading=12)
    cell = ParagraphStyle("cell", fontName=font, fontSize=8, leading=10)
    head = ParagraphStyle("head", fontName=font, fontSize=8, leading=10, textColor=colors.white)
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=10 * mm, rightMargin=10 * mm, topMargin=10 * mm,
                            bottomMargin=10 * mm, title=_("Walk sheet"))
    doors = list(selectors.door_rows(campaign, building.dwellings.all()).order_by("room"))
    residents: dict[int, list[str]] = {}
    for dwelling_id, name in Person.objects.filter(dwelling__in=[d.pk for d in doors]).order_by(
            "name", "pk").values_list("dwelling_id", "name"):
        residents.setdefault(dwelling_id, []).append(mask_name(name))

    story = [
        Paragraph(printable(_("Walk sheet: %(campaign)s") % {"campaign": campaign.name}), title),
        Paragraph(printable(_("%(estate)s, building %(building)s · grid %(grid)s · %(first)s to %(last)s") % {
            "estate": building.estate.name, "building": building.name,
            "grid": building.grid.name if building.grid else "—",
            "first": campaign.starts_on.isoformat(), "last": campaign.ends_on.isoformat()}), text),
        Paragraph(_("Tick one box per knock; write the time and what you found in the notes. "
                    "Printed %(when)s.") % {"when": timezone.localtime().strftime("%Y-%m-%d %H:%M")}, text),
        Spacer(1, 3 * mm),
    ]
    rows = [[Paragraph(label, head) for label in (
        _("Floor"), _("Room"), _("Residents"), _("So far"), *box_labels(), _("Notes"))]]
    for door in doors:
        rows.append([
            Paragraph(str(floor_of(door.room) or ""), cell), Paragraph(printable(door.room), cell),
            Paragraph(printable("、".join(residents.get(door.pk, [])) or "—"), cell),
            Paragraph(str(coverage.STATE_LABELS[selectors.state_of(door)]), cell),
            "", "", "", "", "", "",
        ])
    if not doors:
        rows.append([Paragraph(_("This building has no dwellings in the register."), cell)] + [""] * 9)
    box = 11 * mm
    widths = [10 * mm, 14 * mm, 38 * mm, 18 * mm, box, box, box, box, box]
    widths.append(A4[0] - 20 * mm - sum(widths))
    table = Table(rows, colWidths=widths, repeatRows=1)
    table.setStyle(TableStyle([
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#b3261e")),
        ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, colors.HexColor("#f4f5f7")]),
        ("TOPPADDING", (0, 1), (-1, -1), 8), ("BOTTOMPADDING", (0, 1), (-1, -1), 8),
    ]))
    story.append(table)
    questions = questions_of(campaign.questionnaire)
    if questions:
        story += [Spacer(1, 4 * mm), Paragraph(_("Ask at each door that answers:"), text)]
        for number, (question, required) in enumerate(questions, 1):
            mark = _("(required)") if required else ""
            story.append(Paragraph(printable(f"{number}. {question.label} {mark}".rstrip()), text))
    doc.build(story)
    return buffer.getvalue()
