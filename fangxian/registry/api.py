"""The registry's API operations, under /api/v1/registry/.

Thin: every read goes through `Scope.filter`, every write through `registry.services`.
People appear with their ID number and mobile masked; the full value is only the answer of
the reveal operation, which needs a reason and writes the audit log.

People and dwellings are searched and filtered by `registry.selectors`, as on the web lists.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal, Optional

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Field, Path, Query, Router, Schema, Status

from fangxian.api.errors import ERRORS, WRITE_ERRORS
from fangxian.core.scope import Scope, scope_of
from fangxian.core.services import personal_reveal

from . import selectors, services
from .models import (
    PERSON_TAGS,
    Building,
    Community,
    Dwelling,
    Estate,
    Grid,
    GridTeamMember,
    Person,
    ResidentialGroup,
)
from .selectors import (
    by_ids as _by_ids,
)
from .selectors import (
    clean_search,
    filter_buildings,
    filter_communities,
    filter_estates,
    filter_grids,
    filter_groups,
)

router = Router(tags=["registry"])

MAX_ID = 2**63 - 1
MAX_LIMIT = 200
MAX_OFFSET = 10**9
PathId = Path[int, {"ge": 1, "le": MAX_ID}]
PersonKind = Literal[tuple(Person.Kind.values)]  # type: ignore[valid-type]
PersonSex = Literal[tuple(Person.Sex.values)]  # type: ignore[valid-type]
PersonTag = Literal[tuple(field for field, _label in PERSON_TAGS)]  # type: ignore[valid-type]
DwellingStatus = Literal[tuple(Dwelling.Status.values)]  # type: ignore[valid-type]
EstateKind = Literal[tuple(Estate.Kind.values)]  # type: ignore[valid-type]
RevealableField = Literal["national_id", "phone"]


# -- who may --------------------------------------------------------------------------------


def _reader(request: HttpRequest) -> Scope:
    scope = scope_of(request)
    if not scope.sees_registry:
        raise PermissionDenied
    return scope


def _writer(request: HttpRequest) -> Scope:
    scope = _reader(request)
    if not scope.edits_registry:
        raise PermissionDenied
    return scope


# -- schemas ------------------------------------------------------------------------------




def _id():
    return Field(None, ge=1, le=MAX_ID)


class ListParams(Schema):
    limit: int = Field(settings.FANGXIAN_PAGE_SIZE, ge=1, le=MAX_LIMIT)
    offset: int = Field(0, ge=0, le=MAX_OFFSET)
    q: Optional[str] = Field(None, max_length=100, description="Search text")


class CommunityParams(ListParams):
    pass


class GroupParams(ListParams):
    community: Optional[int] = _id()


class EstateParams(ListParams):
    community: Optional[int] = _id()
    group: Optional[int] = _id()
    kind: Optional[EstateKind] = None


class GridParams(ListParams):
    community: Optional[int] = _id()


class BuildingParams(ListParams):
    community: Optional[int] = _id()
    estate: Optional[int] = _id()
    grid: Optional[int] = _id()


class DwellingParams(BuildingParams):
    building: Optional[int] = _id()
    status: Optional[DwellingStatus] = None


class PersonParams(DwellingParams):
    q: Optional[str] = Field(
        None, max_length=100, description="Part of the name, the room, or the last digits of the ID number or mobile"
    )
    dwelling: Optional[int] = _id()
    kind: Optional[PersonKind] = None
    tag: Optional[PersonTag] = None
    status: Optional[DwellingStatus] = Field(None, description="Status of the person's dwelling")


class CommunityOut(Schema):
    id: int
    code: str
    name: str
    subdistrict_id: int
    subdistrict_name: str

    @staticmethod
    def resolve_subdistrict_name(obj: Community) -> str:
        return obj.subdistrict.name


class GroupOut(Schema):
    id: int
    community_id: int
    number: int
    name: str


class EntranceOut(Schema):
    id: int
    name: str


class EstateOut(Schema):
    id: int
    community_id: int
    group_id: int
    name: str
    kind: str
    entrances: list[EntranceOut]

    @staticmethod
    def resolve_entrances(obj: Estate) -> list:
        return list(obj.entrances.all())


class GridOut(Schema):
    id: int
    community_id: int
    code: str
    name: str


class TeamMemberOut(Schema):
    id: int
    role: str
    name: str
    phone_masked: str
    building_id: Optional[int]


class GridDetailOut(GridOut):
    team: list[TeamMemberOut]

    @staticmethod
    def resolve_team(obj: Grid) -> list:
        return list(obj.team.all())


class BuildingOut(Schema):
    id: int
    community_id: int
    estate_id: int
    estate_name: str
    grid_id: Optional[int]
    name: str
    floors: int
    dwelling_count: int
    people_count: int

    @staticmethod
    def resolve_estate_name(obj: Building) -> str:
        return obj.estate.name


class DwellingOut(Schema):
    id: int
    building_id: int
    building_name: str
    estate_id: int
    estate_name: str
    grid_id: Optional[int]
    community_id: int
    room: str
    status: str
    people_count: int

    @staticmethod
    def resolve_building_name(obj: Dwelling) -> str:
        return obj.building.name

    @staticmethod
    def resolve_estate_id(obj: Dwelling) -> int:
        return obj.building.estate_id

    @staticmethod
    def resolve_estate_name(obj: Dwelling) -> str:
        return obj.building.estate.name

    @staticmethod
    def resolve_grid_id(obj: Dwelling) -> Optional[int]:
        return obj.building.grid_id

    @staticmethod
    def resolve_community_id(obj: Dwelling) -> int:
        return obj.building.community_id


class PersonOut(Schema):
    """A person as every list and detail shows them: ID number and mobile masked."""

    id: int
    name: str
    sex: str
    birth_date: dt.date
    national_id_masked: str
    phone_masked: str
    kind: str
    no_smartphone: bool
    is_elderly_alone: bool
    is_disabled: bool
    is_child_in_hardship: bool
    is_extremely_poor: bool
    is_party_member: bool
    community_id: int
    dwelling_id: Optional[int]
    room: Optional[str]
    building_id: Optional[int]
    building_name: Optional[str]
    estate_name: Optional[str]
    grid_id: Optional[int]
    dwelling_status: Optional[str]
    updated_at: dt.datetime

    @staticmethod
    def resolve_room(obj: Person) -> Optional[str]:
        return obj.dwelling.room if obj.dwelling_id else None

    @staticmethod
    def resolve_building_id(obj: Person) -> Optional[int]:
        return obj.dwelling.building_id if obj.dwelling_id else None

    @staticmethod
    def resolve_building_name(obj: Person) -> Optional[str]:
        return obj.dwelling.building.name if obj.dwelling_id else None

    @staticmethod
    def resolve_estate_name(obj: Person) -> Optional[str]:
        return obj.dwelling.building.estate.name if obj.dwelling_id else None

    @staticmethod
    def resolve_grid_id(obj: Person) -> Optional[int]:
        return obj.dwelling.building.grid_id if obj.dwelling_id else None

    @staticmethod
    def resolve_dwelling_status(obj: Person) -> Optional[str]:
        return obj.dwelling.status if obj.dwelling_id else None


class _Page(Schema):
    count: int = Field(description="How many match, over all pages")
    limit: int
    offset: int


class CommunityPage(_Page):
    items: list[CommunityOut]


class GroupPage(_Page):
    items: list[GroupOut]


class EstatePage(_Page):
    items: list[EstateOut]


class GridPage(_Page):
    items: list[GridOut]


class BuildingPage(_Page):
    items: list[BuildingOut]


class DwellingPage(_Page):
    items: list[DwellingOut]


class PersonPage(_Page):
    items: list[PersonOut]


class _PersonWrite(Schema):
    model_config = {"extra": "forbid"}

    name: Optional[str] = Field(None, max_length=100)
    national_id: Optional[str] = Field(None, max_length=40, description="18 characters; spaces are ignored")
    phone: Optional[str] = Field(None, max_length=40, description="Mainland mobile; +86, spaces and dashes are fine")
    sex: Optional[PersonSex] = Field(None, description="From the ID number when not given")
    birth_date: Optional[dt.date] = Field(None, description="From the ID number when not given; must match it")
    kind: Optional[PersonKind] = None
    dwelling_id: Optional[int] = Field(None, ge=1, le=MAX_ID)
    community_id: Optional[int] = Field(
        None, ge=1, le=MAX_ID, description="Only for a person without a dwelling (community admins)"
    )
    no_smartphone: Optional[bool] = None
    is_elderly_alone: Optional[bool] = None
    is_disabled: Optional[bool] = None
    is_child_in_hardship: Optional[bool] = None
    is_extremely_poor: Optional[bool] = None
    is_party_member: Optional[bool] = None


class PersonCreate(_PersonWrite):
    name: str = Field(..., max_length=100)
    national_id: str = Field(..., max_length=40, description="18 characters; spaces are ignored")


class PersonPatch(_PersonWrite):
    """Only the fields sent are changed; send null for dwelling_id to take the person out of it."""


class RevealIn(Schema):
    model_config = {"extra": "forbid"}

    field: RevealableField
    reason: str = Field(..., max_length=200, description="Why you need to see it in full; written to the audit log")


class RevealOut(Schema):
    field: str
    value: str


# -- search and filters ------------------------------------------------------------------

def _people(scope: Scope, params: PersonParams) -> QuerySet:
    """The web list's filters (selectors.PersonFilters), plus estate and dwelling."""
    filters = selectors.PersonFilters(
        q=clean_search(params.q)[:50], grid=params.grid, building=params.building, kind=params.kind or "",
        tag=params.tag or "", status=params.status or "", community=params.community,
    )
    queryset = selectors.people_filtered(scope.filter(Person.objects.all()), filters)
    return _by_ids(queryset, dwelling__building__estate_id=params.estate, dwelling_id=params.dwelling)


