"""Pages of closed management: checkpoints and their readiness, passes and their cards, the
passage log and its chart, refusals, fever alerts, rules and signing keys.

Who sees what (selectors.sees_access / sees_passes / edits_access): community admins and
superusers everything of their communities; subdistrict officers read; grid workers read
the passes of their grids' people; checkpoint volunteers only the console; delivery
volunteers nothing. Every queryset goes through the request's scope first.
"""

from __future__ import annotations

import datetime as dt
import io

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from openpyxl import Workbook

from fangxian.accounts.selectors import members_of
from fangxian.core.forms import NamedLengthLimits, attach_errors
from fangxian.core.models import AuditEvent
from fangxian.core.paging import paginate
from fangxian.core.scope import Reach, Role, scoped_view
from fangxian.core.services import audit_object, audit_record
from fangxian.registry.models import Building, Community, Entrance, Estate, Person

from . import cards, selectors, services
from .models import (
    READINESS_ITEMS,
    RULE_DEFAULTS,
    Checkpoint,
    FeverAlert,
    Pass,
    ReadinessCheck,
    Rule,
    RuleKey,
    Scan,
    SigningKey,
    Verdict,
)
from .reason_labels import console_reason_text, scan_reason_text, server_reason_label

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXPORT_MAX_ROWS = 100_000




access_view = scoped_view(selectors.sees_access)  # admins, officers, superusers
passes_view = scoped_view(selectors.sees_passes)  # and grid workers
admin_view = scoped_view(selectors.edits_access)  # admins and superusers


def _writable(scope, queryset):
    return scope.filter(queryset, for_write=True)


def _run_communities(scope):
    """The communities the user runs (every one for a superuser): rules and keys are theirs."""
    return scope.communities(Community.objects.all(), Reach.RUN)


def _day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    start = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
    return start, start + dt.timedelta(days=1)


# -- checkpoints ------------------------------------------------------------------------


class CheckpointForm(NamedLengthLimits, forms.Form):
    entrance = forms.ModelChoiceField(queryset=Entrance.objects.none(), label=gettext_lazy("Entrance"),
                                      required=False)
    estate = forms.ModelChoiceField(queryset=Estate.objects.none(), label=gettext_lazy("Estate of the new entrance"),
                                    required=False)
    entrance_name = forms.CharField(label=gettext_lazy("New entrance"), max_length=60, required=False,
                                    help_text=gettext_lazy("For example: North gate. Only when it is not in the list."))
    name = forms.CharField(label=gettext_lazy("Name"), max_length=60, required=False,
                           help_text=gettext_lazy("Left blank: the estate and the entrance."))
    all_day = forms.BooleanField(label=gettext_lazy("Open 24 hours"), required=False, initial=True)
    opens_at = forms.TimeField(label=gettext_lazy("Opens at"), required=False,
                               widget=forms.TimeInput(attrs={"type": "time"}))
    closes_at = forms.TimeField(label=gettext_lazy("Closes at"), required=False,
                                widget=forms.TimeInput(attrs={"type": "time"}))

    def __init__(self, *args, entrances, estates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["entrance"].queryset = entrances
        self.fields["estate"].queryset = estates


@access_view
def checkpoint_list(request, scope):
    today = timezone.localdate()
    start, end = _day_bounds(today)
    checkpoints = (
        scope.filter(Checkpoint.objects.select_related("entrance__estate", "community"))
        .prefetch_related(Prefetch("readiness", queryset=ReadinessCheck.objects.filter(date=today)
                                   .select_related("checked_by"), to_attr="today_checks"))
        .order_by("community__code", "name", "pk")
    )
    page, querystring = paginate(request, checkpoints)
    ids = [c.pk for c in page]
    counts: dict[int, dict[str, int]] = {}
    for checkpoint_id, direction, n in (
        Scan.objects.filter(checkpoint_id__in=ids, occurred_at__gte=start, occurred_at__lt=end)
        .exclude(kind=Scan.Kind.REFUSAL).order_by().values_list("checkpoint_id", "direction").annotate(n=Count("pk"))
    ):
        counts.setdefault(checkpoint_id, {})[direction] = n
    refusals = dict(
        Scan.objects.filter(checkpoint_id__in=ids, occurred_at__gte=start, occurred_at__lt=end,
                            kind=Scan.Kind.REFUSAL).order_by().values_list("checkpoint_id").annotate(n=Count("pk")))
    rows = []
    for checkpoint in page:
        check = checkpoint.today_checks[0] if checkpoint.today_checks else None
        rows.append({
            "checkpoint": checkpoint, "check": check,
            "ticked": set(check.items) if check else set(),
            "in": counts.get(checkpoint.pk, {}).get("in", 0), "out": counts.get(checkpoint.pk, {}).get("out", 0),
            "refusals": refusals.get(checkpoint.pk, 0),
            "can_edit": scope.runs(checkpoint.community_id),
        })
    return render(request, "access/checkpoint_list.html", {
        "page": page, "rows": rows, "querystring": querystring, "today": today, "items": READINESS_ITEMS,
        "can_edit": selectors.edits_access(scope),
    })


@admin_view
def checkpoint_create(request, scope):
    entrances = (
        _writable(scope, Entrance.objects.select_related("estate"))
        .filter(checkpoint__isnull=True).order_by("estate__name", "name")
    )
    estates = _writable(scope, Estate.objects.all()).order_by("name")
    form = CheckpointForm(request.POST or None, entrances=entrances, estates=estates)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            checkpoint = services.checkpoint_create(
                entrance=data["entrance"], user=request.user, name=data["name"], all_day=data["all_day"],
                opens_at=data["opens_at"], closes_at=data["closes_at"],
                estate=data["estate"], entrance_name=data["entrance_name"])
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("Checkpoint %(name)s was set up.") % {"name": checkpoint.name})
            return redirect("access:checkpoint_list")
    return render(request, "access/checkpoint_form.html", {
        "form": form, "free_entrances": entrances.exists(), "has_estates": estates.exists(),
    })


