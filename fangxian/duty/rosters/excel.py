"""The roster and the no-show list as Excel workbooks (openpyxl)."""

from __future__ import annotations

import io

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from .selectors import is_leader, plan_grid

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _save(wb) -> bytes:
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _header(ws, values):
    ws.append(values)
    for c in ws[ws.max_row]:
        c.font = Font(bold=True)


DATE_FORMAT = "yyyy-mm-dd"  # a date, never "2026-02-02 00:00:00"
SHORT_FILL = PatternFill("solid", fgColor="FDECEA")
HEADER_FILL = PatternFill("solid", fgColor="EEEEEE")
THIN = Side(style="thin", color="999999")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
TITLE_ROWS = 3  # title, legend, header: repeated on every printed page
BAD_SHEET_CHARS = str.maketrans({c: "_" for c in "[]:*?/\\"})


def _printable(ws, *, columns: int, first_width: float, width: float) -> None:
    """A4 landscape, fit to the page's width, the title and header rows on every page."""
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0  # as many pages down as needed
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.5
    ws.print_title_rows = f"1:{TITLE_ROWS}"
    ws.print_area = f"A1:{get_column_letter(columns)}{max(ws.max_row, TITLE_ROWS)}"
    ws.freeze_panes = ws.cell(row=TITLE_ROWS + 1, column=2)
    ws.column_dimensions["A"].width = first_width
    for col in range(2, columns + 1):
        ws.column_dimensions[get_column_letter(col)].width = width


def _title(ws, text: str, legend: str, columns: int) -> None:
    ws.append([text])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=max(columns, 1))
    ws["A1"].font = Font(bold=True, size=14)
    ws["A1"].alignment = Alignment(horizontal="center")
    ws.append([legend])
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=max(columns, 1))
    ws["A2"].font = Font(size=9, color="555555")


def _sheet_name(name: str, taken: set[str]) -> str:
    base = (name.translate(BAD_SHEET_CHARS).strip("'") or "-")[:31]
    title, n = base, 2
    while title.lower() in taken:
        suffix = f" ({n})"
        title, n = base[:31 - len(suffix)] + suffix, n + 1
    taken.add(title.lower())
    return title


def _day_header(date) -> str:
    return f"{formats.date_format(date, 'm-d')} {formats.date_format(date, 'D')}"


def _cell_text(row, day: int) -> tuple[str, bool]:
    """Names (★ for a shift leader) and, for an uncovered shift, what it lacks."""
    cell = row.cells[day]
    lines = [a.volunteer.name + ("★" if is_leader(a) else "") for a in cell]
    short = row.short[day]
    if short:
        missing = row.template.minimum - len(cell)
        if missing > 0:
            lines.append("⚠ " + _("%(missing)s short") % {"missing": missing})
        if row.template.leader_required and not any(map(is_leader, cell)):
            lines.append("⚠ " + _("no shift leader"))
    return "\n".join(lines) or "—", short


