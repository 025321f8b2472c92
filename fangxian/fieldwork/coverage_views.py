"""Campaign detail, the section board, never-reached doors, closing, exports, the walk sheet.

Every page reads the campaign's doors cut to the buildings the user sees
(coverage.campaign_doors); the writes go through closing.py, which checks the scope again.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fangxian.core.models import AuditEvent
from fangxian.core.paging import paginate
from fangxian.core.scope import scoped_view
from fangxian.core.services import audit_record

from . import closing, coverage, exports, selectors
from .models import Knock, Team
from .questionnaire import questions_of
from .walk_sheet import walk_sheet_pdf

fieldwork_view = scoped_view(selectors.sees_fieldwork)
OPEN_GAPS_SHOWN = 50


def _number(request, name: str) -> int | None:
    value = request.GET.get(name, "")
    return int(value) if value.isdigit() else None


@fieldwork_view
def campaign_detail(request, scope, pk):
    campaign = coverage.campaign_of(scope, pk)
    doors = coverage.campaign_doors(scope, campaign)
    runs = selectors.runs_fieldwork(scope, campaign.community_id)
    return render(request, "fieldwork/campaign_detail.html", {
        "campaign": campaign, "questions": questions_of(campaign.questionnaire),
        "total": selectors.coverage_total(campaign, doors),
        "tables": [(_("By section"), _("Section"), coverage.parts_by_section(campaign, doors), _("No section")),
                   (_("By team"), _("Team"), coverage.parts_by_team(campaign, doors), _("No team"))],
        "days": coverage.day_rows(campaign, doors), "outcomes": Knock.Outcome.labels,
        "may_close": runs and campaign.is_open, "may_edit": runs and campaign.is_open,
    })


@fieldwork_view
def board(request, scope, pk):
    campaign = coverage.campaign_of(scope, pk)
    section, team, q = _number(request, "section"), _number(request, "team"), selectors.search_text(request.GET)
    buildings = coverage.board_buildings(scope, campaign, section=section, team=team, q=q)
    page, querystring = paginate(request, buildings)
    sections = selectors.visible_sections(scope).filter(community_id=campaign.community_id).order_by("name")
    return render(request, "fieldwork/board.html", {
        "campaign": campaign, "page": page, "querystring": querystring, "groups": coverage.board_sections(
            campaign, list(page)), "sections": sections,
        "teams": Team.objects.filter(sections__in=sections).distinct().order_by("name"),
        "section": section, "team": team, "q": q,
    })


@fieldwork_view
def never_reached(request, scope, pk):
    campaign = coverage.campaign_of(scope, pk)
    q = selectors.search_text(request.GET)
    doors = selectors.never_reached(campaign, coverage.search_doors(coverage.campaign_doors(scope, campaign), q))
    page, querystring = paginate(request, doors)
    ids = [door.pk for door in page]
    last = coverage.last_knocks(campaign, ids)
    reasons = coverage.gap_reasons(campaign, ids)
    outcomes = dict(Knock.Outcome.choices)
    rows = [(door, outcomes.get(last.get(door.pk, (None, None))[0], ""), reasons.get(door.pk, ""),
             campaign.is_open and coverage.gives_reasons(scope, campaign, door.building.grid_id)) for door in page]
    return render(request, "fieldwork/never_reached.html", {
        "campaign": campaign, "page": page, "rows": rows, "querystring": querystring, "q": q,
        "max_length": closing.REASON_MAX,
    })


def _back(request, fallback: str) -> str:
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return fallback


@require_POST
@fieldwork_view
def gap_reason(request, scope, pk, dwelling_pk):
    campaign = coverage.campaign_of(scope, pk)
    dwelling = get_object_or_404(coverage.campaign_doors(scope, campaign).select_related("building"), pk=dwelling_pk)
    try:
        closing.gap_reason_give(scope=scope, user=request.user, campaign=campaign, dwelling=dwelling,
                                reason=request.POST.get("reason", ""))
    except ValidationError as error:
        messages.error(request, _("Room %(room)s: %(problem)s") % {
            "room": dwelling.room, "problem": " ".join(error.messages)})
    else:
        messages.success(request, _("The reason for room %(room)s is saved.") % {"room": dwelling.room})
    return redirect(_back(request, reverse("fieldwork:never_reached", args=[campaign.pk])))


@fieldwork_view
def campaign_close(request, scope, pk):
    campaign = coverage.campaign_of(scope, pk)
    if not selectors.runs_fieldwork(scope, campaign.community_id):
        raise PermissionDenied
    if request.method == "POST":
        try:
            closing.campaign_close(scope=scope, user=request.user, campaign=campaign)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("fieldwork:campaign_close", pk=campaign.pk)
        messages.success(request, _("The campaign is closed."))
        return redirect("fieldwork:campaign_detail", pk=campaign.pk)
    gaps = coverage.open_gaps(campaign)
    shown = list(gaps[:OPEN_GAPS_SHOWN])
    return render(request, "fieldwork/close.html", {
        "campaign": campaign, "missing": gaps.count() if len(shown) == OPEN_GAPS_SHOWN else len(shown),
        "gaps": [(door, coverage.STATE_LABELS[selectors.state_of(door)]) for door in shown],
        "max_length": closing.REASON_MAX,
    })


def _download(request, campaign, content: bytes, *, kind: str, content_type: str, name: str) -> HttpResponse:
    audit_record(actor=request.user, action=AuditEvent.Action.EXPORT, target_type="fieldwork.Campaign",
                 target_id=campaign.pk, community_id=campaign.community_id, detail=kind)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@fieldwork_view
def export_doors(request, scope, pk):
    campaign = coverage.campaign_of(scope, pk)
    content = exports.doors_workbook(campaign, coverage.campaign_doors(scope, campaign))
    return _download(request, campaign, content, kind="doors", content_type=exports.XLSX,
                     name=f"campaign-{campaign.pk}-doors-{timezone.localtime():%Y%m%d-%H%M}.xlsx")


@fieldwork_view
def export_coverage(request, scope, pk):
    campaign = coverage.campaign_of(scope, pk)
    content = exports.coverage_workbook(campaign, coverage.campaign_doors(scope, campaign))
    return _download(request, campaign, content, kind="coverage", content_type=exports.XLSX,
                     name=f"campaign-{campaign.pk}-coverage-{timezone.localtime():%Y%m%d-%H%M}.xlsx")


@fieldwork_view
def walk_sheet(request, scope, pk, building_pk):
    campaign = coverage.campaign_of(scope, pk)
    building = get_object_or_404(selectors.visible_buildings(scope, campaign.community_id), pk=building_pk)
    response = _download(request, campaign, walk_sheet_pdf(campaign, building), kind=f"walk sheet {building.pk}",
                         content_type="application/pdf", name=f"walk-sheet-{campaign.pk}-{building.pk}.pdf")
    response["Content-Disposition"] = response["Content-Disposition"].replace("attachment", "inline")
    return response


urlpatterns = [
    path("<int:pk>/", campaign_detail, name="campaign_detail"),
    path("<int:pk>/board/", board, name="board"),
    path("<int:pk>/never-reached/", never_reached, name="never_reached"),
    path("<int:pk>/gap/<int:dwelling_pk>/", gap_reason, name="gap_reason"),
    path("<int:pk>/close/", campaign_close, name="campaign_close"),
    path("<int:pk>/export/doors/", export_doors, name="export_doors"),
    path("<int:pk>/export/coverage/", export_coverage, name="export_coverage"),
    path("<int:pk>/walk-sheet/<int:building_pk>/", walk_sheet, name="walk_sheet"),
]
