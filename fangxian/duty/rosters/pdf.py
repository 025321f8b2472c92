"""The printable roster (A4 landscape): by checkpoint (a table per checkpoint and week, a row
per shift, names in the cells) or by person (a row per person, the shift in each day's cell).
Chinese through the same font as the pass cards (access/cards.py)."""

from __future__ import annotations

import io
from collections import defaultdict

from django.utils import formats
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from fangxian.core.pdf import chinese_font

from .selectors import plan_grid

WEEK = 7


def _weeks(dates):
    return [dates[i:i + WEEK] for i in range(0, len(dates), WEEK)]


def _day(date) -> str:
    return formats.date_format(date, "MONTH_DAY_FORMAT") + " " + formats.date_format(date, "D")


def roster_pdf(plan, assignments, *, by: str = "checkpoint") -> bytes:
    font = chinese_font()
    title = ParagraphStyle("title", fontName=font, fontSize=15, leading=20)
    cell = ParagraphStyle("cell", fontName=font, fontSize=8, leading=10)
    head = ParagraphStyle("head", fontName=font, fontSize=8, leading=10, textColor=colors.white)
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=landscape(A4), leftMargin=10 * mm, rightMargin=10 * mm,
                            topMargin=10 * mm, bottomMargin=10 * mm, title=_("Duty roster"))
    heading = _("Duty roster %(community)s, %(first)s to %(last)s") % {
        "community": plan.community.name, "first": formats.date_format(plan.first_day, "SHORT_DATE_FORMAT"),
        "last": formats.date_format(plan.last_day, "SHORT_DATE_FORMAT")}
    story = []
    width = landscape(A4)[0] - 20 * mm

    def table(rows, first_width):
        day_width = (width - first_width) / (len(rows[0]) - 1)
        t = Table(rows, colWidths=[first_width] + [day_width] * (len(rows[0]) - 1), repeatRows=1)
        t.setStyle(TableStyle([
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#b3261e")),
            ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, colors.HexColor("#f4f5f7")]),
        ]))
        return t

    if by == "person":
        story.append(Paragraph(heading + " · " + _("by person"), title))
        per_person = defaultdict(dict)
        people = {}
        for a in assignments:
            per_person[a.volunteer_id][a.date] = f"{a.template.post_name} {a.template.hours}"
            people[a.volunteer_id] = a.volunteer
        order = sorted(people.values(), key=lambda v: (v.name, v.pk))
        for week in _weeks(plan.dates):
            rows = [[Paragraph(_("Name"), head)] + [Paragraph(_day(d), head) for d in week]]
            for v in order:
                rows.append([Paragraph(v.name, cell)] + [Paragraph(per_person[v.pk].get(d, ""), cell) for d in week])
            story += [Spacer(1, 4 * mm), table(rows, 28 * mm)]
    else:
        story.append(Paragraph(heading, title))
        grid = plan_grid(plan, assignments)
        by_post = defaultdict(list)
        for row in grid:
            by_post[row.template.post_name].append(row)
        for n, (post, rows_of_post) in enumerate(by_post.items()):
            if n:
                story.append(PageBreak())
            story.append(Paragraph(post, title))
            for w, week in enumerate(_weeks(plan.dates)):
                offset = w * WEEK
                rows = [[Paragraph(_("Shift"), head)] + [Paragraph(_day(d), head) for d in week]]
                for row in rows_of_post:
                    rows.append([Paragraph(row.template.hours, cell)] + [
                        Paragraph("<br/>".join(a.volunteer.name for a in row.cells[offset + i]) or "—", cell)
                        for i in range(len(week))])
                story += [Spacer(1, 3 * mm), table(rows, 22 * mm)]
    if not assignments:
        story.append(Paragraph(_("No shifts in this roster."), cell))
    doc.build(story)
    return buffer.getvalue()
