"""Volunteer pages: the public sign-up (reached by the community's code, no login) and its
poster; the volunteers list, detail, edit, approval and staff; volunteer teams. Community
admins read and write their communities', subdistrict officers read; other roles see none."""

from __future__ import annotations

import io

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from openpyxl import Workbook
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm

from fangxian.core.forms import RevealForm, attach_errors
from fangxian.core.models import AuditEvent
from fangxian.core.paging import paginate
from fangxian.core.pdf import centered, document, draw_qr, finish, qr
from fangxian.core.public import private_page, rate_limited
from fangxian.core.scope import Reach, scoped_view
from fangxian.core.services import audit_object, audit_record, personal_reveal
from fangxian.registry.models import Community, ResidentialGroup

from ..models import Volunteer, VolunteerTeam
from ..rosters.swaps import schedule_path
from . import selectors, services
from .forms import ActivityForm, DecisionForm, MemberForm, SignUpForm, StaffForm, TeamForm, VolunteerEditForm

SIGNUP_POSTS_PER_HOUR = 20
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXPORT_MAX_ROWS = 100_000




volunteer_view = scoped_view(selectors.sees_volunteers)  # admins, officers, superusers
volunteer_admin_view = scoped_view(selectors.edits_volunteers)  # admins, superusers


def _writable_communities(scope):
    return scope.communities(Community.objects.all(), Reach.RUN).order_by("code")


def _chosen_community(request, scope):
    """The community a staff member or team is added to: the one asked for, else the first
    the admin runs. Returns (community, the communities to choose from)."""
    communities = list(_writable_communities(scope)[:200])
    wanted = request.POST.get("community") or request.GET.get("community") or ""
    chosen = next((c for c in communities if str(c.pk) == wanted), communities[0] if communities else None)
    return chosen, communities


def _back(request, default: str):
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return redirect(target)
    return redirect(default)


# -- sign-up (public) --------------------------------------------------------------------


def signup(request, code):
    community = get_object_or_404(Community, code=code)
    status = 200
    if request.method == "POST":
        form = SignUpForm(request.POST, community=community)
        if rate_limited(request, "volunteer-signup", SIGNUP_POSTS_PER_HOUR):
            form.is_valid()
            form.add_error(None, _("Too many sign-ups from this network: try again in an hour, or ask the "
                                   "community office."))
            status = 429
        elif form.is_valid():
            data = form.cleaned_data
            try:
                volunteer, created = services.volunteer_sign_up(community=community, data=data,
                                                                consent=data.get("consent", False))
            except ValidationError as error:
                attach_errors(form, error)
                status = 400
            else:
                return private_page(render(request, "duty/signup_done.html", {
                    "community": community, "volunteer": volunteer, "created": created}))
        else:
            status = 400
    else:
        form = SignUpForm(community=community)
    return private_page(render(request, "duty/signup.html", {
        "form": form, "community": community, "consent_version": services.CONSENT_VERSION,
        "min_age": services.MIN_AGE}, status=status))


def _poster_pdf(*, community, url: str) -> bytes:
    """An A4 poster with the QR of the community's volunteer sign-up page."""
    title = _("Volunteers wanted")
    buffer, pdf = document(title)
    width, height = A4
    centered(pdf, community.name, height - 40 * mm, 26, width)
    centered(pdf, title, height - 58 * mm, 34, width)
    size = 120 * mm
    draw_qr(pdf, url, (width - size) / 2, height - 70 * mm - size, size)
    y = height - 80 * mm - size
    for line in (_("Help guard our community: scan the code to sign up as a volunteer."),
                 _("Checkpoint duty, deliveries, visits: the community office will call you."),
                 _("Volunteers are 18 or older."),
                 url):
        centered(pdf, line, y, 14 if line != url else 10, width)
        y -= 10 * mm
    return finish(buffer, pdf)


