"""Reads of the registry that are more than a `get`: filtered lists and the overview counts.

Every function takes a queryset that `core.scope` has already limited to what the user
may see, so no selector can widen a user's view.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from .models import PERSON_TAGS, Building, Dwelling, Person, ResidentialGroup

TAG_FIELDS = {field for field, _label in PERSON_TAGS}
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
SEARCH_MAX_LENGTH = 100  # what a search box takes (its maxlength); longer queries are cut, and the page says so


@dataclass(frozen=True)
class PersonFilters:
    """The filters of the person list, as the web page and the API both accept them."""

    q: str = ""
    grid: int | None = None
    building: int | None = None
    kind: str = ""
    tag: str = ""
    status: str = ""
    community: int | None = None
    q_cut: bool = False  # the query was longer than SEARCH_MAX_LENGTH and was cut to it

    @classmethod
    def from_query(cls, params) -> "PersonFilters":
        def number(name):
            value = (params.get(name) or "").strip()
            return int(value) if value.isdigit() else None

        tag = (params.get("tag") or "").strip()
        kind = (params.get("kind") or "").strip()
        status = (params.get("status") or "").strip()
        q = clean_search(params.get("q"))
        return cls(
            q=q[:SEARCH_MAX_LENGTH].strip(),
            q_cut=len(q) > SEARCH_MAX_LENGTH,
            grid=number("grid"),
            building=number("building"),
            kind=kind if kind in Person.Kind.values else "",
            tag=tag if tag in TAG_FIELDS else "",
            status=status if status in Dwelling.Status.values else "",
            community=number("community"),
        )

    @property
    def active(self) -> bool:
        return any((self.q, self.grid, self.building, self.kind, self.tag, self.status, self.community))


# -- search boxes and id filters, shared by the pages and the API -------------------------

def clean_search(q: str | None) -> str:
    """What a search box gave, tidied: full-width folded, control characters removed."""
    if not q:
        return ""
    return " ".join(_CONTROL.sub(" ", unicodedata.normalize("NFKC", q)).split())


def by_ids(queryset: QuerySet, **lookups) -> QuerySet:
    wanted = {lookup: value for lookup, value in lookups.items() if value is not None}
    return queryset.filter(**wanted) if wanted else queryset


def filter_communities(queryset: QuerySet, *, q: str | None = None) -> QuerySet:
    q = clean_search(q)
    return queryset.filter(Q(name__icontains=q) | Q(code__iexact=q)) if q else queryset


def filter_groups(queryset: QuerySet, *, q: str | None = None, community: int | None = None) -> QuerySet:
    q = clean_search(q)
    if q:
        queryset = queryset.filter(name__icontains=q)
    return by_ids(queryset, community_id=community)


def filter_estates(queryset: QuerySet, *, q=None, community=None, group=None, kind=None) -> QuerySet:
    q = clean_search(q)
    if q:
        queryset = queryset.filter(name__icontains=q)
    return by_ids(queryset, community_id=community, group_id=group, kind=kind)


def filter_grids(queryset: QuerySet, *, q=None, community=None) -> QuerySet:
    q = clean_search(q)
    if q:
        queryset = queryset.filter(Q(name__icontains=q) | Q(code__iexact=q))
    return by_ids(queryset, community_id=community)


def filter_buildings(queryset: QuerySet, *, q=None, community=None, estate=None, grid=None) -> QuerySet:
    q = clean_search(q)
    if q:
        queryset = queryset.filter(Q(name__icontains=q) | Q(estate__name__icontains=q))
    return by_ids(queryset, community_id=community, estate_id=estate, grid_id=grid)



def _term_condition(term: str) -> Q:
    """Digits match the end of an ID number or phone, or a room; anything else a name or a
    building (or a room such as 3-201)."""
    digits = term.upper().rstrip("X")
    if digits.isdigit():
        return Q(national_id__endswith=term.upper()) | Q(phone__endswith=term) | Q(dwelling__room=term)
    return Q(name__contains=term) | Q(dwelling__building__name=term) | Q(dwelling__room=term)


def search_condition(q: str) -> Q:
    """Every word of the query must match (11号 101: room 101 of building 11号).

    A user at the gate types the last four digits of an ID or phone, or a room number;
    in the office they type a name or part of one, often with the building.
    """
    condition = Q()
    for term in dict.fromkeys(q[:SEARCH_MAX_LENGTH].split()):
        condition &= _term_condition(term)
    return condition


def people_filtered(queryset: QuerySet[Person], filters: PersonFilters) -> QuerySet[Person]:
    queryset = queryset.filter(search_condition(filters.q))
    if filters.community:
        queryset = queryset.filter(community_id=filters.community)
    if filters.grid:
        queryset = queryset.filter(dwelling__building__grid_id=filters.grid)
    if filters.building:
        queryset = queryset.filter(dwelling__building_id=filters.building)
    if filters.kind:
        queryset = queryset.filter(kind=filters.kind)
    if filters.tag:
        queryset = queryset.filter(**{filters.tag: True})
    if filters.status:
        queryset = queryset.filter(dwelling__status=filters.status)
    return queryset.select_related("dwelling__building__estate", "dwelling__building__grid", "community")


def dwellings_filtered(queryset: QuerySet[Dwelling], *, q: str = "", building: int | None = None,
                       grid: int | None = None, status: str = "") -> QuerySet[Dwelling]:
    if q:
        queryset = queryset.filter(Q(room=q) | Q(building__name=q) | Q(building__estate__name__contains=q))
    if building:
        queryset = queryset.filter(building_id=building)
    if grid:
        queryset = queryset.filter(building__grid_id=grid)
    if status in Dwelling.Status.values:
        queryset = queryset.filter(status=status)
    return (
        queryset.select_related("building__estate", "building__grid")
        .annotate(people_count=Count("people"))
        .order_by("building__estate__name", "building__name", "room")
    )


def status_counts(dwellings: QuerySet[Dwelling]) -> list[tuple[str, str, int]]:
    """[(status, label, count)] for every status, zeros included, in one query."""
    counts = dict(dwellings.order_by().values_list("status").annotate(n=Count("pk")))
    return [(value, label, counts.get(value, 0)) for value, label in Dwelling.Status.choices]


@dataclass
class OverviewRow:
    """One line of an overview table: a residential group or an estate, with its counts."""

    key: int
    label: str
    people: int = 0
    dwellings: int = 0
    by_status: dict | None = None
    by_kind: dict | None = None

    def __post_init__(self):
        self.by_status = {value: 0 for value in Dwelling.Status.values}
        self.by_kind = {value: 0 for value in Person.Kind.values}

    @property
    def status_cells(self) -> list[int]:
        return [self.by_status[value] for value in Dwelling.Status.values]

    @property
    def status_items(self) -> list[tuple[str, str, int]]:
        return [(value, label, self.by_status[value]) for value, label in Dwelling.Status.choices]

    @property
    def kind_cells(self) -> list[int]:
        return [self.by_kind[value] for value in Person.Kind.values]


@dataclass
class Overview:
    total: OverviewRow
    groups: list[OverviewRow]
    estates: list[OverviewRow]

    @property
    def tables(self) -> list[list[OverviewRow]]:
        return [self.groups, self.estates]


def overview(estates: QuerySet, dwellings: QuerySet[Dwelling], people: QuerySet[Person]) -> Overview:
    """Counts by residential group and estate, by dwelling status and person kind.

    Three grouped queries whatever the size of the community; the sums are made here.
    """
    estate_rows = {e.pk: OverviewRow(e.pk, e.name) for e in estates.order_by("name")}
    estate_group = dict(estates.values_list("pk", "group_id"))
    group_rows = {g.pk: OverviewRow(g.pk, g.name) for g in _groups_of(estates)}
    total = OverviewRow(0, "")
    dwelling_counts = dwellings.order_by().values_list("building__estate_id", "status").annotate(n=Count("pk"))
    for estate_id, status, n in dwelling_counts:
        for row in _rows_for(estate_id, estate_rows, group_rows, estate_group, total):
            row.dwellings += n
            row.by_status[status] += n
    people_counts = people.order_by().values_list("dwelling__building__estate_id", "kind").annotate(n=Count("pk"))
    for estate_id, kind, n in people_counts:
        for row in _rows_for(estate_id, estate_rows, group_rows, estate_group, total):
            row.people += n
            row.by_kind[kind] += n
    return Overview(total=total, groups=list(group_rows.values()), estates=list(estate_rows.values()))


def _groups_of(estates: QuerySet):
    return ResidentialGroup.objects.filter(pk__in=estates.values("group_id")).order_by("number")


def _rows_for(estate_id, estate_rows, group_rows, estate_group, total):
    rows = [total]
    if estate_id in estate_rows:
        rows.append(estate_rows[estate_id])
        group = group_rows.get(estate_group.get(estate_id))
        if group:
            rows.append(group)
    return rows


def building_rows(buildings: QuerySet[Building]) -> QuerySet[Building]:
    return (
        buildings.select_related("estate", "grid")
        .annotate(dwelling_count=Count("dwellings", distinct=True), people_count=Count("dwellings__people"))
        .order_by("estate__name", "name")
    )


def tag_counts(people: QuerySet[Person]) -> list[tuple[str, str, int]]:
    """[(field, label, count)] of the people tags, in one query."""
    counts = people.aggregate(**{field: Count("pk", filter=Q(**{field: True})) for field, _l in PERSON_TAGS})
    return [(field, label, counts[field]) for field, label in PERSON_TAGS]
