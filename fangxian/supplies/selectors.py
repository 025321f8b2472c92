"""Every read of supplies, and its "may I" predicates.

Who sees what: the office (a community's admins) runs its supplies; the subdistrict's
officers read them; a checkpoint volunteer asks for supplies for the checkpoints of their
community, sees those requests and acknowledges what arrives. Nobody else sees supplies.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Q, QuerySet, Sum
from django.utils import timezone

from fangxian.access.models import Checkpoint
from fangxian.core.scope import Reach, Scope
from fangxian.registry.models import Community

from .models import Donation, Item, Movement, Place, SupplyRequest

RATE_DAYS = 7  # consumption per day is the mean of the last seven days
LONG_UNMET_HOURS = 48  # a request waiting longer is flagged


# -- may I ------------------------------------------------------------------------------------


def sees_supplies(scope: Scope) -> bool:
    """Opens the supplies pages: the office, the officers, checkpoint volunteers."""
    return scope.reads_communities or scope.stands_at_checkpoints


def reads_stock(scope: Scope) -> bool:
    """Reads stock, donations and the ledger: admins and officers."""
    return scope.reads_communities


def runs_supplies(scope: Scope) -> bool:
    return scope.is_admin


def asks_for(scope: Scope, community_id: int, *, place: Place | None) -> bool:
    """Asks for supplies (and acknowledges them): the office for any requester of its community;
    a checkpoint volunteer for a checkpoint of theirs."""
    if scope.runs(community_id):
        return True
    return place is not None and place.kind == Place.Kind.CHECKPOINT and scope.covers(community_id, Reach.CHECKPOINT)


# -- what a user sees -------------------------------------------------------------------------


def read_communities(scope: Scope) -> QuerySet[Community]:
    return scope.communities(Community.objects.all(), Reach.READ).order_by("name")


def visible_requests(scope: Scope) -> QuerySet[SupplyRequest]:
    """The office's and officers' communities' requests; a checkpoint volunteer's checkpoints'."""
    office = scope.communities(SupplyRequest.objects.all(), Reach.READ, path="community_id")
    if not scope.stands_at_checkpoints:
        return office
    gate = scope.communities(SupplyRequest.objects.filter(place__kind=Place.Kind.CHECKPOINT), Reach.CHECKPOINT,
                             path="community_id")
    return SupplyRequest.objects.filter(Q(pk__in=office.values("pk")) | Q(pk__in=gate.values("pk")))


def asking_places(scope: Scope) -> QuerySet[Place]:
    """The places a user may ask for: every place of the communities they run, the
    checkpoints of the communities whose checkpoints they stand at."""
    run = scope.communities(Place.objects.filter(kind=Place.Kind.CHECKPOINT), Reach.RUN, path="community_id")
    gate = scope.communities(Place.objects.filter(kind=Place.Kind.CHECKPOINT), Reach.CHECKPOINT, path="community_id")
    return Place.objects.filter(Q(pk__in=run.values("pk")) | Q(pk__in=gate.values("pk"))).order_by("name")


def checkpoints_without_place(community: Community) -> QuerySet[Checkpoint]:
    return Checkpoint.objects.filter(community=community, active=True, supply_place__isnull=True).order_by("pk")


def store_of(community_id: int) -> Place | None:
    return Place.objects.filter(community_id=community_id, kind=Place.Kind.STORE).first()


def issued_for(request: SupplyRequest) -> int:
    """How much of a request has left the stock it was issued from (reversals counted)."""
    source = Movement.objects.filter(request=request)
    if request.place_id is not None:
        source = source.exclude(place_id=request.place_id)
    return -(source.aggregate(total=Sum("change"))["total"] or 0)


def issued_for_many(request_ids) -> dict[int, int]:
    """{request id: issued}, for many requests in one query."""
    rows = Movement.objects.filter(request_id__in=list(request_ids))
    totals: dict[int, int] = defaultdict(int)
    for request_id, place_id, target_id, change in rows.values_list("request_id", "place_id", "request__place_id",
                                                                     "change"):
        if place_id != target_id:
            totals[request_id] -= change
    return totals


# -- the stock report -------------------------------------------------------------------------


@dataclass(frozen=True)
class StockRow:
    item: Item
    place: Place
    level: int
    low: bool  # at or below the item's threshold


