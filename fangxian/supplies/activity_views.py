"""Supplies given out at a volunteer team's activity (a drive, a visit, care for the front
line): issue movements to the team that point at the activity, listed with their totals. The
office reads and writes them (carol, root); the subdistrict's officers read (dave). The
photos of an activity, shown on duty's team page, are served here to the same readers."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fangxian.core.forms import attach_errors
from fangxian.core.scope import scoped_view
from fangxian.duty.models import TeamActivity, TeamActivityPhoto

from . import selectors, stock
from .activity_forms import ActivityIssueForm
from .models import Item, Movement, Place

read_view = scoped_view(selectors.reads_stock)
run_view = scoped_view(selectors.runs_supplies)


def _activity(scope, pk: int, *, for_write: bool = False) -> TeamActivity:
    return get_object_or_404(scope.filter(TeamActivity.objects.select_related("team__community"),
                                          for_write=for_write), pk=pk)


def _form(activity, data=None) -> ActivityIssueForm:
    community_id = activity.team.community_id
    store = selectors.store_of(community_id)
    return ActivityIssueForm(data, items=Item.objects.filter(community_id=community_id, active=True),
                             places=Place.objects.filter(community_id=community_id).order_by("-kind", "name"),
                             initial={"place": store.pk if store else None})


def _page(request, scope, activity, *, form=None, status=200):
    lines = list(Movement.objects.filter(activity=activity).select_related("item", "place", "recorded_by")
                 .order_by("at", "pk"))
    totals = (Movement.objects.filter(activity=activity).order_by().values("item__name", "item__unit")
              .annotate(total=Sum("change")).order_by("item__name"))
    can_issue = scope.runs(activity.team.community_id)
    return render(request, "supplies/activity_supplies.html", {
        "activity": activity, "team": activity.team, "lines": lines,
        "totals": [{"name": t["item__name"], "unit": t["item__unit"], "given": -t["total"]} for t in totals
                   if t["total"]],
        "form": (form or _form(activity)) if can_issue else None,
        "reads_stock": selectors.reads_stock(scope),
    }, status=status)


@read_view
def activity_supplies(request, scope, activity_pk):
    return _page(request, scope, _activity(scope, activity_pk))


@require_POST
@run_view
def activity_issue(request, scope, activity_pk):
    activity = _activity(scope, activity_pk, for_write=True)
    form = _form(activity, request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            stock.stock_out(scope=scope, user=request.user, item=data["item"], place=data["place"],
                            kind=Movement.Kind.ISSUE, quantity=data["quantity"], note=data["note"],
                            event_id=data.get("event_id"), recipient=Movement.Recipient.TEAM, team=activity.team,
                            activity=activity)
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("%(quantity)s %(unit)s of %(item)s given out at %(activity)s.") % {
                "quantity": data["quantity"], "unit": data["item"].unit, "item": data["item"].name,
                "activity": activity.title})
            return redirect("supplies:activity_supplies", activity_pk=activity.pk)
    return _page(request, scope, activity, form=form, status=400)


@read_view
def activity_photo(request, scope, pk):
    photo = get_object_or_404(scope.filter(TeamActivityPhoto.objects.all()), pk=pk)
    try:
        handle = photo.image.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response


urlpatterns = [
    path("activities/<int:activity_pk>/supplies/", activity_supplies, name="activity_supplies"),
    path("activities/<int:activity_pk>/supplies/issue/", activity_issue, name="activity_issue"),
    path("activities/photos/<int:pk>/", activity_photo, name="activity_photo"),
]
