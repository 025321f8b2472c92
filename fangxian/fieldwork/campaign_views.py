"""Campaign pages, the admin side of canvassing: the list of campaigns (search, status, each
one's coverage at a glance), starting and changing a campaign, the teams and the standing
sections. Everyone who sees fieldwork reads the lists; the community's admins change them
(selectors.runs_fieldwork, checked again by the services)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fangxian.core.forms import attach_errors
from fangxian.core.paging import paginate
from fangxian.core.scope import scoped_view

from . import selectors, services
from .forms import CampaignForm, SectionForm, TeamForm, user_label
from .models import Campaign, Section, Team

fieldwork_view = scoped_view(selectors.sees_fieldwork)


def _search(request) -> str:
    return selectors.search_text(request.GET)


def _communities(scope):
    communities = selectors.starting_communities(scope)
    if not communities.exists():
        raise PermissionDenied
    return communities


def _chosen_community(request, communities):
    """The community a new team or section is for: the one asked for, or the first."""
    wanted = request.POST.get("community") or request.GET.get("community")
    chosen = communities.filter(pk=wanted).first() if str(wanted or "").isdigit() else None
    return chosen or communities.first()


def _run(scope, obj) -> None:
    if not selectors.runs_fieldwork(scope, obj.community_id):
        raise PermissionDenied


# -- campaigns ---------------------------------------------------------------------------------


@fieldwork_view
def campaign_list(request, scope):
    q = _search(request)
    status = request.GET.get("status", "")
    campaigns = selectors.filtered_campaigns(selectors.visible_campaigns(scope), q=q, status=status)
    page, querystring = paginate(request, campaigns)
    covered = selectors.covered_counts(list(page))
    rows = [(campaign, *covered[campaign.pk]) for campaign in page]
    return render(request, "fieldwork/campaign_list.html", {
        "page": page, "rows": rows, "querystring": querystring, "q": q, "status": status,
        "statuses": Campaign.Status.choices,
        "can_start": selectors.starting_communities(scope).exists(),
    })


@fieldwork_view
def campaign_create(request, scope):
    form = CampaignForm(request.POST or None, communities=_communities(scope))
    if request.method == "POST" and form.is_valid():
        try:
            campaign = services.campaign_create(scope=scope, user=request.user,
                                                community=form.cleaned_data["community"], **form.campaign_data())
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("The campaign was started."))
            return redirect("fieldwork:campaign_detail", campaign.pk)
    return render(request, "fieldwork/campaign_form.html", {"form": form, "campaign": None},
                  status=400 if request.method == "POST" else 200)


@fieldwork_view
def campaign_edit(request, scope, pk):
    campaign = get_object_or_404(selectors.visible_campaigns(scope), pk=pk)
    _run(scope, campaign)
    if not campaign.is_open:
        messages.error(request, _("This campaign is closed: it can no longer be changed."))
        return redirect("fieldwork:campaign_detail", campaign.pk)
    form = CampaignForm(request.POST or None, campaign=campaign)
    if request.method == "POST" and form.is_valid():
        try:
            services.campaign_update(scope=scope, user=request.user, campaign=campaign, **form.campaign_data())
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("The campaign was saved."))
            return redirect("fieldwork:campaign_detail", campaign.pk)
    return render(request, "fieldwork/campaign_form.html", {"form": form, "campaign": campaign},
                  status=400 if request.method == "POST" else 200)


# -- teams -------------------------------------------------------------------------------------


@fieldwork_view
def team_list(request, scope):
    q = _search(request)
    teams = selectors.visible_teams(scope).prefetch_related("members", "sections").order_by("community__name", "name")
    if q:
        teams = teams.filter(name__icontains=q)
    page, querystring = paginate(request, teams)
    rows = [(team, [user_label(u) for u in team.members.all()], team.sections.all()) for team in page]
    runs = set(selectors.starting_communities(scope).values_list("pk", flat=True))
    return render(request, "fieldwork/team_list.html", {
        "page": page, "rows": rows, "querystring": querystring, "q": q, "runs": runs, "can_edit": bool(runs),
    })


def _team_page(request, scope, *, team: Team | None, communities=None):
    community = team.community if team is not None else _chosen_community(request, communities)
    initial = {"name": team.name, "members": list(team.members.all())} if team is not None else None
    form = TeamForm(request.POST or None, initial=initial, community_id=community.pk)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if team is None:
                services.team_create(scope=scope, user=request.user, community=community, name=data["name"],
                                     members=data["members"])
            else:
                services.team_update(scope=scope, user=request.user, team=team, name=data["name"],
                                     members=data["members"])
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("The team was saved."))
            return redirect("fieldwork:team_list")
    return render(request, "fieldwork/team_form.html", {
        "form": form, "team": team, "community": community, "communities": communities,
        "confirm_delete": _("Delete this team? Its sections stay, with no team."),
    }, status=400 if request.method == "POST" else 200)


@fieldwork_view
def team_create(request, scope):
    return _team_page(request, scope, team=None, communities=_communities(scope))


@fieldwork_view
def team_edit(request, scope, pk):
    team = get_object_or_404(selectors.visible_teams(scope), pk=pk)
    _run(scope, team)
    return _team_page(request, scope, team=team)


@require_POST
@fieldwork_view
def team_delete(request, scope, pk):
    team = get_object_or_404(selectors.visible_teams(scope), pk=pk)
    _run(scope, team)
    services.team_delete(scope=scope, user=request.user, team=team)
    messages.success(request, _("The team was deleted; its sections now have no team."))
    return redirect("fieldwork:team_list")


# -- sections ----------------------------------------------------------------------------------

UNSECTIONED_SHOWN = 20


@fieldwork_view
def section_list(request, scope):
    q = _search(request)
    page, querystring = paginate(request, selectors.section_rows(selectors.visible_sections(scope), q=q))
    unsectioned = selectors.unsectioned_buildings(scope)
    runs = set(selectors.starting_communities(scope).values_list("pk", flat=True))
    return render(request, "fieldwork/section_list.html", {
        "page": page, "querystring": querystring, "q": q, "runs": runs, "can_edit": bool(runs),
        "unsectioned": unsectioned[:UNSECTIONED_SHOWN] if scope.reads_communities else [],
        "unsectioned_count": unsectioned.count() if scope.reads_communities else 0,
    })


def _building_groups(form: SectionForm, section: Section | None):
    """[(estate, [(building, ticked, the section holding it if another)])], in the form's order."""
    ticked = form.chosen_building_ids()
    groups: list = []
    for building in form.fields["buildings"].queryset:
        holder = getattr(getattr(building, "fieldwork_section", None), "section", None)
        other = holder if holder is not None and (section is None or holder.pk != section.pk) else None
        if not groups or groups[-1][0] != building.estate:
            groups.append((building.estate, []))
        groups[-1][1].append((building, building.pk in ticked, other))
    return groups


