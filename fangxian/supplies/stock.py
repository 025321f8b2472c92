"""The stock ledger: every change of stock is a `Movement`; a stock is their sum.

Writes go through `movements_write`, which takes the rows of one act (a donation's items, a
transfer's two halves, a reversal) and stores them all or none: under a lock on the items
involved, it sums each touched stock and refuses, with a message naming the item and the
place, any act that would take one below zero. A repeated `event_id` is stored once.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from fangxian.core.models import AuditEvent
from fangxian.core.scope import Scope
from fangxian.core.services import audit_object

from .models import Item, Movement, Place

K = Movement.Kind
MAX_QUANTITY = 1_000_000  # one movement; a typo of a few zeros is refused rather than stored


@dataclass(frozen=True)
class Row:
    """One movement to write: `change` is signed (+ in, − out)."""

    item: Item
    place: Place
    kind: str
    change: int
    extra: dict


def clean_quantity(value: object, *, field: str = "quantity") -> int:
    """A whole number of units, 1 to 1,000,000, or a ValidationError naming the field."""
    text = str(value if value is not None else "").strip()
    if not text.isdigit() or not 1 <= int(text) <= MAX_QUANTITY:
        raise ValidationError({field: _("Enter a whole number of units from 1 to 1,000,000.")})
    return int(text)


def stock_levels(movements: QuerySet[Movement]) -> dict[tuple[int, int], int]:
    """{(item id, place id): stock} of these movements, in one query (a GROUP BY sum)."""
    rows = movements.order_by().values_list("item_id", "place_id").annotate(total=Sum("change"))
    return {(item_id, place_id): total for item_id, place_id, total in rows}


def stock_of(item: Item, place: Place) -> int:
    return Movement.objects.filter(item=item, place=place).aggregate(total=Sum("change"))["total"] or 0


def movements_write(rows: Iterable[Row], *, user, event_id: uuid.UUID | None = None,
                    at: dt.datetime | None = None, day: dt.date | None = None) -> list[Movement]:
    """Store the rows of one act, all or none; the first row carries `event_id` (a repeat of
    it returns the movements stored the first time). Refuses a stock below zero."""
    rows = list(rows)
    event_id = event_id or uuid.uuid4()
    stored = _stored(event_id)
    if stored is not None:
        return stored
    at = at or timezone.now()
    day = day or timezone.localdate(at)
    for row in rows:
        if row.change == 0 or abs(row.change) > MAX_QUANTITY:
            raise ValidationError({"quantity": _("Enter a whole number of units from 1 to 1,000,000.")})
        if row.item.community_id != row.place.community_id:
            raise ValidationError({"place": _("That place is not of this item's community.")})
    try:
        with transaction.atomic():
            # One lock per item: two issues of the same item cannot both pass the check.
            list(Item.objects.select_for_update().filter(pk__in={r.item.pk for r in rows}).order_by("pk"))
            _refuse_below_zero(rows)
            made = []
            for index, row in enumerate(rows):
                made.append(Movement.objects.create(
                    community_id=row.item.community_id, item=row.item, place=row.place, kind=row.kind,
                    change=row.change, day=day, at=at, recorded_by=user, act=event_id,
                    event_id=event_id if index == 0 else uuid.uuid5(event_id, str(index)), **row.extra))
            return made
    except IntegrityError:
        stored = _stored(event_id)
        if stored is None:
            raise
        return stored


def _stored(event_id: uuid.UUID) -> list[Movement] | None:
    stored = list(Movement.objects.filter(act=event_id).order_by("pk"))
    return stored or None


def _refuse_below_zero(rows: list[Row]) -> None:
    change: dict[tuple[int, int], int] = defaultdict(int)
    for row in rows:
        change[(row.item.pk, row.place.pk)] += row.change
    falling = {key: delta for key, delta in change.items() if delta < 0}
    if not falling:
        return
    named = {(r.item.pk, r.place.pk): r for r in rows}
    levels = stock_levels(Movement.objects.filter(item_id__in={k[0] for k in falling},
                                                  place_id__in={k[1] for k in falling}))
    for key, delta in falling.items():
        level = levels.get(key, 0)
        if level + delta < 0:
            row = named[key]
            raise ValidationError({"quantity": _(
                "Only %(level)d %(unit)s of %(item)s are in stock at %(place)s: %(wanted)d cannot be taken out.") % {
                "level": level, "unit": row.item.unit, "item": row.item.name, "place": row.place.name,
                "wanted": -delta}})


# -- the acts ---------------------------------------------------------------------------------


def _require_runs(scope: Scope, community_id: int) -> None:
    if not scope.runs(community_id):
        raise PermissionDenied


def stock_in(*, scope: Scope, user, item: Item, place: Place, kind: str, quantity: object, note: str = "",
             event_id: uuid.UUID | None = None, day: dt.date | None = None, **extra) -> Movement:
    """Stock arriving at a place: a donation's item, a purchase."""
    _require_runs(scope, place.community_id)
    if kind not in (K.DONATION, K.PURCHASE):
        raise ValueError(kind)
    quantity = clean_quantity(quantity)
    return movements_write([Row(item, place, kind, quantity, {"note": note[:200], **extra})], user=user,
                           event_id=event_id, day=day)[0]


