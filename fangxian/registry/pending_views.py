"""The pages of people waiting for registration 待登记 (found at a door, not in the register).

A grid worker registers one in two steps: "Register" opens the person form already holding
the name, building and room found at the door; saving it adds the person and marks the row
registered. A person registered some other way meanwhile is linked to the row ("already in
the register"), and a row that is no one to register is set aside with a reason.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fangxian.core.forms import attach_errors
from fangxian.core.paging import paginate
from fangxian.core.personal import mask_name
from fangxian.core.scope import registry_view

from . import pending
from .forms import PersonForm
from .models import Building, Dwelling, PendingPerson, Person


@registry_view
def pending_list(request, scope):
    status = request.GET.get("status", PendingPerson.Status.PENDING)
    if status not in PendingPerson.Status.values:
        status = PendingPerson.Status.PENDING
    q = request.GET.get("q", "")[:100]
    rows = pending.filtered_pending(pending.visible_pending(scope), status=status, q=q).prefetch_related(
        Prefetch("dwelling__people", queryset=Person.objects.order_by("name", "pk").only("pk", "name", "dwelling_id")))
    page, querystring = paginate(request, rows)
    writable = set(pending.writable_pending(scope).filter(pk__in=[p.pk for p in page]).values_list("pk", flat=True))
    for row in page:
        row.name_masked = pending.masked(row)
        row.may_resolve = row.pk in writable and row.status == PendingPerson.Status.PENDING
        row.residents = [(p.pk, mask_name(p.name)) for p in row.dwelling.people.all()]
    return render(request, "registry/pending_list.html", {
        "page": page, "querystring": querystring, "status": status, "q": q,
        "tabs": [(value, PendingPerson.Status(value).label) for value in pending.STATUS_TABS],
        "confirm_dismiss": _("Set this person aside? They leave the list of people waiting for registration."),
    })


def _writable(scope, pk) -> PendingPerson:
    return get_object_or_404(pending.writable_pending(scope), pk=pk)


def _where(row: PendingPerson) -> str:
    return f"{row.dwelling.building} {row.dwelling.room}"


@registry_view
def pending_register(request, scope, pk):
    row = _writable(scope, pk)
    if row.status != PendingPerson.Status.PENDING:
        messages.error(request, _("This person was already registered or set aside."))
        return redirect("registry:pending_list")
    writable = scope.filter(Dwelling.objects.all(), for_write=True)
    buildings = Building.objects.filter(pk__in=writable.values("building_id")).order_by("estate__name", "name")
    initial = {"name": row.name, "building": row.dwelling.building_id, "room": row.dwelling.room}
    form = PersonForm(request.POST or None, buildings=buildings, initial=initial)
    if row.phone:
        # The number given at the door is not put into the page: left blank, it is used.
        form.fields["phone"].help_text = _("Leave blank to use the mobile given at the door (%(masked)s).") % {
            "masked": row.phone_masked}
    if request.method == "POST" and form.is_valid():
        data = form.service_data()
        if not data.get("phone") and row.phone:
            data["phone"] = row.phone
        try:
            person = pending.pending_person_register(scope=scope, user=request.user, pending=row, data=data)
            messages.success(request, _("%(name)s was added.") % {"name": person.name})
            return redirect(reverse("registry:pending_list"))
        except ValidationError as error:
            attach_errors(form, error)
    return render(request, "registry/pending_register.html", {
        "form": form, "row": row, "name_masked": pending.masked(row), "where": _where(row)})


@require_POST
@registry_view
def pending_resolve(request, scope, pk):
    row = _writable(scope, pk)
    action = request.POST.get("action")
    try:
        if action == "register":
            pending.pending_person_link(scope=scope, user=request.user, pending=row,
                                        person_id=request.POST.get("person"))
            messages.success(request, _("%(name)s at %(where)s is marked registered.") % {
                "name": pending.masked(row), "where": _where(row)})
        elif action == "dismiss":
            pending.pending_person_dismiss(scope=scope, user=request.user, pending=row,
                                           reason=request.POST.get("reason", ""))
            messages.success(request, _("%(name)s at %(where)s is set aside.") % {
                "name": pending.masked(row), "where": _where(row)})
        else:
            raise ValidationError(_("Choose what to do: register or set aside."))
    except ValidationError as error:
        messages.error(request, _("%(name)s at %(where)s: %(error)s") % {
            "name": pending.masked(row), "where": _where(row), "error": " ".join(error.messages)})
    return redirect(reverse("registry:pending_list"))


# The patterns, for registry/urls.py (app_name = "registry"): `urlpatterns += pending_urlpatterns`.
pending_urlpatterns = [
    path("pending/", pending_list, name="pending_list"),
    path("pending/<int:pk>/register/", pending_register, name="pending_register"),
    path("pending/<int:pk>/resolve/", pending_resolve, name="pending_resolve"),
]
