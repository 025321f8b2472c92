"""The households of home delivery as the office and the household itself see them: which
households the office lists (in home quarantine, or with an open task), what each owes, the
household's own phone link (its tasks in words, its receipts), and the writes of the
household's profile and link.

Reads are cut by the access policy (`scope.filter` on dwellings); the household's link reads
only its own dwelling. Writes are keyword-only and audited; a bad value names its field and
changes nothing.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from fangxian.core.models import AuditEvent
from fangxian.core.personal import mask_name, mask_phone
from fangxian.core.scope import Scope
from fangxian.core.services import audit_object
from fangxian.registry.models import Dwelling
from fangxian.registry.selectors import SEARCH_MAX_LENGTH, clean_search
from fangxian.returnees.models import Quarantine

from . import ledger, selectors
from .models import Household, LedgerEntry, Task, new_token

OPEN_QUARANTINE = selectors.OPEN_QUARANTINE
DIETARY_MAX = 200
# Delivered tasks the household may still confirm on its link: those of the last days.
CONFIRM_DAYS = 7
_MOBILE_LIKE = re.compile(r"\d{11}")


def fresh_event_id() -> uuid.UUID:
    """A new event id for a form's hidden field, never with a run of digits that reads like a
    mobile number (the pages are checked for those)."""
    while True:
        event_id = uuid.uuid4()
        if not _MOBILE_LIKE.search(str(event_id)):
            return event_id


# -- the office's list ------------------------------------------------------------------------


def search_text(query) -> str:
    """The `q` of a page's query string, tidied and cut to what a search box takes."""
    return clean_search(str(query.get("q", "")))[:SEARCH_MAX_LENGTH]


def _count(queryset: QuerySet) -> Subquery:
    return Coalesce(Subquery(queryset.order_by().values("dwelling").annotate(n=Count("pk")).values("n"),
                             output_field=IntegerField()), Value(0))


def served_dwellings(scope: Scope, *, q: str = "") -> QuerySet[Dwelling]:
    """The dwellings the user sees that delivery serves: in open home quarantine, or with an
    open task. Annotated with the people in quarantine, the latest planned end, the open
    tasks, the profile's dietary notes and phone consent; by estate, building and room."""
    quarantines = Quarantine.objects.filter(dwelling=OuterRef("pk"), status__in=OPEN_QUARANTINE)
    open_tasks = Task.objects.filter(dwelling=OuterRef("pk"), status__in=Task.OPEN)
    dwellings = (scope.filter(Dwelling.objects.all())
                 .filter(Q(Exists(quarantines)) | Q(Exists(open_tasks)))
                 .select_related("building__estate")
                 .annotate(quarantined=_count(quarantines),
                           planned_end=Subquery(quarantines.order_by("-planned_end").values("planned_end")[:1]),
                           open_tasks=_count(open_tasks),
                           dietary=Coalesce("delivery_profile__dietary", Value("")),
                           phone_shared=Coalesce("delivery_profile__phone_shared", Value(False))))
    for term in dict.fromkeys(q.split()):
        dwellings = dwellings.filter(Q(room__icontains=term) | Q(building__name__icontains=term)
                                     | Q(building__estate__name__icontains=term))
    return dwellings.order_by("building__estate__name", "building__name", "room", "pk")


def owed(dwelling_ids) -> dict[int, Decimal]:
    """{dwelling id: what the household owes} from the ledger, in one query."""
    balances = ledger.balances(LedgerEntry.objects.filter(dwelling_id__in=list(dwelling_ids)))
    return {pk: amount for pk, amount in balances.households.items()}


@dataclass(frozen=True)
class HouseholdRow:
    dwelling: Dwelling
    name: str
    quarantined: int
    planned_end: dt.date | None
    dietary: str
    phone_shared: bool
    open_tasks: int
    owed: Decimal


def household_rows(dwellings) -> list[HouseholdRow]:
    """The rows of a page of served_dwellings: named by their masked contact, with what they owe."""
    dwellings = list(dwellings)
    ids = [d.pk for d in dwellings]
    contacts, money = selectors.contacts_of(ids), owed(ids)
    return [HouseholdRow(dwelling=d, name=mask_name(contacts[d.pk].name) if d.pk in contacts else "",
                         quarantined=d.quarantined, planned_end=d.planned_end, dietary=d.dietary,
                         phone_shared=d.phone_shared, open_tasks=d.open_tasks, owed=money.get(d.pk, Decimal("0")))
            for d in dwellings]


# -- one household ------------------------------------------------------------------------------


def visible_dwelling(scope: Scope, pk: int) -> Dwelling | None:
    return (scope.filter(Dwelling.objects.all()).select_related("building__estate", "building__community")
            .filter(pk=pk).first())


def existing_profile(dwelling: Dwelling) -> Household | None:
    """The profile if it was made (readers' pages do not make one)."""
    return Household.objects.filter(dwelling=dwelling).first()


def household_tasks(dwelling: Dwelling) -> QuerySet[Task]:
    """Every task of the household, the latest first."""
    return (Task.objects.filter(dwelling=dwelling).select_related("courier")
            .order_by("-day", "-created_at", "-pk"))


def household_entries(dwelling: Dwelling) -> QuerySet[LedgerEntry]:
    """The household's movements of money, the latest first, with their reversals."""
    return (LedgerEntry.objects.filter(dwelling=dwelling)
            .select_related("task", "payer", "payee", "reverses", "reversal"))


@dataclass(frozen=True)
class EntryRow:
    entry: LedgerEntry
    effect: Decimal  # on what the household owes: + a purchase, − a repayment
    reversed: bool


