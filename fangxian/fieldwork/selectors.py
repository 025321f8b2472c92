"""Reads of fieldwork, and its "may I" predicates, all built on the request's scope.

Who sees what:
- a community's readers (its admins, the subdistrict's officers) see all of its campaigns,
  teams, sections and doors; its admins run them (`runs_fieldwork`);
- a team member sees the sections of their teams, and walks their buildings;
- a grid worker also sees the sections that hold buildings of their grids, and the doors
  of their grids that were never reached.

A door's state in a campaign (`door_rows`, `state_of`):
- covered: a knock found someone (visited) or nobody to find (vacant, sealed);
- refused: not covered, and someone refused;
- revisit: knocked, nobody home every time;
- not yet: never knocked.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from django.db.models import Count, Max, Q, QuerySet
from django.utils import timezone

from fangxian.accounts.selectors import members_of
from fangxian.core.scope import Reach, Role, Scope
from fangxian.registry.models import Building, Community, Dwelling
from fangxian.registry.selectors import SEARCH_MAX_LENGTH, clean_search

from .models import COVERING, Campaign, Knock, Section, SectionBuilding, Team

COVERED, REFUSED, REVISIT, NOT_YET = "covered", "refused", "revisit", "not_yet"
STATES = (COVERED, REVISIT, REFUSED, NOT_YET)


# -- may I ---------------------------------------------------------------------------------


def sees_fieldwork(scope: Scope) -> bool:
    """Opens the canvassing pages: a community's readers, its grid workers, team members."""
    return scope.reads_communities or bool(scope.grid_ids) or is_team_member(scope)


def is_team_member(scope: Scope) -> bool:
    return scope.user_id is not None and Team.objects.filter(members=scope.user_id).exists()


def runs_fieldwork(scope: Scope, community_id: int | None) -> bool:
    """Starts and closes campaigns, divides sections, sets care rules: the community's admins."""
    return scope.runs(community_id)


def running_communities(scope: Scope, queryset: QuerySet) -> QuerySet:
    return scope.communities(queryset, Reach.RUN)


def starting_communities(scope: Scope) -> QuerySet[Community]:
    """The communities where the user may start a campaign (and divide sections, set care rules)."""
    return running_communities(scope, Community.objects.order_by("name"))


def search_text(query) -> str:
    """The `q` of a page's query string as every search box of the product takes it."""
    return clean_search(str(query.get("q", "")))[:SEARCH_MAX_LENGTH]


# -- which rows ------------------------------------------------------------------------------


def visible_campaigns(scope: Scope) -> QuerySet[Campaign]:
    """Campaigns of the communities the user belongs to or reads."""
    return scope.communities(Campaign.objects.select_related("community"), Reach.MEMBER, path="community_id")


def visible_sections(scope: Scope) -> QuerySet[Section]:
    """The sections the user sees: all of a community they read, their teams', their grids'."""
    sections = Section.objects.select_related("team", "community")
    if scope.is_superuser:
        return sections
    condition = Q(community_id__in=scope.community_ids(Reach.READ))
    if scope.user_id is not None:
        condition |= Q(team__members=scope.user_id)
    if scope.grid_ids:
        condition |= Q(section_buildings__building__grid_id__in=scope.grid_ids)
    return sections.filter(pk__in=Section.objects.filter(condition).values("pk"))


def visible_buildings(scope: Scope, community_id: int) -> QuerySet[Building]:
    """The buildings of a community whose doors the user may see and walk."""
    buildings = Building.objects.filter(community_id=community_id).select_related("estate", "grid")
    if scope.reads(community_id):
        return buildings
    return buildings.filter(fieldwork_section__section__in=visible_sections(scope))


def walkable_buildings(scope: Scope, campaign: Campaign) -> QuerySet[Building]:
    return visible_buildings(scope, campaign.community_id).order_by("estate__name", "name", "pk")


def campaign_dwellings(campaign: Campaign) -> QuerySet[Dwelling]:
    """The doors a campaign must reach: every dwelling of its community."""
    return Dwelling.objects.filter(building__community_id=campaign.community_id)


# -- doors and their states -------------------------------------------------------------------


