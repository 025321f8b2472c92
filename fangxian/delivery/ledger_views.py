"""The money ledger's pages, under /delivery/ledger/: the entries and the balances (filters,
Excel), a correction by a reversing entry, an admin paying a courier back, a receipt's photo.

Who: the readers of a community see all of its entries, a grid worker those of their grids'
households, a courier those where they paid or received (ledger_selectors.visible_entries). A
correction is made by who may write the entry, by the courier of their own purchase or by the
receiver of a repayment (ledger_selectors.may_reverse); couriers are paid back by the
community's admins (selectors.runs_delivery)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from fangxian.accounts.selectors import members_of
from fangxian.core.models import AuditEvent
from fangxian.core.paging import paginate
from fangxian.core.scope import Role, scoped_view
from fangxian.core.services import audit_record

from . import ledger, ledger_exports, ledger_selectors, selectors
from .ledger_forms import ReimburseForm, ReverseForm
from .models import LedgerEntry

ledger_view = scoped_view(ledger_selectors.sees_ledger)


def _couriers(community_id: int):
    return members_of(community_id, roles=[Role.DELIVERY_VOLUNTEER])


def _reimbursing(request, scope):
    """The community whose couriers the form pays back (?community= among those the user runs,
    else the first), and all of them; (None, []) for whoever runs none."""
    if not scope.is_admin:
        return None, []
    communities = list(ledger_selectors.reimbursing_communities(scope))
    wanted = str(request.GET.get("community", "")).strip()
    chosen = next((c for c in communities if str(c.pk) == wanted), communities[0] if communities else None)
    return chosen, communities


@ledger_view
def ledger_list(request, scope):
    filters = ledger_selectors.Filters.from_query(request.GET)
    visible = ledger_selectors.visible_entries(scope)
    entries = ledger_selectors.listed(ledger_selectors.filtered(visible, filters))
    page, querystring = paginate(request, entries)
    community, communities = _reimbursing(request, scope)
    reimburse_form = ReimburseForm(couriers=_couriers(community.pk)) if community is not None else None
    return render(request, "delivery/ledger.html", {
        "page": page, "querystring": querystring, "filters": filters, "kinds": LedgerEntry.Kind.choices,
        "balances": ledger_selectors.balance_rows(visible),
        "reversible": ledger_selectors.reversible_ids(scope, list(page)),
        "reverse_form": ReverseForm(), "office": selectors.sees_delivery(scope),
        "community": community, "communities": communities, "reimburse_form": reimburse_form,
    })


@ledger_view
def ledger_export(request, scope):
    filters = ledger_selectors.Filters.from_query(request.GET)
    visible = ledger_selectors.visible_entries(scope)
    entries = ledger_selectors.listed(ledger_selectors.filtered(visible, filters))
    content = ledger_exports.ledger_workbook(entries, ledger_selectors.balance_rows(visible))
    audit_record(actor=request.user, action=AuditEvent.Action.EXPORT, target_type=LedgerEntry._meta.label,
                 detail=("ledger " + request.GET.urlencode())[:200])
    response = HttpResponse(content, content_type=ledger_exports.XLSX)
    response["Content-Disposition"] = f'attachment; filename="ledger-{timezone.localtime():%Y%m%d-%H%M}.xlsx"'
    return response


@require_http_methods(["GET", "POST"])
@ledger_view
def ledger_reverse(request, scope, pk):
    """GET: the confirmation page of a correction; POST: the reversing entry, with its reason."""
    entry = get_object_or_404(ledger_selectors.listed(ledger_selectors.visible_entries(scope)), pk=pk)
    if not ledger_selectors.may_reverse(scope, entry) and not _undoable(entry):
        raise PermissionDenied
    form = ReverseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            reversal = ledger.entry_reverse(scope=scope, user=request.user, entry=entry,
                                            reason=form.cleaned_data["reason"],
                                            event_id=form.cleaned_data["event_id"])
        except ValidationError as error:
            _attach(form, error)
        else:
            messages.success(request, _("Entry #%(entry)d was reversed by entry #%(reversal)d.")
                             % {"entry": entry.pk, "reversal": reversal.pk})
            return redirect("delivery:ledger")
    return render(request, "delivery/ledger_reverse.html", {
        "entry": entry, "form": form, "reversible": ledger_selectors.may_reverse(scope, entry),
        "address": ledger_selectors.address_of(entry.dwelling),
    }, status=400 if request.method == "POST" else 200)


def _undoable(entry: LedgerEntry) -> bool:
    """A reversal, or an entry already reversed: whoever sees it is told why it cannot be, not refused."""
    return entry.kind == LedgerEntry.Kind.REVERSAL or hasattr(entry, "reversal")


def _attach(form, error: ValidationError) -> None:
    """The service's messages beside the form's fields (its `reason` is the form's too)."""
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


@require_http_methods(["GET", "POST"])
@ledger_view
def ledger_reimburse(request, scope, community_pk):
    """An admin paid a courier back what they advanced."""
    community = get_object_or_404(ledger_selectors.reimbursing_communities(scope), pk=community_pk)
    if not selectors.runs_delivery(scope, community.pk):
        raise PermissionDenied
    form = ReimburseForm(request.POST or None, couriers=_couriers(community.pk))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            entry = ledger.reimbursement_record(
                scope=scope, user=request.user, community_id=community.pk, courier=data["courier"],
                amount=data["amount"], method=data["method"], note=data["note"], event_id=data["event_id"])
        except ValidationError as error:
            _attach(form, error)
        else:
            messages.success(request, _("%(courier)s was paid back %(amount)s yuan.")
                             % {"courier": entry.payee.get_username(), "amount": entry.amount})
            return redirect(f"{reverse('delivery:ledger')}?community={community.pk}")
    return render(request, "delivery/ledger_reimburse.html", {
        "community": community, "form": form,
        "owed": [row for row in ledger_selectors.balance_rows(
            ledger_selectors.visible_entries(scope).filter(community=community)).users if row.owed > 0],
    }, status=400 if request.method == "POST" else 200)


@ledger_view
def ledger_receipt(request, scope, pk):
    """The photo of a purchase's receipt, for those who see the entry (never a public media URL)."""
    entry = get_object_or_404(ledger_selectors.visible_entries(scope), pk=pk)
    if not entry.receipt:
        raise Http404
    try:
        handle = entry.receipt.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, content_type=_content_type(entry.receipt.name))
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _content_type(name: str) -> str:
    extension = name.rsplit(".", 1)[-1].lower()
    return {"jpeg": "image/jpeg", "jpg": "image/jpeg", "png": "image/png", "gif": "image/gif",
            "webp": "image/webp"}.get(extension, "application/octet-stream")


urlpatterns = [
    path("ledger/", ledger_list, name="ledger"),
    path("ledger.xlsx", ledger_export, name="ledger_export"),
    path("ledger/<int:pk>/reverse/", ledger_reverse, name="ledger_reverse"),
    path("ledger/<int:community_pk>/reimburse/", ledger_reimburse, name="ledger_reimburse"),
    path("ledger/<int:pk>/receipt/", ledger_receipt, name="ledger_receipt"),
]
