"""Returnees pages: the public self-registration and check-in pages, the risk-area rules, the
review queue, move-in slips and home quarantine. Every staff queryset goes through the
request's scope first; the public pages are reached by a community code or a random token."""

from __future__ import annotations

import datetime as dt
import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fangxian.access.cards import qr_svg
from fangxian.core.forms import attach_errors
from fangxian.core.paging import paginate
from fangxian.core.personal import mask_name
from fangxian.core.public import private_page, rate_limited
from fangxian.core.scope import registry_view
from fangxian.registry.models import Community, Subdistrict

from . import pdfs, quarantine_changes, services
from .forms import (
    BulkReviewForm,
    ChangeForm,
    CheckInForm,
    DecideForm,
    ExtendForm,
    RegistrationForm,
    ReleaseForm,
    ReviewForm,
    RiskAreaForm,
)
from .models import BulkReview, CheckIn, MoveInSlip, Quarantine, QuarantineChange, Registration, RiskArea
from .quarantines import household_of

REGISTRATION_POSTS_PER_HOUR = 20




# -- self-registration (public) ----------------------------------------------------------


def register(request, code):
    community = get_object_or_404(Community, code=code)
    if request.method == "POST":
        form = RegistrationForm(request.POST, community=community)
        if rate_limited(request, "register", REGISTRATION_POSTS_PER_HOUR):
            form.is_valid()
            form.add_error(None, _("Too many registrations from this network: try again in an hour, "
                                   "or ask your grid worker."))
            return private_page(render(request, "returnees/register.html",
                                   {"form": form, "community": community,
                                    "consent_version": services.CONSENT_VERSION}, status=429))
        valid = form.is_valid()  # the room is looked up; the service checks everything else
        if hasattr(form, "cleaned_data"):
            data, companions = form.service_data()
            try:
                registration = services.registration_submit(
                    community=community, data=data, companions=companions, consent=data.get("consent", False))
            except ValidationError as error:
                if not valid and hasattr(error, "error_dict"):  # the building or room field says it already
                    error = ValidationError({k: v for k, v in error.error_dict.items() if k != "dwelling"})
                attach_errors(form, error)
            else:  # valid: the service refuses a registration without a dwelling or arrival date
                return private_page(render(request, "returnees/register_done.html", {
                    "community": community, "registration": registration,
                    "companions": registration.companions.count()}))
    else:
        form = RegistrationForm(community=community)
    return private_page(render(request, "returnees/register.html", {
        "form": form, "community": community, "consent_version": services.CONSENT_VERSION}))


