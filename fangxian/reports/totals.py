"""A total over units some of which may not have filed: the sum of what was filed, and who
did not. "Blank is not zero": a unit that filed nothing is never counted as 0, and a total
over units with unknowns says so in the total itself, "12（3 个单位未报）", on the page, in
Excel, in the PDF and in the API.

For the daily report a unit's figures count as filed only once its report is submitted: a
community without a submitted report has live-drafted figures, but nobody said they are the
day's, so the subdistrict's totals leave it out and name it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from django.utils.translation import gettext as _
from django.utils.translation import ngettext


@dataclass(frozen=True)
class Total:
    value: int | None  # the sum over the units that filed; None when none did
    missing: tuple[str, ...] = ()  # the names of the units whose value is unknown

    @property
    def complete(self) -> bool:
        return not self.missing

    def __str__(self) -> str:
        return total_text(self)


def sum_known(values: Iterable[tuple[str, int | None]]) -> Total:
    """(unit name, value or None) pairs → their Total: the known values summed, the others named."""
    known, missing = [], []
    for name, value in values:
        if value is None:
            missing.append(str(name))
        else:
            known.append(int(value))
    return Total(sum(known) if known else None, tuple(missing))


def total_text(total: Total) -> str:
    """"12", or "12 (3 units not reported)"; "—" for the value when no unit filed."""
    value = "—" if total.value is None else str(total.value)
    if total.complete:
        return value
    n = len(total.missing)
    return ngettext("%(value)s (%(n)s unit not reported)", "%(value)s (%(n)s units not reported)", n) % {
        "value": value, "n": n}


def total_cell(total: Total) -> int | str | None:
    """A spreadsheet cell: a number only when the total is complete, else the text saying so."""
    if total.complete:
        return total.value
    return total_text(total)


@dataclass(frozen=True)
class Change:
    """The day-on-day change of a total; `incomplete` when either day's total was."""
    value: int | None
    incomplete: bool

    def __str__(self) -> str:
        if self.value is None:
            return "—"
        shown = f"+{self.value}" if self.value > 0 else str(self.value)
        return _("%(change)s (incomplete)") % {"change": shown} if self.incomplete else shown

    @property
    def direction(self) -> str:
        """For the page's colour: up, down or flat."""
        if not self.value:
            return "flat"
        return "up" if self.value > 0 else "down"


def change(today: Total, before: Total, *, incomplete: bool = False) -> Change:
    """today − before; incomplete when either total is, or when the caller compared only some
    of the units (`incomplete`)."""
    if today.value is None or before.value is None:
        return Change(None, True)
    return Change(today.value - before.value, incomplete or not (today.complete and before.complete))


def change_cell(delta: Change) -> int | str | None:
    if delta.value is None:
        return None
    return str(delta) if delta.incomplete else delta.value


def as_json(total: Total) -> dict:
    """The API's shape: value null while a unit is missing, what the filed units add up to, and who is missing."""
    return {"value": total.value if total.complete else None, "filed_sum": total.value,
            "complete": total.complete, "missing": list(total.missing)}
