"""The reads of the stock pages: which communities a page shows, the ledger's filters and its
rows, and the stock now per item (the items page)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from fangxian.core.scope import Scope
from fangxian.registry.models import Community

from . import selectors, stock
from .models import Item, Movement, Place


@dataclass(frozen=True)
class Shown:
    """The communities a page shows: `chosen` (the ?community= asked for among those read, or
    the only one), else all of `communities`."""

    communities: list[Community]
    chosen: Community | None

    @property
    def ids(self) -> list[int]:
        return [self.chosen.pk] if self.chosen is not None else [c.pk for c in self.communities]

    @property
    def several(self) -> bool:
        return len(self.communities) > 1


def shown_communities(scope: Scope, query) -> Shown:
    communities = list(selectors.read_communities(scope))
    wanted = str(query.get("community", "")).strip()
    chosen = next((c for c in communities if str(c.pk) == wanted), None)
    if chosen is None and len(communities) == 1:
        chosen = communities[0]
    return Shown(communities=communities, chosen=chosen)


def _day(value) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value or "").strip())
    except ValueError:
        return None


def _pk(value) -> int | None:
    text = str(value or "").strip()
    return int(text) if text.isdigit() and len(text) < 12 else None


@dataclass(frozen=True)
class Filters:
    item: int | None = None
    place: int | None = None
    kind: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    q: str = ""

    @classmethod
    def from_query(cls, query) -> Filters:
        kind = str(query.get("kind", "")).strip()
        return cls(item=_pk(query.get("item")), place=_pk(query.get("place")),
                   kind=kind if kind in Movement.Kind.values else "", date_from=_day(query.get("from")),
                   date_to=_day(query.get("to")), q=" ".join(str(query.get("q", "")).split())[:100])

    @property
    def active(self) -> bool:
        return any((self.item, self.place, self.kind, self.date_from, self.date_to, self.q))


def visible_movements(scope: Scope, community_ids) -> QuerySet[Movement]:
    return scope.filter(Movement.objects.filter(community_id__in=list(community_ids)))


def filtered(movements: QuerySet[Movement], filters: Filters) -> QuerySet[Movement]:
    if filters.item:
        movements = movements.filter(item_id=filters.item)
    if filters.place:
        movements = movements.filter(place_id=filters.place)
    if filters.kind:
        movements = movements.filter(kind=filters.kind)
    if filters.date_from:
        movements = movements.filter(day__gte=filters.date_from)
    if filters.date_to:
        movements = movements.filter(day__lte=filters.date_to)
    if filters.q:
        movements = movements.filter(Q(item__name__icontains=filters.q) | Q(note__icontains=filters.q))
    return movements


def listed(movements: QuerySet[Movement]) -> QuerySet[Movement]:
    """Newest first, with everything a row shows in the same query."""
    return (movements.select_related("item", "place", "other_place", "donation", "team", "recorded_by", "reversal",
                                     "community")
            .order_by("-at", "-pk"))


def items_of(scope: Scope, community_ids) -> QuerySet[Item]:
    return scope.filter(Item.objects.filter(community_id__in=list(community_ids))).order_by(
        "community_id", "-key", "name")


def places_of(scope: Scope, community_ids) -> QuerySet[Place]:
    """The office store first (its kind sorts last), then the checkpoints."""
    return scope.filter(Place.objects.filter(community_id__in=list(community_ids))).order_by(
        "community_id", "-kind", "name")


def stock_per_item(items: list[Item]) -> dict[int, int]:
    """{item id: its stock over every place}, in one query."""
    totals: dict[int, int] = defaultdict(int)
    for (item_id, _place_id), level in stock.stock_levels(
            Movement.objects.filter(item_id__in=[i.pk for i in items])).items():
        totals[item_id] += level
    return totals
