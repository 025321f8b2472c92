"""Reads of the money ledger beyond `ledger`: which entries a user sees, the list's filters,
which entries the user may reverse, and the balances as rows of a page or a workbook.

- The office (a community's admins and officers) sees all of its entries; a grid worker the
  entries of their grids' households; a courier only the entries where they paid or received.
- Every function here runs a fixed number of queries, however many entries there are.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet

from fangxian.core.scope import Reach, Scope
from fangxian.registry.models import Community, Dwelling
from fangxian.registry.selectors import SEARCH_MAX_LENGTH, clean_search

from . import ledger, selectors
from .models import LedgerEntry

Kind = LedgerEntry.Kind


# -- may I ---------------------------------------------------------------------------------


def sees_ledger(scope: Scope) -> bool:
    """Opens the ledger: whoever opens the office's delivery pages, and couriers (their own entries)."""
    return selectors.sees_delivery(scope) or selectors.is_courier(scope)


def may_reverse(scope: Scope, entry: LedgerEntry, *, writable: bool | None = None) -> bool:
    """Corrects an entry with a reversal: who may write its household or community (admins, the
    grid's workers), the courier of their own purchase, the receiver of a repayment. A reversal
    is not reversed, an entry is reversed once. `writable`: scope.can_write(entry), if known."""
    if entry.kind == Kind.REVERSAL or hasattr(entry, "reversal"):
        return False
    user_id = scope.user_id
    if user_id is not None and ((entry.kind == Kind.PURCHASE and entry.payer_id == user_id)
                                or (entry.kind == Kind.REPAYMENT and entry.payee_id == user_id)):
        return True
    return scope.can_write(entry) if writable is None else writable


def reversible_ids(scope: Scope, entries: list[LedgerEntry]) -> set[int]:
    """The entries of this list (a page) the user may reverse, in at most one query."""
    if not entries:
        return set()
    pks = [entry.pk for entry in entries]
    writable = set(scope.filter(LedgerEntry.objects.filter(pk__in=pks), for_write=True).values_list("pk", flat=True))
    return {entry.pk for entry in entries if may_reverse(scope, entry, writable=entry.pk in writable)}


def reimbursing_communities(scope: Scope) -> QuerySet[Community]:
    """The communities whose couriers the user pays back: those they run (selectors.runs_delivery)."""
    return scope.communities(Community.objects.order_by("name"), Reach.RUN)


# -- which rows ------------------------------------------------------------------------------


def visible_entries(scope: Scope) -> QuerySet[LedgerEntry]:
    """The entries the user sees: those of the communities they read and of their grids'
    households; as a courier, those where they paid or received."""
    entries = LedgerEntry.objects.all()
    if scope.is_superuser:
        return entries
    seen = Q(pk__in=scope.filter(LedgerEntry.objects.all()).values("pk"))
    if scope.user_id is not None and selectors.is_courier(scope):
        seen |= Q(payer_id=scope.user_id) | Q(payee_id=scope.user_id)
    return entries.filter(seen)


@dataclass(frozen=True)
class Filters:
    """The ledger's filters, from the query string: kind, the days from and to (local), and a
    search on the household's estate, building or room."""

    kind: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    q: str = ""

    @classmethod
    def from_query(cls, query) -> "Filters":
        kind = str(query.get("kind", "")).strip()
        return cls(kind=kind if kind in Kind.values else "", date_from=_date(query.get("from")),
                   date_to=_date(query.get("to")), q=clean_search(str(query.get("q", "")))[:SEARCH_MAX_LENGTH])

    @property
    def active(self) -> bool:
        return bool(self.kind or self.date_from or self.date_to or self.q)


def _date(value) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value or "").strip())
    except ValueError:
        return None


def filtered(entries: QuerySet[LedgerEntry], filters: Filters) -> QuerySet[LedgerEntry]:
    if filters.kind:
        entries = entries.filter(kind=filters.kind)
    if filters.date_from:
        entries = entries.filter(at__date__gte=filters.date_from)
    if filters.date_to:
        entries = entries.filter(at__date__lte=filters.date_to)
    for term in dict.fromkeys(filters.q.split()):
        entries = entries.filter(Q(dwelling__room__icontains=term) | Q(dwelling__building__name__icontains=term)
                                 | Q(dwelling__building__estate__name__icontains=term))
    return entries


def listed(entries: QuerySet[LedgerEntry]) -> QuerySet[LedgerEntry]:
    """Ready for a page or a workbook: newest first, with what each row shows in the same query."""
    return entries.select_related("dwelling__building__estate", "task", "payer", "payee", "recorded_by", "reverses",
                                  "reversal").order_by("-at", "-pk")


# -- balances as rows --------------------------------------------------------------------------


@dataclass(frozen=True)
class HouseholdBalance:
    dwelling: Dwelling
    owes: Decimal  # negative: paid more than was bought

    @property
    def address(self) -> str:
        return address_of(self.dwelling)


@dataclass(frozen=True)
class UserBalance:
    user: object
    owed: Decimal  # positive: is owed (advanced money); negative: holds (received and not passed on)

    @property
    def holds(self) -> Decimal:
        return -self.owed


@dataclass(frozen=True)
class BalanceRows:
    households: list[HouseholdBalance]
    users: list[UserBalance]
    households_total: Decimal
    users_total: Decimal
    adds_up: bool
    settled_households: int  # households with entries whose balance is zero


def address_of(dwelling: Dwelling | None) -> str:
    if dwelling is None:
        return ""
    building = dwelling.building
    return f"{building.estate.name} {building.name} {dwelling.room}"


def balance_rows(entries: QuerySet[LedgerEntry]) -> BalanceRows:
    """The balances of these entries (ledger.balances) with their households and users, in
    three queries; households and users whose balance is zero are left out of the rows."""
    both = ledger.balances(entries)
    owing = {pk: amount for pk, amount in both.households.items() if amount}
    owed = {pk: amount for pk, amount in both.users.items() if amount}
    dwellings = (Dwelling.objects.filter(pk__in=list(owing)).select_related("building__estate")
                 .order_by("building__estate__name", "building__name", "room", "pk")) if owing else []
    users = get_user_model().objects.filter(pk__in=list(owed)).order_by("username") if owed else []
    return BalanceRows(
        households=[HouseholdBalance(dwelling=d, owes=owing[d.pk]) for d in dwellings],
        users=[UserBalance(user=u, owed=owed[u.pk]) for u in users],
        households_total=sum(both.households.values(), Decimal("0.00")),
        users_total=sum(both.users.values(), Decimal("0.00")),
        adds_up=both.adds_up,
        settled_households=len(both.households) - len(owing),
    )
