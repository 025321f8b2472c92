"""Supplies' figures of a day, for many communities at once: the daily report's section
(report_sections), the wall dashboard, the home tile.

- received today: units of every item that came in that day (donated or purchased), less
  what was reversed of those that day;
- issued today: units that left the community's hands that day (issued, used up, lost,
  expired: `Movement.CONSUMED`; transfers between its own places are not counted), less the
  reversals of those;
- key items in stock: the units of the key items held at all places at the end of the day
  (a level);
- lowest days left: among the key items consumed in the last `RATE_DAYS` days, the fewest
  whole days their stock lasts at that rate (a level; None when no key item is consumed);
- open shortages: the requests open at the end of the day (waiting, or approved and not
  issued in full) that the community's store could not cover then (a level).

"Unknown is not zero": a community that keeps no item at all does not run supplies, and
gets None for every figure. Every function runs a fixed number of queries whatever the
number of communities, items or movements.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db.models import Count, Q, Sum

from fangxian.core.reporting import day_bounds
from fangxian.core.scope import Scope

from . import selectors
from .models import Item, Movement, Place, SupplyRequest

K = Movement.Kind
RATE_DAYS = selectors.RATE_DAYS
KEYS = ("received_today", "issued_today", "key_items_in_stock", "lowest_days_left", "open_shortages")
DASHBOARD_KEYS = ("supplies_received_today", "supplies_issued_today", "key_days_left", "open_shortages")

RECEIVED = (K.DONATION, K.PURCHASE)


def _of_kinds(kinds) -> Q:
    """The movements of these kinds and the reversals of them."""
    return Q(kind__in=kinds) | Q(kind=K.REVERSAL, reverses__kind__in=kinds)


def keeping_communities(community_ids) -> set[int]:
    """The communities that keep at least one item: they run supplies. One query."""
    return set(Item.objects.filter(community_id__in=list(community_ids)).order_by()
               .values_list("community_id", flat=True).distinct())


def day_flows(community_ids, day: dt.date) -> dict[int, dict[str, int]]:
    """{community: {received_today, issued_today}} of `day`, 0 where nothing moved. One query."""
    rows = (Movement.objects.filter(community_id__in=list(community_ids), day=day).order_by()
            .values("community_id")
            .annotate(received=Sum("change", filter=_of_kinds(RECEIVED)),
                      issued=Sum("change", filter=_of_kinds(Movement.CONSUMED))))
    flows = {pk: {"received_today": 0, "issued_today": 0} for pk in community_ids}
    for row in rows:
        flows[row["community_id"]] = {"received_today": row["received"] or 0, "issued_today": -(row["issued"] or 0)}
    return flows


def key_levels(community_ids, day: dt.date) -> dict[int, dict[str, int | None]]:
    """{community: {key_items_in_stock, lowest_days_left}} at the end of `day`. One query:
    each key item's stock and what was consumed of it in the RATE_DAYS days up to the day."""
    since = day - dt.timedelta(days=RATE_DAYS - 1)
    rows = (Movement.objects.filter(community_id__in=list(community_ids), item__key=True, day__lte=day).order_by()
            .values_list("community_id", "item_id")
            .annotate(level=Sum("change"),
                      consumed=Sum("change", filter=_of_kinds(Movement.CONSUMED) & Q(day__gte=since))))
    found: dict[int, dict[str, int | None]] = {pk: {"key_items_in_stock": 0, "lowest_days_left": None}
                                               for pk in community_ids}
    for community_id, _item_id, level, consumed in rows:
        figures = found[community_id]
        figures["key_items_in_stock"] += level or 0
        used = -(consumed or 0)
        if used > 0:
            days_left = int(max(level or 0, 0) * RATE_DAYS // used)
            lowest = figures["lowest_days_left"]
            figures["lowest_days_left"] = days_left if lowest is None else min(lowest, days_left)
    return found


def shortages_by_community(community_ids, day: dt.date) -> dict[int, int]:
    """{community: requests open at the end of `day` that its store could not cover then}:
    asked by then, neither refused nor issued in full by then (a cancelled request has no
    time and is left out), and more still to issue than the store held at the day's end (by
    the movements' days, as the stock figures). For today, the requests open now against the
    store as it stands. Three queries."""
    ids = list(community_ids)
    _start, end = day_bounds(day)
    R = SupplyRequest.Status
    was_open = (Q(status__in=SupplyRequest.OPEN) | Q(status__in=(R.ISSUED, R.RECEIVED))
                | Q(status=R.REFUSED, decided_at__gte=end))
    requests = list(SupplyRequest.objects.filter(was_open, community_id__in=ids, asked_at__lt=end).order_by()
                    .values_list("pk", "community_id", "item_id", "place_id", "quantity"))
    if not requests:
        return {}
    issued: dict[int, int] = defaultdict(int)
    for request_id, place_id, target_id, change in (
            Movement.objects.filter(request_id__in=[r[0] for r in requests], day__lte=day).order_by()
            .values_list("request_id", "place_id", "request__place_id", "change")):
        if place_id != target_id:  # what left the store, not what reached the checkpoint
            issued[request_id] -= change
    in_store = {(community_id, item_id): level for community_id, item_id, level in (
        Movement.objects.filter(community_id__in=ids, place__kind=Place.Kind.STORE, day__lte=day,
                                item_id__in={r[2] for r in requests}).order_by()
        .values_list("community_id", "item_id").annotate(level=Sum("change")))}
    counts: dict[int, int] = defaultdict(int)
    for pk, community_id, item_id, _place_id, quantity in requests:
        left = quantity - issued[pk]
        if left > 0 and in_store.get((community_id, item_id), 0) < left:
            counts[community_id] += 1
    return counts


def section_figures(community_ids, day: dt.date) -> dict[int, dict[str, int | None]]:
    """The daily report's figures of each community: None for each where no item is kept.
    Six queries at most."""
    ids = list(community_ids)
    counts: dict[int, dict[str, int | None]] = {pk: dict.fromkeys(KEYS) for pk in ids}
    keeping = sorted(keeping_communities(ids))
    if not keeping:
        return counts
    flows, levels, short = day_flows(keeping, day), key_levels(keeping, day), shortages_by_community(keeping, day)
    for pk in keeping:
        counts[pk] = {**flows[pk], **levels[pk], "open_shortages": short.get(pk, 0)}
    return counts


def dashboard_figures(community_ids, today: dt.date) -> dict[str, int | None]:
    """For the wall dashboard, the communities added up: units received and issued today, the
    lowest days left among their key items, the open shortages; None for each when none of
    them keeps an item (the days left also when no key item is consumed)."""
    per_community = section_figures(community_ids, today)
    known = [figures for figures in per_community.values() if figures["received_today"] is not None]
    if not known:
        return dict.fromkeys(DASHBOARD_KEYS)
    days_left = [f["lowest_days_left"] for f in known if f["lowest_days_left"] is not None]
    return {
        "supplies_received_today": sum(f["received_today"] for f in known),
        "supplies_issued_today": sum(f["issued_today"] for f in known),
        "key_days_left": min(days_left) if days_left else None,
        "open_shortages": sum(f["open_shortages"] for f in known),
    }


def request_counts(scope: Scope) -> dict[str, int]:
    """{open, to_acknowledge} of the requests the user sees. One query."""
    return selectors.visible_requests(scope).aggregate(
        open=Count("pk", filter=Q(status__in=SupplyRequest.OPEN)),
        to_acknowledge=Count("pk", filter=Q(status=SupplyRequest.Status.ISSUED)))
