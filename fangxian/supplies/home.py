"""Supplies' tile on the home page (wired in plugins.py).

- The office and the officers (who read the stock): how many stocks are at or below their
  item's low-stock threshold (an item at a place), and the open requests (waiting or
  approved), linking to the stock and to the requests.
- A checkpoint volunteer: the requests of their checkpoints that were issued and wait for
  them to say the supplies arrived.

None for a user who sees no supplies, or with nothing to show. A fixed number of queries.
"""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse

from fangxian.core.scope import Scope

from . import figures, selectors


def _url(name: str) -> str | None:
    try:
        return reverse(name)
    except NoReverseMatch:  # the page is not there (yet): the tile says what it knows, without a link
        return None


def office_part(scope: Scope) -> dict | None:
    ids = list(selectors.read_communities(scope).values_list("pk", flat=True))
    if not ids:
        return None
    rows, _totals = selectors.stock_report(ids)
    warnings = sum(1 for row in rows if row.low and row.item.active)
    counts = figures.request_counts(scope)
    if not rows and not counts["open"]:
        return None
    return {"warnings": warnings, "open": counts["open"], "stock_url": _url("supplies:stock"),
            "requests_url": _url("supplies:request_list")}


def gate_part(scope: Scope) -> dict | None:
    waiting = figures.request_counts(scope)["to_acknowledge"]
    if not waiting:
        return None
    return {"to_acknowledge": waiting, "requests_url": _url("supplies:request_list")}


def supplies_tile(request, scope: Scope) -> dict | None:
    if scope.user_id is None or not selectors.sees_supplies(scope):
        return None
    if selectors.reads_stock(scope):
        office = office_part(scope)
        return {"office": office} if office else None
    gate = gate_part(scope)
    return {"gate": gate} if gate else None
