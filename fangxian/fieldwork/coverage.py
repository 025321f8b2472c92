"""Reads behind the coverage pages, the exports and the walk sheet, on top of selectors.

Every read starts from `campaign_doors(scope, campaign)`: the campaign's doors cut to the
buildings the user sees (selectors.visible_buildings), so a grid worker's or a team member's
figures, board, lists and files hold their part of the community and nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import F, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _

from fangxian.core.scope import Scope
from fangxian.registry.models import Building, Dwelling

from . import selectors
from .models import Campaign, CoverageGap, Knock, Section, Team
from .selectors import COVERED, NOT_YET, REFUSED, REVISIT, Coverage

STATE_LABELS = {COVERED: _("Covered"), REVISIT: _("To revisit"), REFUSED: _("Refused to answer"),
                NOT_YET: _("Not knocked yet")}
SECTION_KEY = "building__fieldwork_section__section_id"
TEAM_KEY = "building__fieldwork_section__section__team_id"


def campaign_of(scope: Scope, pk: int) -> Campaign:
    """The campaign, if the user sees it; 404 otherwise (another community's stays unknown)."""
    return get_object_or_404(selectors.visible_campaigns(scope), pk=pk)


def campaign_doors(scope: Scope, campaign: Campaign) -> QuerySet[Dwelling]:
    buildings = selectors.visible_buildings(scope, campaign.community_id)
    return selectors.campaign_dwellings(campaign).filter(building__in=buildings.values("pk"))


def gives_reasons(scope: Scope, campaign: Campaign, grid_id: int | None) -> bool:
    """Gives a gap's reason for a door: the campaign's runners, and the grid worker of the door's grid."""
    return selectors.runs_fieldwork(scope, campaign.community_id) or (grid_id is not None
                                                                      and grid_id in scope.grid_ids)


# -- the detail page ------------------------------------------------------------------------


@dataclass
class Part:
    """A row of the per-section or per-team table: its name (None: doors in no section) and coverage."""

    name: str | None
    coverage: Coverage


def _parts(coverage: dict, names: dict) -> list[Part]:
    # Named parts by name, then the doors in no section; a part the user cannot name is skipped.
    rows = [Part(names[key], value) for key, value in coverage.items() if key in names]
    rows.sort(key=lambda part: part.name)
    if None in coverage:
        rows.append(Part(None, coverage[None]))
    return rows


def parts_by_section(campaign: Campaign, doors: QuerySet[Dwelling]) -> list[Part]:
    coverage = selectors.coverage_by(campaign, doors, SECTION_KEY)
    names = dict(Section.objects.filter(pk__in=[k for k in coverage if k]).values_list("pk", "name"))
    return _parts(coverage, names)


def parts_by_team(campaign: Campaign, doors: QuerySet[Dwelling]) -> list[Part]:
    coverage = selectors.coverage_by(campaign, doors, TEAM_KEY)
    names = dict(Team.objects.filter(pk__in=[k for k in coverage if k]).values_list("pk", "name"))
    return _parts(coverage, names)


def day_rows(campaign: Campaign, doors: QuerySet[Dwelling]) -> list[tuple]:
    """[(day, visited, nobody home, refused, vacant, sealed, all)] oldest first."""
    outcomes = Knock.Outcome.values
    return [(day, *(counts[o] for o in outcomes), sum(counts.values()))
            for day, counts in selectors.knocks_per_day(campaign, doors)]


# -- the board ------------------------------------------------------------------------------


def board_buildings(scope: Scope, campaign: Campaign, *, section: int | None = None, team: int | None = None,
                    q: str = "") -> QuerySet[Building]:
    buildings = (selectors.visible_buildings(scope, campaign.community_id)
                 .select_related("fieldwork_section__section__team")
                 .order_by(F("fieldwork_section__section__name").asc(nulls_last=True), "estate__name", "name", "pk"))
    if section:
        buildings = buildings.filter(fieldwork_section__section_id=section)
    if team:
        buildings = buildings.filter(fieldwork_section__section__team_id=team)
    if q:
        buildings = buildings.filter(Q(name__icontains=q) | Q(estate__name__icontains=q))
    return buildings


@dataclass
class BoardSection:
    section: Section | None
    rows: list = field(default_factory=list)  # [(building, Coverage)]


def board_sections(campaign: Campaign, buildings: list[Building]) -> list[BoardSection]:
    """A page of buildings grouped by section, each with its doors' coverage; one query."""
    coverage = selectors.coverage_by(campaign, Dwelling.objects.filter(building__in=buildings), "building_id")
    groups: dict[int | None, BoardSection] = {}
    for building in buildings:
        link = getattr(building, "fieldwork_section", None)
        section = link.section if link else None
        group = groups.setdefault(section.pk if section else None, BoardSection(section))
        group.rows.append((building, coverage.get(building.pk, Coverage())))
    return list(groups.values())


# -- doors, one by one -------------------------------------------------------------------------


def last_knocks(campaign: Campaign, dwelling_ids) -> dict[int, tuple]:
    """{dwelling id: (last outcome, answers of its last visiting knock or None)}; one query."""
    last: dict[int, list] = {}
    for dwelling_id, outcome, answers in (Knock.objects.filter(campaign=campaign, dwelling_id__in=dwelling_ids)
                                          .order_by("occurred_at", "pk")
                                          .values_list("dwelling_id", "outcome", "answers").iterator(2000)):
        entry = last.setdefault(dwelling_id, [None, None])
        entry[0] = outcome
        if outcome == Knock.Outcome.VISITED:
            entry[1] = answers
    return {key: tuple(value) for key, value in last.items()}


def gap_reasons(campaign: Campaign, dwelling_ids=None) -> dict[int, str]:
    gaps = CoverageGap.objects.filter(campaign=campaign)
    if dwelling_ids is not None:
        gaps = gaps.filter(dwelling_id__in=dwelling_ids)
    return dict(gaps.values_list("dwelling_id", "reason"))


def search_doors(doors: QuerySet[Dwelling], q: str) -> QuerySet[Dwelling]:
    if not q:
        return doors
    return doors.filter(Q(room__icontains=q) | Q(building__name__icontains=q) | Q(building__estate__name__icontains=q))


def open_gaps(campaign: Campaign) -> QuerySet[Dwelling]:
    """The campaign's doors (all of them, whoever asks) neither covered nor given a reason:
    what stops it from closing."""
    reasons = CoverageGap.objects.filter(campaign=campaign).values("dwelling_id")
    return (selectors.door_rows(campaign, selectors.campaign_dwellings(campaign).exclude(pk__in=reasons))
            .filter(n_covering=0).select_related("building__estate", "building__grid")
            .order_by("building__estate__name", "building__name", "room"))
