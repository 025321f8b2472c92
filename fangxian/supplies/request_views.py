"""The front line's requests, under /supplies/requests/: a checkpoint volunteer asks, the office
approves (or refuses with a reason) and issues from stock, whole or in parts, the volunteer says
it arrived.

Who: the list is opened by the office, the officers (who read) and checkpoint volunteers (their
checkpoints' requests, with the ask form on top); a request is decided and issued by the admins
of its community, acknowledged and cancelled by whoever may ask for its place
(selectors.asks_for). A refused action shows the service's message and changes nothing."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from fangxian.core.forms import attach_errors
from fangxian.core.notify import notify
from fangxian.core.paging import paginate
from fangxian.core.scope import scoped_view

from . import request_selectors as rs
from . import selectors, services
from .models import Place, SupplyRequest
from .request_forms import AskForm, DecideForm, IssueForm

S = SupplyRequest.Status
requests_view = scoped_view(rs.sees_requests)
OPEN_PER_PAGE = 50


def _ask_form(scope, data=None):
    """The ask form for the places this user may ask for, or None when there are none."""
    places = list(selectors.asking_places(scope).select_related("community"))
    if not places:
        return None
    ids = [p.pk for p in places]
    return AskForm(data, places=Place.objects.filter(pk__in=ids).order_by("name"), items=rs.ask_items(places))


@requests_view
def request_list(request, scope):
    filters = rs.Filters.from_query(request.GET)
    visible = rs.filtered(selectors.visible_requests(scope), filters)
    office = selectors.reads_stock(scope)
    context = {"filters": filters, "office": office, "reads_stock": office, "ask_form": _ask_form(scope),
               "statuses": S.choices, "places": list(rs.filter_places(scope)),
               "long_unmet_hours": selectors.LONG_UNMET_HOURS}
    if office:
        ranked = [(s, rs.waited_text(s.waited_hours), s.request.quantity - s.left)
                  for s in selectors.shortages(visible)]
        open_page = Paginator(ranked, OPEN_PER_PAGE).get_page(request.GET.get("open_page"))
        closed = rs.listed(visible.filter(status__in=rs.CLOSED)).order_by("-asked_at", "-pk")
        page, querystring = paginate(request, closed)
        context.update(open_page=open_page, page=page, querystring=querystring,
                       progress=rs.with_progress(page))
    else:
        mine = rs.front_line_order(rs.listed(visible))
        page, querystring = paginate(request, mine)
        context.update(page=page, querystring=querystring, progress=rs.with_progress(page))
    return render(request, "supplies/request_list.html", context)


@require_http_methods(["GET", "POST"])
@requests_view
def request_add(request, scope):
    """The ask form alone (GET), or the request it makes (POST); errors beside the fields."""
    form = _ask_form(scope, request.POST or None)
    if form is None:
        raise PermissionDenied
    if request.method == "POST":
        wanted = str(request.POST.get("place", "")).strip()
        if wanted.isdigit() and Place.objects.filter(pk=wanted).exists() and not form.fields["place"].queryset.filter(
                pk=wanted).exists():
            raise Http404  # another community's place, or the office store: not for this user to ask for
        if form.is_valid():
            data = form.cleaned_data
            try:
                made = services.request_make(
                    scope=scope, user=request.user, item=data["item"], place=data["place"],
                    quantity=data["quantity"], people=data["people"] or 0, note=data["note"],
                    event_id=data["event_id"])
            except ValidationError as error:
                attach_errors(form, error)
            else:
                messages.success(request, _("Your request for %(quantity)d %(unit)s of %(item)s was sent to the "
                                            "office.") % {"quantity": made.quantity, "unit": made.item.unit,
                                                          "item": made.item.name})
                return redirect("supplies:request_list")
    return render(request, "supplies/request_add.html", {"ask_form": form, "reads_stock": selectors.reads_stock(scope)},
                  status=400 if request.method == "POST" else 200)


def _get(scope, pk) -> SupplyRequest:
    return get_object_or_404(rs.listed(selectors.visible_requests(scope)), pk=pk)


@requests_view
def request_detail(request, scope, pk):
    supply_request = _get(scope, pk)
    progress = rs.with_progress([supply_request])[0]
    context = {"r": supply_request, "progress": progress, "movements": rs.issue_movements(supply_request),
               "reads_stock": selectors.reads_stock(scope), "decides": rs.decides(scope, supply_request),
               "answers": rs.answers_for(scope, supply_request), "decide_form": DecideForm()}
    if context["decides"] and supply_request.status == S.APPROVED:
        sources = rs.issue_sources(supply_request)
        store_level = next((level for place, level in sources if place.kind == Place.Kind.STORE), 0)
        context.update(sources=sources, issue_form=IssueForm(
            sources=Place.objects.filter(pk__in=[p.pk for p, _level in sources]),
            initial={"quantity": max(min(progress.left, store_level), 0) or progress.left}))
    return render(request, "supplies/request_detail.html", context)


FIELD_NAMES = {"quantity": gettext_lazy("Quantity"), "note": gettext_lazy("Reason"), "source": gettext_lazy("From"),
               "place": gettext_lazy("From"), "target": gettext_lazy("From"), "decision": gettext_lazy("Decision")}


def _refused(request, error: ValidationError) -> None:
    """The service's (or the form's) messages, each naming its field."""
    if hasattr(error, "error_dict"):
        for field, texts in error.message_dict.items():
            for text in texts:
                name = FIELD_NAMES.get(field)
                messages.error(request, _("%(field)s: %(message)s") % {"field": name, "message": text}
                               if name else text)
    else:
        for text in error.messages:
            messages.error(request, text)


def _form_errors(form) -> ValidationError:
    return ValidationError({field: list(errors) for field, errors in form.errors.items()})


def _back(supply_request):
    return redirect("supplies:request_detail", supply_request.pk)


@require_POST
@requests_view
def request_decide(request, scope, pk):
    supply_request = _get(scope, pk)
    if not rs.decides(scope, supply_request):
        raise PermissionDenied
    form = DecideForm(request.POST)
    if not form.is_valid():
        _refused(request, _form_errors(form))
        return _back(supply_request)
    approve = form.cleaned_data["decision"] == "approve"
    try:
        services.request_decide(scope=scope, user=request.user, request=supply_request, approve=approve,
                                note=form.cleaned_data["note"])
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(request, _("The request was approved: issue it from stock below.") if approve
                         else _("The request was refused; the checkpoint sees your reason."))
    return _back(supply_request)


@require_POST
@requests_view
def request_issue(request, scope, pk):
    supply_request = _get(scope, pk)
    if not rs.decides(scope, supply_request):
        raise PermissionDenied
    sources = Place.objects.filter(community_id=supply_request.community_id).exclude(pk=supply_request.place_id or 0)
    form = IssueForm(request.POST, sources=sources)
    if not form.is_valid():
        _refused(request, _form_errors(form))
        return _back(supply_request)
    data = form.cleaned_data
    before = rs.with_progress([supply_request])[0].issued
    try:
        issued = services.request_issue(scope=scope, user=request.user, request=supply_request,
                                        quantity=data["quantity"], source=data["source"], event_id=data["event_id"])
    except ValidationError as error:
        _refused(request, error)
        return _back(supply_request)
    progress = rs.with_progress([issued])[0]
    given = progress.issued - before
    if given <= 0:  # the same form sent twice: stored once, told once
        return _back(supply_request)
    values = {"quantity": given, "unit": issued.item.unit, "item": issued.item.name,
              "issued": progress.issued, "asked": issued.quantity}
    messages.success(request, _("%(quantity)d %(unit)s of %(item)s issued (%(issued)d of %(asked)d).") % values)
    requester = issued.place.name if issued.place_id else issued.team.name
    notify("supplies_issued", community=issued.community,
           text=_("Supplies issued to %(requester)s: %(quantity)d %(unit)s of %(item)s (%(issued)d of %(asked)d "
                  "asked). Say when they arrive.") % {**values, "requester": requester},
           url=request.build_absolute_uri(reverse("supplies:request_detail", args=[issued.pk])))
    return _back(supply_request)


@require_POST
@requests_view
def request_acknowledge(request, scope, pk):
    supply_request = _get(scope, pk)
    if not rs.answers_for(scope, supply_request):
        raise PermissionDenied
    try:
        services.request_acknowledge(scope=scope, user=request.user, request=supply_request)
    except ValidationError as error:
        _refused(request, error)
        return _back(supply_request)
    messages.success(request, _("Thank you: the office knows the supplies arrived."))
    return redirect("supplies:request_list") if not selectors.reads_stock(scope) else _back(supply_request)


@require_POST
@requests_view
def request_cancel(request, scope, pk):
    supply_request = _get(scope, pk)
    if not rs.answers_for(scope, supply_request):
        raise PermissionDenied
    try:
        services.request_cancel(scope=scope, user=request.user, request=supply_request)
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(request, _("The request was cancelled."))
    return _back(supply_request)


urlpatterns = [
    path("requests/", request_list, name="request_list"),
    path("requests/new/", request_add, name="request_add"),
    path("requests/<int:pk>/", request_detail, name="request_detail"),
    path("requests/<int:pk>/decide/", request_decide, name="request_decide"),
    path("requests/<int:pk>/issue/", request_issue, name="request_issue"),
    path("requests/<int:pk>/acknowledge/", request_acknowledge, name="request_acknowledge"),
    path("requests/<int:pk>/cancel/", request_cancel, name="request_cancel"),
]
