"""The ledger as an Excel workbook: the entries the user sees (the page's filters), and a second
sheet with the balances. Amounts are numbers (yuan, two decimals); a household is its estate,
building and room: no name, no phone, no ID number."""

from __future__ import annotations

import io

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from .ledger_selectors import BalanceRows
from .models import LedgerEntry

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXPORT_MAX_ROWS = 100_000
MONEY = "0.00"


def _stamp(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def _username(user) -> str:
    return user.get_username() if user is not None else ""


def ledger_workbook(entries: QuerySet[LedgerEntry], balances: BalanceRows) -> bytes:
    """`entries`: scoped, filtered and listed (ledger_selectors.listed)."""
    book = Workbook(write_only=True)

    def money(sheet, value):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = MONEY
        return cell

    sheet = book.create_sheet(_("Ledger"))
    sheet.column_dimensions["B"].width = 17
    sheet.append([_("Entry"), _("Time"), _("Kind"), _("Estate"), _("Building"), _("Room"), _("Task"),
                  _("Amount (yuan)"), _("Paid by"), _("Received by"), _("Paid in"), _("Receipt photo"), _("Note"),
                  _("Reverses entry"), _("Reversed by entry"), _("Recorded by")])
    for entry in entries[:EXPORT_MAX_ROWS]:
        dwelling = entry.dwelling
        building = dwelling.building if dwelling else None
        reversal = getattr(entry, "reversal", None)
        sheet.append([
            entry.pk, _stamp(entry.at), str(entry.get_kind_display()),
            building.estate.name if building else "", building.name if building else "",
            dwelling.room if dwelling else "", entry.task_id or "", money(sheet, entry.amount),
            _username(entry.payer), _username(entry.payee), str(entry.get_method_display()) if entry.method else "",
            _("Yes") if entry.receipt else _("No"), entry.note, entry.reverses_id or "",
            reversal.pk if reversal is not None else "", _username(entry.recorded_by),
        ])

    sheet = book.create_sheet(_("Balances"))
    sheet.column_dimensions["A"].width = 24
    sheet.append([_("Household"), _("Estate"), _("Building"), _("Room"), _("Owes (yuan)")])
    for row in balances.households:
        building = row.dwelling.building
        sheet.append([row.address, building.estate.name, building.name, row.dwelling.room, money(sheet, row.owes)])
    sheet.append([_("All households"), "", "", "", money(sheet, balances.households_total)])
    sheet.append([])
    sheet.append([_("User"), _("Is owed (yuan)"), _("Holds (yuan)")])
    for row in balances.users:
        sheet.append([row.user.get_username(), money(sheet, row.owed) if row.owed > 0 else None,
                      money(sheet, row.holds) if row.owed < 0 else None])
    sheet.append([_("All users (owed less held)"), money(sheet, balances.users_total), None])
    sheet.append([])
    sheet.append([_("The households' balances add up to the users'.") if balances.adds_up
                  else _("The households' balances do not add up to the users': tell the office.")])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