@admin_view
def readiness_tick(request, scope, pk):
    checkpoint = get_object_or_404(_writable(scope, Checkpoint.objects.select_related("entrance__estate")), pk=pk)
    today = timezone.localdate()
    if request.method == "POST":
        try:
            services.readiness_tick(checkpoint=checkpoint, items=request.POST.getlist("items"), user=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Today's checklist of %(name)s was saved.") % {"name": checkpoint.name})
            return redirect("access:checkpoint_list")
    check = ReadinessCheck.objects.filter(checkpoint=checkpoint, date=today).first()
    return render(request, "access/readiness_form.html", {
        "checkpoint": checkpoint, "check": check, "ticked": set(check.items) if check else set(),
        "items": READINESS_ITEMS, "today": today,
    })


# -- passes ---------------------------------------------------------------------------


@passes_view
def pass_list(request, scope):
    filters = selectors.PassFilters.from_query(request.GET)
    passes = selectors.passes_filtered(scope.filter(Pass.objects.all()), filters)
    person = request.GET.get("person", "")
    if person.isdigit() and len(person) < 19:
        passes = passes.filter(person_id=int(person))
    page, querystring = paginate(request, passes)
    return render(request, "access/pass_list.html", {
        "page": page, "querystring": querystring, "filters": filters, "person": person,
        "estates": scope.filter(Estate.objects.all()).order_by("name"), "kinds": Pass.Kind.choices,
        "states": [("valid", _("Valid")), ("revoked", _("Revoked")), ("expired", _("Expired"))],
        "can_print": selectors.edits_access(scope),
    })


class RevokeForm(forms.Form):
    reason = forms.ChoiceField(label=gettext_lazy("Reason"),
                               choices=[c for c in Pass.RevokeReason.choices if c[0] != Pass.RevokeReason.REISSUED])
    note = forms.CharField(label=gettext_lazy("Note"), max_length=200, required=False)


@passes_view
def pass_detail(request, scope, pk):
    pass_ = get_object_or_404(
        scope.filter(Pass.objects.select_related("person__dwelling__building", "estate", "community", "issued_by",
                                                 "replaced_by")), pk=pk)
    can_edit = scope.can_write(pass_)
    qr = None
    if pass_.status == "valid":
        qr = mark_safe(cards.qr_svg(services.pass_qr_text(pass_), scale=5))  # segno's own SVG markup
    replaces = scope.filter(Pass.objects.filter(replaced_by=pass_)).first()
    return render(request, "access/pass_detail.html", {
        "pass": pass_, "can_edit": can_edit, "qr": qr, "revoke_form": RevokeForm(), "replaces": replaces,
        "phone_url": request.build_absolute_uri(reverse("access:pass_phone", args=[pass_.phone_token])),
        "scans": scope.filter(Scan.objects.filter(pass_obj=pass_).select_related("checkpoint"))[:20]
        if selectors.sees_access(scope) else [],
    })


@require_POST
@admin_view
def pass_revoke(request, scope, pk):
    pass_ = get_object_or_404(_writable(scope, Pass.objects.all()), pk=pk)
    form = RevokeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose why the pass is revoked."))
        return redirect("access:pass_detail", pk=pass_.pk)
    try:
        services.pass_revoke(pass_=pass_, reason=form.cleaned_data["reason"], note=form.cleaned_data["note"],
                             user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The pass was revoked. Checkpoints refuse it from their next update."))
    return redirect("access:pass_detail", pk=pass_.pk)


@require_POST
@admin_view
def pass_reissue(request, scope, pk):
    pass_ = get_object_or_404(_writable(scope, Pass.objects.select_related("person", "estate")), pk=pk)
    try:
        new = services.pass_reissue(pass_=pass_, user=request.user, note=request.POST.get("note", ""))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("access:pass_detail", pk=pass_.pk)
    messages.success(request, _("A new pass was issued; the old one is revoked."))
    return redirect("access:pass_detail", pk=new.pk)


class IssueForm(forms.Form):
    estate = forms.ModelChoiceField(queryset=Estate.objects.none(), label=gettext_lazy("Estate"), empty_label=None)
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=Pass.Kind.choices)
    valid_until = forms.DateTimeField(
        label=gettext_lazy("Valid until"), required=False,
        help_text=gettext_lazy("Left blank: the validity the rules give (a visitor's pass is short)."),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )

    def __init__(self, *args, estates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["estate"].queryset = estates


@admin_view
def pass_issue(request, scope, pk):
    person = get_object_or_404(
        _writable(scope, Person.objects.select_related("dwelling__building__estate", "community")), pk=pk)
    scope.require(scope.runs(person.community_id))
    estates = Estate.objects.filter(community_id=person.community_id).order_by("name")
    initial = {"kind": services.pass_kind_for(person),
               "estate": person.dwelling.building.estate if person.dwelling else None}
    form = IssueForm(request.POST or None, estates=estates, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            new = services.pass_issue(person=person, estate=data["estate"], kind=data["kind"], user=request.user,
                                      valid_until=data["valid_until"])
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("The pass was issued."))
            return redirect("access:pass_detail", pk=new.pk)
    passes = scope.filter(Pass.objects.filter(person=person).select_related("estate")).order_by("-issued_at")[:20]
    return render(request, "access/pass_issue.html", {"person": person, "form": form, "passes": passes})


@admin_view
def building_passes(request, scope, pk):
    building = get_object_or_404(_writable(scope, Building.objects.select_related("estate", "community")), pk=pk)
    if request.method == "POST":
        result = services.passes_issue_for_building(building=building, user=request.user)
        messages.success(request, _(
            "%(issued)d passes were issued; %(had)d people already had one; %(away)d are not in the building "
            "(sealed, not yet returned or in home quarantine).") % {
            "issued": result["issued"], "had": result["had_valid"], "away": result["not_present"]})
        return redirect("access:building_passes", pk=building.pk)
    # Each registered person falls in exactly one of four figures, in this order, so that they
    # add up to the people registered: a valid pass; held back by a home quarantine (a pass
    # suspended, or a dwelling in quarantine); away (sealed, not yet returned); no valid pass.
    now = timezone.now()
    people = list(scope.filter(Person.objects.filter(dwelling__building=building)).values_list(
        "pk", "dwelling__status"))
    passes = scope.filter(Pass.objects.filter(person__dwelling__building=building, estate_id=building.estate_id))
    valid = passes.valid_at(now)
    admitted = set(valid.values_list("person_id", flat=True))
    held = set(passes.suspended_at_moment(now).values_list("person_id", flat=True))
    figures = {"with_pass": 0, "held": 0, "not_present": 0, "no_pass": 0}
    for person_id, status in people:
        if person_id in admitted:
            figures["with_pass"] += 1
        elif person_id in held or status == "quarantine":
            figures["held"] += 1
        elif status != "occupied":
            figures["not_present"] += 1
        else:
            figures["no_pass"] += 1
    return render(request, "access/building_passes.html", {
        "building": building, "people": len(people), **figures, "valid_passes": valid.count(),
    })


def _pdf_response(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response


CARD_PASSES = Pass.objects.select_related("person__dwelling__building", "estate", "community")


@admin_view
def building_cards(request, scope, pk):
    building = get_object_or_404(_writable(scope, Building.objects.select_related("estate")), pk=pk)
    passes = list(_writable(scope, CARD_PASSES.valid_now().filter(person__dwelling__building=building,
                                                                   estate_id=building.estate_id))
                  .order_by("person__dwelling__room", "person__name", "pk"))
    audit_object(actor=request.user, action=AuditEvent.Action.EXPORT, obj=building,
                 detail=f"{len(passes)} pass cards")
    return _pdf_response(cards.cards_pdf(passes, title=str(building)), f"passes-building-{building.pk}.pdf")


@admin_view
def pass_cards(request, scope):
    ids = [int(value) for value in request.GET.getlist("pass") if value.isdigit() and len(value) < 19][:500]
    passes = list(_writable(scope, CARD_PASSES.valid_now().filter(pk__in=ids))
                  .order_by("estate__name", "person__dwelling__building__name", "person__dwelling__room", "pk"))
    if not passes:
        messages.error(request, _("Tick the valid passes to print first."))
        return redirect("access:pass_list")
    audit_record(actor=request.user, action=AuditEvent.Action.EXPORT, target_type="access.Pass",
                 community_id=passes[0].community_id, detail=f"{len(passes)} pass cards")
    return _pdf_response(cards.cards_pdf(passes, title=_("Passes")), "passes.pdf")


@never_cache
def pass_phone(request, token):
    """The pass on the holder's phone, reached by the link a grid worker sends: no login, the
    unguessable token is the key. Shows only the masked name."""
    if len(token) > 64:
        raise Http404
    pass_ = get_object_or_404(Pass.objects.select_related("person__dwelling__building", "estate", "community"),
                              phone_token=token)
    status = pass_.status
    qr = mark_safe(cards.qr_svg(services.pass_qr_text(pass_), scale=10)) if status == "valid" else None
    response = render(request, "access/pass_phone.html", {
        "pass": pass_, "lines": cards.card_lines(pass_), "qr": qr, "status": status,
    })
    response["X-Robots-Tag"] = "noindex"
    response["Referrer-Policy"] = "no-referrer"
    return response


# -- passages, refusals ---------------------------------------------------------------


def _scan_page_context(request, scope, scans):
    filters = selectors.ScanFilters.from_query(request.GET)
    return filters, selectors.scans_filtered(scans, filters)


@access_view
def passage_list(request, scope):
    scans = scope.filter(Scan.objects.all())
    filters, filtered = _scan_page_context(request, scope, scans)
    page, querystring = paginate(request, filtered)
    for scan in page:
        scan.reason_text = scan_reason_text(scan)
    chart_day = filters.date or timezone.localdate()
    chart_scans = scans.filter(checkpoint_id=filters.checkpoint) if filters.checkpoint else scans
    return render(request, "access/passage_list.html", {
        "page": page, "querystring": querystring, "filters": filters,
        "checkpoints": scope.filter(Checkpoint.objects.all()).order_by("name"),
        "directions": Scan.Direction.choices, "verdicts": Verdict.choices,
        "chart": selectors.passages_per_hour(chart_scans, chart_day), "chart_day": chart_day,
    })


@access_view
def passage_export(request, scope):
    filters, scans = _scan_page_context(request, scope, scope.filter(Scan.objects.all()))
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Passages"))
    sheet.append([_("Time"), _("Checkpoint"), _("Kind"), _("Direction"), _("Pass"), _("Person"),
                  _("Temperature"), _("Device verdict"), _("Server verdict"), _("Server check"), _("Disagreement"),
                  _("Reason"), _("Visitor"), _("Visitor mobile"), _("Device")])
    labels = dict(Verdict.choices)
    for scan in scans[:EXPORT_MAX_ROWS].iterator(chunk_size=2000):
        person = scan.person or (scan.pass_obj.person if scan.pass_obj else None)
        sheet.append([
            timezone.localtime(scan.occurred_at).strftime("%Y-%m-%d %H:%M:%S"), scan.checkpoint.name,
            scan.get_kind_display(), scan.get_direction_display(), scan.pass_obj_id or "",
            person.name if person else "", float(scan.temperature) if scan.temperature is not None else None,
            str(labels.get(scan.device_verdict, "")), str(labels.get(scan.server_verdict, "")),
            server_reason_label(scan.server_reason),
            _("yes") if scan.disagreement else "", console_reason_text(scan), scan.visitor_name,
            scan.visitor_phone_masked,
            scan.device_id,
        ])
    buffer = io.BytesIO()
    book.save(buffer)
    audit_record(actor=request.user, action=AuditEvent.Action.EXPORT, target_type="access.Scan",
                 detail=request.GET.urlencode()[:200])
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="passages-{stamp}.xlsx"'
    return response


@access_view
def refusal_list(request, scope):
    scans = scope.filter(Scan.objects.filter(kind=Scan.Kind.REFUSAL))
    filters, filtered = _scan_page_context(request, scope, scans)
    page, querystring = paginate(request, filtered)
    return render(request, "access/refusal_list.html", {
        "page": page, "querystring": querystring, "filters": filters,
        "checkpoints": scope.filter(Checkpoint.objects.all()).order_by("name"),
    })


# -- fever alerts ---------------------------------------------------------------------


class CloseForm(forms.Form):
    outcome = forms.ChoiceField(label=gettext_lazy("Outcome"), choices=FeverAlert.Outcome.choices)
    note = forms.CharField(label=gettext_lazy("Note"), max_length=200, required=False)


def _assignees(community_ids):
    """Who an alert can be given to: the community's admins and grid workers."""
    return members_of(community_ids, roles=[Role.COMMUNITY_ADMIN, Role.GRID_WORKER])


@access_view
def fever_alert_list(request, scope):
    state = request.GET.get("state", "open")
    alerts = scope.filter(FeverAlert.objects.select_related(
        "checkpoint", "assigned_to", "closed_by", "scan__pass_obj__person__dwelling__building", "scan__person",
        "person__dwelling__building"))
    if state == "open":
        alerts = alerts.filter(closed_at__isnull=True)
    elif state == "closed":
        alerts = alerts.filter(closed_at__isnull=False)
    else:
        state = "all"
    page, querystring = paginate(request, alerts.order_by("-raised_at", "-pk"))
    can_edit = selectors.edits_access(scope)
    # The alerts of this page the user may act on, and who in their communities may take them.
    editable = {a.pk for a in page if scope.runs(a.community_id)}
    communities = {a.community_id for a in page if a.pk in editable}
    highlight = request.GET.get("alert", "")
    return render(request, "access/fever_alert_list.html", {
        "page": page, "querystring": querystring, "state": state, "can_edit": can_edit,
        "assignees": list(_assignees(communities)) if can_edit else [], "close_form": CloseForm(),
        "highlight": int(highlight) if highlight.isdigit() and len(highlight) < 19 else None,
        "editable": editable,
    })


def _alert_for_write(scope, pk):
    return get_object_or_404(_writable(scope, FeverAlert.objects.select_related("checkpoint")), pk=pk)


@require_POST
@admin_view
def fever_alert_assign(request, scope, pk):
    alert = _alert_for_write(scope, pk)
    wanted = request.POST.get("assignee", "")
    assignee = request.user if wanted in ("", "me") else _assignees([alert.community_id]).filter(
        pk=int(wanted) if wanted.isdigit() and len(wanted) < 19 else 0).first()
    if assignee is None:
        messages.error(request, _("Choose someone of this community."))
    else:
        try:
            services.fever_alert_assign(alert=alert, assignee=assignee, user=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The alert was assigned to %(user)s.") % {"user": assignee.get_username()})
    return redirect(reverse("access:fever_alert_list") + f"?alert={alert.pk}")


@require_POST
@admin_view
def fever_alert_close(request, scope, pk):
    alert = _alert_for_write(scope, pk)
    form = CloseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose the outcome of the follow-up."))
    else:
        try:
            services.fever_alert_close(alert=alert, outcome=form.cleaned_data["outcome"],
                                       note=form.cleaned_data["note"], user=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The alert was closed."))
    return redirect(reverse("access:fever_alert_list") + f"?alert={alert.pk}")


# -- rules and keys -------------------------------------------------------------------


class RuleForm(forms.Form):
    community = forms.ModelChoiceField(queryset=Community.objects.none(), label=gettext_lazy("Community"),
                                       required=False)
    key = forms.ChoiceField(label=gettext_lazy("Rule"), choices=RuleKey.choices)
    value = forms.CharField(label=gettext_lazy("Value"), max_length=20)
    effective_from = forms.DateTimeField(
        label=gettext_lazy("In force from"), required=False, help_text=gettext_lazy("Left blank: now."),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"))

    def __init__(self, *args, communities, superuser: bool, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["community"]
        field.queryset = communities
        if superuser:
            field.empty_label = _("Every community")
        else:
            field.required = True
            field.empty_label = None


@admin_view
def rule_list(request, scope):
    communities = _run_communities(scope).order_by("code")
    form = RuleForm(request.POST or None, communities=communities, superuser=scope.is_superuser)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.rule_set(user=request.user, community=data["community"], key=data["key"], value=data["value"],
                              effective_from=data["effective_from"])
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("The rule was saved."))
            return redirect("access:rule_list")
    rules = Rule.objects.filter(Q(community__in=communities) | Q(community__isnull=True)).select_related(
        "community", "set_by").order_by("-effective_from", "-pk")
    page, querystring = paginate(request, rules)
    in_force = []
    now = timezone.now()
    for community in communities[:20]:
        in_force.append({"community": community, "values": [
            (label, services.rule_value(key, community, now)) for key, label in RuleKey.choices]})
    return render(request, "access/rule_list.html", {
        "page": page, "querystring": querystring, "form": form, "in_force": in_force,
        "defaults": [(label, RULE_DEFAULTS[RuleKey(key)]) for key, label in RuleKey.choices],
    })


@admin_view
def key_list(request, scope):
    keys = scope.filter(SigningKey.objects.select_related("community"), for_write=True).order_by(
        "community__code", "-valid_from", "-pk")
    page, querystring = paginate(request, keys)
    now = timezone.now()
    rows = [{"key": key, "state": _key_state(key, now)} for key in page]
    return render(request, "access/key_list.html", {
        "page": page, "rows": rows, "querystring": querystring,
        "communities": _run_communities(scope).order_by("code")[:50],
    })


def _key_state(key: SigningKey, now) -> str:
    if key.retire_after is not None and key.retire_after <= now:
        return _("Retired")
    if key.retire_after is not None:
        return _("Verifies only")
    if key.valid_from > now:
        return _("Not yet in use")
    return _("Signs")


@require_POST
@admin_view
def key_rotate(request, scope, pk):
    community = get_object_or_404(_run_communities(scope), pk=pk)
    # A leaked key must stop verifying at once; otherwise the old one overlaps (the rule).
    overlap = dt.timedelta(0) if request.POST.get("compromised") == "1" else None
    key = services.signing_key_rotate(community=community, user=request.user, overlap=overlap)
    messages.success(request, _("A new key (%(kid)s) signs from now on. Print new cards before the old key retires.")
                     % {"kid": key.kid_hex})
    return redirect("access:key_list")

