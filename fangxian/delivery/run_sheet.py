"""The courier's run sheet 配送单: the reads behind the page, the API and the printed A4.

A row per task of the day (and the ones still open from before), in the order of the stairs:
buildings by estate and name, then floor and room (registry.rooms.door_order). Each row is
built only from `selectors.courier_view`: address, masked name, people, dietary notes, what
to bring, budget, status, late. Contacts and delivery profiles of all rows are loaded in a
fixed number of queries, and so is the money of each task (ledger).

Phones: a courier never sees one printed; when the household agreed, the row says it may be
called (`can_call`) and the call goes through an audited redirect. Office users see it masked.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from fangxian.accounts.selectors import members_of
from fangxian.core.pdf import chinese_font, printable
from fangxian.core.personal import mask_phone
from fangxian.core.scope import Reach, Role, Scope
from fangxian.registry.models import Community, Person
from fangxian.registry.rooms import door_order, floor_of

from . import ledger, selectors
from .models import Household, LedgerEntry, Task

PAYABLE_KINDS = (Task.Kind.SHOPPING, Task.Kind.MEDICINE, Task.Kind.OTHER)


# -- bulk reads -----------------------------------------------------------------------------


def profiles_of(dwelling_ids) -> dict[int, Household]:
    """{dwelling id: its delivery profile}, for those that have one, in one query."""
    ids = list(set(dwelling_ids))
    if not ids:
        return {}
    return {p.dwelling_id: p for p in Household.objects.filter(dwelling_id__in=ids).only("dwelling_id",
                                                                                          "phone_shared")}


@dataclass(frozen=True)
class TaskMoney:
    bought: Decimal | None  # the receipts, net of reversals; None when nothing was bought
    owed: Decimal  # what the household still owes on this task


def money_of(task_ids) -> dict[int, TaskMoney]:
    """{task id: what was bought for it and what the household still owes on it}, in one query."""
    ids = list(set(task_ids))
    if not ids:
        return {}
    bought: dict[int, Decimal] = defaultdict(Decimal)
    owed: dict[int, Decimal] = defaultdict(Decimal)
    seen: set[int] = set()
    for entry in (LedgerEntry.objects.filter(task_id__in=ids).order_by().select_related("reverses")
                  .only("task_id", "kind", "amount", "dwelling", "reverses", "reverses__kind")):
        kind = entry.reverses.kind if entry.reverses_id else entry.kind
        household, _payer, _payee = ledger.effects(entry, entry.reverses.kind if entry.reverses_id else None)
        owed[entry.task_id] += household * entry.amount
        if kind == LedgerEntry.Kind.PURCHASE:
            bought[entry.task_id] += (-1 if entry.kind == LedgerEntry.Kind.REVERSAL else 1) * entry.amount
            seen.add(entry.task_id)
    return {task_id: TaskMoney(bought=bought[task_id] if task_id in seen else None, owed=owed[task_id])
            for task_id in ids}


# -- who is on the sheet ----------------------------------------------------------------------


def office_couriers(scope: Scope) -> QuerySet:
    """The couriers an office user may pick: the delivery volunteers of the communities they
    read or hold grids in."""
    communities = set(scope.communities(Community.objects.all(), Reach.READ).values_list("pk", flat=True))
    communities |= set(scope.grid_community_ids)
    return members_of(communities, roles=[Role.DELIVERY_VOLUNTEER])


def sheet_tasks(scope: Scope, courier_id: int, day: dt.date) -> QuerySet[Task]:
    """The courier's tasks of the day (and the open ones from before), as far as the user sees
    them: all of them for the courier, their grids' or communities' for an office user."""
    tasks = selectors.courier_tasks(courier_id, day)
    if scope.user_id == courier_id:
        return tasks
    return tasks.filter(pk__in=selectors.visible_tasks(scope).values("pk"))


def stair_key(task: Task) -> tuple:
    building = task.dwelling.building
    return (building.estate.name, building.name, building.pk, door_order(task.dwelling.room), task.due_by, task.pk)


# -- the rows -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class RunRow:
    view: selectors.CourierView
    building_id: int
    estate: str
    floor: int | None
    is_open: bool
    can_call: bool  # the courier of an open task whose household agreed to be called
    payable: bool  # shopping, medicine or another errand: a receipt, a repayment
    money: TaskMoney | None
    is_mine: bool  # the user is the task's courier: the steps are theirs


@dataclass
class BuildingGroup:
    building_id: int
    name: str
    estate: str
    rows: list[RunRow] = field(default_factory=list)


def run_rows(tasks, *, user_id: int | None, now: dt.datetime | None = None) -> list[RunRow]:
    """The rows of these tasks in stair order. The courier of a task never gets its phone in a
    row (only `can_call`); anybody else gets it masked."""
    now = now or timezone.now()
    tasks = sorted(tasks, key=stair_key)
    dwelling_ids = [t.dwelling_id for t in tasks]
    contacts, profiles = selectors.contacts_of(dwelling_ids), profiles_of(dwelling_ids)
    money = money_of([t.pk for t in tasks if t.kind in PAYABLE_KINDS])
    rows = []
    for task in tasks:
        view = selectors.courier_view(task, contact=contacts.get(task.dwelling_id),
                                      profile=profiles.get(task.dwelling_id), now=now)
        mine = user_id is not None and task.courier_id == user_id
        can_call = mine and task.is_open and bool(view.phone)
        view = dataclasses.replace(view, phone="" if mine else mask_phone(view.phone))
        building = task.dwelling.building
        rows.append(RunRow(view=view, building_id=building.pk, estate=building.estate.name,
                           floor=floor_of(task.dwelling.room), is_open=task.is_open, can_call=can_call,
                           payable=task.kind in PAYABLE_KINDS, money=money.get(task.pk), is_mine=mine))
    return rows


def grouped(rows: list[RunRow]) -> list[BuildingGroup]:
    """The rows (already in stair order) by building."""
    groups: list[BuildingGroup] = []
    for row in rows:
        if not groups or groups[-1].building_id != row.building_id:
            groups.append(BuildingGroup(building_id=row.building_id, name=row.view.building, estate=row.estate))
        groups[-1].rows.append(row)
    return groups


def call_number(task: Task, user_id: int | None) -> tuple[Person | None, str]:
    """(the contact, their phone) when the user is the courier of this open task and the
    household agreed to be called; (None, "") otherwise."""
    if user_id is None or task.courier_id != user_id or not task.is_open:
        return None, ""
    contact = selectors.contact_of(task.dwelling)
    profile = Household.objects.filter(dwelling_id=task.dwelling_id).first()
    view = selectors.courier_view(task, contact=contact, profile=profile)
    return (contact, view.phone) if view.phone else (None, "")


# -- the printed sheet --------------------------------------------------------------------------


def run_sheet_pdf(rows: list[RunRow], *, courier_name: str, day: dt.date) -> bytes:
    """An A4 of the run: building, floor, room, masked name, people, dietary, what, a tick box.
    No phone, no ID number: the sheet goes up stairwells and may be left behind."""
    font = chinese_font()
    title = ParagraphStyle("title", fontName=font, fontSize=15, leading=20)
    text = ParagraphStyle("text", fontName=font, fontSize=9, leading=12)
    cell = ParagraphStyle("cell", fontName=font, fontSize=8, leading=10)
    head = ParagraphStyle("head", fontName=font, fontSize=8, leading=10, textColor=colors.white)
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=10 * mm, rightMargin=10 * mm, topMargin=10 * mm,
                            bottomMargin=10 * mm, title=_("Run sheet"))
    story = [
        Paragraph(printable(_("Run sheet of %(courier)s, %(day)s") % {"courier": courier_name,
                                                                      "day": day.isoformat()}), title),
        Paragraph(_("Tick the box at each door; write what went wrong beside it. Printed %(when)s.")
                  % {"when": timezone.localtime().strftime("%Y-%m-%d %H:%M")}, text),
        Spacer(1, 3 * mm),
    ]
    table_rows = [[Paragraph(label, head) for label in (
        _("Building"), _("Floor"), _("Room"), _("Name"), _("People"), _("Dietary notes"), _("What"), _("Done"))]]
    for row in rows:
        view = row.view
        what = " · ".join(part for part in (view.kind_label, view.meal_label) if part)
        if view.items:
            what += ": " + view.items.replace("\n", "、")
        if view.budget is not None:
            what += " " + _("(budget %(amount)s yuan)") % {"amount": view.budget}
        if view.late:
            what += " " + _("LATE")
        table_rows.append([
            Paragraph(printable(view.building), cell), Paragraph(str(row.floor or ""), cell),
            Paragraph(printable(view.room), cell), Paragraph(printable(view.name or "—"), cell),
            Paragraph(str(view.people), cell), Paragraph(printable(view.dietary or ""), cell),
            Paragraph(printable(what), cell), "",
        ])
    if not rows:
        table_rows.append([Paragraph(_("No delivery on this day."), cell)] + [""] * 7)
    widths = [22 * mm, 10 * mm, 14 * mm, 20 * mm, 11 * mm, 25 * mm, 0, 12 * mm]
    widths[6] = A4[0] - 20 * mm - sum(widths)
    table = Table(table_rows, colWidths=widths, repeatRows=1)
    table.setStyle(TableStyle([
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#b3261e")),
        ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, colors.HexColor("#f4f5f7")]),
        ("TOPPADDING", (0, 1), (-1, -1), 7), ("BOTTOMPADDING", (0, 1), (-1, -1), 7),
    ]))
    story.append(table)
    doc.build(story)
    return buffer.getvalue()
