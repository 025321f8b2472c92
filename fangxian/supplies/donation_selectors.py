"""The reads of the donations pages: the list with its filters, each donation's item lines
(net of any reversal of its movements), the communities a user records donations for."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Prefetch, Q, QuerySet, Sum

from fangxian.core.scope import Reach, Scope
from fangxian.registry.models import Community

from . import selectors
from .models import Donation, Item, Movement

SEARCH_MAX = 100


@dataclass(frozen=True)
class Filters:
    q: str = ""
    kind: str = ""

    @classmethod
    def from_query(cls, query) -> Filters:
        q = " ".join(str(query.get("q", "")).split())[:SEARCH_MAX]
        kind = str(query.get("kind", "")).strip()
        return cls(q=q, kind=kind if kind in Donation.DonorKind.values else "")

    @property
    def active(self) -> bool:
        return bool(self.q or self.kind)


@dataclass(frozen=True)
class Line:
    item: Item
    quantity: int
    corrected: bool  # some of its movements were reversed


def listed(scope: Scope, filters: Filters) -> QuerySet[Donation]:
    """The donations the user reads, filtered, newest first, with what the rows show."""
    donations = selectors.visible_donations(scope)
    if filters.kind:
        donations = donations.filter(donor_kind=filters.kind)
    if filters.q:
        q = filters.q
        by_item = Movement.objects.filter(kind=Movement.Kind.DONATION, item__name__icontains=q).values("donation_id")
        donations = donations.filter(Q(donor_name__icontains=q) | Q(number__icontains=q) | Q(display_name__icontains=q)
                                     | Q(pk__in=by_item))
    movements = Movement.objects.filter(kind__in=(Movement.Kind.DONATION, Movement.Kind.REVERSAL)).select_related(
        "item").order_by("pk")
    return (donations.select_related("community", "received_by")
            .prefetch_related(Prefetch("movements", queryset=movements, to_attr="stock_rows"))
            .order_by("-received_on", "-pk"))


def total_value(donations: QuerySet[Donation]) -> Decimal:
    return donations.order_by().aggregate(total=Sum("value"))["total"] or Decimal("0")


def lines_of(donation: Donation) -> list[Line]:
    """The items a donation brought, per item, net of reversals; from the prefetched
    `stock_rows` when there (see `listed`), else one query."""
    rows = getattr(donation, "stock_rows", None)
    if rows is None:
        rows = list(donation.movements.filter(kind__in=(Movement.Kind.DONATION, Movement.Kind.REVERSAL))
                    .select_related("item").order_by("pk"))
    totals: dict[int, int] = defaultdict(int)
    items: dict[int, Item] = {}
    corrected: set[int] = set()
    for movement in rows:
        items.setdefault(movement.item_id, movement.item)
        totals[movement.item_id] += movement.change
        if movement.kind == Movement.Kind.REVERSAL:
            corrected.add(movement.item_id)
    return [Line(item=items[pk], quantity=totals[pk], corrected=pk in corrected) for pk in items]


def recording_communities(scope: Scope) -> QuerySet[Community]:
    """The communities whose donations the user records: those they run."""
    return scope.communities(Community.objects.all(), Reach.RUN).order_by("name")


def donation_items(community: Community) -> QuerySet[Item]:
    return Item.objects.filter(community=community, active=True).order_by("-key", "name")
