"""The donations as an Excel workbook: the listed (filtered) donations, one row per item line.
The donor's phone is masked; the value is on the first line of its donation only, so that the
column adds up."""

from __future__ import annotations

import io

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from fangxian.core.personal import mask_phone

from .donation_pdf import donor_label
from .donation_selectors import lines_of
from .models import Donation

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXPORT_MAX_ROWS = 100_000
MONEY = "0.00"

HEADER = (_lazy("Receipt number"), _lazy("Received on"), _lazy("Community"), _lazy("Donor"), _lazy("Donor's name"),
          _lazy("Phone (masked)"), _lazy("Named publicly"), _lazy("Display name"), _lazy("Item"), _lazy("Quantity"),
          _lazy("Unit"), _lazy("Estimated value (yuan)"), _lazy("Receiver"), _lazy("Note"))


def donations_workbook(donations: QuerySet[Donation]) -> bytes:
    """`donations`: scoped, filtered and listed (donation_selectors.listed)."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Donations"))
    sheet.column_dimensions["A"].width = 14
    sheet.column_dimensions["B"].width = 12
    sheet.append([str(label) for label in HEADER])
    written = 0
    for donation in donations[:EXPORT_MAX_ROWS]:
        lines = lines_of(donation) or [None]
        for index, line in enumerate(lines):
            value = None
            if index == 0 and donation.value is not None:
                value = WriteOnlyCell(sheet, value=donation.value)
                value.number_format = MONEY
            sheet.append([
                donation.number, donation.received_on, donation.community.name,
                str(donation.get_donor_kind_display()), donor_label(donation), mask_phone(donation.donor_phone),
                str(donation.get_naming_display()), donation.display_name,
                line.item.name if line else "", line.quantity if line else None, line.item.unit if line else "",
                value, donation.received_by.get_username(), donation.note,
            ])
            written += 1
        if written >= EXPORT_MAX_ROWS:
            break
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
