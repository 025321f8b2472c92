"""The couriers' pages, under /delivery/: the run sheet 配送单 (on the phone and printed), the
steps a courier takes from it, and the standing assignments of buildings.

Who: a courier sees their own sheet (selectors.courier_tasks); the office (selectors.sees_delivery)
picks a courier of its communities and sees as much of that courier's sheet as it sees of the
tasks, phones masked. A step, a receipt or a repayment is posted with the event_id the page
made, so that a double tap is stored once. The standing assignments are read by the office
and changed by the community's admins (selectors.runs_delivery)."""

from __future__ import annotations

import datetime as dt
import uuid
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from fangxian.core.models import AuditEvent
from fangxian.core.paging import paginate
from fangxian.core.scope import Reach, scoped_view
from fangxian.core.services import audit_object
from fangxian.registry.models import Building, Community
from fangxian.registry.selectors import SEARCH_MAX_LENGTH, clean_search

from . import assignments, ledger, run_sheet, selectors, services
from .models import Task
from .run_forms import AssignmentForm, PurchaseForm, RepaymentForm, StepForm

sheet_view = scoped_view(selectors.sees_run_sheet)
office_view = scoped_view(selectors.sees_delivery)
MAX_DAYS_AWAY = 366
EVENT_FORMS = ("picked_up", "delivered", "failed", "purchase", "repayment")


def parse_day(value) -> dt.date | None:
    """A day from ?day=YYYY-MM-DD within a year of today, else None."""
    try:
        day = dt.date.fromisoformat(str(value or "").strip()[:10])
    except ValueError:
        return None
    return day if abs((day - timezone.localdate()).days) <= MAX_DAYS_AWAY else None


def _sheet_params(data) -> dict:
    """The day and the courier of a sheet, as a query string's dict (for links and redirects)."""
    params = {}
    day = parse_day(data.get("day"))
    if day is not None:
        params["day"] = day.isoformat()
    courier = str(data.get("courier", "")).strip()
    if courier.isdigit() and len(courier) < 19:
        params["courier"] = courier
    return params


def _choose(request, scope):
    """(the courier whose sheet is shown, the couriers the user may pick, the day, whether
    the day asked for was not understood)."""
    asked_day = request.GET.get("day")
    day = parse_day(asked_day)
    bad_day = bool(asked_day) and day is None
    day = day or timezone.localdate()
    wanted = str(request.GET.get("courier", "")).strip()
    if not selectors.sees_delivery(scope):  # a courier: their own sheet, nobody else's
        if wanted and wanted != str(request.user.pk):
            raise Http404
        return request.user, [], day, bad_day
    couriers = list(run_sheet.office_couriers(scope))
    if wanted:
        courier = next((c for c in couriers if str(c.pk) == wanted), None)
        if courier is None and wanted == str(request.user.pk) and selectors.is_courier(scope):
            courier = request.user
        if courier is None:
            raise Http404
    elif selectors.is_courier(scope):
        courier = request.user
    else:
        courier = couriers[0] if couriers else None
    return courier, couriers, day, bad_day


def _rows(scope, request, courier, day):
    if courier is None:
        return []
    return run_sheet.run_rows(run_sheet.sheet_tasks(scope, courier.pk, day), user_id=request.user.pk)


@require_GET
@sheet_view
def run_sheet_page(request, scope):
    courier, couriers, day, bad_day = _choose(request, scope)
    rows = _rows(scope, request, courier, day)
    params = {"day": day.isoformat(), **({"courier": courier.pk} if courier is not None and couriers else {})}
    # Each form's event_id, made now: the same form sent twice (a double tap, a resend) is stored once.
    events = {r.view.task_id: {key: uuid.uuid4() for key in EVENT_FORMS} for r in rows if r.is_mine}
    sheet = [(group, [(row, events.get(row.view.task_id)) for row in group.rows]) for group in run_sheet.grouped(rows)]
    return render(request, "delivery/run_sheet.html", {
        "courier": courier, "couriers": couriers, "day": day, "bad_day": bad_day,
        "today": timezone.localdate(), "is_today": day == timezone.localdate(),
        "previous_day": (day - dt.timedelta(days=1)).isoformat(), "next_day": (day + dt.timedelta(days=1)).isoformat(),
        "sheet": sheet, "count": len(rows), "late": sum(1 for r in rows if r.view.late and r.is_open),
        "open": sum(1 for r in rows if r.is_open),
        "pdf_query": urlencode(params), "office": bool(couriers) or selectors.sees_delivery(scope),
        "methods": RepaymentForm.base_fields["method"].choices,
        "courier_param": courier.pk if courier is not None and couriers else "",
    })