def roster_workbook(plan, assignments) -> bytes:
    """One printable sheet per checkpoint and one for the leader on duty (a row per shift, a
    column per day, names in the cells, ★ for a shift leader, uncovered shifts marked); then a
    sheet by person and one line per shift, for filtering."""
    wb = Workbook()
    wb.remove(wb.active)
    taken: set[str] = set()
    dates = plan.dates
    columns = 1 + len(dates)
    legend = _("★ can lead the shift. ☾ night shift. Red: fewer people than the minimum, or no leader.")
    posts: dict = {}
    for row in plan_grid(plan, assignments):
        posts.setdefault(row.template.checkpoint_id, []).append(row)
    for rows in posts.values():
        post_name = rows[0].template.post_name
        ws = wb.create_sheet(_sheet_name(post_name, taken))
        _title(ws, _("%(community)s · %(post)s · duty roster %(first)s – %(last)s") % {
            "community": plan.community.name, "post": post_name, "first": plan.first_day.isoformat(),
            "last": plan.last_day.isoformat()}, legend, columns)
        _header(ws, [_("Shift")] + [_day_header(d) for d in dates])
        for row in sorted(rows, key=lambda r: r.template.start):
            texts = [_cell_text(row, i) for i in range(len(dates))]
            ws.append([row.template.hours + (" ☾" if row.template.is_night else "")] + [t for t, _s in texts])
            excel_row = ws.max_row
            height = max([1] + [t.count("\n") + 1 for t, _s in texts])
            ws.row_dimensions[excel_row].height = max(18, 15 * height)
            for i, (_text, short) in enumerate(texts, start=2):
                if short:
                    ws.cell(row=excel_row, column=i).fill = SHORT_FILL
        _style_grid(ws, columns)
        _printable(ws, columns=columns, first_width=12, width=14)

    ws = wb.create_sheet(_sheet_name(_("By person"), taken))
    _title(ws, _("%(community)s · duty roster by person %(first)s – %(last)s") % {
        "community": plan.community.name, "first": plan.first_day.isoformat(), "last": plan.last_day.isoformat()},
        legend, columns + 2)
    _header(ws, [_("Name")] + [_day_header(d) for d in dates] + [_("Shifts"), _("Night shifts")])
    per_person: dict = {}
    for a in assignments:
        per_person.setdefault(a.volunteer_id, (a.volunteer, {}))[1][a.date] = a
    for volunteer, days in sorted(per_person.values(), key=lambda p: (p[0].name, p[0].pk)):
        cells = [f"{days[d].template.post_name} {days[d].template.hours}" if d in days else "" for d in dates]
        nights = sum(1 for a in days.values() if a.template.is_night)
        leads = any(is_leader(a) for a in days.values())
        ws.append([volunteer.name + ("★" if leads else "")] + cells + [len(days), nights])
    _style_grid(ws, columns + 2)
    _printable(ws, columns=columns + 2, first_width=12, width=14)

    lines = wb.create_sheet(_sheet_name(_("Shifts"), taken))
    _header(lines, [_("Date"), _("Checkpoint"), _("Shift"), _("Name"), _("Kind")])
    for a in sorted(assignments, key=lambda a: (a.date, a.template.start, a.template.post_name, a.volunteer.name)):
        lines.append([a.date, a.template.post_name, a.template.hours, a.volunteer.name + ("★" if is_leader(a) else ""),
                      a.volunteer.get_kind_display()])
        lines.cell(row=lines.max_row, column=1).number_format = DATE_FORMAT
    for col, width in zip("ABCDE", (12, 14, 10, 12, 10)):
        lines.column_dimensions[col].width = width
    lines.auto_filter.ref = f"A1:E{lines.max_row}"
    lines.freeze_panes = "A2"
    lines.print_title_rows = "1:1"
    lines.page_setup.paperSize = lines.PAPERSIZE_A4
    lines.sheet_properties.pageSetUpPr.fitToPage = True
    lines.page_setup.fitToWidth, lines.page_setup.fitToHeight = 1, 0
    return _save(wb)


def _style_grid(ws, columns: int) -> None:
    for row in ws.iter_rows(min_row=TITLE_ROWS, max_row=ws.max_row, max_col=columns):
        for c in row:
            c.border = BOX
            c.alignment = Alignment(wrap_text=True, vertical="top")
    for c in ws[TITLE_ROWS]:
        c.fill = HEADER_FILL
        c.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)


def no_show_workbook(rows) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = _("No-shows")[:31]
    _header(ws, [_("Date"), _("Checkpoint"), _("Shift"), _("Starts at"), _("Name")])
    for a in rows:
        ws.append([a.date, a.template.post_name, a.template.hours,
                   timezone.localtime(a.starts_at).replace(tzinfo=None), a.volunteer.name])
        ws.cell(row=ws.max_row, column=1).number_format = DATE_FORMAT
        ws.cell(row=ws.max_row, column=4).number_format = "yyyy-mm-dd hh:mm"
    return _save(wb)
