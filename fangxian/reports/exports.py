"""The daily report on paper and in Excel, in the report's layout.

- The subdistrict workbook: one row per community, the sections as a grouped header row
  above their figures, the fill-in numbers first, then the totals and the day-on-day change.
- The community workbook and both PDFs: one row per figure under its section's heading, one
  column per unit (the community and its residential groups, or the communities of a
  subdistrict with the total), which stays readable on an A4 page.
"""

from __future__ import annotations

import io
from xml.sax.saxutils import escape

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Table, TableStyle

from fangxian.core.pdf import chinese_font, printable
from fangxian.core.reporting import sections

from .models import ZERO_FIELDS
from .totals import Change, Total, change_cell, total_cell

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BOLD = Font(bold=True)
HEAD_FILL = PatternFill("solid", fgColor="DDE7F3")
MISSING_FILL = PatternFill("solid", fgColor="FDECEA")
PDF_UNITS_PER_PAGE = 8


def layout() -> list[tuple]:
    """[(section, [figure, ...])] in the report's order."""
    return [(s, list(s.figures)) for s in sections()]


def flat(figures: dict) -> list:
    return [figures.get(s.key, {}).get(f.key) for s, fs in layout() for f in fs]


def as_cell(value):
    """A value as a spreadsheet cell: a number, or the text of an incomplete total or change."""
    if isinstance(value, Total):
        return total_cell(value)
    if isinstance(value, Change):
        return change_cell(value)
    return value


def text(value) -> str:
    """A value as the PDF prints it: "—" for unknown, an incomplete total with its missing units."""
    value = as_cell(value)
    return "—" if value is None else str(value)


def missing_note(missing: list[dict], *, submitted: bool) -> str:
    """The line naming the units that had not filed: at submission, or so far."""
    names = "、".join(unit["name"] for unit in missing)
    if submitted:
        return _("Submitted with %(n)s units missing: %(names)s") % {"n": len(missing), "names": names}
    return _("%(n)s units not reported yet: %(names)s") % {"n": len(missing), "names": names}


def _save(book: Workbook) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def subdistrict_xlsx(view, *, title: str, state_labels: dict) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = str(view.day)
    sheet.append([title])
    sheet["A1"].font = Font(bold=True, size=14)
    fixed = [_("Community"), _("Status")] + [str(label) for _name, label in ZERO_FIELDS]
    sections_row, labels_row = [""] * len(fixed), list(fixed)
    sections_row[2] = _("Filled in")
    merges = [(3, 2 + len(ZERO_FIELDS))]
    for section, figures in layout():
        start = len(labels_row) + 1
        sections_row += [str(section.title)] + [""] * (len(figures) - 1)
        labels_row += [str(f.label) for f in figures]
        merges.append((start, start + len(figures) - 1))
    sheet.append(sections_row)
    sheet.append(labels_row)
    for first, last in merges:  # the grouped header row
        if last > first:
            sheet.merge_cells(start_row=2, start_column=first, end_row=2, end_column=last)
    for row in sheet.iter_rows(min_row=2, max_row=3):
        for cell in row:
            cell.font, cell.fill = BOLD, HEAD_FILL
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for row in view.rows:
        sheet.append([row.community.name, str(state_labels[row.state])]
                     + [row.fill[name] for name, _label in ZERO_FIELDS] + flat(row.figures))
        if row.state == "missing":
            for cell in sheet[sheet.max_row][:2]:
                cell.fill = MISSING_FILL
    # A total over communities some of which have not submitted carries the text saying so.
    sheet.append([_("Total"), ""] + [as_cell(view.fill_totals[name]) for name, _label in ZERO_FIELDS]
                 + [as_cell(total) for total in flat(view.totals)])
    for total_box in sheet[sheet.max_row]:
        total_box.font = BOLD
    change_fill = [as_cell(view.fill_change(n)) for n, _label in ZERO_FIELDS]
    change = [as_cell(view.change(s.key, f.key)) for s, fs in layout() for f in fs]
    sheet.append([_("Change on the day before"), ""] + change_fill + change)
    if view.unfiled:
        sheet.append([])
        sheet.append([_("Not in the totals (no submitted report): %(names)s") % {
            "names": "、".join(row.community.name for row in view.unfiled)}])
    sheet.column_dimensions["A"].width = 18
    sheet.column_dimensions["B"].width = 12
    for index in range(3, len(labels_row) + 1):
        sheet.column_dimensions[get_column_letter(index)].width = 11
    sheet.freeze_panes = "C4"
    return _save(book)