@require_GET
@sheet_view
def run_pdf(request, scope):
    courier, _couriers, day, _bad = _choose(request, scope)
    rows = _rows(scope, request, courier, day)
    name = courier.get_username() if courier is not None else "—"
    response = HttpResponse(run_sheet.run_sheet_pdf(rows, courier_name=name, day=day), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="run-{day:%Y%m%d}.pdf"'
    response["Cache-Control"] = "no-store"
    return response


def _back(request, task: Task) -> HttpResponse:
    query = urlencode(_sheet_params(request.POST))
    return redirect(f"{reverse('delivery:run_sheet')}{'?' + query if query else ''}#task-{task.pk}")


def _workable(scope, task_pk: int) -> Task:
    """The task, if the user sees it (else 404) and may move it on (else 403)."""
    task = get_object_or_404(selectors.visible_tasks(scope).select_related("dwelling__building__estate"), pk=task_pk)
    if not selectors.may_work(scope, task):
        raise PermissionDenied
    return task


def _form_error(request, form) -> None:
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields and form.fields[name].label else ""
        for error in errors:
            messages.error(request, f"{label}: {error}" if label else error)


def _service_error(request, form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, errors in error.message_dict.items():
            field = form.fields.get(name)
            label = field.label if field is not None and field.label else ""
            for message in errors:
                messages.error(request, f"{label}: {message}" if label else message)
    else:
        for message in error.messages:
            messages.error(request, message)


@require_POST
@sheet_view
def run_step(request, scope, task_pk):
    task = _workable(scope, task_pk)
    form = StepForm(request.POST, request.FILES)
    if not form.is_valid():
        _form_error(request, form)
        return _back(request, task)
    data = form.cleaned_data
    try:
        services.task_step(task=task, step=data["step"], user=request.user, scope=scope, event_id=data["event_id"],
                           note=data["note"], contact_free=data["contact_free"],
                           photo=data["photo"] if data["step"] == "delivered" else None)
    except ValidationError as error:
        _service_error(request, form, error)
    else:
        messages.success(request, _("Saved: %(step)s.") % {"step": dict(form.fields["step"].choices)[data["step"]]})
    return _back(request, task)


@require_POST
@sheet_view
def run_purchase(request, scope, task_pk):
    task = _workable(scope, task_pk)
    form = PurchaseForm(request.POST, request.FILES)
    if not form.is_valid():
        _form_error(request, form)
        return _back(request, task)
    try:
        ledger.purchase_record(scope=scope, user=request.user, task=task, amount=form.cleaned_data["amount"],
                               receipt=form.cleaned_data["receipt"], event_id=form.cleaned_data["event_id"])
    except ValidationError as error:
        _service_error(request, form, error)
    else:
        messages.success(request, _("The receipt was recorded."))
    return _back(request, task)


@require_POST
@sheet_view
def run_repayment(request, scope, task_pk):
    task = _workable(scope, task_pk)
    form = RepaymentForm(request.POST)
    if not form.is_valid():
        _form_error(request, form)
        return _back(request, task)
    if task.kind not in run_sheet.PAYABLE_KINDS:
        messages.error(request, _("Only shopping, medicine and other errands are paid for."))
        return _back(request, task)
    try:
        ledger.repayment_record(scope=scope, user=request.user, dwelling=task.dwelling, task=task,
                                amount=form.cleaned_data["amount"], method=form.cleaned_data["method"],
                                payee=request.user, event_id=form.cleaned_data["event_id"])
    except ValidationError as error:
        _service_error(request, form, error)
    else:
        messages.success(request, _("The repayment you received was recorded."))
    return _back(request, task)


@require_POST
@sheet_view
def run_call(request, scope, task_pk):
    """Call the household: only the task's courier, while it is open, when the household
    agreed. The number is never printed on the page; the call is written to the audit log."""
    task = get_object_or_404(selectors.visible_tasks(scope).select_related("dwelling__building"), pk=task_pk)
    if task.courier_id != request.user.pk:
        raise PermissionDenied
    contact, phone = run_sheet.call_number(task, request.user.pk)
    if not phone:
        raise Http404
    audit_object(actor=request.user, action=AuditEvent.Action.VIEW, obj=contact, field="phone",
                 reason="delivery call", detail=f"delivery task {task.pk}")
    # Django's redirects refuse the tel: scheme: the 302 is built by hand.
    response = HttpResponse(status=302)
    response["Location"] = f"tel:{phone}"
    response["Cache-Control"] = "no-store"
    return response


# -- standing assignments -------------------------------------------------------------------


def _community(scope, request):
    communities = scope.communities(Community.objects.order_by("name"), Reach.MEMBER)
    wanted = str(request.GET.get("community", "")).strip()
    chosen = communities.filter(pk=int(wanted)).first() if wanted.isdigit() and len(wanted) < 19 else None
    return chosen or communities.first(), communities


@require_GET
@office_view
def assignment_list(request, scope):
    community, communities = _community(scope, request)
    q = clean_search(request.GET.get("q", ""))[:SEARCH_MAX_LENGTH]
    today = timezone.localdate()
    if community is None:
        buildings = Building.objects.none()
    else:
        buildings = assignments.assignment_buildings(scope, community.pk, q).annotate(waiting=Count(
            "dwellings__delivery_tasks", filter=Q(dwellings__delivery_tasks__day=today,
                                                  dwellings__delivery_tasks__status=Task.Status.REQUESTED,
                                                  dwellings__delivery_tasks__courier__isnull=True)))
    page, querystring = paginate(request, buildings)
    can_run = community is not None and selectors.runs_delivery(scope, community.pk)
    return render(request, "delivery/assignment_list.html", {
        "community": community, "communities": communities, "page": page, "querystring": querystring, "q": q,
        "can_run": can_run, "couriers": list(assignments.couriers_of(community.pk)) if can_run else [],
        "search_max_length": SEARCH_MAX_LENGTH,
    })


@require_POST
@office_view
def assignment_set(request, scope, building_pk):
    building = get_object_or_404(scope.filter(Building.objects.select_related("delivery_assignment")), pk=building_pk)
    if not selectors.runs_delivery(scope, building.community_id):
        raise PermissionDenied
    form = AssignmentForm(request.POST)
    back = {"community": building.community_id}
    for key in ("q", "page"):
        value = clean_search(request.POST.get(key, ""))[:SEARCH_MAX_LENGTH]
        if value:
            back[key] = value
    target = f"{reverse('delivery:assignments')}?{urlencode(back)}#building-{building.pk}"
    if not form.is_valid():
        messages.error(request, _("Courier: %(error)s") % {"error": " ".join(form.errors.get("courier", []))})
        return redirect(target)
    courier_id = form.cleaned_data["courier"]
    has_courier = getattr(building, "delivery_assignment", None) is not None
    if courier_id is None and has_courier and request.POST.get("confirm_remove") != "yes":
        messages.error(request, _("Tick \"Take the courier away\" to confirm: the building's new tasks will go to "
                                  "nobody."))
        return redirect(target)
    try:
        result = assignments.assignment_set(scope=scope, user=request.user, building=building, courier_id=courier_id,
                                            also_today=form.cleaned_data["also_today"])
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, _("Courier: %(error)s") % {"error": message})
        return redirect(target)
    if result.assignment is None:
        messages.success(request, _("Building %(building)s has no standing courier now.") % {"building": building.name})
    else:
        messages.success(request, _("Building %(building)s goes to %(courier)s; %(n)d of today's tasks were given "
                                    "to them.") % {"building": building.name,
                                                   "courier": result.assignment.courier.get_username(),
                                                   "n": result.moved})
    return redirect(target)


urlpatterns = [
    path("run/", run_sheet_page, name="run_sheet"),
    path("run/pdf/", run_pdf, name="run_pdf"),
    path("run/<int:task_pk>/step/", run_step, name="run_step"),
    path("run/<int:task_pk>/purchase/", run_purchase, name="run_purchase"),
    path("run/<int:task_pk>/repayment/", run_repayment, name="run_repayment"),
    path("run/<int:task_pk>/call/", run_call, name="run_call"),
    path("assignments/", assignment_list, name="assignments"),
    path("assignments/<int:building_pk>/", assignment_set, name="assignment_set"),
]
