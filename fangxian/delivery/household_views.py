"""The households of home delivery, under /delivery/households/: the office's list of the
households it serves (in home quarantine, or with an open task) and a household's page (its
profile, its phone link and QR, its tasks, its money; a request entered for it, a
repayment, a new link); and the household's own phone link, /delivery/h/<token>/, opened
without a login.

Who: the lists and pages, whoever sees the office's delivery pages (selectors.sees_delivery),
of the dwellings they see (scope.filter); the writes, whoever may edit the household
(selectors.may_edit_household: its grid's workers and the admins). The link is its own key:
it shows only its household, masked, and takes requests only while the household is in home
quarantine."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fangxian.access.cards import qr_svg
from fangxian.accounts.selectors import members_of
from fangxian.core.forms import attach_errors
from fangxian.core.paging import paginate
from fangxian.core.personal import mask_name
from fangxian.core.public import private_page, rate_limited
from fangxian.core.scope import Role, scoped_view
from fangxian.registry.selectors import SEARCH_MAX_LENGTH

from . import households, ledger, selectors, services
from .household_forms import ConfirmForm, ProfileForm, RepaymentForm, RequestForm
from .models import Task

office_view = scoped_view(selectors.sees_delivery)
LINK_POSTS_PER_HOUR = 30
TASKS_PER_PAGE = 20


def _dwelling(scope, dwelling_pk):
    dwelling = households.visible_dwelling(scope, dwelling_pk)
    if dwelling is None:
        raise Http404
    return dwelling


def _editable(scope, dwelling_pk):
    dwelling = _dwelling(scope, dwelling_pk)
    if not selectors.may_edit_household(scope, dwelling):
        raise PermissionDenied
    return dwelling


def _couriers(dwelling):
    return members_of(dwelling.building.community_id, roles=[Role.DELIVERY_VOLUNTEER])


# -- the office ---------------------------------------------------------------------------------


@office_view
def household_list(request, scope):
    raw = str(request.GET.get("q", ""))
    q = households.search_text(request.GET)
    page, querystring = paginate(request, households.served_dwellings(scope, q=q))
    return render(request, "delivery/household_list.html", {
        "page": page, "rows": households.household_rows(page), "querystring": querystring, "q": q,
        "q_cut": len(raw.strip()) > SEARCH_MAX_LENGTH, "search_max": SEARCH_MAX_LENGTH,
    })


def _detail_page(request, scope, dwelling, *, request_form=None, profile_form=None, repayment_form=None,
                 status=200):
    editable = selectors.may_edit_household(scope, dwelling)
    # The profile (and its link's token) is made by those who hand the link over; readers see it if it exists.
    profile = selectors.household_profile(dwelling) if editable else households.existing_profile(dwelling)
    name, phone = households.masked_contact(dwelling)
    tasks, querystring = paginate(request, households.household_tasks(dwelling), per_page=TASKS_PER_PAGE)
    link = qr = ""
    if editable:
        link = request.build_absolute_uri(reverse("delivery:link", args=[profile.token]))
        qr = mark_safe(qr_svg(link, scale=6))  # segno's own SVG markup; the code holds only the link
    context = {
        "dwelling": dwelling, "building": dwelling.building, "name": name, "phone": phone, "profile": profile,
        "in_quarantine": selectors.in_quarantine(dwelling),
        "quarantined": selectors.quarantined_people([dwelling.pk]).get(dwelling.pk, 0),
        "tasks": tasks, "querystring": querystring, "entries": households.entry_rows(dwelling),
        "balance": households.balance_of(dwelling),
        "editable": editable, "link": link, "qr": qr,
    }
    if editable:
        context.update(
            request_form=request_form or RequestForm(initial={"event_id": households.fresh_event_id()}),
            profile_form=profile_form or ProfileForm(initial={"dietary": profile.dietary,
                                                              "phone_shared": profile.phone_shared}),
            repayment_form=repayment_form or RepaymentForm(couriers=_couriers(dwelling),
                                                           initial={"event_id": households.fresh_event_id()}))
    return render(request, "delivery/household_detail.html", context, status=status)


@office_view
def household_detail(request, scope, dwelling_pk):
    return _detail_page(request, scope, _dwelling(scope, dwelling_pk))


def _back(dwelling):
    return redirect("delivery:household_detail", dwelling.pk)


@require_POST
@office_view
def household_request(request, scope, dwelling_pk):
    dwelling = _editable(scope, dwelling_pk)
    form = RequestForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            task = services.request_make(dwelling=dwelling, kind=data["kind"], items=data["items"],
                                         budget=data["budget"], user=request.user, scope=scope,
                                         source=Task.Source.WORKER, event_id=data["event_id"])
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("The request was recorded: %(kind)s.") % {"kind": task.get_kind_display()})
            return _back(dwelling)
    return _detail_page(request, scope, dwelling, request_form=form, status=400)


@require_POST
@office_view
def household_profile(request, scope, dwelling_pk):
    dwelling = _editable(scope, dwelling_pk)
    form = ProfileForm(request.POST)
    if form.is_valid():
        try:
            households.household_profile_set(dwelling=dwelling, dietary=form.cleaned_data["dietary"],
                                             phone_shared=form.cleaned_data["phone_shared"],
                                             user=request.user, scope=scope)
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("The household's profile was saved."))
            return _back(dwelling)
    return _detail_page(request, scope, dwelling, profile_form=form, status=400)


@require_POST
@office_view
def household_repayment(request, scope, dwelling_pk):
    dwelling = _editable(scope, dwelling_pk)
    form = RepaymentForm(request.POST, couriers=_couriers(dwelling))
    if form.is_valid():
        data = form.cleaned_data
        try:
            entry = ledger.repayment_record(scope=scope, user=request.user, dwelling=dwelling,
                                            amount=data["amount"], method=data["method"],
                                            payee=form.payee_user(request.user), note=data["note"],
                                            event_id=data["event_id"])
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("A repayment of %(amount)s yuan was recorded.") % {"amount": entry.amount})
            return _back(dwelling)
    return _detail_page(request, scope, dwelling, repayment_form=form, status=400)


@require_POST
@office_view
def household_new_link(request, scope, dwelling_pk):
    dwelling = _editable(scope, dwelling_pk)
    households.household_link_renew(scope=scope, user=request.user, dwelling=dwelling)
    messages.success(request, _("The household has a new link: the old one no longer works. Send it the new one."))
    return _back(dwelling)


# -- the household's link -------------------------------------------------------------------------


ASK_KINDS = tuple(kind.value for kind in (Task.Kind.SHOPPING, Task.Kind.MEDICINE, Task.Kind.OTHER, Task.Kind.GARBAGE))


def _asks(request_form) -> dict[str, dict]:
    """What each request form of the link shows: a fresh event id, or the refused form's
    values and messages (its event id kept: nothing was stored under it)."""
    refused = request_form.data.get("kind") if request_form is not None else None
    if request_form is not None and refused not in ASK_KINDS:
        refused = Task.Kind.GARBAGE.value  # a kind the page does not offer: told beside the one-tap button
    asks = {}
    for kind in ASK_KINDS:
        if kind == refused:
            data, errors = request_form.data, request_form.errors
            asks[kind] = {"event_id": data.get("event_id") or households.fresh_event_id(),
                          "items": data.get("items", ""), "budget": data.get("budget", ""), "open": True,
                          "items_errors": errors.get("items"), "budget_errors": errors.get("budget"),
                          "errors": [*request_form.non_field_errors(), *(errors.get("kind") or []),
                                     *(errors.get("event_id") or [])]}
        else:
            asks[kind] = {"event_id": households.fresh_event_id(), "items": "", "budget": "", "open": False}
    return asks


def _link_page(request, profile, *, request_form=None, profile_form=None, status=200):
    dwelling = profile.dwelling
    today = timezone.localdate()
    open_quarantine = selectors.in_quarantine(dwelling)
    contact = selectors.contact_of(dwelling)
    tasks = households.link_tasks(dwelling, today)
    context = {
        "profile": profile, "dwelling": dwelling, "building": dwelling.building, "today": today,
        "name": mask_name(contact.name) if contact is not None else "", "in_quarantine": open_quarantine,
        # (task, its state in words, the event id of its "I received it" button when it may be confirmed)
        "tasks": [(task, households.status_words(task),
                   households.fresh_event_id() if households.confirmable(task) else None) for task in tasks],
        "balance": households.balance_of(dwelling), "receipts": households.receipts_of(dwelling),
        "repayments": households.repayments_of(dwelling),
    }
    if open_quarantine:
        context.update(asks=_asks(request_form), profile_form=profile_form or ProfileForm(
            initial={"dietary": profile.dietary, "phone_shared": profile.phone_shared}))
    return private_page(render(request, "delivery/link.html", context, status=status))


def link(request, token):
    """The household's own page, reached by the link (or the QR) its grid worker gives it."""
    profile = households.household_by_token(token)
    if profile is None:
        raise Http404
    if request.method != "POST":
        return _link_page(request, profile)
    if rate_limited(request, "delivery", LINK_POSTS_PER_HOUR):
        messages.error(request, _("Too many requests from this network: please try again in an hour."))
        return _link_page(request, profile, status=429)
    action = request.POST.get("action", "")
    if action == "confirm":
        return _link_confirm(request, profile)
    if not selectors.in_quarantine(profile.dwelling):
        messages.error(request, _("Your home quarantine has ended: requests are no longer taken here."))
        return _link_page(request, profile, status=400)
    if action == "profile":
        return _link_profile(request, profile)
    return _link_request(request, profile)


