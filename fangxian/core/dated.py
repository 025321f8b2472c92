"""Rules are data with dates: "the value in force at a moment" is the latest row whose start
is at or before that moment; of two rows with the same start, the later one (higher pk)
wins. This is that rule, once, for a queryset and for rows already loaded.

    in_force(Rule.objects.filter(key=key), at).first()            # one question, one query
    in_force_among(rules_loaded_once, at)                          # many questions, no query
"""

from __future__ import annotations

import datetime as dt
from typing import Iterable, TypeVar

from django.db.models import QuerySet

Row = TypeVar("Row")


def in_force(queryset: QuerySet, moment: dt.datetime | dt.date, *, field: str = "effective_from") -> QuerySet:
    """The rows of `queryset` that started by `moment`, the one in force first."""
    return queryset.filter(**{f"{field}__lte": moment}).order_by(f"-{field}", "-pk")


def in_force_among(rows: Iterable[Row], moment: dt.datetime | dt.date, *,
                   field: str = "effective_from") -> Row | None:
    """The row in force at `moment` among rows already loaded (the same rule as `in_force`),
    or None when none had started."""
    started = [row for row in rows if getattr(row, field) <= moment]
    return max(started, key=lambda row: (getattr(row, field), row.pk), default=None)