def entry_rows(dwelling: Dwelling) -> list[EntryRow]:
    """The household's movements with their effect on its balance, and whether a later entry reversed them."""
    rows = []
    for entry in household_entries(dwelling):
        household, _payer, _payee = ledger.effects(entry, entry.reverses.kind if entry.reverses_id else None)
        undone = entry.kind != LedgerEntry.Kind.REVERSAL and getattr(entry, "reversal", None) is not None
        rows.append(EntryRow(entry=entry, effect=household * entry.amount, reversed=undone))
    return rows


def balance_of(dwelling: Dwelling) -> Decimal:
    return ledger.balances(LedgerEntry.objects.filter(dwelling=dwelling)).households.get(dwelling.pk, Decimal("0"))


def masked_contact(dwelling: Dwelling) -> tuple[str, str]:
    """(masked name, masked mobile) of whom the household's tasks are for."""
    contact = selectors.contact_of(dwelling)
    if contact is None:
        return "", ""
    return mask_name(contact.name), mask_phone(contact.phone)


# -- the household's link -----------------------------------------------------------------------


def household_by_token(token: str) -> Household | None:
    if not token or len(token) > 64:
        return None
    return Household.objects.select_related("dwelling__building__estate", "dwelling__building__community").filter(
        token=token).first()


def link_tasks(dwelling: Dwelling, today: dt.date) -> list[Task]:
    """What the household sees on its link: the day's tasks, the open ones, and the delivered
    ones of the last days it has not confirmed; by due time."""
    shown = (Q(day=today) | Q(status__in=Task.OPEN)
             | Q(status=Task.Status.DELIVERED, confirmed_at__isnull=True,
                 day__gte=today - dt.timedelta(days=CONFIRM_DAYS)))
    return list(Task.objects.filter(dwelling=dwelling).filter(shown).order_by("day", "due_by", "pk"))


def confirmable(task: Task) -> bool:
    """The household may say it received this task: delivered, not yet confirmed."""
    return task.status == Task.Status.DELIVERED and task.confirmed_at is None


def status_words(task: Task) -> str:
    """The task's state as the household reads it on its phone."""
    local = timezone.localtime
    if task.status == Task.Status.REQUESTED:
        return _("Received: a volunteer will take it soon.")
    if task.status == Task.Status.ASSIGNED:
        return _("A volunteer will bring it by %(time)s.") % {"time": local(task.due_by).strftime("%H:%M")}
    if task.status == Task.Status.PICKED_UP:
        return _("On the way to your door.")
    if task.status == Task.Status.DELIVERED:
        when = local(task.delivered_at).strftime("%H:%M") if task.delivered_at else ""
        if task.confirmed_at:
            return _("Delivered at %(time)s; you confirmed receipt.") % {"time": when}
        return _("Delivered at your door at %(time)s.") % {"time": when}
    if task.status == Task.Status.FAILED:
        return _("Could not be delivered. Your grid worker will contact you.")
    return _("Cancelled.")


def receipts_of(dwelling: Dwelling) -> list[LedgerEntry]:
    """The household's shopping receipts (purchases not reversed), the latest first."""
    return list(LedgerEntry.objects.filter(dwelling=dwelling, kind=LedgerEntry.Kind.PURCHASE, reversal__isnull=True)
                .select_related("task"))


def repayments_of(dwelling: Dwelling) -> list[LedgerEntry]:
    """What the household paid back (not reversed), the latest first."""
    return list(LedgerEntry.objects.filter(dwelling=dwelling, kind=LedgerEntry.Kind.REPAYMENT,
                                           reversal__isnull=True))


# -- writes ---------------------------------------------------------------------------------------


def household_profile_set(*, dwelling: Dwelling, dietary: object, phone_shared: bool, user=None,
                          scope: Scope | None = None) -> Household:
    """Set a household's dietary notes and whether its courier may see its phone: by a worker
    who may edit the household, or by the household on its link (no user). The open tasks
    take the new dietary notes (the courier reads them there). Audited."""
    if user is not None and (scope is None or not selectors.may_edit_household(scope, dwelling)):
        raise PermissionDenied
    dietary = " ".join(str(dietary or "").split())
    if len(dietary) > DIETARY_MAX:
        raise ValidationError({"dietary": _("Dietary notes have at most %(n)d characters.") % {"n": DIETARY_MAX}})
    phone_shared = bool(phone_shared)
    with transaction.atomic():
        profile = Household.objects.select_for_update().get(pk=selectors.household_profile(dwelling).pk)
        changed = [name for name, value in (("dietary", dietary), ("phone_shared", phone_shared))
                   if getattr(profile, name) != value]
        if not changed:
            return profile
        profile.dietary, profile.phone_shared = dietary, phone_shared
        profile.save(update_fields=changed)
        if "dietary" in changed:
            Task.objects.filter(dwelling=dwelling, status__in=Task.OPEN).update(dietary=dietary)
        who = "worker" if user is not None else "household link"
        audit_object(actor=user, action=AuditEvent.Action.UPDATE, obj=profile,
                     detail=f"delivery profile by {who}: {', '.join(changed)}")
    return profile


def household_link_renew(*, scope: Scope, user, dwelling: Dwelling) -> Household:
    """A new token for the household's phone link: the old link stops working at once."""
    if not selectors.may_edit_household(scope, dwelling):
        raise PermissionDenied
    with transaction.atomic():
        profile = Household.objects.select_for_update().get(pk=selectors.household_profile(dwelling).pk)
        profile.token = new_token()
        profile.save(update_fields=["token"])
        audit_object(actor=user, action=AuditEvent.Action.UPDATE, obj=profile, field="token",
                     detail="delivery link renewed; the old link no longer works")
    return profile