def _dwellings(scope: Scope, params: DwellingParams) -> QuerySet:
    queryset = selectors.dwellings_filtered(
        scope.filter(Dwelling.objects.all()), q=clean_search(params.q)[:50], building=params.building,
        grid=params.grid, status=params.status or "",
    )
    return _by_ids(queryset, building__community_id=params.community, building__estate_id=params.estate)


def _page(queryset: QuerySet, params: ListParams) -> dict:
    return {
        "count": queryset.count(),
        "limit": params.limit,
        "offset": params.offset,
        "items": list(queryset[params.offset : params.offset + params.limit]),
    }


# -- people -------------------------------------------------------------------------------

PEOPLE = Person.objects.select_related("dwelling__building__estate")


@router.get("/people", response={200: PersonPage, **ERRORS}, summary="List people")
def person_list(request, params: Query[PersonParams]):
    return _page(_people(_reader(request), params), params)


@router.get("/people/{id}", response={200: PersonOut, **ERRORS}, summary="One person")
def person_detail(request, id: PathId):
    return get_object_or_404(_reader(request).filter(PEOPLE.all()), pk=id)


def _service_data(payload: _PersonWrite) -> dict:
    data = payload.model_dump(exclude_unset=True)
    for key in ("dwelling", "community"):
        if f"{key}_id" in data:
            data[key] = data.pop(f"{key}_id")
    return data