@dataclass(frozen=True)
class ItemTotal:
    item: Item
    level: int  # all places
    per_day: float | None  # consumed per day over the last RATE_DAYS days; None: nothing consumed
    days_left: float | None  # at that rate; None when nothing is consumed
    low_places: int


def consumed_per_item(movements: QuerySet[Movement], today: dt.date) -> dict[int, int]:
    """{item id: units consumed in the RATE_DAYS days up to today} (issued, used, lost,
    expired, less what was reversed of those)."""
    since = today - dt.timedelta(days=RATE_DAYS - 1)
    consumed = Q(kind__in=Movement.CONSUMED) | Q(kind=Movement.Kind.REVERSAL, reverses__kind__in=Movement.CONSUMED)
    rows = (movements.filter(consumed, day__gte=since, day__lte=today).order_by()
            .values_list("item_id").annotate(total=Sum("change")))
    return {item_id: -total for item_id, total in rows}


def stock_report(community_ids, *, today: dt.date | None = None) -> tuple[list[StockRow], list[ItemTotal]]:
    """The stock of every item at every place of the communities, and per item its total,
    consumption per day and days left: three queries, whatever the number of movements."""
    today = today or timezone.localdate()
    ids = list(community_ids)
    movements = Movement.objects.filter(community_id__in=ids)
    levels = _levels(movements)
    consumed = consumed_per_item(movements, today)
    items = list(Item.objects.filter(community_id__in=ids).order_by("community_id", "-key", "name"))
    places = list(Place.objects.filter(community_id__in=ids).order_by("community_id", "kind", "name"))
    rows: list[StockRow] = []
    totals: list[ItemTotal] = []
    for item in items:
        total, low_places = 0, 0
        for place in places:
            if place.community_id != item.community_id:
                continue
            level = levels.get((item.pk, place.pk))
            if level is None and place.kind != Place.Kind.STORE:
                continue  # never held there
            level = level or 0
            low = level <= item.low_stock
            rows.append(StockRow(item=item, place=place, level=level, low=low))
            total += level
            low_places += low
        used = consumed.get(item.pk, 0)
        per_day = used / RATE_DAYS if used > 0 else None
        totals.append(ItemTotal(item=item, level=total, per_day=per_day,
                                days_left=total / per_day if per_day else None, low_places=low_places))
    return rows, totals


def _levels(movements: QuerySet[Movement]) -> dict[tuple[int, int], int]:
    rows = movements.order_by().values_list("item_id", "place_id").annotate(total=Sum("change"))
    return {(item_id, place_id): total for item_id, place_id, total in rows}


# -- shortages --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Shortage:
    request: SupplyRequest
    left: int  # still to issue
    in_store: int
    waited_hours: float
    long_unmet: bool

    @property
    def can_issue(self) -> bool:
        return self.in_store >= self.left


def shortages(requests: QuerySet[SupplyRequest], *, now: dt.datetime | None = None) -> list[Shortage]:
    """The open requests, each against the stock of its community's store, ranked: the
    longest-waiting first, weighted by the people they serve (waited hours × people)."""
    now = now or timezone.now()
    open_ = list(requests.filter(status__in=SupplyRequest.OPEN).select_related("item", "place", "team"))
    issued = issued_for_many(r.pk for r in open_)
    stores = {p.community_id: p.pk for p in Place.objects.filter(
        kind=Place.Kind.STORE, community_id__in={r.community_id for r in open_})}
    levels = _levels(Movement.objects.filter(place_id__in=stores.values(),
                                             item_id__in={r.item_id for r in open_}))
    found = []
    for request in open_:
        waited = (now - request.asked_at).total_seconds() / 3600
        in_store = levels.get((request.item_id, stores.get(request.community_id)), 0)
        found.append(Shortage(request=request, left=request.quantity - issued.get(request.pk, 0), in_store=in_store,
                              waited_hours=waited, long_unmet=waited > LONG_UNMET_HOURS))
    found.sort(key=lambda s: (-(s.waited_hours * max(s.request.people, 1)), s.request.pk))
    return found


# -- donations --------------------------------------------------------------------------------


def visible_donations(scope: Scope) -> QuerySet[Donation]:
    return scope.communities(Donation.objects.all(), Reach.READ, path="community_id")
