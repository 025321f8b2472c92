"""Roster pages: shift templates, rules, requests and pairs, plans (solve with live progress,
result, publish, re-plan, PDF and Excel), swaps, the no-show list; the personal schedule
(public, by its link) and attendance at the checkpoint console.

Community admins write; subdistrict officers read; grid workers, volunteers and group leaders
have none of these pages (a volunteer reads their own shifts at the schedule link).
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from fangxian.access.models import Checkpoint
from fangxian.access.selectors import console_checkpoint
from fangxian.core.forms import attach_errors
from fangxian.core.models import AuditEvent
from fangxian.core.paging import paginate
from fangxian.core.personal import mask_name
from fangxian.core.public import private_page
from fangxian.core.scope import scope_of, scoped_view
from fangxian.core.services import audit_object
from fangxian.registry.models import Community

from ..models import Assignment, Pair, RosterPlan, RosterRules, ShiftRequest, ShiftTemplate, SwapRequest, Volunteer
from . import excel as roster_excel
from . import pdf as roster_pdf
from . import selectors, services, slips, swaps
from .forms import (
    PairForm,
    PlanForm,
    ReplanForm,
    RosterRulesForm,
    ShiftRequestForm,
    ShiftTemplateForm,
    SwapForm,
    checkpoint_choices,
)
from .problem import explain_shifts, penalty_label, rules_for

# Logged in, and reads a community: its admins and the subdistrict's officers.
roster_view = scoped_view(lambda scope: scope.reads_communities)


def _can_write(scope) -> bool:
    return scope.is_admin


def _community(request, scope) -> Community | None:
    """The community new rows go to: the one asked for (?community=) among those the user
    runs, else the first of them."""
    communities = scope.filter(Community.objects.all(), for_write=True).order_by("pk")
    wanted = request.GET.get("community") or request.POST.get("community")
    if wanted and str(wanted).isdigit():
        return communities.filter(pk=wanted).first()
    return communities.first()


def _private(response):
    response["Cache-Control"] = "no-store"  # one person's shifts: not kept by a shared phone's cache
    return private_page(response)


# -- shift templates ---------------------------------------------------------------------


@roster_view
def shift_template_list(request, scope):
    form = None
    if _can_write(scope):
        form = ShiftTemplateForm(request.POST or None, checkpoints=checkpoint_choices(scope))
        if request.method == "POST":
            community = _community(request, scope)
            if form.is_valid() and community is not None:
                template = form.save(commit=False)
                template.community = community
                try:
                    services.shift_template_save(user=request.user, template=template)
                except ValidationError as error:
                    attach_errors(form, error)
                else:
                    messages.success(request, _("Shift saved."))
                    return redirect("duty:shift_template_list")
    elif request.method == "POST":
        return HttpResponse(status=403)
    templates = scope.filter(ShiftTemplate.objects.select_related("checkpoint")).order_by(
        "checkpoint__name", "start", "pk")
    q = request.GET.get("q", "").strip()
    if q:
        templates = templates.filter(Q(checkpoint__name__icontains=q) | Q(name__icontains=q))
    page, query = paginate(request, templates)
    return render(request, "duty/shift_template_list.html", {"page": page, "query": query, "form": form, "q": q})


@roster_view
def shift_template_edit(request, scope, pk):
    template = get_object_or_404(scope.filter(ShiftTemplate.objects.all(), for_write=True), pk=pk)
    form = ShiftTemplateForm(request.POST or None, instance=template, checkpoints=checkpoint_choices(scope))
    if request.method == "POST" and form.is_valid():
        try:
            services.shift_template_save(user=request.user, template=form.save(commit=False))
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("Shift saved."))
            return redirect("duty:shift_template_list")
    return render(request, "duty/shift_template_edit.html", {"form": form, "template": template})


# -- rules -------------------------------------------------------------------------------


@roster_view
def roster_rules(request, scope):
    community = _community(request, scope)
    form = None
    if community is not None:
        current = rules_for(community, timezone.localdate())
        initial = {f.name: getattr(current, f.name) for f in RosterRules._meta.fields
                   if f.name not in ("id", "community", "set_by", "created_at")}
        initial["effective_from"] = timezone.localdate()
        form = RosterRulesForm(request.POST or None, initial=initial)
        if request.method == "POST" and form.is_valid():
            rules = form.save(commit=False)
            rules.community = community
            try:
                services.roster_rules_set(user=request.user, rules=rules)
            except ValidationError as error:
                attach_errors(form, error)
            else:
                messages.success(request, _("Rules saved."))
                return redirect("duty:roster_rules")
    elif request.method == "POST":
        return HttpResponse(status=403)
    rows = scope.filter(RosterRules.objects.select_related("set_by", "community")).order_by(
        "community__name", "-effective_from", "-pk")
    page, query = paginate(request, rows)
    return render(request, "duty/roster_rules.html", {"page": page, "query": query, "form": form})


# -- requests and pairs ------------------------------------------------------------------


def _people(scope):
    return scope.filter(Volunteer.objects.filter(status=Volunteer.Status.APPROVED), for_write=True).order_by(
        "name", "pk")


@roster_view
def shift_request_list(request, scope):
    form = None
    if _can_write(scope):
        templates = scope.filter(ShiftTemplate.objects.filter(active=True).select_related("checkpoint"),
                                 for_write=True)
        form = ShiftRequestForm(request.POST or None, volunteers=_people(scope), templates=templates)
        if request.method == "POST" and form.is_valid():
            try:
                services.shift_request_save(user=request.user, request=form.save(commit=False))
            except ValidationError as error:
                attach_errors(form, error)
            else:
                messages.success(request, _("Request saved."))
                return redirect("duty:shift_request_list")
    elif request.method == "POST":
        return HttpResponse(status=403)
    rows = scope.filter(ShiftRequest.objects.select_related("volunteer", "template__checkpoint")).order_by(
        "-date", "volunteer__name", "pk")
    q = request.GET.get("q", "").strip()
    if q:
        rows = rows.filter(volunteer__name__icontains=q)
    page, query = paginate(request, rows)
    return render(request, "duty/shift_request_list.html", {"page": page, "query": query, "form": form, "q": q})


@require_POST
@roster_view
def shift_request_delete(request, scope, pk):
    row = get_object_or_404(scope.filter(ShiftRequest.objects.all(), for_write=True), pk=pk)
    services.delete(user=request.user, obj=row)
    messages.success(request, _("Request removed."))
    return redirect("duty:shift_request_list")


@roster_view
def roster_pair_list(request, scope):
    form = None
    if _can_write(scope):
        form = PairForm(request.POST or None, volunteers=_people(scope))
        if request.method == "POST" and form.is_valid():
            try:
                services.pair_save(user=request.user, pair=form.save(commit=False))
            except ValidationError as error:
                attach_errors(form, error)
            else:
                messages.success(request, _("Pair saved."))
                return redirect("duty:roster_pair_list")
    elif request.method == "POST":
        return HttpResponse(status=403)
    rows = scope.filter(Pair.objects.select_related("first", "second")).order_by("first__name", "pk")
    page, query = paginate(request, rows)
    return render(request, "duty/roster_pair_list.html", {"page": page, "query": query, "form": form})


@require_POST
@roster_view
def roster_pair_delete(request, scope, pk):
    row = get_object_or_404(scope.filter(Pair.objects.all(), for_write=True), pk=pk)
    services.delete(user=request.user, obj=row)
    messages.success(request, _("Pair removed."))
    return redirect("duty:roster_pair_list")


# -- plans -------------------------------------------------------------------------------


@roster_view
def roster_plan_list(request, scope):
    plans = scope.filter(RosterPlan.objects.select_related("community", "created_by")).annotate(
        shift_count=Count("assignments")).order_by("-first_day", "-pk")
    status = request.GET.get("status", "")
    if status in RosterPlan.Status.values:
        plans = plans.filter(status=status)
    page, query = paginate(request, plans)
    return render(request, "duty/roster_plan_list.html", {
        "page": page, "query": query, "status": status, "statuses": RosterPlan.Status.choices,
        "can_write": _can_write(scope)})


@roster_view
def roster_plan_create(request, scope):
    scope.require(_can_write(scope))
    community = _community(request, scope)
    if community is None:
        raise Http404
    next_monday = timezone.localdate() + dt.timedelta(days=7 - timezone.localdate().weekday())
    form = PlanForm(request.POST or None, initial={"first_day": next_monday, "days": 14, "seconds": 30})
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.plan_create(user=request.user, community=community, **form.cleaned_data)
        except ValidationError as error:
            attach_errors(form, error)
        else:
            return redirect("duty:roster_plan_detail", plan.pk)
    return render(request, "duty/roster_plan_create.html", {"form": form, "community": community})


def _plan(scope, pk, *, for_write=False) -> RosterPlan:
    return get_object_or_404(scope.filter(RosterPlan.objects.select_related("community", "replaces"),
                                          for_write=for_write), pk=pk)


def _progress_context(plan: RosterPlan, scope) -> dict:
    """What the progress card shows; the same for the detail page and the partial it polls,
    so that a refreshed card keeps its stop button (can_write)."""
    now = timezone.now()
    left = 0.0
    if plan.running and plan.started_at:
        left = max(0.0, (plan.started_at + dt.timedelta(seconds=plan.seconds) - now).total_seconds())
    done = 100 if not plan.running else int(100 * (1 - left / max(1, plan.seconds)))
    return {"plan": plan, "seconds_left": int(left), "percent": done, "stale": services.plan_is_stale(plan),
            "can_write": scope.runs(plan.community_id)}


@roster_view
def roster_plan_detail(request, scope, pk):
    plan = _plan(scope, pk)
    assignments = list(selectors.assignments_of(plan))
    explanations = explain_shifts(plan)
    return render(request, "duty/roster_plan_detail.html", {
        **_progress_context(plan, scope),
        "grid": selectors.plan_grid(plan, assignments),
        "explanations": explanations,
        "out_of_time": sum(e.out_of_time for e in explanations),
        "penalties": [(penalty_label(k), v) for k, v in sorted(plan.penalties.items()) if v],
        "counts": selectors.person_counts(assignments),
        "changes": _day_changes(selectors.plan_changes(plan)) if plan.replaces_id else None,
        "dropouts": _dropouts(plan),
    })


def _day_changes(changes) -> list[dict]:
    """Per person affected, each changed day as old shift → new shift (None: off)."""
    rows = []
    for c in changes:
        days: dict = {}
        for a in c.removed:
            days.setdefault(a.date, [None, None])[0] = a.template
        for a in c.added:
            days.setdefault(a.date, [None, None])[1] = a.template
        rows.append({"volunteer": c.volunteer,
                     "days": [{"date": d, "old": old, "new": new} for d, (old, new) in sorted(days.items())]})
    return rows


def _dropouts(plan):
    names = dict(Volunteer.objects.filter(pk__in=[d["volunteer"] for d in plan.dropouts]).values_list("pk", "name"))
    return [{"name": names.get(d["volunteer"], "?"), "from": dt.date.fromisoformat(d["from"]),
             "to": dt.date.fromisoformat(d["to"]) if d.get("to") else None} for d in plan.dropouts]


@never_cache
@roster_view
def roster_plan_progress(request, scope, pk):
    """The htmx partial the result page polls while the solver runs; when it has finished,
    the page reloads to show the roster."""
    plan = _plan(scope, pk)
    response = render(request, "duty/roster_progress.html", {**_progress_context(plan, scope), "refresh": True})
    if not plan.running and request.headers.get("HX-Request") == "true":
        response["HX-Refresh"] = "true"
    return response


@require_POST
@roster_view
def roster_plan_run(request, scope, pk):
    plan = _plan(scope, pk, for_write=True)
    try:  # "continue solving" starts from the roster the plan has now
        services.plan_enqueue(user=request.user, plan=plan, resume=request.POST.get("resume") == "1")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("duty:roster_plan_detail", plan.pk)


@require_POST
@roster_view
def roster_plan_stop(request, scope, pk):
    plan = _plan(scope, pk, for_write=True)
    services.plan_stop(user=request.user, plan=plan)
    if request.headers.get("HX-Request") == "true":
        plan.refresh_from_db()
        return render(request, "duty/roster_progress.html", {**_progress_context(plan, scope), "refresh": True})
    return redirect("duty:roster_plan_detail", plan.pk)


@require_POST
@roster_view
def roster_plan_publish(request, scope, pk):
    plan = _plan(scope, pk, for_write=True)
    try:
        services.plan_publish(user=request.user, plan=plan, site=request.build_absolute_uri("/"))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Roster published: everyone's schedule link shows it now."))
    return redirect("duty:roster_plan_detail", plan.pk)


@roster_view
def roster_replan(request, scope, pk):
    plan = _plan(scope, pk, for_write=True)
    people = Volunteer.objects.filter(pk__in=plan.assignments.values("volunteer_id")).order_by("name", "pk")
    form = ReplanForm(request.POST or None, volunteers=people,
                      initial={"from_date": max(plan.first_day, min(timezone.localdate(), plan.last_day))})
    if request.method == "POST" and form.is_valid():
        try:
            new = services.replan_create(user=request.user, plan=plan, volunteer=form.cleaned_data["volunteer"],
                                         from_date=form.cleaned_data["from_date"],
                                         to_date=form.cleaned_data["to_date"])
            services.plan_enqueue(user=request.user, plan=new)
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("Re-planning: check what changes before you publish the new version."))
            return redirect("duty:roster_plan_detail", new.pk)
    return render(request, "duty/roster_replan.html", {"form": form, "plan": plan})


@roster_view
def roster_plan_pdf(request, scope, pk):
    plan = _plan(scope, pk)
    by = "person" if request.GET.get("by") == "person" else "checkpoint"
    data = roster_pdf.roster_pdf(plan, list(selectors.assignments_of(plan)), by=by)
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="roster-{plan.first_day:%Y%m%d}-{by}.pdf"'
    return response


@roster_view
def roster_plan_excel(request, scope, pk):
    plan = _plan(scope, pk)
    data = roster_excel.roster_workbook(plan, list(selectors.assignments_of(plan)))
    response = HttpResponse(data, content_type=roster_excel.XLSX)
    response["Content-Disposition"] = f'attachment; filename="roster-{plan.first_day:%Y%m%d}.xlsx"'
    return response


# -- swaps and manual edits (judged by the roster rules: swaps.py) ------------------------


@roster_view
def swap_list(request, scope):
    status = request.GET.get("status", SwapRequest.Status.PENDING)
    if status not in SwapRequest.Status.values:
        status = SwapRequest.Status.PENDING
    rows = scope.filter(SwapRequest.objects.filter(status=status).select_related(
        "assignment__template__checkpoint", "from_volunteer", "to_volunteer", "decided_by")).order_by(
        "assignment__date", "pk")
    page, query = paginate(request, rows)
    return render(request, "duty/swap_list.html", {
        "page": page, "query": query, "status": status, "statuses": SwapRequest.Status.choices,
        "can_write": _can_write(scope)})


@require_POST
@roster_view
def swap_decide(request, scope, pk):
    swap = get_object_or_404(scope.filter(SwapRequest.objects.select_related("to_volunteer"), for_write=True), pk=pk)
    try:
        swaps.swap_decide(user=request.user, swap=swap, approve=request.POST.get("decision") == "approve",
                          override_reason=request.POST.get("override_reason", ""))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        if getattr(error, "code", None) == "rules":
            messages.info(request, _("To approve it all the same, give a reason for overriding the rules."))
        return redirect("duty:swap_list")
    if swap.status != SwapRequest.Status.APPROVED:
        messages.success(request, _("Swap refused."))
        return redirect("duty:swap_list")
    messages.success(request, _("Swap approved: the shift is now %(name)s's. Both schedule links show it.") % {
        "name": swap.to_volunteer.name})
    return redirect(reverse("duty:swap_list") + "?status=approved")


def _assignment(scope, pk) -> Assignment:
    return get_object_or_404(scope.filter(Assignment.objects.select_related(
        "plan__community", "template__checkpoint", "volunteer"), for_write=True), pk=pk)


@roster_view
def assignment_edit(request, scope, pk):
    """An admin gives one shift of a solved or published roster to someone else: the picker
    lists who may take it by the rules; `?broken=1` lists the others with the rules they would
    break, who can be chosen only with a reason."""
    assignment = _assignment(scope, pk)
    editable = swaps.is_editable(assignment)
    broken = request.GET.get("broken") == "1" or request.POST.get("broken") == "1"
    picker = form = None
    if editable:
        roster = swaps.roster_of(assignment.plan)
        picker = swaps.takeover_candidates(assignment, q=request.GET.get("q", ""), masked=False, broken=broken,
                                           roster=roster)
        form = SwapForm(request.POST or None, volunteers=Volunteer.objects.filter(
            community_id=assignment.plan.community_id, status=Volunteer.Status.APPROVED))
        if request.method == "POST" and form.is_valid():
            try:
                swaps.assignment_move(user=request.user, assignment=assignment,
                                      to_volunteer=form.cleaned_data["to_volunteer"],
                                      override_reason=form.cleaned_data["reason"])
            except ValidationError as error:
                attach_errors(form, error)
            else:
                messages.success(request, _("The shift is now %(name)s's.") % {
                    "name": form.cleaned_data["to_volunteer"].name})
                return redirect("duty:roster_plan_detail", assignment.plan_id)
    elif request.method == "POST":
        messages.error(request, _("Only a shift of a solved or published roster that has not started can be "
                                  "given to someone else."))
    return render(request, "duty/assignment_edit.html", {
        "assignment": assignment, "editable": editable, "picker": picker, "form": form, "broken": broken,
        "q": picker.q if picker else ""})


# -- no-shows ----------------------------------------------------------------------------


def _no_show_rows(request, scope):
    date = None
    try:
        date = dt.date.fromisoformat(request.GET.get("date", ""))
    except ValueError:
        pass
    checkpoint = request.GET.get("checkpoint", "")
    checkpoint_id = int(checkpoint) if checkpoint.isdigit() else None
    rows = selectors.no_shows(scope.filter(Assignment.objects.all()), date=date, checkpoint_id=checkpoint_id)
    return rows, date, checkpoint_id


@roster_view
def no_show_list(request, scope):
    rows, date, checkpoint_id = _no_show_rows(request, scope)
    page, query = paginate(request, rows)
    return render(request, "duty/attendance_no_shows.html", {
        "page": page, "query": query, "date": date, "checkpoint_id": checkpoint_id,
        "checkpoints": scope.filter(Checkpoint.objects.all()).order_by("name", "pk")})


@roster_view
def no_show_export(request, scope):
    rows, _date, _checkpoint = _no_show_rows(request, scope)
    response = HttpResponse(roster_excel.no_show_workbook(list(rows[:20000])), content_type=roster_excel.XLSX)
    response["Content-Disposition"] = 'attachment; filename="no-shows.xlsx"'
    return response


# -- the personal schedule (public: the link is the key) ----------------------------------


def _volunteer_by_token(token) -> Volunteer:
    volunteer = Volunteer.objects.filter(schedule_token=token, status=Volunteer.Status.APPROVED).first()
    if volunteer is None or len(token) < 20:
        raise Http404
    return volunteer


def schedule_personal(request, token):
    volunteer = _volunteer_by_token(token)
    shifts = selectors.upcoming_shifts(volunteer)
    for a in shifts:
        a.pending_swap = next((s for s in a.swaps.all() if s.status == SwapRequest.Status.PENDING), None)
    return _private(render(request, "duty/schedule_personal.html", {
        "volunteer": volunteer, "name": mask_name(volunteer.name), "shifts": shifts, "token": token}))


def swap_request_create(request, token):
    """The volunteer picks who takes their shift over among those the rules allow (searched by
    name, shown masked: the page is public)."""
    volunteer = _volunteer_by_token(token)
    shifts = selectors.upcoming_shifts(volunteer)
    now = timezone.now()
    shifts = [a for a in shifts if a.starts_at > now]
    wanted = request.GET.get("shift") or request.POST.get("shift")
    assignment = next((a for a in shifts if str(a.pk) == wanted), shifts[0] if shifts else None)
    form = picker = None
    if assignment is not None:
        picker = swaps.takeover_candidates(assignment, q=request.GET.get("q", ""))
        form = SwapForm(request.POST or None, volunteers=Volunteer.objects.filter(
            community_id=volunteer.community_id, status=Volunteer.Status.APPROVED).exclude(pk=volunteer.pk))
        if request.method == "POST" and form.is_valid():
            try:
                swaps.swap_request_create(assignment=assignment, to_volunteer=form.cleaned_data["to_volunteer"],
                                          reason=form.cleaned_data["reason"])
            except ValidationError as error:
                attach_errors(form, error)
            else:
                messages.success(request, _("Swap requested: the community office decides."))
                return redirect("duty:schedule_personal", token)
    return _private(render(request, "duty/swap_request.html", {
        "name": mask_name(volunteer.name), "shifts": shifts, "assignment": assignment, "form": form,
        "picker": picker, "token": token}))


@roster_view
def schedule_slip(request, scope, pk):
    """A slip to hand a volunteer (A6): the QR of their schedule link and how to use it."""
    volunteer = get_object_or_404(scope.filter(Volunteer.objects.filter(status=Volunteer.Status.APPROVED),
                                               for_write=True).select_related("community"), pk=pk)
    url = request.build_absolute_uri(swaps.schedule_path(volunteer))
    audit_object(actor=request.user, action=AuditEvent.Action.EXPORT, obj=volunteer, detail="schedule slip")
    response = HttpResponse(slips.schedule_slip_pdf(volunteer, url), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="schedule-{volunteer.pk}.pdf"'
    return _private(response)


# -- attendance at the checkpoint console -------------------------------------------------


@login_required
@never_cache
def attendance_console(request, checkpoint_id):
    checkpoint = console_checkpoint(scope_of(request), checkpoint_id)
    shifts = selectors.on_shift(checkpoint)
    for a in shifts:  # one id per button: a double tap or a resent form records once
        a.event_id = uuid.uuid4()
    return render(request, "duty/attendance_console.html", {
        "checkpoint": checkpoint, "shifts": shifts, "now": timezone.now()})


@require_POST
@login_required
def attendance_checkin(request, checkpoint_id):
    """Check a person in from the page's form (with its event_id: a repeat records once);
    scripts use the API (POST /api/v1/duty/attendance)."""
    checkpoint = console_checkpoint(scope_of(request), checkpoint_id)
    assignment_id = request.POST.get("assignment", "")
    on_shift = {a.pk: a for a in selectors.on_shift(checkpoint)}
    assignment = on_shift.get(int(assignment_id)) if assignment_id.isdigit() else None
    if assignment is None:
        messages.error(request, _("This person is not on a shift here now."))
        return redirect("duty:attendance_console", checkpoint.pk)
    try:
        services.attendance_checkin(user=request.user, assignment=assignment,
                                    event_id=request.POST.get("event_id", ""))
    except (ValidationError, ValueError):
        messages.error(request, _("The check-in could not be recorded: reload the page and try again."))
    else:
        messages.success(request, _("%(name)s checked in.") % {"name": assignment.volunteer.name})
    return redirect("duty:attendance_console", checkpoint.pk)
