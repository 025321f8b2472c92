"""The roster and the no-show list as Excel workbooks (openpyxl)."""

from __future__ import annotations

import io

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from .selectors import plan_grid

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _save(wb) -> bytes:
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _header(ws, values):
    ws.append(values)
    for c in ws[ws.max_row]:
        c.font = Font(bold=True)


def roster_workbook(plan, assignments) -> bytes:
    """Sheet 1: by checkpoint (a row per checkpoint and shift, a column per day, names in
    the cells). Sheet 2: by person. Sheet 3: one line per shift, for filtering."""
    wb = Workbook()
    ws = wb.active
    ws.title = _("By checkpoint")[:31]
    _header(ws, [_("Checkpoint"), _("Shift")] + [d.isoformat() for d in plan.dates])
    for row in plan_grid(plan, assignments):
        ws.append([row.template.post_name, row.template.hours]
                  + ["、".join(a.volunteer.name for a in cell) for cell in row.cells])
    for col in ws.iter_cols(min_col=3):
        for c in col:
            c.alignment = Alignment(wrap_text=True, vertical="top")

    ws = wb.create_sheet(_("By person")[:31])
    _header(ws, [_("Name")] + [d.isoformat() for d in plan.dates] + [_("Shifts"), _("Night shifts")])
    per_person: dict = {}
    for a in assignments:
        per_person.setdefault(a.volunteer_id, (a.volunteer, {}))[1][a.date] = a
    for volunteer, days in sorted(per_person.values(), key=lambda p: (p[0].name, p[0].pk)):
        cells = [f"{days[d].template.post_name} {days[d].template.hours}" if d in days else "" for d in plan.dates]
        nights = sum(1 for a in days.values() if a.template.is_night)
        ws.append([volunteer.name] + cells + [len(days), nights])

    lines = wb.create_sheet(_("Shifts")[:31])
    _header(lines, [_("Date"), _("Checkpoint"), _("Shift"), _("Name"), _("Kind")])
    for a in sorted(assignments, key=lambda a: (a.date, a.template.start, a.template.post_name, a.volunteer.name)):
        lines.append([a.date, a.template.post_name, a.template.hours, a.volunteer.name, a.volunteer.get_kind_display()])
    return _save(wb)


def no_show_workbook(rows) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = _("No-shows")[:31]
    _header(ws, [_("Date"), _("Checkpoint"), _("Shift"), _("Starts at"), _("Name")])
    for a in rows:
        ws.append([a.date, a.template.post_name, a.template.hours,
                   timezone.localtime(a.starts_at).replace(tzinfo=None), a.volunteer.name])
    return _save(wb)