@volunteer_view
def signup_poster(request, scope, pk):
    community = get_object_or_404(scope.filter(Community.objects.all()), pk=pk)
    url = request.build_absolute_uri(reverse("duty:signup", args=[community.code]))
    response = HttpResponse(_poster_pdf(community=community, url=url), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="volunteers-{community.code}.pdf"'
    return response


# -- volunteers --------------------------------------------------------------------------


def _filtered(request, scope):
    filters = selectors.VolunteerFilters.from_query(request.GET)
    return filters, selectors.volunteers_filtered(scope.filter(Volunteer.objects.all()), filters)


@volunteer_view
def volunteer_list(request, scope):
    filters, volunteers = _filtered(request, scope)
    page, querystring = paginate(request, volunteers)
    page.object_list = list(page.object_list)
    for v in page.object_list:  # the approve and reject buttons: for the admins of its community
        v.can_decide = scope.runs(v.community_id)
    communities = list(scope.filter(Community.objects.all()).order_by("code")[:50])
    return render(request, "duty/volunteer_list.html", {
        "page": page, "querystring": querystring, "filters": filters,
        "groups": scope.filter(ResidentialGroup.objects.select_related("community")).order_by(
            "community__code", "number"),
        "statuses": Volunteer.Status.choices, "kinds": Volunteer.Kind.choices, "skills": selectors.SKILL_FILTERS,
        "can_edit": selectors.edits_volunteers(scope), "communities": communities,
        "many_communities": len(communities) > 1, "path": request.get_full_path(),
    })


@volunteer_view
def volunteer_export(request, scope):
    _filters, volunteers = _filtered(request, scope)
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Volunteers"))
    sheet.append([_("Name"), _("Kind"), _("Status"), _("Mobile"), _("Year of birth"), _("Residential group"),
                  _("Preferred checkpoint"), *[str(label) for _f, label in selectors.SKILL_FILTERS],
                  _("Time bands a week"), _("Community"), _("Signed up on")])
    for v in volunteers[:EXPORT_MAX_ROWS]:
        sheet.append([
            v.name, v.get_kind_display(), v.get_status_display(), v.phone_masked, v.birth_year,
            v.group.name if v.group else "", v.preferred_checkpoint.name if v.preferred_checkpoint else "",
            *[_("yes") if getattr(v, field) else "" for field, _l in selectors.SKILL_FILTERS],
            sum(len(bands) for bands in v.availability.values()), v.community.name,
            timezone.localtime(v.created_at).strftime("%Y-%m-%d %H:%M"),
        ])
    buffer = io.BytesIO()
    book.save(buffer)
    audit_record(actor=request.user, action=AuditEvent.Action.EXPORT, target_type="duty.Volunteer",
                 detail=request.GET.urlencode()[:200])
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="volunteers-{stamp}.xlsx"'
    return response


def _volunteer(scope, pk, *, for_write=False):
    return get_object_or_404(scope.filter(Volunteer.objects.select_related(
        "community", "group", "preferred_checkpoint", "decided_by"), for_write=for_write), pk=pk)


@volunteer_view
def volunteer_detail(request, scope, pk):
    volunteer = _volunteer(scope, pk)
    audit_object(actor=request.user, action=AuditEvent.Action.VIEW, obj=volunteer)
    can_edit = scope.can_write(volunteer)
    schedule_url = schedule_qr = None
    if can_edit and volunteer.status == Volunteer.Status.APPROVED:  # the link is the key: for the admins only
        schedule_url = request.build_absolute_uri(schedule_path(volunteer))
        schedule_qr = mark_safe(qr(schedule_url).svg_inline(  # noqa: S308 (segno's own SVG markup)
            scale=4, border=2, omitsize=True, svgclass="qr", lineclass=None, title=_("My shifts")))
    return render(request, "duty/volunteer_detail.html", {
        "volunteer": volunteer, "can_edit": can_edit, "schedule_url": schedule_url, "schedule_qr": schedule_qr,
        "can_decide": can_edit and volunteer.status == Volunteer.Status.PENDING,
        "grid": selectors.availability_rows(volunteer.availability), "heads": selectors.band_heads(),
        "teams": volunteer.teams.order_by("formed_on", "pk"), "reveal_form": RevealForm(),
    })


@volunteer_view
def volunteer_edit(request, scope, pk):
    volunteer = _volunteer(scope, pk, for_write=True)
    form = VolunteerEditForm(request.POST or None, volunteer=volunteer,
                             initial=VolunteerEditForm.initial_of(volunteer))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.volunteer_update(scope=scope, user=request.user, volunteer=volunteer,
                                          data=form.cleaned_data)
            except ValidationError as error:
                attach_errors(form, error)
            else:
                messages.success(request, _("Changes to %(name)s were saved.") % {"name": volunteer.name})
                return redirect("duty:volunteer_detail", pk=volunteer.pk)
        status = 400
    return render(request, "duty/volunteer_form.html", {
        "form": form, "volunteer": volunteer, "title": _("Edit %(name)s") % {"name": volunteer.name},
    }, status=status)


@require_POST
@volunteer_view
def volunteer_decide(request, scope, pk):
    volunteer = _volunteer(scope, pk, for_write=True)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose approve or reject."))
    else:
        approve = form.cleaned_data["decision"] == "approve"
        try:
            services.volunteer_decide(scope=scope, user=request.user, volunteer=volunteer, approve=approve,
                                      reason=form.cleaned_data["reason"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, (_("%(name)s was approved: they can now be put on the roster.") if approve
                                       else _("The sign-up of %(name)s was not accepted.")) % {"name": volunteer.name})
    return _back(request, reverse("duty:volunteer_detail", args=[volunteer.pk]))


@require_POST
@volunteer_view
def volunteer_reveal(request, scope, pk):
    volunteer = _volunteer(scope, pk)
    form = RevealForm(request.POST)
    value, error = None, None
    if form.is_valid() and form.cleaned_data["field"] == "phone":
        try:
            value = personal_reveal(user=request.user, scope=scope, obj=volunteer, field="phone",
                                    reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            error = " ".join(exc.messages)
    else:
        error = _("Say why you need to see this in full.")
    return render(request, "registry/_revealed.html", {"field": "phone", "value": value, "error": error},
                  status=200 if value else 400)


@volunteer_admin_view
def volunteer_staff_add(request, scope):
    community, communities = _chosen_community(request, scope)
    scope.require(community is not None)
    form = StaffForm(request.POST or None, community=community)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                staff = services.staff_add(scope=scope, user=request.user, community=community,
                                           data=form.cleaned_data)
            except ValidationError as error:
                attach_errors(form, error)
            else:
                messages.success(request, _("%(name)s was added to the staff.") % {"name": staff.name})
                return redirect("duty:volunteer_detail", pk=staff.pk)
        status = 400
    return render(request, "duty/volunteer_form.html", {
        "form": form, "title": _("Add a staff member"), "community": community, "communities": communities,
        "staff": True,
    }, status=status)


# -- teams -------------------------------------------------------------------------------


@volunteer_view
def team_list(request, scope):
    q = " ".join(request.GET.get("q", "").split())[:60]
    teams = scope.filter(VolunteerTeam.objects.all())
    if q:
        teams = teams.filter(name__icontains=q)
    teams = selectors.team_rows(teams).order_by("community__code", "formed_on", "pk")
    page, querystring = paginate(request, teams)
    return render(request, "duty/team_list.html", {
        "page": page, "querystring": querystring, "q": q, "can_edit": selectors.edits_volunteers(scope),
    })


@volunteer_admin_view
def team_create(request, scope):
    community, communities = _chosen_community(request, scope)
    scope.require(community is not None)
    form = TeamForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                team = services.team_create(scope=scope, user=request.user, community=community,
                                            data=form.cleaned_data)
            except ValidationError as error:
                attach_errors(form, error)
            else:
                messages.success(request, _("The team %(name)s was created.") % {"name": team.name})
                return redirect("duty:team_detail", pk=team.pk)
        status = 400
    return render(request, "duty/team_form.html", {"form": form, "community": community,
                                                   "communities": communities}, status=status)


def _team(scope, pk, *, for_write=False):
    return get_object_or_404(scope.filter(VolunteerTeam.objects.select_related("community"),
                                          for_write=for_write), pk=pk)


def _team_page(request, scope, team, *, member_form=None, activity_form=None, status=200):
    can_edit = scope.can_write(team)
    return render(request, "duty/team_detail.html", {
        "team": team, "can_edit": can_edit,
        "members": team.members.select_related("group").order_by("name", "pk"),
        "activities": team.activities.prefetch_related(
            Prefetch("members", queryset=Volunteer.objects.order_by("name", "pk")), "photos")[:200],
        "member_form": (member_form or MemberForm(team=team)) if can_edit else None,
        "activity_form": (activity_form or ActivityForm(initial={"held_on": timezone.localdate()}, team=team))
        if can_edit else None,
    }, status=status)


@volunteer_view
def team_detail(request, scope, pk):
    return _team_page(request, scope, _team(scope, pk))


@require_POST
@volunteer_view
def team_member_add(request, scope, pk):
    team = _team(scope, pk, for_write=True)
    form = MemberForm(request.POST, team=team)
    if not form.is_valid():
        return _team_page(request, scope, team, member_form=form, status=400)
    try:
        services.team_member_add(scope=scope, user=request.user, team=team, volunteer=form.cleaned_data["volunteer"])
    except ValidationError as error:
        attach_errors(form, error)
        return _team_page(request, scope, team, member_form=form, status=400)
    messages.success(request, _("%(name)s joined the team.") % {"name": form.cleaned_data["volunteer"].name})
    return redirect("duty:team_detail", pk=team.pk)


@require_POST
@volunteer_view
def team_member_remove(request, scope, pk):
    team = _team(scope, pk, for_write=True)
    volunteer_pk = request.POST.get("volunteer", "")
    volunteer = team.members.filter(pk=int(volunteer_pk)).first() if volunteer_pk.isdigit() else None
    if volunteer is None:
        messages.error(request, _("That volunteer is not a member of the team."))
    else:
        services.team_member_remove(scope=scope, user=request.user, team=team, volunteer=volunteer)
        messages.success(request, _("%(name)s left the team.") % {"name": volunteer.name})
    return redirect("duty:team_detail", pk=team.pk)


@require_POST
@volunteer_view
def team_activity_add(request, scope, pk):
    team = _team(scope, pk, for_write=True)
    form = ActivityForm(request.POST, request.FILES, team=team)
    if form.is_valid():
        try:
            services.team_activity_add(scope=scope, user=request.user, team=team, data=form.cleaned_data)
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("Activity recorded."))
            return redirect("duty:team_detail", pk=team.pk)
    return _team_page(request, scope, team, activity_form=form, status=400)