def door_rows(campaign: Campaign, dwellings: QuerySet[Dwelling], *, until: dt.datetime | None = None
              ) -> QuerySet[Dwelling]:
    """`dwellings` with their knocks in the campaign counted (up to `until`): `attempts`,
    `n_covering`, `n_refused` and `last_knock_at`; one query."""
    knocks = Q(fieldwork_knocks__campaign=campaign)
    if until is not None:
        knocks &= Q(fieldwork_knocks__occurred_at__lt=until)
    return dwellings.annotate(
        attempts=Count("fieldwork_knocks", filter=knocks),
        n_covering=Count("fieldwork_knocks", filter=knocks & Q(fieldwork_knocks__outcome__in=COVERING)),
        n_refused=Count("fieldwork_knocks", filter=knocks & Q(fieldwork_knocks__outcome=Knock.Outcome.REFUSED)),
        last_knock_at=Max("fieldwork_knocks__occurred_at", filter=knocks),
    )


def state_of(row) -> str:
    if row.n_covering:
        return COVERED
    if row.n_refused:
        return REFUSED
    return REVISIT if row.attempts else NOT_YET


@dataclass
class Coverage:
    covered: int = 0
    revisit: int = 0
    refused: int = 0
    not_yet: int = 0

    @property
    def total(self) -> int:
        return self.covered + self.revisit + self.refused + self.not_yet

    @property
    def percent(self) -> int | None:
        return round(100 * self.covered / self.total) if self.total else None

    def add(self, state: str) -> None:
        setattr(self, state, getattr(self, state) + 1)


def coverage_by(campaign: Campaign, dwellings: QuerySet[Dwelling], key: str, *,
                until: dt.datetime | None = None) -> dict:
    """{value of `key` (a lookup from the dwelling, e.g. "building_id",
    "building__fieldwork_section__section_id"): Coverage}; two queries.

    The campaign's knocks are counted per door on their own table and the doors read with
    their key apart: joining every door to its knocks and grouping took eight times longer
    on a community (bench_fieldwork)."""
    counted = knock_counts(campaign, until=until)
    result: dict = {}
    for dwelling_id, value in dwellings.order_by().values_list("pk", key):
        result.setdefault(value, Coverage()).add(state_of(counted.get(dwelling_id, _NOT_KNOCKED)))
    return result


@dataclass(frozen=True)
class _Counts:
    attempts: int
    n_covering: int
    n_refused: int


_NOT_KNOCKED = _Counts(0, 0, 0)


def knock_counts(campaign: Campaign, *, until: dt.datetime | None = None) -> dict[int, _Counts]:
    """{dwelling id: its knocks in the campaign counted} for the doors knocked (up to `until`)."""
    knocks = Knock.objects.filter(campaign=campaign)
    if until is not None:
        knocks = knocks.filter(occurred_at__lt=until)
    rows = knocks.order_by().values("dwelling_id").annotate(
        attempts=Count("pk"), n_covering=Count("pk", filter=Q(outcome__in=COVERING)),
        n_refused=Count("pk", filter=Q(outcome=Knock.Outcome.REFUSED)),
    ).values_list("dwelling_id", "attempts", "n_covering", "n_refused")
    return {dwelling_id: _Counts(*counts) for dwelling_id, *counts in rows}


def coverage_total(campaign: Campaign, dwellings: QuerySet[Dwelling], *, until: dt.datetime | None = None
                   ) -> Coverage:
    total = Coverage()
    for part in coverage_by(campaign, dwellings, "building__community_id", until=until).values():
        for state in STATES:
            setattr(total, state, getattr(total, state) + getattr(part, state))
    return total


def never_reached(campaign: Campaign, dwellings: QuerySet[Dwelling]) -> QuerySet[Dwelling]:
    """Doors knocked `max_attempts` times or more and never covered (refusals included)."""
    return (door_rows(campaign, dwellings).filter(attempts__gte=campaign.max_attempts, n_covering=0)
            .select_related("building__estate", "building__grid").order_by("building__estate__name",
                                                                            "building__name", "room"))


def knocks_per_day(campaign: Campaign, dwellings: QuerySet[Dwelling]) -> list[tuple[dt.date, Counter]]:
    """[(day, Counter of outcomes)] in the campaign, oldest first, by the community's local day."""
    days: dict[dt.date, Counter] = {}
    for occurred_at, outcome in Knock.objects.filter(campaign=campaign, dwelling__in=dwellings).values_list(
            "occurred_at", "outcome").order_by("occurred_at"):
        days.setdefault(timezone.localdate(occurred_at), Counter())[outcome] += 1
    return sorted(days.items())


