"""Pages of unreturned households: the board of each building (mark rooms not returned),
a dwelling's seals (record, unseal, photo), the seal and notice PDF, and the
"slipped through" list. Every queryset goes through the request's scope first.

Who: grid workers their grids' buildings (read and write), admins their community, officers
read, volunteers nothing (`registry_view`).
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from fangxian.core.forms import attach_errors
from fangxian.core.paging import paginate
from fangxian.core.scope import registry_view
from fangxian.registry import pending
from fangxian.registry.models import Building, Dwelling, Grid, Person
from fangxian.registry.selectors import clean_search, filter_buildings

from . import seals
from .models import DoorSeal
from .seal_pdf import seals_pdf

# -- forms (kept here: they serve these pages only) ---------------------------------------

class MarkNotReturnedForm(forms.Form):
    # The service judges the reason (blank or too long) and says which.
    reason = forms.CharField(label=gettext_lazy("Reason"), required=False)


class SealForm(forms.Form):
    sealed_on = forms.DateField(label=gettext_lazy("Sealed on"),
                                widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    note = forms.CharField(label=gettext_lazy("Note"), max_length=200, required=False)
    photo = forms.FileField(label=gettext_lazy("Photo of the sealed door"), required=False,
                            widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/gif",
                                                                   "capture": "environment"}))

    def clean_sealed_on(self):
        day = self.cleaned_data["sealed_on"]
        if day > timezone.localdate():
            raise ValidationError(_("The seal date cannot be in the future."))
        return day

    def clean_photo(self):
        photo = self.cleaned_data.get("photo")
        if photo:
            try:
                seals.check_photo(photo)
            except ValidationError as error:
                raise ValidationError(error.message_dict["photo"]) from None
        return photo

    def sealed_at(self) -> dt.datetime:
        day = self.cleaned_data["sealed_on"]
        if day == timezone.localdate():
            return timezone.now()
        return timezone.make_aware(dt.datetime.combine(day, dt.time(12)))


class UnsealForm(forms.Form):
    unseal_reason = forms.CharField(label=gettext_lazy("Reason"), max_length=200, min_length=2)
    to_status = forms.ChoiceField(label=gettext_lazy("The room is now"), choices=[
        (Dwelling.Status.OCCUPIED, gettext_lazy("Occupied: the household registered")),
        (Dwelling.Status.NOT_RETURNED, gettext_lazy("Still not returned")),
    ], initial=Dwelling.Status.OCCUPIED)


class SinceForm(forms.Form):
    since = forms.DateField(label=gettext_lazy("Campaign start"), required=False,
                            widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))


# -- helpers ------------------------------------------------------------------------------

def _number(request, name):
    value = request.GET.get(name, "")
    return int(value) if value.isdigit() else None


def _floor(room: str) -> str:
    """The floor of a room numbered like 1203 (floor 12) or 301 (floor 3); else ''."""
    return room[:-2] if room.isdigit() and len(room) >= 3 else ""


def _floors(cells: list[Dwelling]) -> list[tuple[str, list[Dwelling]]]:
    """The rooms grouped by floor, the top floor first, as a building is drawn."""
    floors: dict[str, list[Dwelling]] = {}
    for cell in cells:
        floors.setdefault(_floor(cell.room), []).append(cell)
    return sorted(floors.items(), key=lambda item: (item[0] != "", int(item[0]) if item[0] else 0), reverse=True)


def _dwelling_qs():
    return Dwelling.objects.select_related("building__estate__group", "building__community", "building__grid")


# -- the board ----------------------------------------------------------------------------

@registry_view
def board_list(request, scope):
    q = clean_search(request.GET.get("q"))[:40]
    grid = _number(request, "grid")
    buildings = filter_buildings(scope.filter(Building.objects.all()), q=q, grid=grid)
    page, querystring = paginate(request, seals.board_buildings(buildings))
    return render(request, "returnees/board_list.html", {
        "page": page, "querystring": querystring, "q": q, "grid": grid,
        "grids": scope.filter(Grid.objects.all()),
        "counts": seals.board_counts(scope.filter(Dwelling.objects.filter(building__in=buildings))),
    })


@registry_view
def building_board(request, scope, pk):
    building = get_object_or_404(scope.filter(Building.objects.select_related("estate", "grid", "community")), pk=pk)
    dwellings = scope.filter(Dwelling.objects.filter(building=building))
    writable = scope.filter(Dwelling.objects.filter(building=building), for_write=True).exists()
    return render(request, "returnees/board.html", {
        "building": building,
        "floors": _floors(seals.board_cells(dwellings)),
        "counts": seals.board_counts(dwellings),
        "can_write": writable,
        "mark_form": MarkNotReturnedForm(),
    })


@require_POST
@registry_view
def board_mark_not_returned(request, scope, pk):
    building = get_object_or_404(scope.filter(Building.objects.all()), pk=pk)
    writable = scope.filter(Dwelling.objects.filter(building=building), for_write=True)
    if not writable.exists():
        raise PermissionDenied
    ids = [int(v) for v in request.POST.getlist("dwelling") if v.isdigit()]
    form = MarkNotReturnedForm(request.POST)
    form.is_valid()
    chosen = list(writable.filter(pk__in=ids))
    try:
        marked = seals.dwellings_mark_not_returned(dwellings=chosen, reason=form.cleaned_data.get("reason", ""),
                                                   user=request.user, scope=scope)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("%(count)d rooms were marked not returned.") % {"count": len(marked)})
    return redirect("returnees:building_board", pk=building.pk)


# -- a dwelling's seals -------------------------------------------------------------------

def _seals_page(request, scope, dwelling, *, seal_form=None, unseal_form=None, status=200):
    history = list(seals.seal_history(dwelling))
    open_seal = next((s for s in history if s.unsealed_at is None), None)
    can_write = scope.can_write(dwelling)
    return render(request, "returnees/seal_dwelling.html", {
        "dwelling": dwelling, "history": history, "open_seal": open_seal, "can_write": can_write,
        "can_seal": can_write and open_seal is None and dwelling.status in seals.SEALABLE,
        "seal_form": seal_form or SealForm(initial={"sealed_on": timezone.localdate()}),
        "unseal_form": unseal_form or UnsealForm(),
        "pending": dwelling.registrations.filter(status="pending").exists(),
    }, status=status)


@registry_view
def dwelling_seals(request, scope, pk):
    dwelling = get_object_or_404(scope.filter(_dwelling_qs()), pk=pk)
    return _seals_page(request, scope, dwelling)


@require_POST
@registry_view
def seal_create(request, scope, pk):
    dwelling = get_object_or_404(scope.filter(_dwelling_qs(), for_write=True), pk=pk)
    form = SealForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            seals.seal(dwelling=dwelling, user=request.user, note=form.cleaned_data["note"],
                       photo=form.cleaned_data["photo"] or None, sealed_at=form.sealed_at(), scope=scope)
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("The seal of room %(room)s was recorded.") % {"room": dwelling.room})
            return redirect("returnees:dwelling_seals", pk=dwelling.pk)
    return _seals_page(request, scope, dwelling, seal_form=form, status=400)


@require_POST
@registry_view
def seal_remove(request, scope, pk):
    door_seal = get_object_or_404(scope.filter(DoorSeal.objects.select_related("dwelling"), for_write=True), pk=pk)
    form = UnsealForm(request.POST)
    if form.is_valid():
        try:
            seals.unseal(seal=door_seal, user=request.user, reason=form.cleaned_data["unseal_reason"],
                         to_status=form.cleaned_data["to_status"], scope=scope)
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("The seal was removed."))
            return redirect("returnees:dwelling_seals", pk=door_seal.dwelling_id)
    dwelling = get_object_or_404(scope.filter(_dwelling_qs()), pk=door_seal.dwelling_id)
    return _seals_page(request, scope, dwelling, unseal_form=form, status=400)


@registry_view
def seal_photo(request, scope, pk):
    door_seal = get_object_or_404(scope.filter(DoorSeal.objects.all()), pk=pk)
    if not door_seal.photo:
        raise Http404
    try:
        handle = door_seal.photo.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, content_type=_content_type(door_seal.photo.name))
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _content_type(name: str) -> str:
    extension = name.rsplit(".", 1)[-1].lower()
    return {"jpeg": "image/jpeg", "jpg": "image/jpeg", "png": "image/png", "gif": "image/gif"}.get(
        extension, "application/octet-stream")


# -- the seal and notice PDF --------------------------------------------------------------

def _pdf_response(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response


@registry_view
def dwelling_seal_pdf(request, scope, pk):
    dwelling = get_object_or_404(scope.filter(_dwelling_qs(), for_write=True), pk=pk)
    content = seals_pdf([dwelling], title=_("Door seal and notice"))
    return _pdf_response(content, f"seal-{dwelling.pk}.pdf")


@registry_view
def building_seals_pdf(request, scope, pk):
    """The seals and notices of a building's rooms: those ticked (`?dwelling=`), else every
    room not returned."""
    building = get_object_or_404(scope.filter(Building.objects.all()), pk=pk)
    dwellings = scope.filter(_dwelling_qs().filter(building=building), for_write=True)
    if not dwellings.exists():
        raise PermissionDenied
    ids = [int(v) for v in request.GET.getlist("dwelling") if v.isdigit()]
    dwellings = dwellings.filter(pk__in=ids) if ids else dwellings.filter(status=Dwelling.Status.NOT_RETURNED)
    content = seals_pdf(list(dwellings.order_by("room")), title=_("Door seals and notices"))
    return _pdf_response(content, f"seals-building-{building.pk}.pdf")


# -- slipped through ----------------------------------------------------------------------

FOUND_SHOWN = 20  # people found at doors listed under the slipped-through list; the rest on their page

@registry_view
def slipped_list(request, scope):
    form = SinceForm(request.GET or None)
    since = seals.campaign_start_default()
    if form.is_valid() and form.cleaned_data["since"]:
        since = form.cleaned_data["since"]
    people = seals.slipped_through(scope.filter(Person.objects.all()), since=since)
    page, querystring = paginate(request, people)
    # Found at a door by canvassing and not in the register: the first few, the rest on their page.
    found = pending.waiting_since(scope, since)
    found_first = list(found[:FOUND_SHOWN])
    for row in found_first:
        row.name_masked = pending.masked(row)
    return render(request, "returnees/seal_slipped.html", {
        "page": page, "querystring": querystring, "form": form, "since": since,
        "found": found_first, "found_count": found.count() if len(found_first) == FOUND_SHOWN else len(found_first),
    })


# The patterns, for returnees/urls.py (app_name = "returnees"): `urlpatterns += seal_urlpatterns`.
seal_urlpatterns = [
    path("board/", board_list, name="board_list"),
    path("board/<int:pk>/", building_board, name="building_board"),
    path("board/<int:pk>/not-returned/", board_mark_not_returned, name="board_mark_not_returned"),
    path("board/<int:pk>/seals.pdf", building_seals_pdf, name="building_seals_pdf"),
    path("dwellings/<int:pk>/seals/", dwelling_seals, name="dwelling_seals"),
    path("dwellings/<int:pk>/seal/", seal_create, name="seal_create"),
    path("dwellings/<int:pk>/seal.pdf", dwelling_seal_pdf, name="dwelling_seal_pdf"),
    path("seals/<int:pk>/unseal/", seal_remove, name="seal_remove"),
    path("seals/<int:pk>/photo/", seal_photo, name="seal_photo"),
    path("slipped/", slipped_list, name="slipped_list"),
]