@registry_view
def poster(request, scope, pk):
    community = get_object_or_404(scope.filter(Community.objects.all()), pk=pk)
    url = request.build_absolute_uri(reverse("returnees:register", args=[community.code]))
    response = HttpResponse(pdfs.poster_pdf(community=community, url=url), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="register-{community.code}.pdf"'
    return response


# -- risk areas --------------------------------------------------------------------------


def _writable_subdistrict(scope) -> Subdistrict | None:
    return scope.rule_subdistricts(Subdistrict.objects.order_by("pk")).first()


@registry_view
def area_list(request, scope):
    subdistrict = _writable_subdistrict(scope)
    form = None
    if subdistrict is not None:
        form = RiskAreaForm(request.POST or None, initial={"effective_from": timezone.localdate()})
        if request.method == "POST" and form.is_valid():
            try:
                services.area_set(scope=scope, user=request.user, subdistrict=subdistrict, data=form.cleaned_data)
            except ValidationError as error:
                attach_errors(form, error)
            else:
                messages.success(request, _("Risk area saved."))
                return redirect("returnees:area_list")
    elif request.method == "POST":
        return HttpResponse(status=403)
    today = timezone.localdate()
    areas = scope.filter(RiskArea.objects.select_related("set_by")).order_by(
        "province", "city", "district", "-effective_from", "-pk")
    page, query = paginate(request, areas)
    return render(request, "returnees/area_list.html", {
        "page": page, "query": query, "form": form, "today": today, "subdistrict": subdistrict,
        "communities": _poster_communities(scope),
    })


def _poster_communities(scope) -> list[Community]:
    """The communities whose registration poster the user may print (as the volunteer list
    offers the sign-up poster)."""
    return list(scope.filter(Community.objects.all()).order_by("code")[:50])


# -- review queue ------------------------------------------------------------------------


@registry_view
def queue(request, scope):
    status = request.GET.get("status", Registration.Status.PENDING)
    if status not in Registration.Status.values:
        status = Registration.Status.PENDING
    registrations = scope.filter(
        Registration.objects.filter(status=status).select_related("dwelling__building__estate")
    ).order_by("created_at", "pk")
    page, query = paginate(request, registrations)
    overdue_before = timezone.now() - services.REVIEW_OVERDUE
    visible = scope.filter(Registration.objects.all())
    bulks = scope.filter(BulkReview.objects.filter(status=BulkReview.Status.WAITING).select_related(
        "requested_by").prefetch_related(Prefetch("registrations", queryset=visible, to_attr="visible")))[:20]
    return render(request, "returnees/queue.html", {
        "page": page, "query": query, "status": status, "statuses": Registration.Status.choices,
        "overdue_before": overdue_before, "can_edit": scope.edits_registry, "bulks": bulks,
        "bulk_form": BulkReviewForm(), "communities": _poster_communities(scope),
    })


@require_POST
@registry_view
def bulk_request(request, scope):
    scope.require(scope.edits_registry)
    ids = [int(v) for v in request.POST.getlist("registration") if v.isdigit()][:500]
    registrations = list(scope.filter(Registration.objects.filter(pk__in=ids), for_write=True))
    form = BulkReviewForm(request.POST)
    if len(registrations) != len(set(ids)):
        messages.error(request, _("Some of the ticked registrations are not in your area."))
    elif form.is_valid():
        try:
            services.bulk_review_request(scope=scope, user=request.user, registrations=registrations,
                                         decision=form.cleaned_data["decision"], reason=form.cleaned_data["reason"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Asked for a second approver: nothing changes until they confirm."))
    else:
        messages.error(request, " ".join(f"{form.fields[f].label}: {' '.join(e)}" for f, e in form.errors.items()
                                         if f in form.fields))
    return redirect("returnees:queue")


@require_POST
@registry_view
def bulk_confirm(request, scope, pk):
    bulk = get_object_or_404(scope.filter(BulkReview.objects.all()), pk=pk)
    try:
        services.bulk_review_confirm(scope=scope, user=request.user, bulk=bulk)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Bulk change carried out."))
    return redirect("returnees:queue")


@registry_view
def registration_detail(request, scope, pk):
    registration = get_object_or_404(
        scope.filter(Registration.objects.select_related("dwelling__building__estate", "community", "person",
                                                         "reviewed_by")), pk=pk)
    can_review = registration.status == Registration.Status.PENDING and scope.can_write(registration)
    if registration.status == Registration.Status.PENDING:  # the rules as they stand now
        suggestion = services.registration_suggestion(registration)
        registration.suggested_measure, registration.suggestion_reason = suggestion.measure, suggestion.reason
    form = ReviewForm(initial={"decision": _suggested_decision(registration),
                               "days": services.registration_suggestion_days(registration) or None})
    return _registration_page(request, registration, form if can_review else None)


def _suggested_decision(registration) -> str:
    return {"home_quarantine": services.Decision.HOME_QUARANTINE,
            "central_quarantine": services.Decision.CENTRAL_QUARANTINE}.get(
        registration.suggested_measure, services.Decision.APPROVE)


def _registration_page(request, registration, form, status=200):
    return render(request, "returnees/registration_detail.html", {
        "registration": registration, "form": form,
        "companions": registration.companions.all(),
        "slips": registration.slips.select_related("person"),
        "quarantines": registration.quarantines.select_related("person"),
        "overdue": registration.status == Registration.Status.PENDING
        and registration.created_at < timezone.now() - services.REVIEW_OVERDUE,
    }, status=status)


@require_POST
@registry_view
def registration_review(request, scope, pk):
    registration = get_object_or_404(scope.filter(Registration.objects.select_related("community")), pk=pk)
    if not scope.can_write(registration):
        return HttpResponse(status=403)
    form = ReviewForm(request.POST)
    if form.is_valid():
        try:
            services.registration_review(scope=scope, user=request.user, registration=registration,
                                         decision=form.cleaned_data["decision"], reason=form.cleaned_data["reason"],
                                         days=form.cleaned_data.get("days"))
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("Registration reviewed."))
            return redirect("returnees:registration_detail", pk=registration.pk)
    return _registration_page(request, registration, form, status=400)


# -- move-in slips -----------------------------------------------------------------------


@registry_view
def slip_pdf(request, scope, pk):
    slip = get_object_or_404(scope.filter(MoveInSlip.objects.select_related(
        "person", "registration__community", "registration__dwelling__building__estate")), pk=pk)
    response = HttpResponse(pdfs.slip_pdf(slip=slip, qr_text=services.slip_qr_text(slip)),
                            content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="move-in-{slip.pk}.pdf"'
    return response


def slip_phone(request, code):
    """The move-in slip on the returnee's phone: the link is the key; the name is masked."""
    if len(code) > 64:
        raise Http404
    slip = get_object_or_404(MoveInSlip.objects.select_related(
        "person", "registration__community", "registration__dwelling__building__estate"), code=code)
    return private_page(render(request, "returnees/slip_phone.html", {
        "slip": slip, "name": mask_name(slip.person.name), "dwelling": slip.registration.dwelling,
        "qr": mark_safe(qr_svg(services.slip_qr_text(slip), scale=8)),  # segno's own SVG markup
    }))


# -- home quarantine ---------------------------------------------------------------------


@registry_view
def quarantine_list(request, scope):
    now = timezone.now()
    since = now - dt.timedelta(days=2)
    show = request.GET.get("show", "open")
    quarantines = quarantine_changes.with_pending(scope.filter(Quarantine.objects.select_related(
        "person", "dwelling__building__estate", "dwelling__building__community", "registration")))
    if show in ("open", "pending"):
        quarantines = quarantines.filter(status__in=[Quarantine.Status.ACTIVE, Quarantine.Status.EXTENDED])
    if show == "pending":
        quarantines = quarantines.filter(has_pending=True)
    quarantines = quarantines.prefetch_related(
        Prefetch("checkins", queryset=CheckIn.objects.filter(at__gte=since), to_attr="recent_checkins"))
    page, query = paginate(request, quarantines.order_by("planned_end", "pk"))
    offers = quarantine_changes.rule_offers(list(page))
    for q in page:
        q.rule_offer = None if q.has_pending else offers.get(q.pk)
    rows = [(q, services.missed_slots(q, q.recent_checkins, now) if q.is_open else []) for q in page]
    alerts = scope.filter(CheckIn.objects.filter(alert=True, at__gte=now - dt.timedelta(days=3)).select_related(
        "quarantine__person", "quarantine__dwelling__building"))[:50]
    return render(request, "returnees/quarantine_list.html", {
        "page": page, "rows": rows, "query": query, "alerts": alerts, "show": show,
        "today": timezone.localdate(),
    })


def _quarantine_page(request, scope, quarantine, *, checkin_form=None, release_form=None, extend_form=None,
                     change_form=None, decide_form=None, status=200):
    can_edit = scope.can_write(quarantine)
    pending = quarantine_changes.pending_for(quarantine) if quarantine.is_open else None
    offer = quarantine_changes.rule_offers([quarantine]).get(quarantine.pk) if pending is None else None
    if change_form is None:
        change_form = ChangeForm(initial={"kind": QuarantineChange.Kind.SHORTEN, "new_end": offer.new_end,
                                          "reason": _("New rule: %(days)d days") % {"days": offer.days}}
                                 if offer else None)
    household = household_of(quarantine, open_only=False).exclude(pk=quarantine.pk).select_related("person")
    return render(request, "returnees/quarantine_detail.html", {
        "quarantine": quarantine, "can_edit": can_edit and quarantine.is_open,
        "checkins": quarantine.checkins.select_related("recorded_by")[:60],
        "checkin_form": checkin_form or CheckInForm(initial={"event_id": uuid.uuid4()}),
        "release_form": release_form or ReleaseForm(), "extend_form": extend_form or ExtendForm(),
        "change_form": change_form, "decide_form": decide_form or DecideForm(),
        "pending": pending, "offer": offer, "household": scope.filter(household),
        "decides": quarantine_changes.decides_changes(scope, quarantine),
        "changes": QuarantineChange.objects.filter(quarantine__in=household_of(quarantine, open_only=False))
        .select_related("requested_by", "decided_by")[:20],
        "may_release": timezone.localdate() >= quarantine.planned_end,
        "checkin_url": request.build_absolute_uri(reverse("returnees:checkin", args=[quarantine.checkin_token]))
        if can_edit else "",
        "missed": services.missed_slots(quarantine, list(quarantine.checkins.all()), timezone.now())
        if quarantine.is_open else [],
    }, status=status)


def _quarantine(scope, pk):
    return get_object_or_404(scope.filter(Quarantine.objects.select_related(
        "person", "dwelling__building__estate", "dwelling__building__community", "registration", "released_by")),
        pk=pk)


@registry_view
def quarantine_detail(request, scope, pk):
    return _quarantine_page(request, scope, _quarantine(scope, pk))


def _quarantine_action(request, scope, pk, *, form_class, form_key: str, act, done: str | None):
    """The actions of the quarantine page (check-in, release, extend, ask for a change): the
    form, the service, a message, and the page again with the form's errors when it fails."""
    quarantine = _quarantine(scope, pk)
    if not scope.can_write(quarantine):
        return HttpResponse(status=403)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            act(quarantine, form.cleaned_data)
        except ValidationError as error:
            attach_errors(form, error)
        else:
            if done:
                messages.success(request, done)
            return redirect("returnees:quarantine_detail", pk=pk)
    return _quarantine_page(request, scope, quarantine, status=400, **{form_key: form})


@require_POST
@registry_view
def quarantine_checkin(request, scope, pk):
    return _quarantine_action(
        request, scope, pk, form_class=CheckInForm, form_key="checkin_form", done=_("Check-in recorded."),
        act=lambda quarantine, data: services.checkin_record(
            quarantine=quarantine, temperature=data["temperature"], symptoms=data["symptoms"], note=data["note"],
            user=request.user, scope=scope, event_id=data.get("event_id")),
    )


@require_POST
@registry_view
def quarantine_release(request, scope, pk):
    return _quarantine_action(
        request, scope, pk, form_class=ReleaseForm, form_key="release_form",
        done=_("Released from home quarantine; their passes admit again."),
        act=lambda quarantine, data: services.quarantine_release(
            scope=scope, user=request.user, quarantine=quarantine, reason=data["reason"]),
    )


@require_POST
@registry_view
def quarantine_extend(request, scope, pk):
    return _quarantine_action(
        request, scope, pk, form_class=ExtendForm, form_key="extend_form", done=_("Home quarantine extended."),
        act=lambda quarantine, data: services.quarantine_extend(
            scope=scope, user=request.user, quarantine=quarantine, days=data["days"], reason=data["reason"]),
    )


@require_POST
@registry_view
def quarantine_change(request, scope, pk):
    """Ask for an early release or a shortening; an admin's request is carried out at once."""
    def act(quarantine, data):
        change = quarantine_changes.change_request(scope=scope, user=request.user, quarantine=quarantine,
                                                   kind=data["kind"], new_end=data.get("new_end"),
                                                   reason=data["reason"])
        if change.status == QuarantineChange.Status.APPROVED:
            messages.success(request, _("Change approved and carried out."))
        else:
            messages.success(request, _("Asked for an admin's approval: nothing changes until they approve."))

    return _quarantine_action(request, scope, pk, form_class=ChangeForm, form_key="change_form", act=act, done=None)


@require_POST
@registry_view
def change_decide(request, scope, pk):
    change = get_object_or_404(scope.filter(QuarantineChange.objects.all()), pk=pk)
    quarantine = _quarantine(scope, change.quarantine_id)
    if not quarantine_changes.decides_changes(scope, quarantine):
        return HttpResponse(status=403)
    form = DecideForm(request.POST)
    if form.is_valid():
        approve = form.cleaned_data["decision"] == "approve"
        try:
            quarantine_changes.change_decide(scope=scope, user=request.user, change=change, approve=approve,
                                             note=form.cleaned_data["note"])
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("Change approved and carried out.") if approve else _("Change refused."))
            return redirect("returnees:quarantine_detail", pk=quarantine.pk)
    return _quarantine_page(request, scope, quarantine, decide_form=form, status=400)


@registry_view
def release_pdf(request, scope, pk):
    quarantine = _quarantine(scope, pk)
    response = HttpResponse(pdfs.release_pdf(quarantine=quarantine), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="release-{quarantine.pk}.pdf"'
    return response


def checkin(request, token):
    """The person's own check-in page, reached by the link their grid worker sends."""
    if len(token) > 64:
        raise Http404
    quarantine = get_object_or_404(Quarantine.objects.select_related("person", "dwelling__building__community"),
                                   checkin_token=token)
    done = None
    if request.method == "POST" and quarantine.is_open:
        form = CheckInForm(request.POST)
        if rate_limited(request, "checkin", 60):
            form.is_valid()
            form.add_error(None, _("Too many check-ins from this network: try again later."))
        elif form.is_valid():
            try:
                done = services.checkin_record(quarantine=quarantine, temperature=form.cleaned_data["temperature"],
                                               symptoms=form.cleaned_data["symptoms"],
                                               note=form.cleaned_data["note"],
                                               event_id=form.cleaned_data.get("event_id"))
            except ValidationError as error:
                attach_errors(form, error)
            else:
                form = CheckInForm(initial={"event_id": uuid.uuid4()})
    else:
        form = CheckInForm(initial={"event_id": uuid.uuid4()})
    return private_page(render(request, "returnees/checkin.html", {
        "quarantine": quarantine, "form": form, "done": done, "name": mask_name(quarantine.person.name),
        "recent": quarantine.checkins.all()[:6],
    }))

