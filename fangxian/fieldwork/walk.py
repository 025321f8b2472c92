"""What the walk page reads: the buildings a user walks in a campaign, and one building's
doors as the JSON payload the phone keeps for offline use (the page and the API share it).

A door's floor is not in the register: it is read from the room number as Chinese estates
write it (302 is on floor 3, 1502 on floor 15), and doors are ordered by floor, then by
room in natural order (2 before 10), so the list follows the stairs.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from fangxian.core.personal import mask_name
from fangxian.core.scope import Scope
from fangxian.registry.models import Building, Dwelling, Person
from fangxian.registry.rooms import door_order, floor_of

from . import selectors
from .models import Campaign
from .questionnaire import MAX_COUNT, MAX_TEXT, TEMPERATURE_RANGE, questions_of
from .sync import MAX_EVENTS, MAX_NEWCOMERS

# -- the campaign --------------------------------------------------------------------------


def open_campaign(scope: Scope, campaign_id: int) -> Campaign | None:
    """The campaign, if the user may see it (None otherwise: the caller answers 404)."""
    return selectors.visible_campaigns(scope).filter(pk=campaign_id).first()


def question_rows(campaign: Campaign) -> list[dict]:
    """The campaign's questions for the phone, in order, with the limits the sync checks."""
    limits = {"count": {"min": 0, "max": MAX_COUNT}, "temperature": {"min": TEMPERATURE_RANGE[0],
                                                                       "max": TEMPERATURE_RANGE[1]},
              "text": {"max_length": MAX_TEXT}, "yesno": {}}
    return [{"key": q.key, "label": str(q.label), "kind": q.kind, "required": required, "limits": limits[q.kind]}
            for q, required in questions_of(campaign.questionnaire)]


# -- the buildings --------------------------------------------------------------------------


@dataclass
class BuildingRow:
    building: Building
    coverage: selectors.Coverage


def searched_buildings(scope: Scope, campaign: Campaign, q: str = "") -> QuerySet[Building]:
    buildings = selectors.walkable_buildings(scope, campaign)
    if q:
        buildings = buildings.filter(Q(name__icontains=q) | Q(estate__name__icontains=q))
    return buildings


def building_rows(campaign: Campaign, buildings: list[Building]) -> list[BuildingRow]:
    """Each building of a page with its doors' coverage: one query, however many buildings."""
    coverage = selectors.coverage_by(campaign, Dwelling.objects.filter(building__in=buildings), "building_id")
    return [BuildingRow(b, coverage.get(b.pk, selectors.Coverage())) for b in buildings]


def walkable_building(scope: Scope, campaign: Campaign, building_id: int) -> Building | None:
    return selectors.walkable_buildings(scope, campaign).filter(pk=building_id).first()


# -- one building's doors ----------------------------------------------------------------------


def doors_of(campaign: Campaign, building: Building) -> list[dict]:
    """The building's doors in stair order with their state, attempts and registered residents
    (masked names only: the walker learns who should be there, not who they are)."""
    rows = list(selectors.door_rows(campaign, Dwelling.objects.filter(building=building)))
    residents: dict[int, list[dict]] = {}
    for pk, dwelling_id, name in Person.objects.filter(dwelling__building=building).order_by(
            "dwelling_id", "pk").values_list("pk", "dwelling_id", "name"):
        residents.setdefault(dwelling_id, []).append({"id": pk, "masked_name": mask_name((name or "").strip())})
    rows.sort(key=lambda row: door_order(row.room))
    return [{"id": row.pk, "room": row.room, "floor": floor_of(row.room), "state": selectors.state_of(row),
             "attempts": row.attempts, "residents": residents.get(row.pk, [])} for row in rows]


def walk_payload(campaign: Campaign, building: Building) -> dict:
    """Everything the phone needs to walk one building offline."""
    return {
        "campaign": {"id": campaign.pk, "name": campaign.name, "is_open": campaign.is_open,
                     "back_since": campaign.back_since.isoformat() if campaign.back_since else None,
                     "questions": question_rows(campaign)},
        "building": {"id": building.pk, "name": building.name, "estate": building.estate.name},
        "doors": doors_of(campaign, building),
        "limits": {"max_events": MAX_EVENTS, "max_newcomers": MAX_NEWCOMERS},
    }
