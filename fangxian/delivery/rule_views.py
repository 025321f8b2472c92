"""The meal rules, under /delivery/rules/: per community the rule in force today (or the
default, when the community set none) and the dated history; its admins add a rule, delete
one that has not started, and generate tomorrow's meals at once instead of waiting for the
night's run.

Who: the community's readers (admins, officers) and its grid workers read; couriers do not
(selectors.sees_delivery); the admins of the community write (selectors.runs_delivery)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fangxian.core.forms import attach_errors
from fangxian.core.paging import paginate
from fangxian.core.scope import Reach, scoped_view
from fangxian.registry.models import Community

from . import meals, selectors
from .models import DeliveryRule, Meal
from .rule_forms import RuleForm

rules_view = scoped_view(selectors.sees_delivery)
runner_view = scoped_view(lambda scope: scope.is_admin)
PER_PAGE = 10


@dataclass
class RuleRow:
    rule: DeliveryRule
    state: str  # in_force, future, ended
    times: list  # [(meal label, time or None)], breakfast first


@dataclass
class CommunityRules:
    community: Community
    today: RuleRow
    is_default: bool
    history: list[RuleRow] = field(default_factory=list)
    can_run: bool = False
    form: RuleForm | None = None


def _times(rule: DeliveryRule) -> list:
    return [(Meal.BREAKFAST.label, rule.breakfast_by), (Meal.LUNCH.label, rule.lunch_by),
            (Meal.DINNER.label, rule.dinner_by)]


def _seen_communities(scope):
    """The communities whose rules the user reads: those they read whole, and their grids'."""
    return (scope.communities(Community.objects.all(), Reach.READ)
            | Community.objects.filter(pk__in=scope.grid_community_ids)).distinct().order_by("name", "pk")


def _blocks(scope, communities, *, forms: dict | None = None) -> list[CommunityRules]:
    today = timezone.localdate()
    history = meals.rule_history(c.pk for c in communities)
    blocks = []
    for community in communities:
        rules = history.get(community.pk, [])
        in_force = selectors.rule_on(rules, today)
        is_default = in_force is selectors.DEFAULT_RULE
        rows = [RuleRow(rule=r, times=_times(r),
                        state="future" if r.effective_from > today else "in_force" if r is in_force else "ended")
                for r in rules]
        can_run = selectors.runs_delivery(scope, community.pk)
        form = (forms or {}).get(community.pk) or (RuleForm(auto_id=f"id_c{community.pk}_%s", initial={
            "effective_from": today + dt.timedelta(days=1), "breakfast_by": in_force.breakfast_by,
            "lunch_by": in_force.lunch_by, "dinner_by": in_force.dinner_by,
            "request_hours": in_force.request_hours}) if can_run else None)
        blocks.append(CommunityRules(community=community, is_default=is_default, history=rows, can_run=can_run,
                                     form=form, today=RuleRow(rule=in_force, state="in_force",
                                                              times=_times(in_force))))
    return blocks


@rules_view
def rules(request, scope):
    page, querystring = paginate(request, _seen_communities(scope), PER_PAGE)
    return render(request, "delivery/rules.html", {
        "page": page, "querystring": querystring, "blocks": _blocks(scope, list(page)),
        "today": timezone.localdate(),
    })


def _back(community_id: int) -> str:
    return f"{reverse('delivery:rules')}#community-{community_id}"


@require_POST
@runner_view
def rule_add(request, scope, community_pk):
    community = get_object_or_404(selectors.running_communities(scope, Community.objects.all()), pk=community_pk)
    form = RuleForm(request.POST, auto_id=f"id_c{community.pk}_%s")
    if form.is_valid():
        data = form.cleaned_data
        try:
            meals.rule_add(scope=scope, user=request.user, community=community,
                           effective_from=data["effective_from"], breakfast_by=data["breakfast_by"],
                           lunch_by=data["lunch_by"], dinner_by=data["dinner_by"],
                           request_hours=data["request_hours"])
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("The rule was added. The meals of its days are made from it, tomorrow's "
                                        "at the next hourly run."))
            return redirect(_back(community.pk))
    return render(request, "delivery/rules.html", {
        "page": None, "blocks": _blocks(scope, [community], forms={community.pk: form}),
        "today": timezone.localdate(),
    }, status=400)


@require_POST
@runner_view
def rule_delete(request, scope, pk):
    rule = get_object_or_404(scope.communities(DeliveryRule.objects.all(), Reach.RUN, path="community_id"), pk=pk)
    try:
        meals.rule_delete(scope=scope, user=request.user, rule=rule)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The rule was deleted."))
    return redirect(_back(rule.community_id))


@require_POST
@runner_view
def generate(request, scope, community_pk):
    community = get_object_or_404(selectors.running_communities(scope, Community.objects.all()), pk=community_pk)
    run = meals.meals_generate_for(scope=scope, user=request.user, community=community)
    messages.success(request, _("Tomorrow's meals: %(made)d made, %(cancelled)d cancelled, %(kept)d already there.")
                     % {"made": run.made, "cancelled": run.cancelled, "kept": run.kept})
    return redirect(_back(community.pk))


urlpatterns = [
    path("rules/", rules, name="rules"),
    path("rules/<int:community_pk>/add/", rule_add, name="rule_add"),
    path("rules/<int:pk>/delete/", rule_delete, name="rule_delete"),
    path("rules/<int:community_pk>/generate/", generate, name="meals_generate"),
]