# -- the campaign list ------------------------------------------------------------------------


def filtered_campaigns(campaigns: QuerySet[Campaign], *, q: str = "", status: str = "") -> QuerySet[Campaign]:
    if status in Campaign.Status.values:
        campaigns = campaigns.filter(status=status)
    if q:
        campaigns = campaigns.filter(Q(name__icontains=q) | Q(purpose__icontains=q))
    return campaigns


def covered_counts(campaigns: list[Campaign]) -> dict[int, tuple[int, int]]:
    """{campaign id: (doors covered, doors in its community)} for a page of campaigns; two queries."""
    ids = [c.pk for c in campaigns]
    covered = dict(Knock.objects.filter(campaign_id__in=ids, outcome__in=COVERING)
                   .values("campaign_id").annotate(n=Count("dwelling_id", distinct=True))
                   .values_list("campaign_id", "n"))
    doors = dict(Dwelling.objects.filter(building__community_id__in={c.community_id for c in campaigns})
                 .values("building__community_id").annotate(n=Count("pk"))
                 .values_list("building__community_id", "n"))
    return {c.pk: (covered.get(c.pk, 0), doors.get(c.community_id, 0)) for c in campaigns}


# -- teams and sections (the admin pages) ------------------------------------------------------

# Who may be put in a team: the community's own people (an officer reads it, he does not walk it).
TEAM_ROLES = (Role.GRID_WORKER, Role.DELIVERY_VOLUNTEER, Role.CHECKPOINT_VOLUNTEER, Role.GROUP_LEADER,
              Role.COMMUNITY_ADMIN)


def visible_teams(scope: Scope) -> QuerySet[Team]:
    """The teams of the communities the user reads or grid-works in, and the user's own."""
    teams = Team.objects.select_related("community")
    if scope.is_superuser:
        return teams
    condition = Q(pk__in=scope.filter(Team.objects.all()).values("pk"))
    if scope.user_id is not None:
        condition |= Q(pk__in=Team.objects.filter(members=scope.user_id).values("pk"))
    return teams.filter(condition)


def team_candidates(community_id: int) -> QuerySet:
    """The users who may join a team of the community."""
    return members_of(community_id, roles=TEAM_ROLES)


def team_candidate_roles(community_id: int) -> dict[int, list[str]]:
    """{user id: the labels of their roles in the community}; a query per role."""
    roles: dict[int, list[str]] = {}
    for role in TEAM_ROLES:
        for user_id in members_of(community_id, roles=[role]).values_list("pk", flat=True):
            roles.setdefault(user_id, []).append(str(role.label))
    return roles


def section_rows(sections: QuerySet[Section], *, q: str = "") -> QuerySet[Section]:
    """The sections (matching `q` by their name or one of their buildings') with `n_buildings`
    and `n_doors`; one query."""
    if q:
        sections = sections.filter(pk__in=Section.objects.filter(
            Q(name__icontains=q) | Q(section_buildings__building__name__icontains=q)).values("pk"))
    return sections.annotate(
        n_buildings=Count("section_buildings", distinct=True),
        n_doors=Count("section_buildings__building__dwellings", distinct=True),
    ).order_by("community__name", "name", "pk")


def unsectioned_buildings(scope: Scope) -> QuerySet[Building]:
    """The buildings of the communities the user reads that are in no section: nobody knocks there."""
    buildings = Building.objects.filter(fieldwork_section__isnull=True).select_related("estate")
    return scope.communities(buildings, Reach.READ, path="community_id").order_by("estate__name", "name", "pk")


def section_buildings_choice(community_id: int) -> QuerySet[Building]:
    """The community's buildings for a section's form, each with its grid and its current section."""
    return (Building.objects.filter(community_id=community_id)
            .select_related("estate", "grid", "fieldwork_section__section").order_by("estate__name", "name", "pk"))


def section_moves(section: Section | None, building_ids) -> list[SectionBuilding]:
    """The buildings among `building_ids` that another section holds now (they would move)."""
    held = SectionBuilding.objects.filter(building_id__in=list(building_ids)).select_related(
        "building__estate", "section").order_by("building__estate__name", "building__name")
    return list(held if section is None or section.pk is None else held.exclude(section=section))
