"""Registry pages: lists with search and filters, detail pages, the person form, reveal
and export. Every queryset goes through the request's scope first."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fangxian.core.forms import RevealForm, attach_errors
from fangxian.core.models import AuditEvent
from fangxian.core.paging import paginate
from fangxian.core.scope import Reach, registry_view
from fangxian.core.services import audit_object, audit_record, personal_reveal

from . import residents_import, selectors, services
from .forms import BuildingForm, DwellingForm, FullExportForm, PersonForm
from .models import PERSON_TAGS, Building, Community, Dwelling, Estate, Grid, GridTeamMember, Person

# Logged in, and a role that sees the registry (not a volunteer).


def is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def list_context(request, scope) -> dict:
    """The choices of the filter bars, limited to what the user sees."""
    return {
        "grids": scope.filter(Grid.objects.all()),
        "buildings": scope.filter(Building.objects.select_related("estate")).order_by("estate__name", "name"),
        "kinds": Person.Kind.choices,
        "tags": PERSON_TAGS,
        "statuses": Dwelling.Status.choices,
        "can_edit": scope.edits_registry,
    }


# -- community -------------------------------------------------------------------------

@registry_view
def community_detail(request, scope, pk):
    community = get_object_or_404(scope.filter(Community.objects.all()), pk=pk)
    estates = scope.filter(Estate.objects.filter(community=community))
    dwellings = scope.filter(Dwelling.objects.filter(building__community=community))
    people = scope.filter(Person.objects.filter(community=community))
    return render(request, "registry/community_detail.html", {
        "community": community,
        "overview": selectors.overview(estates, dwellings, people),
        "tag_counts": selectors.tag_counts(people),
    })


# -- people --------------------------------------------------------------------------

def _filtered_people(request, scope):
    filters = selectors.PersonFilters.from_query(request.GET)
    return filters, selectors.people_filtered(scope.filter(Person.objects.all()), filters)


@registry_view
def person_list(request, scope):
    filters, people = _filtered_people(request, scope)
    page, querystring = paginate(request, people)
    context = {"page": page, "querystring": querystring, "filters": filters, **list_context(request, scope),
               "search_max_length": selectors.SEARCH_MAX_LENGTH}
    if is_htmx(request):
        return render(request, "registry/_person_rows.html", context)
    # The unmasked export is per community, for those who run it.
    context["full_export_communities"] = (
        list(scope.communities(Community.objects.all(), Reach.RUN)) if scope.is_admin else [])
    return render(request, "registry/person_list.html", context)


@registry_view
def person_export(request, scope):
    filters, people = _filtered_people(request, scope)
    content = residents_import.people_export(people)
    audit_record(actor=request.user, action=AuditEvent.Action.EXPORT, target_type="registry.Person",
                 detail=request.GET.urlencode()[:200])
    response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="people-{stamp}.xlsx"'
    return response


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@registry_view
def person_export_full(request, scope, pk):
    """The community's whole register with ID numbers and mobiles in full, in the import's columns,
    so that it can be edited in Excel and imported again. For those who run the community; a
    reason is asked and the export is written to the audit log as a reveal of both fields."""
    community = get_object_or_404(scope.communities(Community.objects.all(), Reach.RUN), pk=pk)
    form = FullExportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        people = Person.objects.filter(community=community).order_by("dwelling__building__estate__name",
                                                                      "dwelling__building__name", "dwelling__room",
                                                                      "name", "pk")
        content = residents_import.people_export(people, unmasked=True)
        count = people.count()
        for field in ("national_id", "phone"):
            audit_record(actor=request.user, action=AuditEvent.Action.REVEAL, target_type=Person._meta.label,
                         community_id=community.pk, field=field, reason=form.cleaned_data["reason"],
                         detail=f"{count} people, xlsx")
        response = HttpResponse(content, content_type=XLSX)
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        response["Content-Disposition"] = content_disposition_header(True, f"花名册-{community.name}-{stamp}.xlsx")
        response["Cache-Control"] = "no-store"  # full ID numbers: never kept by a browser or a proxy
        return response
    return render(request, "registry/person_export_full.html", {"form": form, "community": community})


@registry_view
def person_detail(request, scope, pk):
    person = get_object_or_404(
        scope.filter(Person.objects.select_related("dwelling__building__estate", "dwelling__building__grid",
                                                   "community")), pk=pk)
    audit_object(actor=request.user, action=AuditEvent.Action.VIEW, obj=person)
    return render(request, "registry/person_detail.html", {
        "person": person, "can_edit": scope.can_write(person), "reveal_form": RevealForm(),
        "can_issue_pass": scope.runs(person.community_id),
    })


@registry_view
def person_create(request, scope):
    scope.require(scope.edits_registry)
    return _person_form(request, scope, person=None)


@registry_view
def person_edit(request, scope, pk):
    person = get_object_or_404(scope.filter(Person.objects.select_related("dwelling__building"),
                                            for_write=True), pk=pk)
    return _person_form(request, scope, person=person)


def _person_form(request, scope, *, person):
    # A person may be put into any dwelling the user may write: the buildings offered are
    # those that hold one (a grid worker's own grids, an admin's whole community).
    writable = scope.filter(Dwelling.objects.all(), for_write=True)
    buildings = Building.objects.filter(pk__in=writable.values("building_id")).order_by("estate__name", "name")
    initial = None
    if person is not None:
        initial = {
            "name": person.name, "sex": person.sex, "birth_date": person.birth_date, "kind": person.kind,
            "no_smartphone": person.no_smartphone, "building": person.dwelling.building_id if person.dwelling else None,
            "room": person.dwelling.room if person.dwelling else "",
            **{field: getattr(person, field) for field, _l in PERSON_TAGS},
        }
    form = PersonForm(request.POST or None, buildings=buildings, person=person, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            if person is None:
                person = services.person_create(scope=scope, user=request.user, data=form.service_data())
                messages.success(request, _("%(name)s was added.") % {"name": person.name})
            else:
                person = services.person_update(scope=scope, user=request.user, person=person,
                                                data=form.service_data())
                messages.success(request, _("Changes to %(name)s were saved.") % {"name": person.name})
            return redirect("registry:person_detail", pk=person.pk)
        except ValidationError as error:
            attach_errors(form, error)
    return render(request, "registry/person_form.html", {"form": form, "person": person})



@require_POST
@registry_view
def person_reveal(request, scope, pk):
    person = get_object_or_404(scope.filter(Person.objects.all()), pk=pk)
    form = RevealForm(request.POST)
    value, error = None, None
    if form.is_valid():
        try:
            value = personal_reveal(user=request.user, scope=scope, obj=person,
                                    field=form.cleaned_data["field"], reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            error = " ".join(exc.messages)
    else:
        error = _("Say why you need to see this in full.")
    return render(request, "registry/_revealed.html", {
        "person": person, "field": request.POST.get("field", ""), "value": value, "error": error,
    }, status=200 if value else 400)


# -- dwellings, buildings, estates, grids ----------------------------------------------

def _number(request, name):
    value = request.GET.get(name, "")
    return int(value) if value.isdigit() else None


@registry_view
def dwelling_list(request, scope):
    q, status = selectors.clean_search(request.GET.get("q"))[:40], request.GET.get("status", "")
    dwellings = selectors.dwellings_filtered(
        scope.filter(Dwelling.objects.all()), q=q, building=_number(request, "building"),
        grid=_number(request, "grid"), status=status,
    )
    page, querystring = paginate(request, dwellings)
    return render(request, "registry/dwelling_list.html", {
        "page": page, "querystring": querystring, "q": q, "status": status,
        "building": _number(request, "building"), "grid": _number(request, "grid"),
        "status_counts": selectors.status_counts(scope.filter(Dwelling.objects.all())),
        **list_context(request, scope),
    })


@registry_view
def dwelling_detail(request, scope, pk):
    dwelling = get_object_or_404(
        scope.filter(Dwelling.objects.select_related("building__estate", "building__grid")), pk=pk)
    people = scope.filter(Person.objects.filter(dwelling=dwelling))
    return render(request, "registry/dwelling_detail.html", {"dwelling": dwelling, "people": people})


@registry_view
def building_list(request, scope):
    q = selectors.clean_search(request.GET.get("q"))[:40]
    buildings = selectors.filter_buildings(scope.filter(Building.objects.all()), q=q, grid=_number(request, "grid"))
    page, querystring = paginate(request, selectors.building_rows(buildings))
    return render(request, "registry/building_list.html", {
        "page": page, "querystring": querystring, "q": q, "grid": _number(request, "grid"),
        **list_context(request, scope),
    })


@registry_view
def building_detail(request, scope, pk):
    building = get_object_or_404(scope.filter(Building.objects.select_related("estate", "grid")), pk=pk)
    dwellings = scope.filter(building.dwellings.all()).annotate(people_count=Count("people")).order_by("room")
    return render(request, "registry/building_detail.html", {
        "building": building, "dwellings": dwellings, "dwelling_form": DwellingForm(),
        "can_add_rooms": scope.can_write(building), "can_issue_passes": scope.runs(building.community_id),
        "status_counts": selectors.status_counts(scope.filter(building.dwellings.all())),
    })


@registry_view
def building_create(request, scope):
    scope.require(scope.is_admin)
    form = BuildingForm(
        request.POST or None,
        estates=scope.filter(Estate.objects.all(), for_write=True),
        grids=scope.filter(Grid.objects.all(), for_write=True),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            building = services.building_create(
                scope=scope, user=request.user, estate=data["estate"], name=data["name"], floors=data["floors"],
                grid=data["grid"], rooms_per_floor=data["rooms_per_floor"] or 0,
            )
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("%(building)s was registered with %(count)d rooms.") % {
                "building": building, "count": building.dwellings.count()})
            return redirect("registry:building_detail", pk=building.pk)
    return render(request, "registry/building_form.html", {"form": form})


@require_POST
@registry_view
def dwelling_create(request, scope, pk):
    building = get_object_or_404(scope.filter(Building.objects.all(), for_write=True), pk=pk)
    form = DwellingForm(request.POST)
    if form.is_valid():
        try:
            dwelling = services.dwelling_create(scope=scope, user=request.user, building=building,
                                                room=form.cleaned_data["room"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Room %(room)s was added.") % {"room": dwelling.room})
    else:
        # The reason itself (blank, too long, a sign no room has), not always "enter a room".
        messages.error(request, " ".join(form.errors["room"]))
    return redirect("registry:building_detail", pk=building.pk)


@registry_view
def estate_list(request, scope):
    estates = (
        scope.filter(Estate.objects.select_related("group", "community"))
        .annotate(building_count=Count("buildings", distinct=True))
        .prefetch_related("entrances")
        .order_by("community__code", "name")
    )
    q = selectors.clean_search(request.GET.get("q"))[:40]
    page, querystring = paginate(request, selectors.filter_estates(estates, q=q))
    return render(request, "registry/estate_list.html", {"page": page, "querystring": querystring, "q": q})


@registry_view
def estate_detail(request, scope, pk):
    estate = get_object_or_404(scope.filter(Estate.objects.select_related("group", "community")), pk=pk)
    buildings = selectors.building_rows(scope.filter(estate.buildings.all()))
    return render(request, "registry/estate_detail.html", {
        "estate": estate, "buildings": buildings, "entrances": estate.entrances.all(),
    })


@registry_view
def grid_list(request, scope):
    grids = (
        scope.filter(Grid.objects.select_related("community"))
        .annotate(building_count=Count("buildings", distinct=True))
        .prefetch_related(
            Prefetch("team", queryset=GridTeamMember.objects.filter(role=GridTeamMember.Role.GRID_WORKER)))
        .order_by("community__code", "code")
    )
    q = selectors.clean_search(request.GET.get("q"))[:40]
    page, querystring = paginate(request, selectors.filter_grids(grids, q=q))
    return render(request, "registry/grid_list.html", {"page": page, "querystring": querystring, "q": q})


@registry_view
def grid_detail(request, scope, pk):
    grid = get_object_or_404(scope.filter(Grid.objects.select_related("community")), pk=pk)
    return render(request, "registry/grid_detail.html", {
        "grid": grid,
        "team": grid.team.select_related("building__estate"),
        "buildings": selectors.building_rows(scope.filter(grid.buildings.all())),
    })
