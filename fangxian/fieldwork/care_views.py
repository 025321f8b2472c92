"""Care visit pages, under /fieldwork/care/: the people under care (filters, Excel), next
week's plan per visitor (printable), the phone form of a visit, the dated rules, assigning
visitors.

Who: the readers of a community see all of its people under care, a grid worker those of
their grids, a visitor those they visit (care.visible_people); a visit is recorded by the
visitor, the grid worker or the admins (care.may_record_visit); rules and visitors are set by
the community's admins (selectors.runs_fieldwork)."""

from __future__ import annotations

import datetime as dt
import io

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from openpyxl import Workbook

from fangxian.accounts.selectors import members_of
from fangxian.core.forms import attach_errors
from fangxian.core.models import AuditEvent
from fangxian.core.paging import paginate
from fangxian.core.personal import mask_name
from fangxian.core.scope import Reach, scoped_view
from fangxian.core.services import audit_record
from fangxian.registry.models import Building, Community, Person, ResidentialGroup

from . import care, care_services, selectors
from .care_forms import AssignForm, RuleForm, VisitForm
from .models import CareCategory, CareRule, CareVisit

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXPORT_MAX_ROWS = 50_000

care_view = scoped_view(care.sees_care)
runner_view = scoped_view(lambda scope: scope.is_admin)


def _choices(people):
    """What the filters offer: the groups, buildings and visitors of the people the user sees."""
    return {
        "categories": CareCategory.choices,
        "groups": ResidentialGroup.objects.filter(pk__in=people.values("dwelling__building__estate__group_id")),
        "buildings": Building.objects.filter(pk__in=people.values("dwelling__building_id")).select_related(
            "estate").order_by("estate__name", "name"),
        "visitors": care.visitors_among(people),
        "unassigned": care.UNASSIGNED,
    }


@care_view
def care_list(request, scope):
    filters = care.Filters.from_query(request.GET)
    people = care.visible_people(scope)
    today = timezone.localdate()
    rows = care.list_rows(people, filters, today)
    page, querystring = paginate(request, rows)
    return render(request, "fieldwork/care_list.html", {
        "page": page, "querystring": querystring, "filters": filters, "today": today,
        "can_run": scope.is_admin, **_choices(people),
        "recordable": {row.person.pk for row in page if care.may_record_visit(scope, row.person)},
    })


@care_view
def care_export(request, scope):
    filters = care.Filters.from_query(request.GET)
    today = timezone.localdate()
    rows = care.list_rows(care.visible_people(scope), filters, today)[:EXPORT_MAX_ROWS]
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Care visits"))
    sheet.append([_("Name"), _("Categories"), _("Residential group"), _("Estate"), _("Building"), _("Room"),
                  _("Care visitor"), _("Last visit"), _("Next step"), _("Due"), _("State")])
    for row in rows:
        person, building = row.person, row.person.dwelling.building
        sheet.append([
            row.name, "、".join(row.category_labels), building.estate.group.name, building.estate.name,
            building.name, person.dwelling.room, row.visitor.get_username() if row.visitor else "",
            person.last_visit_on.isoformat() if person.last_visit_on else "",
            _next_step_label(person.last_next_step), row.due.isoformat() if row.due else "", row.state_label,
        ])
    buffer = io.BytesIO()
    book.save(buffer)
    audit_record(actor=request.user, action=AuditEvent.Action.EXPORT, target_type="registry.Person",
                 detail=("care " + request.GET.urlencode())[:200])
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="care-{timezone.localtime():%Y%m%d-%H%M}.xlsx"'
    return response


def _next_step_label(value) -> str:
    return str(CareVisit.NextStep(value).label) if value else ""


@care_view
def care_plan(request, scope):
    filters = care.Filters.from_query(request.GET)
    filters.overdue = False
    filters.category = ""
    people = care.visible_people(scope)
    today = timezone.localdate()
    plans = care.week_plan(care.care_rows(care.listed(care.filtered(people, filters)), today), today)
    return render(request, "fieldwork/care_plan.html", {
        "plans": plans, "filters": filters, "today": today,
        "last_day": today + dt.timedelta(days=care.PLAN_DAYS - 1), **_choices(people),
    })