def _section_page(request, scope, *, section: Section | None, communities=None):
    community = section.community if section is not None else _chosen_community(request, communities)
    initial = None
    if section is not None:
        initial = {"name": section.name, "team": section.team_id,
                   "buildings": list(section.section_buildings.values_list("building_id", flat=True))}
    form = SectionForm(request.POST or None, initial=initial, community_id=community.pk)
    moves = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        chosen = [building.pk for building in data["buildings"]]
        confirmed = {int(v) for v in request.POST.getlist("confirm_move") if v.isdigit()}
        moves = selectors.section_moves(section, chosen)
        if all(move.building_id in confirmed for move in moves):
            fields = {"name": data["name"], "team": data["team"], "buildings": data["buildings"],
                      "moves_confirmed": confirmed}
            try:
                if section is None:
                    services.section_create(scope=scope, user=request.user, community=community, **fields)
                else:
                    services.section_update(scope=scope, user=request.user, section=section, **fields)
            except ValidationError as error:
                attach_errors(form, error)
            else:
                messages.success(request, _("The section was saved."))
                return redirect("fieldwork:section_list")
    return render(request, "fieldwork/section_form.html", {
        "form": form, "section": section, "community": community, "communities": communities, "moves": moves,
        "building_groups": _building_groups(form, section), "chosen": sorted(form.chosen_building_ids()),
        "confirm_delete": _("Delete this section? Its buildings are left in no section."),
    }, status=400 if request.method == "POST" and not moves else 200)


@fieldwork_view
def section_create(request, scope):
    return _section_page(request, scope, section=None, communities=_communities(scope))


@fieldwork_view
def section_edit(request, scope, pk):
    section = get_object_or_404(selectors.visible_sections(scope), pk=pk)
    _run(scope, section)
    return _section_page(request, scope, section=section)


@require_POST
@fieldwork_view
def section_delete(request, scope, pk):
    section = get_object_or_404(selectors.visible_sections(scope), pk=pk)
    _run(scope, section)
    services.section_delete(scope=scope, user=request.user, section=section)
    messages.success(request, _("The section was deleted; its buildings are now in no section."))
    return redirect("fieldwork:section_list")


urlpatterns = [
    path("", campaign_list, name="campaign_list"),
    path("new/", campaign_create, name="campaign_create"),
    path("<int:pk>/edit/", campaign_edit, name="campaign_edit"),
    path("teams/", team_list, name="team_list"),
    path("teams/new/", team_create, name="team_create"),
    path("teams/<int:pk>/", team_edit, name="team_edit"),
    path("teams/<int:pk>/delete/", team_delete, name="team_delete"),
    path("sections/", section_list, name="section_list"),
    path("sections/new/", section_create, name="section_create"),
    path("sections/<int:pk>/", section_edit, name="section_edit"),
    path("sections/<int:pk>/delete/", section_delete, name="section_delete"),
]
