"""Incident pages: the list (filters, search, export), the phone-friendly report form, the
detail page with its timeline and the duty officer's actions, and the photo.

Every queryset goes through selectors.visible (the scope, plus one's own incidents); the
writes go through the services, which check the scope again."""

from __future__ import annotations

import io

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from openpyxl import Workbook

from fangxian.core.forms import attach_errors
from fangxian.core.models import AuditEvent
from fangxian.core.paging import paginate
from fangxian.core.scope import scoped_view
from fangxian.core.services import audit_record

from . import selectors, services
from .forms import AssignForm, CloseForm, ReportForm, ReportInForm
from .models import Incident

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXPORT_MAX_ROWS = 100_000


incidents_view = scoped_view(selectors.sees_incidents)


@incidents_view
def incident_list(request, scope):
    filters = selectors.Filters.from_query(request.GET)
    incidents = selectors.filtered(selectors.visible(scope), filters)
    page, querystring = paginate(request, incidents)
    return render(request, "incidents/list.html", {
        "page": page, "querystring": querystring, "filters": filters, "urgencies": Incident.Urgency.choices,
        "can_report": selectors.reporting_communities(scope).exists(),
    })


@incidents_view
def incident_export(request, scope):
    filters = selectors.Filters.from_query(request.GET)
    incidents = selectors.filtered(selectors.visible(scope), filters)
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Incidents"))
    sheet.append([_("Number"), _("Community"), _("Reported at"), _("Urgency"), _("Status"), _("What happened"),
                  _("Where"), _("Reported by"), _("Assigned to"), _("First response"), _("Response time (min)"),
                  _("Closed at"), _("Time to close (min)"), _("Outcome"), _("Note on the outcome")])

    def stamp(value):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""

    def minutes(delta):
        return round(delta.total_seconds() / 60) if delta is not None else None

    for incident in incidents[:EXPORT_MAX_ROWS].iterator(chunk_size=2000):
        sheet.append([
            incident.pk, incident.community.name, stamp(incident.reported_at), incident.get_urgency_display(),
            incident.get_status_display(), incident.title, incident.location,
            incident.reported_by.get_username() if incident.reported_by else "", incident.assignee_label,
            stamp(incident.first_response_at), minutes(incident.response_time), stamp(incident.closed_at),
            minutes(incident.closure_time), incident.get_outcome_display() if incident.outcome else "",
            incident.outcome_note,
        ])
    buffer = io.BytesIO()
    book.save(buffer)
    audit_record(actor=request.user, action=AuditEvent.Action.EXPORT, target_type="incidents.Incident",
                 detail=request.GET.urlencode()[:200])
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = (
        f'attachment; filename="incidents-{timezone.localtime():%Y%m%d-%H%M}.xlsx"')
    return response


@incidents_view
def incident_create(request, scope):
    communities = selectors.reporting_communities(scope).order_by("name")
    if not communities.exists():
        raise PermissionDenied
    form = ReportForm(request.POST or None, request.FILES or None, communities=communities)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            incident = services.incident_report(
                scope=scope, user=request.user, community=data["community"], title=data["title"],
                location=data["location"], urgency=data["urgency"], description=data["description"],
                estate=data["estate"], building=data["building"], photo=data["photo"] or None)
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("The incident was reported: the duty officer has been told."))
            return redirect("incidents:detail", pk=incident.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "incidents/report.html", {"form": form}, status=status)


def _detail_page(request, scope, incident, *, assign_form=None, report_form=None, close_form=None, status=200):
    may_manage = scope.can_write(incident) and incident.is_open
    context = {
        "incident": incident,
        "updates": incident.updates.select_related("author"),
        "may_manage": may_manage,
        "may_report_in": services.may_report_in(scope, incident),
        "response_time": selectors.duration_text(incident.response_time),
        "closure_time": selectors.duration_text(incident.closure_time),
        "report_form": report_form or ReportInForm(),
        "departments": selectors.DEPARTMENTS,
    }
    if may_manage:
        context["assign_form"] = assign_form or AssignForm(
            people=selectors.assignees(incident.community_id),
            initial={"assignee": incident.assigned_to_id, "department": incident.department})
        context["close_form"] = close_form or CloseForm()
    return render(request, "incidents/detail.html", context, status=status)


def _incident(scope, pk) -> Incident:
    queryset = Incident.objects.select_related("community", "estate", "building", "reported_by", "assigned_to",
                                               "closed_by")
    return get_object_or_404(selectors.visible(scope, queryset), pk=pk)


@incidents_view
def incident_detail(request, scope, pk):
    return _detail_page(request, scope, _incident(scope, pk))


@require_POST
@incidents_view
def incident_assign(request, scope, pk):
    incident = _incident(scope, pk)
    if not scope.can_write(incident):
        raise PermissionDenied
    form = AssignForm(request.POST, people=selectors.assignees(incident.community_id))
    if form.is_valid():
        try:
            services.incident_assign(scope=scope, user=request.user, incident=incident,
                                     assignee=form.cleaned_data["assignee"],
                                     department=form.cleaned_data["department"], note=form.cleaned_data["note"])
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("The incident was assigned."))
            return redirect("incidents:detail", pk=incident.pk)
    return _detail_page(request, scope, incident, assign_form=form, status=400)


@require_POST
@incidents_view
def incident_report_in(request, scope, pk):
    incident = _incident(scope, pk)
    if incident.is_open and not services.may_report_in(scope, incident):
        raise PermissionDenied
    form = ReportInForm(request.POST)
    if form.is_valid():
        try:
            services.incident_report_in(scope=scope, user=request.user, incident=incident,
                                        note=form.cleaned_data["note"])
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("Your report-in was added."))
            return redirect("incidents:detail", pk=incident.pk)
    return _detail_page(request, scope, incident, report_form=form, status=400)


@require_POST
@incidents_view
def incident_close(request, scope, pk):
    incident = _incident(scope, pk)
    if not scope.can_write(incident):
        raise PermissionDenied
    form = CloseForm(request.POST)
    if form.is_valid():
        try:
            services.incident_close(scope=scope, user=request.user, incident=incident,
                                    outcome=form.cleaned_data["outcome"], note=form.cleaned_data["note"])
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("The incident was closed."))
            return redirect("incidents:detail", pk=incident.pk)
    return _detail_page(request, scope, incident, close_form=form, status=400)


@incidents_view
def incident_photo(request, scope, pk):
    incident = _incident(scope, pk)
    if not incident.photo:
        raise Http404
    try:
        handle = incident.photo.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    extension = incident.photo.name.rsplit(".", 1)[-1].lower()
    content_type = {"jpeg": "image/jpeg", "png": "image/png", "gif": "image/gif"}.get(
        extension, "application/octet-stream")
    response = FileResponse(handle, content_type=content_type)
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response