def _api_fields(exc: ValidationError) -> ValidationError:
    """The service names fields as the model does; the API as its schema does."""
    if not hasattr(exc, "error_dict"):
        return exc
    renamed = {"dwelling": "dwelling_id", "community": "community_id"}
    return ValidationError({renamed.get(field, field): errors for field, errors in exc.error_dict.items()})


@router.post("/people", response={201: PersonOut, **WRITE_ERRORS}, summary="Register a person")
def person_create(request, payload: PersonCreate):
    scope = _writer(request)
    try:
        person = services.person_create(scope=scope, user=request.user, data=_service_data(payload))
    except ValidationError as exc:
        raise _api_fields(exc) from None
    return Status(201, PEOPLE.get(pk=person.pk))


@router.patch("/people/{id}", response={200: PersonOut, **WRITE_ERRORS}, summary="Change a person")
def person_update(request, id: PathId, payload: PersonPatch):
    scope = _writer(request)
    person = get_object_or_404(scope.filter(PEOPLE.all()), pk=id)
    try:
        services.person_update(scope=scope, user=request.user, person=person, data=_service_data(payload))
    except ValidationError as exc:
        raise _api_fields(exc) from None
    return PEOPLE.get(pk=person.pk)


@router.post(
    "/people/{id}/reveal",
    response={200: RevealOut, **WRITE_ERRORS},
    summary="Show a person's ID number or mobile in full",
    description="Needs a reason; writes an audit event naming who saw what, when and why.",
)
def person_reveal(request, id: PathId, payload: RevealIn, response: HttpResponse):
    scope = _reader(request)
    person = get_object_or_404(scope.filter(Person.objects.all()), pk=id)
    reason = clean_search(payload.reason)
    value = personal_reveal(user=request.user, scope=scope, obj=person, field=payload.field, reason=reason)
    response["Cache-Control"] = "no-store"
    return {"field": payload.field, "value": value}


