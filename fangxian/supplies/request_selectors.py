"""The reads of the requests pages (supplies:request_*), beside the foundation's selectors: who
may ask, the filters of the list, the progress of many requests, the badge of what waits."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.utils.translation import gettext as _

from fangxian.core.scope import Reach, Scope

from . import selectors, stock
from .models import Item, Movement, Place, SupplyRequest

S = SupplyRequest.Status
CLOSED = (S.ISSUED, S.RECEIVED, S.REFUSED, S.CANCELLED)


def sees_requests(scope: Scope) -> bool:
    """Opens the requests: the office, the officers, checkpoint volunteers."""
    return selectors.sees_supplies(scope)


def decides(scope: Scope, request: SupplyRequest) -> bool:
    return scope.runs(request.community_id)


def answers_for(scope: Scope, request: SupplyRequest) -> bool:
    """Acknowledges or cancels it: whoever may ask for its place (the office, the checkpoint's volunteers)."""
    return selectors.asks_for(scope, request.community_id, place=request.place)


def listed(requests: QuerySet[SupplyRequest]) -> QuerySet[SupplyRequest]:
    return requests.select_related("item", "place", "team", "community")


def front_line_order(requests: QuerySet[SupplyRequest]) -> QuerySet[SupplyRequest]:
    """A checkpoint's requests: what arrived and waits for its word first, then what is open,
    then the closed ones; the newest first within each."""
    rank = Case(When(status=S.ISSUED, then=Value(0)), When(status__in=SupplyRequest.OPEN, then=Value(1)),
                default=Value(2), output_field=IntegerField())
    return requests.order_by(rank, "-asked_at", "-pk")


def ask_items(places) -> QuerySet[Item]:
    """The active items of the communities of these places, for the ask form."""
    return (Item.objects.filter(active=True, community_id__in={p.community_id for p in places})
            .select_related("community").order_by("community_id", "-key", "name"))


def filter_places(scope: Scope) -> QuerySet[Place]:
    """The places the list may be cut by: those of the communities whose requests the user sees."""
    office = scope.communities(Place.objects.all(), Reach.READ, path="community_id")
    gate = scope.communities(Place.objects.filter(kind=Place.Kind.CHECKPOINT), Reach.CHECKPOINT,
                             path="community_id")
    return Place.objects.filter(Q(pk__in=office.values("pk")) | Q(pk__in=gate.values("pk"))).order_by("name")


@dataclass(frozen=True)
class Filters:
    q: str = ""
    status: str = ""
    place: int | None = None

    @classmethod
    def from_query(cls, query) -> Filters:
        q = " ".join(str(query.get("q", "")).split())[:100]
        status = str(query.get("status", "")).strip()
        if status not in S.values:
            status = ""
        place = str(query.get("place", "")).strip()
        return cls(q=q, status=status, place=int(place) if place.isdigit() and len(place) < 10 else None)

    @property
    def active(self) -> bool:
        return bool(self.q or self.status or self.place)


def filtered(requests: QuerySet[SupplyRequest], filters: Filters) -> QuerySet[SupplyRequest]:
    if filters.status:
        requests = requests.filter(status=filters.status)
    if filters.place is not None:
        requests = requests.filter(place_id=filters.place)
    if filters.q:
        requests = requests.filter(Q(item__name__icontains=filters.q) | Q(place__name__icontains=filters.q)
                                   | Q(team__name__icontains=filters.q) | Q(note__icontains=filters.q))
    return requests


@dataclass(frozen=True)
class Progress:
    request: SupplyRequest
    issued: int

    @property
    def left(self) -> int:
        return max(self.request.quantity - self.issued, 0)

    @property
    def percent(self) -> int:
        return min(100, round(100 * self.issued / self.request.quantity)) if self.request.quantity else 0


def with_progress(requests) -> list[Progress]:
    """Each request with what has been issued on it: one query for all of them."""
    requests = list(requests)
    issued = selectors.issued_for_many(r.pk for r in requests)
    return [Progress(request=r, issued=issued.get(r.pk, 0)) for r in requests]


def issue_movements(request: SupplyRequest) -> list[Movement]:
    """The movements that issued the request, as they left their stock (a transfer's outgoing
    half, an issue; their reversals)."""
    movements = Movement.objects.filter(request=request).select_related("place", "recorded_by")
    if request.place_id is not None:
        movements = movements.exclude(place_id=request.place_id)
    return list(movements.order_by("at", "pk"))


def issue_sources(request: SupplyRequest) -> list[tuple[Place, int]]:
    """The places of the request's community it may be issued from, each with its stock of the
    item: the store first, never the requesting place itself."""
    places = list(Place.objects.filter(community_id=request.community_id).exclude(pk=request.place_id or 0))
    places.sort(key=lambda p: (p.kind != Place.Kind.STORE, p.name))
    levels = stock.stock_levels(Movement.objects.filter(item_id=request.item_id, place__in=places))
    return [(place, levels.get((request.item_id, place.pk), 0)) for place in places]


def waited_text(hours: float) -> str:
    """How long a request has waited, for the page: "5 h", "2 d 3 h"."""
    whole = int(hours)
    if whole < 1:
        return _("waited less than an hour")
    if whole < 24:
        return _("waited %(hours)d h") % {"hours": whole}
    return _("waited %(days)d d %(hours)d h") % {"days": whole // 24, "hours": whole % 24}


def waiting_count(scope: Scope) -> int:
    """The requests this user must act on, for the menu's badge: for the office (the admins),
    those waiting for approval or approved and not fully issued; for a checkpoint volunteer, those
    issued to their checkpoints and still to acknowledge. One query."""
    office = scope.communities(SupplyRequest.objects.filter(status__in=SupplyRequest.OPEN), Reach.RUN,
                               path="community_id")
    if not scope.stands_at_checkpoints:
        return office.count() if scope.is_admin else 0
    gate = scope.communities(SupplyRequest.objects.filter(status=S.ISSUED, place__kind=Place.Kind.CHECKPOINT),
                             Reach.CHECKPOINT, path="community_id")
    if not scope.is_admin:
        return gate.count()
    return SupplyRequest.objects.filter(Q(pk__in=office.values("pk")) | Q(pk__in=gate.values("pk"))).count()