def stock_out(*, scope: Scope, user, item: Item, place: Place, kind: str, quantity: object, note: str = "",
              event_id: uuid.UUID | None = None, day: dt.date | None = None, **extra) -> Movement:
    """Stock leaving a place: issued (to a team, a household, the delivery team…), used up,
    lost or expired. A loss or an expiry needs a reason."""
    _require_runs(scope, place.community_id)
    if kind not in (K.ISSUE, K.USE, K.LOSS, K.EXPIRY):
        raise ValueError(kind)
    note = " ".join(str(note or "").split())[:200]
    if kind in (K.LOSS, K.EXPIRY) and not note:
        raise ValidationError({"note": _("Say what happened (a loss or an expiry needs a reason).")})
    quantity = clean_quantity(quantity)
    return movements_write([Row(item, place, kind, -quantity, {"note": note, **extra})], user=user,
                           event_id=event_id, day=day)[0]


def transfer(*, scope: Scope, user, item: Item, source: Place, target: Place, quantity: object, note: str = "",
             event_id: uuid.UUID | None = None, day: dt.date | None = None, **extra) -> list[Movement]:
    """Stock moved from one place of the community to another: two movements, written together."""
    _require_runs(scope, source.community_id)
    if source.pk == target.pk:
        raise ValidationError({"target": _("Choose another place than the one the stock leaves.")})
    if source.community_id != target.community_id:
        raise ValidationError({"target": _("That place is not of this item's community.")})
    quantity = clean_quantity(quantity)
    return movements_write([
        Row(item, source, K.TRANSFER_OUT, -quantity, {"other_place": target, "note": note[:200], **extra}),
        Row(item, target, K.TRANSFER_IN, quantity, {"other_place": source, "note": note[:200], **extra}),
    ], user=user, event_id=event_id, day=day)


def movement_reverse(*, scope: Scope, user, movement: Movement, reason: object,
                     event_id: uuid.UUID | None = None) -> list[Movement]:
    """Undo a movement by the opposite movement, with a reason; a transfer's two halves are
    undone together. Refused if it was undone already, or if undoing it would take a stock
    below zero (the stock has been issued since)."""
    _require_runs(scope, movement.community_id)
    reason = " ".join(str(reason or "").split())[:200]
    if not reason:
        raise ValidationError({"reason": _("Say why this movement is reversed.")})
    if movement.kind == K.REVERSAL:
        raise ValidationError({"reason": _("A reversal is not reversed: record the movement again.")})
    halves = [movement]
    if movement.kind in (K.TRANSFER_OUT, K.TRANSFER_IN):
        halves = list(Movement.objects.filter(act=movement.act).order_by("pk"))
    if Movement.objects.filter(reverses__in=halves).exists():
        raise ValidationError({"reason": _("This movement has been reversed already.")})
    # A reversal keeps its movement's donation, request and recipient: their sums stay right.
    rows = [Row(m.item, m.place, K.REVERSAL, -m.change,
                {"reverses": m, "note": reason, "donation": m.donation, "request": m.request,
                 "activity": m.activity, "recipient": m.recipient, "team": m.team, "other_place": m.other_place})
            for m in halves]
    made = movements_write(rows, user=user, event_id=event_id)
    audit_object(actor=user, action=AuditEvent.Action.UPDATE, obj=movement, field="reversal", reason=reason)
    return made