# -- dwellings, buildings, grids, estates, groups, communities ----------------------------

@router.get("/dwellings", response={200: DwellingPage, **ERRORS}, summary="List dwellings")
def dwelling_list(request, params: Query[DwellingParams]):
    return _page(_dwellings(_reader(request), params), params)


@router.get("/dwellings/{id}", response={200: DwellingOut, **ERRORS}, summary="One dwelling")
def dwelling_detail(request, id: PathId):
    return get_object_or_404(selectors.dwellings_filtered(_reader(request).filter(Dwelling.objects.all())), pk=id)




@router.get("/buildings", response={200: BuildingPage, **ERRORS}, summary="List buildings")
def building_list(request, params: Query[BuildingParams]):
    queryset = filter_buildings(
        selectors.building_rows(_reader(request).filter(Building.objects.all())),
        q=params.q, community=params.community, estate=params.estate,
        grid=params.grid,
    )
    return _page(queryset, params)


@router.get("/buildings/{id}", response={200: BuildingOut, **ERRORS}, summary="One building")
def building_detail(request, id: PathId):
    return get_object_or_404(selectors.building_rows(_reader(request).filter(Building.objects.all())), pk=id)


@router.get("/grids", response={200: GridPage, **ERRORS}, summary="List grids")
def grid_list(request, params: Query[GridParams]):
    queryset = filter_grids(_reader(request).filter(Grid.objects.all()), q=params.q, community=params.community)
    return _page(queryset, params)


@router.get("/grids/{id}", response={200: GridDetailOut, **ERRORS}, summary="One grid and its team")
def grid_detail(request, id: PathId):
    scope = _reader(request)
    grid = get_object_or_404(scope.filter(Grid.objects.all()), pk=id)
    grid._prefetched_objects_cache = {"team": scope.filter(GridTeamMember.objects.filter(grid=grid))}
    return grid


ESTATES = Estate.objects.prefetch_related("entrances")


@router.get("/estates", response={200: EstatePage, **ERRORS}, summary="List estates and their entrances")
def estate_list(request, params: Query[EstateParams]):
    queryset = filter_estates(
        _reader(request).filter(ESTATES.all()), q=params.q, community=params.community, group=params.group,
        kind=params.kind,
    )
    return _page(queryset, params)


@router.get("/estates/{id}", response={200: EstateOut, **ERRORS}, summary="One estate and its entrances")
def estate_detail(request, id: PathId):
    return get_object_or_404(_reader(request).filter(ESTATES.all()), pk=id)


@router.get("/groups", response={200: GroupPage, **ERRORS}, summary="List residential groups")
def group_list(request, params: Query[GroupParams]):
    queryset = filter_groups(
        _reader(request).filter(ResidentialGroup.objects.all()), q=params.q, community=params.community
    )
    return _page(queryset, params)


@router.get("/groups/{id}", response={200: GroupOut, **ERRORS}, summary="One residential group")
def group_detail(request, id: PathId):
    return get_object_or_404(_reader(request).filter(ResidentialGroup.objects.all()), pk=id)


COMMUNITIES = Community.objects.select_related("subdistrict")


@router.get("/communities", response={200: CommunityPage, **ERRORS}, summary="List communities")
def community_list(request, params: Query[CommunityParams]):
    queryset = filter_communities(_reader(request).filter(COMMUNITIES.all()), q=params.q)
    return _page(queryset, params)


@router.get("/communities/{id}", response={200: CommunityOut, **ERRORS}, summary="One community")
def community_detail(request, id: PathId):
    return get_object_or_404(_reader(request).filter(COMMUNITIES.all()), pk=id)