def units_xlsx(units: list[dict], *, title: str, notes: list[str] = ()) -> bytes:
    """Figures as rows, units as columns. A unit: {"name", "status", "figures", "fill": {field: n}}."""
    book = Workbook()
    sheet = book.active
    sheet.title = _("Daily report")[:31]
    sheet.append([title])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([_("Figure")] + [u["name"] for u in units])
    sheet.append([_("Status")] + [u["status"] for u in units])
    for cell in sheet[2]:
        cell.font, cell.fill = BOLD, HEAD_FILL
    for row in _unit_rows(units):
        sheet.append(row)
        if len(row) == 1:
            sheet[sheet.max_row][0].font = BOLD
            sheet[sheet.max_row][0].fill = HEAD_FILL
    for note in notes:  # the texts filled in and the units missing, under the table
        sheet.append([note])
    sheet.column_dimensions["A"].width = 26
    for index in range(2, len(units) + 2):
        sheet.column_dimensions[get_column_letter(index)].width = 14
    return _save(book)


def _unit_rows(units: list[dict]) -> list[list]:
    rows = [[_("Filled in")]]
    rows += [[str(label)] + [as_cell(u["fill"].get(name)) for u in units] for name, label in ZERO_FIELDS]
    for section, figures in layout():
        rows.append([str(section.title)])
        rows += [[str(f.label)] + [as_cell(u["figures"].get(section.key, {}).get(f.key)) for u in units]
                 for f in figures]
    return rows


def units_pdf(units: list[dict], *, title: str, notes: list[str] = ()) -> bytes:
    """An A4 landscape PDF of the same layout; eight units to a page, the figure labels repeated."""
    font = chinese_font()
    buffer = io.BytesIO()
    document = SimpleDocTemplate(buffer, pagesize=landscape(A4), leftMargin=12 * mm, rightMargin=12 * mm,
                                 topMargin=10 * mm, bottomMargin=8 * mm, title=title, author=_("Fangxian"))
    heading = ParagraphStyle("h", fontName=font, fontSize=14, leading=18, spaceAfter=6)
    body = ParagraphStyle("b", fontName=font, fontSize=9, leading=12, spaceBefore=4)
    # Cells wrap: an incomplete total ("12（3 个单位未报）") is longer than a number.
    small = ParagraphStyle("c", fontName=font, fontSize=7.5, leading=9, alignment=2)
    story = []
    for start in range(0, max(len(units), 1), PDF_UNITS_PER_PAGE):
        chunk = units[start:start + PDF_UNITS_PER_PAGE]
        if start:
            story.append(PageBreak())
        story.append(Paragraph(printable(title), heading))
        data = [[printable(_("Figure"))] + [printable(u["name"]) for u in chunk],
                [printable(_("Status"))] + [printable(u["status"]) for u in chunk]]
        section_rows = []
        for row in _unit_rows(chunk):
            if len(row) == 1:
                section_rows.append(len(data))
                data.append([printable(row[0])] + [""] * len(chunk))
            else:
                data.append([printable(row[0])] + [Paragraph(escape(printable(text(v))), small) for v in row[1:]])
        table = Table(data, colWidths=[62 * mm] + [26 * mm] * len(chunk), repeatRows=2, hAlign="LEFT")
        style = [
            ("FONTNAME", (0, 0), (-1, -1), font), ("FONTSIZE", (0, 0), (-1, -1), 7.5),
            ("GRID", (0, 0), (-1, -1), 0.3, colors.grey), ("ALIGN", (1, 2), (-1, -1), "RIGHT"),
            ("BACKGROUND", (0, 0), (-1, 1), colors.HexColor("#DDE7F3")),
            ("TOPPADDING", (0, 0), (-1, -1), 1), ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
        ]
        for index in section_rows:
            style += [("SPAN", (0, index), (-1, index)), ("BACKGROUND", (0, index), (-1, index),
                                                          colors.HexColor("#EEF0F3"))]
        for column, unit in enumerate(chunk, start=1):
            if unit.get("missing"):
                style.append(("TEXTCOLOR", (column, 1), (column, 1), colors.HexColor("#B3261E")))
        table.setStyle(TableStyle(style))
        story.append(table)
    for note in notes:  # the texts filled in, under the table
        story.append(Paragraph(escape(printable(note)), body))
    document.build(story)
    return buffer.getvalue()
