"""The stock pages, under /supplies/: the stock report (per item and place, consumption per
day, days left), the items the community keeps, the movement ledger with its record forms
and reversals, and their Excel exports.

Who: a community's admins and the subdistrict's officers read (selectors.reads_stock); the
admins record (selectors.runs_supplies, and stock/services check scope.runs on each write)."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from fangxian.core.forms import attach_errors
from fangxian.core.models import AuditEvent
from fangxian.core.paging import paginate
from fangxian.core.scope import scoped_view
from fangxian.core.services import audit_record
from fangxian.registry.models import Community

from . import selectors, services, stock, stock_exports, stock_selectors
from .models import Item, Movement, Place
from .stock_forms import ItemForm, MovementForm, ReverseForm

K = Movement.Kind
reads_view = scoped_view(selectors.reads_stock)


def _shown(request, scope) -> stock_selectors.Shown:
    """The communities the page shows; the places of the chosen one are kept up to date when
    its admin opens it."""
    shown = stock_selectors.shown_communities(scope, request.GET)
    if shown.chosen is not None and scope.runs(shown.chosen.pk):
        services.places_ensure(shown.chosen)
    return shown


def _read_ids(scope) -> list[int]:
    return list(selectors.read_communities(scope).values_list("pk", flat=True))


def _community_query(shown) -> str:
    return f"community={shown.chosen.pk}" if shown.chosen is not None and shown.several else ""


def _xlsx(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=stock_exports.XLSX)
    response["Content-Disposition"] = f'attachment; filename="{name}-{timezone.localtime():%Y%m%d-%H%M}.xlsx"'
    return response


# -- the stock report -------------------------------------------------------------------------


@require_GET
@reads_view
def stock_page(request, scope):
    shown = _shown(request, scope)
    rows, totals = selectors.stock_report(shown.ids)
    by_item: dict[int, list] = {}
    for row in sorted(rows, key=lambda r: r.place.kind != Place.Kind.STORE):  # the store first
        by_item.setdefault(row.item.pk, []).append(row)
    names = {c.pk: c.name for c in shown.communities}
    cards = [(total, by_item.get(total.item.pk, []), names.get(total.item.community_id, "")) for total in totals]
    return render(request, "supplies/stock_report.html", {
        "reads_stock": True, "shown": shown, "cards": cards, "community_query": _community_query(shown),
        "runs": shown.chosen is not None and scope.runs(shown.chosen.pk), "rate_days": selectors.RATE_DAYS,
        "low_items": sum(1 for total in totals if total.low_places),
    })


@require_GET
@reads_view
def stock_export(request, scope):
    shown = stock_selectors.shown_communities(scope, request.GET)
    rows, totals = selectors.stock_report(shown.ids)
    audit_record(actor=request.user, action=AuditEvent.Action.EXPORT, target_type=Movement._meta.label,
                 detail=("stock " + request.GET.urlencode())[:200])
    return _xlsx(stock_exports.stock_workbook(rows, totals, {c.pk: c.name for c in shown.communities}), "stock")


# -- items ------------------------------------------------------------------------------------


def _items_page(request, scope, *, add_form=None, edit=None, status=200):
    shown = _shown(request, scope)
    items = list(stock_selectors.items_of(scope, shown.ids).select_related("community"))
    in_stock = stock_selectors.stock_per_item(items)
    edit_item, edit_form = edit if edit is not None else (None, None)
    rows = []
    for item in items:
        runs = scope.runs(item.community_id)
        if edit_item is not None and item.pk == edit_item.pk:
            form = edit_form
        elif runs:
            form = ItemForm(initial={"name": item.name, "unit": item.unit, "low_stock": item.low_stock,
                                     "key": item.key}, auto_id=f"id_item{item.pk}_%s")
        else:
            form = None
        rows.append((item, in_stock.get(item.pk, 0), form))
    adding = shown.chosen if shown.chosen is not None and scope.runs(shown.chosen.pk) else None
    return render(request, "supplies/stock_items.html", {
        "reads_stock": True, "shown": shown, "rows": rows, "adding": adding,
        "add_form": add_form or (ItemForm(auto_id="id_new_%s") if adding else None),
        "community_query": _community_query(shown), "edit_item": edit_item,
        "pick_to_record": shown.chosen is None and selectors.runs_supplies(scope),
    }, status=status)


@require_GET
@reads_view
def item_list(request, scope):
    return _items_page(request, scope)


def _item_save(request, scope, form, *, community: Community, item: Item | None):
    data = form.cleaned_data
    return services.item_save(scope=scope, user=request.user, community=community, name=data["name"],
                              unit=data["unit"], key=data["key"], low_stock=data["low_stock"], item=item)


def _items_url(community: Community) -> str:
    return f"{reverse('supplies:items')}?community={community.pk}"


@require_POST
@reads_view
def item_add(request, scope, community_pk):
    community = get_object_or_404(selectors.read_communities(scope), pk=community_pk)
    if not scope.runs(community.pk):
        raise PermissionDenied
    form = ItemForm(request.POST, auto_id="id_new_%s")
    if form.is_valid():
        try:
            item = _item_save(request, scope, form, community=community, item=None)
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("%(item)s was added to the items.") % {"item": item.name})
            return redirect(_items_url(community))
    request.GET = request.GET.copy()
    request.GET["community"] = str(community.pk)
    return _items_page(request, scope, add_form=form, status=400)


@require_POST
@reads_view
def item_edit(request, scope, pk):
    item = get_object_or_404(stock_selectors.items_of(scope, _read_ids(scope)).select_related("community"), pk=pk)
    if not scope.runs(item.community_id):
        raise PermissionDenied
    form = ItemForm(request.POST, auto_id=f"id_item{item.pk}_%s")
    if form.is_valid():
        try:
            _item_save(request, scope, form, community=item.community, item=item)
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("%(item)s was saved.") % {"item": form.cleaned_data["name"]})
            return redirect(_items_url(item.community))
    item.refresh_from_db()
    request.GET = request.GET.copy()
    request.GET["community"] = str(item.community_id)
    return _items_page(request, scope, edit=(item, form), status=400)


# -- the ledger -------------------------------------------------------------------------------


def _record_forms(shown, scope, bound: MovementForm | None = None) -> dict[str, MovementForm]:
    """The three record forms of the chosen community, for its admins; {} for anyone else."""
    community = shown.chosen
    if community is None or not scope.runs(community.pk):
        return {}
    items = stock_selectors.items_of(scope, [community.pk]).filter(active=True)
    places = stock_selectors.places_of(scope, [community.pk])
    forms = {act: MovementForm(act=act, items=items, places=places) for act in ("in", "out", "transfer")}
    if bound is not None:
        forms[bound.act] = bound
    return forms


def _ledger_page(request, scope, *, bound: MovementForm | None = None, status: int = 200):
    shown = _shown(request, scope)
    filters = stock_selectors.Filters.from_query(request.GET)
    movements = stock_selectors.listed(stock_selectors.filtered(
        stock_selectors.visible_movements(scope, shown.ids), filters))
    page, querystring = paginate(request, movements)
    rows = list(page)
    for m in rows:  # each reverse form its own event_id: a second click is the same reversal
        m.reverse_event = (uuid.uuid4() if scope.runs(m.community_id) and m.kind != K.REVERSAL
                           and getattr(m, "reversal", None) is None else None)
    return render(request, "supplies/stock_ledger.html", {
        "reads_stock": True, "shown": shown, "page": page, "rows": rows, "querystring": querystring,
        "filters": filters, "kinds": Movement.Kind.choices,
        "items": list(stock_selectors.items_of(scope, shown.ids)),
        "places": list(stock_selectors.places_of(scope, shown.ids)),
        "record": _record_forms(shown, scope, bound), "open_act": bound.act if bound is not None else "",
        "pick_to_record": shown.chosen is None and selectors.runs_supplies(scope),
        "community_query": _community_query(shown),
    }, status=status)


@require_GET
@reads_view
def ledger_list(request, scope):
    return _ledger_page(request, scope)


@require_GET
@reads_view
def ledger_export(request, scope):
    shown = stock_selectors.shown_communities(scope, request.GET)
    filters = stock_selectors.Filters.from_query(request.GET)
    movements = stock_selectors.listed(stock_selectors.filtered(
        stock_selectors.visible_movements(scope, shown.ids), filters))
    audit_record(actor=request.user, action=AuditEvent.Action.EXPORT, target_type=Movement._meta.label,
                 detail=("ledger " + request.GET.urlencode())[:200])
    return _xlsx(stock_exports.ledger_workbook(movements), "stock-movements")


def _ledger_url(community: Community) -> str:
    return f"{reverse('supplies:ledger')}?community={community.pk}"


@require_POST
@reads_view
def movement_add(request, scope, community_pk):
    community = get_object_or_404(selectors.read_communities(scope), pk=community_pk)
    if not scope.runs(community.pk):
        raise PermissionDenied
    act = request.POST.get("act")
    if act not in ("in", "out", "transfer"):
        act = "in"
    request.GET = request.GET.copy()
    request.GET["community"] = str(community.pk)
    items = stock_selectors.items_of(scope, [community.pk]).filter(active=True)
    places = stock_selectors.places_of(scope, [community.pk])
    form = MovementForm(request.POST, act=act, items=items, places=places)
    if form.is_valid():
        data = form.cleaned_data
        common = {"scope": scope, "user": request.user, "item": data["item"], "quantity": data["quantity"],
                  "note": data["note"], "event_id": data["event_id"]}
        try:
            if act == "in":
                made = [stock.stock_in(place=data["place"], kind=K.PURCHASE, **common)]
            elif act == "out":
                extra = {"recipient": data["recipient"]} if data["kind"] == K.ISSUE else {}
                made = [stock.stock_out(place=data["place"], kind=data["kind"], **common, **extra)]
            else:
                made = stock.transfer(source=data["place"], target=data["target"], **common)
        except ValidationError as error:
            attach_errors(form, error)
        else:
            movement = made[0]
            messages.success(request, _("Recorded: %(change)s %(unit)s of %(item)s at %(place)s.") % {
                "change": f"{movement.change:+d}".replace("-", "−"), "unit": movement.item.unit,
                "item": movement.item.name, "place": movement.place.name})
            return redirect(_ledger_url(community))
    return _ledger_page(request, scope, bound=form, status=400)


@require_POST
@reads_view
def movement_reverse(request, scope, pk):
    movement = get_object_or_404(stock_selectors.visible_movements(scope, _read_ids(scope))
                                 .select_related("community"), pk=pk)
    if not scope.runs(movement.community_id):
        raise PermissionDenied
    form = ReverseForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(f"{form[name].label}: {' '.join(errors)}"
                                         for name, errors in form.errors.items()))
        return redirect(_ledger_url(movement.community))
    try:
        made = stock.movement_reverse(scope=scope, user=request.user, movement=movement,
                                      reason=form.cleaned_data["reason"], event_id=form.cleaned_data["event_id"])
    except ValidationError as error:
        messages.error(request, _("Movement #%(n)d was not reversed: %(why)s") % {
            "n": movement.pk, "why": " ".join(error.messages)})
    else:
        messages.success(request, _("Movement #%(n)d was reversed by movement #%(by)d.") % {
            "n": movement.pk, "by": made[0].pk})
    return redirect(_ledger_url(movement.community))


urlpatterns = [
    path("", stock_page, name="stock"),
    path("stock.xlsx", stock_export, name="stock_export"),
    path("items/", item_list, name="items"),
    path("items/<int:community_pk>/add/", item_add, name="item_add"),
    path("items/<int:pk>/edit/", item_edit, name="item_edit"),
    path("movements/", ledger_list, name="ledger"),
    path("movements.xlsx", ledger_export, name="ledger_export"),
    path("movements/<int:community_pk>/add/", movement_add, name="movement_add"),
    path("movements/<int:pk>/reverse/", movement_reverse, name="movement_reverse"),
]
