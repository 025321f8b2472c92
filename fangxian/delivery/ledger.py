"""The money of shopping runs, kept straight: a ledger of movements, never an editable balance.

Each entry moves an amount between parties; a balance is a sum of movements:

| entry | household (what it owes) | payer (is owed) | payee (holds) |
| --- | --- | --- | --- |
| purchase: a courier paid the shop for a household | + amount | + amount | |
| repayment: the household paid someone back | − amount | | − amount |
| reimbursement: the office paid a courier | | + amount | − amount |
| reversal of an entry | the entry's effects, negated |

so that the households' balances always add up to the users' (what couriers are owed, less
what others hold). A correction is a reversal (with a reason) and, where needed, a new entry.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from fangxian.accounts.selectors import members_of
from fangxian.core.models import AuditEvent
from fangxian.core.scope import Role, Scope
from fangxian.core.services import audit_object
from fangxian.registry.models import Dwelling

from . import selectors
from .models import LedgerEntry, Task
from .services import clean_money, clean_text

Kind = LedgerEntry.Kind
# kind → (sign on the household, on the payer, on the payee)
EFFECTS = {
    Kind.PURCHASE: (1, 1, 0),
    Kind.REPAYMENT: (-1, 0, -1),
    Kind.REIMBURSEMENT: (0, 1, -1),
}


def _record(*, user, event_id, **fields) -> LedgerEntry:
    """Store an entry once per event_id (a repeat answers with the first one)."""
    if event_id is not None:
        first = LedgerEntry.objects.filter(event_id=event_id).first()
        if first is not None:
            if first.kind != fields["kind"]:
                raise ValidationError(_("This entry was already recorded."))
            return first
    entry = LedgerEntry(recorded_by=user if getattr(user, "is_authenticated", False) else None,
                        event_id=event_id or uuid.uuid4(), **fields)
    with transaction.atomic():
        try:
            with transaction.atomic():
                entry.save()
        except IntegrityError:
            return LedgerEntry.objects.get(event_id=entry.event_id)
        audit_object(actor=user, action=AuditEvent.Action.CREATE, obj=entry,
                     detail=f"{entry.kind} {entry.amount}", reason=entry.note)
    return entry


def purchase_record(*, scope: Scope, user, task: Task, amount: object, receipt=None, note: str = "",
                    event_id: uuid.UUID | str | None = None, at: dt.datetime | None = None) -> LedgerEntry:
    """What the courier paid at the shop for a shopping (or medicine) task: the receipt's
    amount, its photo; the courier advanced it. Recorded by the task's courier (or a worker
    of the household, for the courier)."""
    if not selectors.may_work(scope, task):
        raise PermissionDenied
    if task.kind not in (Task.Kind.SHOPPING, Task.Kind.MEDICINE, Task.Kind.OTHER):
        raise ValidationError(_("Only shopping, medicine and other errands are paid for."))
    amount = clean_money(amount, field="amount", required=True)
    if amount == 0:
        raise ValidationError({"amount": _("Enter the amount on the receipt.")})
    payer = task.courier if task.courier_id else user
    return _record(user=user, event_id=event_id, kind=Kind.PURCHASE, amount=amount,
                   community_id=task.dwelling.building.community_id, dwelling=task.dwelling, task=task,
                   payer=payer, receipt=receipt or "", note=clean_text(note, 200), at=at or timezone.now())


def repayment_record(*, scope: Scope, user, dwelling: Dwelling, amount: object, method: str, payee,
                     task: Task | None = None, note: str = "", event_id: uuid.UUID | str | None = None,
                     at: dt.datetime | None = None) -> LedgerEntry:
    """The household paid back (cash or transfer) and `payee` received it. Recorded by the
    one who received it (a courier for their own task) or a worker of the household."""
    if task is not None and task.dwelling_id != dwelling.pk:
        raise ValidationError(_("This task is another household's."))
    may = selectors.may_edit_household(scope, dwelling) or (task is not None and selectors.may_work(scope, task)
                                                           and payee is not None and payee.pk == user.pk)
    if not may:
        raise PermissionDenied
    if method not in LedgerEntry.Method.values:
        raise ValidationError({"method": _("Choose cash or transfer.")})
    if payee is None:
        raise ValidationError({"payee": _("Say who received the money.")})
    amount = clean_money(amount, field="amount", required=True)
    if amount == 0:
        raise ValidationError({"amount": _("Enter the amount paid back.")})
    return _record(user=user, event_id=event_id, kind=Kind.REPAYMENT, amount=amount,
                   community_id=dwelling.building.community_id, dwelling=dwelling, task=task, payee=payee,
                   method=method, note=clean_text(note, 200), at=at or timezone.now())


def reimbursement_record(*, scope: Scope, user, community_id: int, courier, amount: object, method: str,
                         note: str = "", event_id: uuid.UUID | str | None = None,
                         at: dt.datetime | None = None) -> LedgerEntry:
    """The office (the admin recording it) paid a courier back what they advanced."""
    if not selectors.runs_delivery(scope, community_id):
        raise PermissionDenied
    if courier is None or not members_of(community_id, roles=[Role.DELIVERY_VOLUNTEER]).filter(pk=courier.pk).exists():
        raise ValidationError({"courier": _("Choose one of the community's couriers.")})
    if method not in LedgerEntry.Method.values:
        raise ValidationError({"method": _("Choose cash or transfer.")})
    amount = clean_money(amount, field="amount", required=True)
    if amount == 0:
        raise ValidationError({"amount": _("Enter the amount paid.")})
    return _record(user=user, event_id=event_id, kind=Kind.REIMBURSEMENT, amount=amount, community_id=community_id,
                   payer=user, payee=courier, method=method, note=clean_text(note, 200), at=at or timezone.now())


def entry_reverse(*, scope: Scope, user, entry: LedgerEntry, reason: str,
                  event_id: uuid.UUID | str | None = None, at: dt.datetime | None = None) -> LedgerEntry:
    """Undo an entry with a reversing one (same parties and amount, the reason in its note).
    An entry is reversed once; a reversal is not reversed (enter the movement again)."""
    if not (scope.can_write(entry) or (entry.payer_id == user.pk and entry.kind == Kind.PURCHASE)
            or (entry.payee_id == user.pk and entry.kind == Kind.REPAYMENT)):
        raise PermissionDenied
    reason = clean_text(reason, 200)
    if not reason:
        raise ValidationError({"reason": _("Give a reason for the correction.")})
    if entry.kind == Kind.REVERSAL:
        raise ValidationError(_("A reversal is not reversed: enter the movement again."))
    with transaction.atomic():
        entry = LedgerEntry.objects.select_for_update().get(pk=entry.pk)
        if hasattr(entry, "reversal"):
            raise ValidationError(_("This entry was already reversed."))
        return _record(user=user, event_id=event_id, kind=Kind.REVERSAL, amount=entry.amount,
                       community_id=entry.community_id, dwelling_id=entry.dwelling_id, task_id=entry.task_id,
                       payer_id=entry.payer_id, payee_id=entry.payee_id, method=entry.method, reverses=entry,
                       note=reason, at=at or timezone.now())


# -- balances -----------------------------------------------------------------------------------


def effects(entry: LedgerEntry, reversed_kind: str | None = None) -> tuple[int, int, int]:
    """The signs of an entry on (household, payer, payee)."""
    if entry.kind == Kind.REVERSAL:
        kind = reversed_kind or entry.reverses.kind
        return tuple(-sign for sign in EFFECTS[kind])
    return EFFECTS[entry.kind]


class Balances:
    """What each household owes and each user is owed (negative: holds), from the entries."""

    def __init__(self) -> None:
        self.households: dict[int, Decimal] = defaultdict(Decimal)
        self.users: dict[int, Decimal] = defaultdict(Decimal)

    def add(self, entry: LedgerEntry, reversed_kind: str | None = None) -> None:
        household, payer, payee = effects(entry, reversed_kind)
        if entry.dwelling_id is not None:
            self.households[entry.dwelling_id] += household * entry.amount
        if entry.payer_id is not None:
            self.users[entry.payer_id] += payer * entry.amount
        if entry.payee_id is not None:
            self.users[entry.payee_id] += payee * entry.amount

    @property
    def adds_up(self) -> bool:
        return sum(self.households.values(), Decimal()) == sum(self.users.values(), Decimal())


def balances(entries: QuerySet[LedgerEntry]) -> Balances:
    """The balances of these entries, in one query."""
    result = Balances()
    rows = entries.order_by().select_related("reverses").only(
        "kind", "amount", "dwelling", "payer", "payee", "reverses", "reverses__kind")
    for entry in rows:
        result.add(entry, entry.reverses.kind if entry.reverses_id else None)
    return result