@care_view
def care_visit(request, scope, person_pk):
    person = get_object_or_404(care.visible_people(scope).select_related(
        "dwelling__building__estate", "care_assignment__visitor", "community"), pk=person_pk)
    if not care.may_record_visit(scope, person):
        raise PermissionDenied
    form = VisitForm(request.POST or None, initial={"visited_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            visit = care_services.care_visit_record(
                scope=scope, user=request.user, person=person, visited_on=data["visited_on"],
                situation=data["situation"], needs=data["needs"], help_given=data["help_given"],
                next_step=data["next_step"], next_visit_on=data["next_visit_on"])
        except ValidationError as error:
            attach_errors(form, error)
        else:
            if visit.incident_id:
                messages.success(request, _("The visit was recorded and incident #%(n)d was reported.")
                                 % {"n": visit.incident_id})
            else:
                messages.success(request, _("The visit was recorded."))
            return redirect("fieldwork:care_list")
    row = care.care_rows(care.listed(Person.objects.filter(pk=person.pk)), timezone.localdate())[0]
    return render(request, "fieldwork/care_visit.html", {
        "person": person, "name": mask_name(person.name), "row": row, "form": form,
        "visits": care.history(person),
    }, status=400 if request.method == "POST" else 200)


def _community(scope, request, reach: Reach):
    """The community asked for (?community=) among those of this reach, else the first."""
    communities = scope.communities(Community.objects.order_by("name"), reach)
    wanted = str(request.GET.get("community", "")).strip()
    chosen = communities.filter(pk=int(wanted)).first() if wanted.isdigit() else None
    return chosen or communities.first(), communities


def _rules_page(request, scope, community, communities, *, form=None, status=200):
    rules = CareRule.objects.filter(community=community).select_related("set_by") if community else []
    today = timezone.localdate()
    by_category = [(label, [(r, care.in_force(r, today), r.effective_from > today) for r in rules if r.category == c])
                   for c, label in CareCategory.choices]
    can_run = community is not None and selectors.runs_fieldwork(scope, community.pk)
    return render(request, "fieldwork/care_rules.html", {
        "community": community, "communities": communities, "by_category": by_category, "can_run": can_run,
        "form": form or RuleForm(initial={"effective_from": today}), "today": today,
        "needs_confirm": form is not None and "confirm" in form.errors,
    }, status=status)


@care_view
def care_rules(request, scope):
    community, communities = _community(scope, request, Reach.MEMBER)
    return _rules_page(request, scope, community, communities)


@require_POST
@runner_view
def care_rule_add(request, scope, community_pk):
    community = get_object_or_404(selectors.starting_communities(scope), pk=community_pk)
    form = RuleForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            care_services.care_rule_add(
                scope=scope, user=request.user, community=community, category=data["category"],
                every_days=data["every_days"], effective_from=data["effective_from"],
                effective_to=data["effective_to"], confirm=data["confirm"])
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("The rule was added."))
            return redirect(f"{reverse('fieldwork:care_rules')}?community={community.pk}")
    communities = scope.communities(Community.objects.order_by("name"), Reach.MEMBER)
    return _rules_page(request, scope, community, communities, form=form, status=400)


@require_POST
@runner_view
def care_rule_delete(request, scope, rule_pk):
    rule = get_object_or_404(scope.communities(CareRule.objects.all(), Reach.RUN, path="community_id"), pk=rule_pk)
    try:
        care_services.care_rule_delete(scope=scope, user=request.user, rule=rule)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The rule was deleted."))
    return redirect(f"{reverse('fieldwork:care_rules')}?community={rule.community_id}")


@runner_view
def care_assign(request, scope):
    community, communities = _community(scope, request, Reach.RUN)
    if community is None:
        raise PermissionDenied
    filters = care.Filters.from_query(request.GET)
    everyone = care.under_care(Person.objects.filter(community=community))
    people = care.filtered(everyone, filters).select_related(
        "dwelling__building__estate", "care_assignment__visitor").order_by(
        "dwelling__building__estate__name", "dwelling__building__name", "dwelling__room", "pk")
    form = AssignForm(request.POST or None, visitors=members_of(community.pk), people=everyone)
    if request.method == "POST" and form.is_valid():
        try:
            changed = care_services.care_assign(scope=scope, user=request.user, community=community,
                                                people=list(form.cleaned_data["people"]),
                                                visitor=form.cleaned_data["visitor"])
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("%(n)d people were assigned.") % {"n": changed})
            return redirect(request.get_full_path())
    page, querystring = paginate(request, people)
    return render(request, "fieldwork/care_assign.html", {
        "community": community, "communities": communities, "page": page, "querystring": querystring,
        "filters": filters, "form": form, "rows": [(p, mask_name(p.name)) for p in page],
        "ticked": {str(v) for v in form["people"].value() or []}, **_choices(everyone),
    }, status=400 if request.method == "POST" else 200)


urlpatterns = [
    path("care/", care_list, name="care_list"),
    path("care/export/", care_export, name="care_export"),
    path("care/plan/", care_plan, name="care_plan"),
    path("care/<int:person_pk>/visit/", care_visit, name="care_visit"),
    path("care/rules/", care_rules, name="care_rules"),
    path("care/rules/<int:community_pk>/add/", care_rule_add, name="care_rule_add"),
    path("care/rules/<int:rule_pk>/delete/", care_rule_delete, name="care_rule_delete"),
    path("care/assign/", care_assign, name="care_assign"),
]
