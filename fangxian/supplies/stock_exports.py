"""The stock pages as Excel workbooks (write_only): the stock report (per item and place, and
a sheet of totals), and the movements the ledger page lists (its filters). Quantities are
numbers; a donation is its receipt number: no donor's name, no phone."""

from __future__ import annotations

import io

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from .models import Movement
from .selectors import ItemTotal, StockRow

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXPORT_MAX_ROWS = 100_000


def _save(book: Workbook) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def stock_workbook(rows: list[StockRow], totals: list[ItemTotal], names: dict[int, str]) -> bytes:
    """`names`: {community id: name}."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Stock by place"))
    sheet.append([_("Community"), _("Item"), _("Unit"), _("Place"), _("In stock"), _("Low-stock threshold"),
                  _("Low stock")])
    for row in rows:
        sheet.append([names.get(row.item.community_id, ""), row.item.name, row.item.unit, row.place.name, row.level,
                      row.item.low_stock, _("Yes") if row.low else ""])
    sheet = book.create_sheet(_("Totals"))
    sheet.append([_("Community"), _("Item"), _("Unit"), _("Key item"), _("In stock, all places"),
                  _("Consumed per day (last 7 days)"), _("Days of stock left"), _("Places at or below the threshold")])
    for total in totals:
        per_day = round(total.per_day, 2) if total.per_day is not None else "—"
        days_left = round(total.days_left, 1) if total.days_left is not None else "—"
        sheet.append([names.get(total.item.community_id, ""), total.item.name, total.item.unit,
                      _("Yes") if total.item.key else "", total.level, per_day, days_left, total.low_places])
    return _save(book)


def _stamp(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def ledger_workbook(movements: QuerySet[Movement]) -> bytes:
    """`movements`: scoped, filtered and listed (stock_selectors.listed)."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Stock movements"))
    sheet.column_dimensions["B"].width = 17
    sheet.append([_("Movement"), _("Time"), _("Day"), _("Community"), _("Item"), _("Unit"), _("Place"), _("Kind"),
                  _("Change"), _("Issued to"), _("Team"), _("Donation"), _("Supply request"), _("From or to"),
                  _("Note"), _("Reverses movement"), _("Reversed by movement"), _("Recorded by")])
    for m in movements[:EXPORT_MAX_ROWS]:
        reversal = getattr(m, "reversal", None)
        sheet.append([
            m.pk, _stamp(m.at), m.day.isoformat(), m.community.name, m.item.name, m.item.unit, m.place.name,
            str(m.get_kind_display()), m.change, str(m.get_recipient_display()) if m.recipient else "",
            m.team.name if m.team_id else "", m.donation.number if m.donation_id else "", m.request_id or "",
            m.other_place.name if m.other_place_id else "", m.note, m.reverses_id or "",
            reversal.pk if reversal is not None else "", m.recorded_by.get_username() if m.recorded_by else ""])
    return _save(book)
