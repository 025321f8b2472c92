"""The donations pages, under /supplies/donations/: the list (search, donor kind, total value,
Excel), recording a donation, a donation's page with its phone masked and revealed on demand,
the receipt 收据 and the letter of thanks 感谢信 as PDFs.

Who: the office and the officers read the donations of their communities
(selectors.reads_stock, selectors.visible_donations); the office records them
(selectors.runs_supplies, for a community it runs)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from fangxian.core.forms import RevealForm
from fangxian.core.models import AuditEvent
from fangxian.core.paging import paginate
from fangxian.core.personal import mask_phone
from fangxian.core.scope import scoped_view
from fangxian.core.services import audit_object, audit_record, personal_reveal

from . import donation_exports, donation_pdf, donation_selectors, selectors, services
from .donation_forms import DonationForm
from .models import Donation

reader_view = scoped_view(selectors.reads_stock)
office_view = scoped_view(selectors.runs_supplies)


def _donation(scope, pk: int) -> Donation:
    return get_object_or_404(selectors.visible_donations(scope).select_related("community", "received_by"), pk=pk)


@reader_view
def donation_list(request, scope):
    filters = donation_selectors.Filters.from_query(request.GET)
    donations = donation_selectors.listed(scope, filters)
    page, querystring = paginate(request, donations)
    rows = [(donation, donation_selectors.lines_of(donation)) for donation in page]
    return render(request, "supplies/donation_list.html", {
        "page": page, "rows": rows, "querystring": querystring, "filters": filters,
        "kinds": Donation.DonorKind.choices, "total": donation_selectors.total_value(donations),
        "recording": list(donation_selectors.recording_communities(scope)) if selectors.runs_supplies(scope) else [],
        "reads_stock": True,
    })


@reader_view
def donation_export(request, scope):
    filters = donation_selectors.Filters.from_query(request.GET)
    content = donation_exports.donations_workbook(donation_selectors.listed(scope, filters))
    audit_record(actor=request.user, action=AuditEvent.Action.EXPORT, target_type=Donation._meta.label,
                 # Not the search text: it may be a donor's name, and the log keeps nothing personal.
                 detail=f"donations kind={filters.kind or 'all'} search={'yes' if filters.q else 'no'}")
    response = HttpResponse(content, content_type=donation_exports.XLSX)
    response["Content-Disposition"] = f'attachment; filename="donations-{timezone.localtime():%Y%m%d-%H%M}.xlsx"'
    return response


@require_http_methods(["GET", "POST"])
@office_view
def donation_add(request, scope, community_pk):
    community = get_object_or_404(donation_selectors.recording_communities(scope), pk=community_pk)
    items = list(donation_selectors.donation_items(community))
    form = DonationForm(request.POST or None, items=items)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            donation = services.donation_record(
                scope=scope, user=request.user, community=community, donor_kind=data["donor_kind"],
                donor_name=data["donor_name"], donor_phone=data["donor_phone"], naming=data["naming"],
                display_name=data["display_name"], received_on=data["received_on"], value=data["value"],
                note=data["note"], lines=data["lines"], event_id=data["event_id"])
        except ValidationError as error:
            form.attach(error)
        else:
            messages.success(request, _("Donation %(number)s was recorded and its items entered the stock.")
                             % {"number": donation.number})
            return redirect("supplies:donation_detail", pk=donation.pk)
    return render(request, "supplies/donation_form.html", {
        "form": form, "community": community, "items": items, "reads_stock": True,
    }, status=400 if request.method == "POST" else 200)


def _detail(request, scope, donation: Donation, *, revealed: str = "", reveal_form=None, status: int = 200):
    return render(request, "supplies/donation_detail.html", {
        "donation": donation, "lines": donation_selectors.lines_of(donation),
        "phone_masked": mask_phone(donation.donor_phone), "revealed": revealed,
        "reveal_form": reveal_form or RevealForm(initial={"field": "phone"}),
        "donor": donation_pdf.donor_label(donation), "reads_stock": True,
    }, status=status)


@reader_view
def donation_detail(request, scope, pk):
    return _detail(request, scope, _donation(scope, pk))


@require_POST
@reader_view
def donation_reveal(request, scope, pk):
    """The donor's phone in full, on this response only; written to the audit log with the reason."""
    donation = _donation(scope, pk)
    form = RevealForm(request.POST)
    if form.is_valid() and form.cleaned_data["field"] == "phone" and donation.donor_phone:
        try:
            value = personal_reveal(user=request.user, scope=scope, obj=donation, field="donor_phone",
                                    reason=form.cleaned_data["reason"])
        except ValidationError as error:
            form.add_error("reason", error.messages)
        else:
            response = _detail(request, scope, donation, revealed=value, reveal_form=form)
            response["Cache-Control"] = "no-store"
            return response
    elif form.is_valid():
        form.add_error(None, _("This donation has no phone to show."))
    return _detail(request, scope, donation, reveal_form=form, status=400)


def _pdf(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response


@reader_view
def donation_receipt(request, scope, pk):
    donation = _donation(scope, pk)
    content = donation_pdf.receipt_pdf(donation, donation_selectors.lines_of(donation))
    audit_object(actor=request.user, action=AuditEvent.Action.EXPORT, obj=donation, detail="receipt")
    return _pdf(content, f"receipt-{donation.number}.pdf")


@reader_view
def donation_certificate(request, scope, pk):
    donation = _donation(scope, pk)
    content = donation_pdf.certificate_pdf(donation, donation_selectors.lines_of(donation))
    audit_object(actor=request.user, action=AuditEvent.Action.EXPORT, obj=donation, detail="certificate")
    return _pdf(content, f"thanks-{donation.number}.pdf")


urlpatterns = [
    path("donations/", donation_list, name="donation_list"),
    path("donations.xlsx", donation_export, name="donation_export"),
    path("donations/new/<int:community_pk>/", donation_add, name="donation_add"),
    path("donations/<int:pk>/", donation_detail, name="donation_detail"),
    path("donations/<int:pk>/reveal/", donation_reveal, name="donation_reveal"),
    path("donations/<int:pk>/receipt.pdf", donation_receipt, name="donation_receipt"),
    path("donations/<int:pk>/certificate.pdf", donation_certificate, name="donation_certificate"),
]