def _again(profile):
    return redirect("delivery:link", profile.token)


def _link_request(request, profile):
    form = RequestForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            task = services.request_make(dwelling=profile.dwelling, kind=data["kind"], items=data["items"],
                                         budget=data["budget"], source=Task.Source.HOUSEHOLD,
                                         event_id=data["event_id"])
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("Thank you: your request was received (%(kind)s).")
                             % {"kind": task.get_kind_display()})
            return _again(profile)
    return _link_page(request, profile, request_form=form, status=400)


def _link_profile(request, profile):
    form = ProfileForm(request.POST)
    if form.is_valid():
        try:
            households.household_profile_set(dwelling=profile.dwelling, dietary=form.cleaned_data["dietary"],
                                             phone_shared=form.cleaned_data["phone_shared"])
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("Thank you: your notes were saved."))
            return _again(profile)
    return _link_page(request, profile, profile_form=form, status=400)


def _link_confirm(request, profile):
    form = ConfirmForm(request.POST)
    task = None
    if form.is_valid():
        task = Task.objects.filter(dwelling=profile.dwelling, pk=form.cleaned_data["task"]).first()
    if task is None:
        messages.error(request, _("This delivery is not one of yours."))
        return _link_page(request, profile, status=400)
    try:
        services.task_step(task=task, step="confirmed", user=None, event_id=form.cleaned_data["event_id"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _link_page(request, profile, status=400)
    messages.success(request, _("Thank you: you confirmed that you received it."))
    return _again(profile)


urlpatterns = [
    path("households/", household_list, name="household_list"),
    path("households/<int:dwelling_pk>/", household_detail, name="household_detail"),
    path("households/<int:dwelling_pk>/request/", household_request, name="household_request"),
    path("households/<int:dwelling_pk>/profile/", household_profile, name="household_profile"),
    path("households/<int:dwelling_pk>/repayment/", household_repayment, name="household_repayment"),
    path("households/<int:dwelling_pk>/new-link/", household_new_link, name="household_new_link"),
    path("h/<str:token>/", link, name="link"),
]
