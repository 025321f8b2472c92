"""The Excel of a day's delivery tasks: one row per task in the order of the stairs (estate,
building, then floor and room), and a summary sheet with the day's figures.

Names are masked; no phone and no ID number is written, whoever exports.
"""

from __future__ import annotations

import datetime as dt
import io

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from fangxian.core.personal import mask_name
from fangxian.registry.rooms import door_order, floor_of

from . import figures, selectors
from .models import Task

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXPORT_MAX_ROWS = 50_000


def _stamp(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def _saved(book: Workbook) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def export_rows(tasks: QuerySet[Task]) -> list[Task]:
    rows = list(tasks.select_related("dwelling__building__estate", "dwelling__building__grid", "courier")
                .order_by()[:EXPORT_MAX_ROWS])
    rows.sort(key=lambda t: (t.dwelling.building.estate.name, t.dwelling.building.name,
                             door_order(t.dwelling.room), t.due_by, t.pk))
    return rows


def day_workbook(tasks: QuerySet[Task], day: dt.date, *, visible: QuerySet[Task],
                 now: dt.datetime | None = None) -> bytes:
    """`tasks`: the day's tasks the user sees (filtered as the list is); `visible`: every task
    the user sees, whose figures of the day the summary gives."""
    now = now or timezone.now()
    rows = export_rows(tasks)
    contacts = selectors.contacts_of(t.dwelling_id for t in rows)
    late = set(figures.late_tasks(tasks, day, now).values_list("pk", flat=True))
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Tasks"))
    sheet.append([_("Estate"), _("Building"), _("Floor"), _("Room"), _("Grid"), _("Kind"), _("Meal"),
                  _("Contact"), _("People"), _("Dietary notes"), _("Items"), _("Budget (yuan)"), _("Due by"),
                  _("Status"), _("Late"), _("Courier"), _("Assigned at"), _("Picked up at"), _("Delivered at"),
                  _("Left at the door without contact"), _("Failed at"), _("Failure reason"),
                  _("Receipt confirmed at"), _("Source"), _("Note")])
    for task in rows:
        building, contact = task.dwelling.building, contacts.get(task.dwelling_id)
        floor = floor_of(task.dwelling.room)
        sheet.append([
            building.estate.name, building.name, floor if floor is not None else "", task.dwelling.room,
            building.grid.name if building.grid else "", str(task.get_kind_display()),
            str(task.get_meal_display()) if task.meal else "", mask_name(contact.name) if contact else "",
            task.people, task.dietary, task.items, float(task.budget) if task.budget is not None else "",
            _stamp(task.due_by), str(task.get_status_display()), _("Yes") if task.pk in late else "",
            task.courier.get_username() if task.courier else "", _stamp(task.assigned_at), _stamp(task.picked_up_at),
            _stamp(task.delivered_at),
            (_("Yes") if task.contact_free else _("No")) if task.delivered_at else "",
            _stamp(task.failed_at), task.failure_reason, _stamp(task.confirmed_at),
            str(task.get_source_display()), task.note,
        ])
    summary = book.create_sheet(_("Summary"))
    summary.append([_("Day"), day.isoformat()])
    total = figures.total_of(figures.day_flows(None, day, now, tasks=visible))
    delivered, due = figures.meals_of_day(visible, day)
    for label, value in (
            (_("Tasks in this workbook"), len(rows)),
            (_("Meals due"), due),
            (_("Meals delivered"), delivered),
            (_("Households served"), total["households_served"]),
            (_("Shopping runs delivered (shopping and medicine)"), total["shopping_runs"]),
            (_("Garbage pickups done"), total["garbage_pickups"]),
            (_("Failed or late"), total["failed_or_late"])):
        summary.append([label, value])
    counts = figures.status_counts(tasks)
    for status, label in Task.Status.choices:
        summary.append([str(label), counts[status]])
    summary.append([_("Exported at"), _stamp(now)])
    return _saved(book)
