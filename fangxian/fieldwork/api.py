"""The walk's API, under /api/v1/fieldwork/, for the walk page on a phone (and any device).

- GET  /fieldwork/campaigns/{id}/walk?building=<id>: one building's doors for an open
  campaign, with the questionnaire: what the phone keeps to walk it offline (walk.walk_payload).
- POST /fieldwork/sync: a batch of door knocks, one acknowledgement per event (sync.knocks_sync).

Both for those who open the canvassing pages (selectors.sees_fieldwork), with a bearer token
or the browser session (CSRF on the sync); a campaign or building the caller may not walk is 404.
"""

from __future__ import annotations

from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from fangxian.api.errors import ERRORS, WRITE_ERRORS
from fangxian.core.scope import Scope, scope_of

from . import selectors, walk
from .sync import MAX_EVENTS, knocks_sync

router = Router(tags=["fieldwork"])

MAX_ID = 2**63 - 1


def _walker_scope(request) -> Scope:
    scope = scope_of(request)
    scope.require(selectors.sees_fieldwork(scope))
    return scope


class WalkParams(Schema):
    building: int = Field(..., ge=1, le=MAX_ID, description="The building's id")


class QuestionOut(Schema):
    key: str
    label: str = Field(description="In the caller's language")
    kind: Literal["count", "yesno", "temperature", "text"]
    required: bool = Field(description="Required when the outcome is visited")
    limits: dict[str, float | int]


class CampaignOut(Schema):
    id: int
    name: str
    is_open: bool
    back_since: str | None
    questions: list[QuestionOut]


class ResidentOut(Schema):
    id: int
    masked_name: str = Field(description="Masked: the first and the last character (张*三)")


class DoorOut(Schema):
    id: int
    room: str
    floor: int | None = Field(description="Read from the room number (1502 → 15); null when it cannot be told")
    state: Literal["covered", "revisit", "refused", "not_yet"]
    attempts: int
    residents: list[ResidentOut]


class BuildingOut(Schema):
    id: int
    name: str
    estate: str


class WalkOut(Schema):
    campaign: CampaignOut
    building: BuildingOut
    doors: list[DoorOut] = Field(description="In stair order: by floor, then room")
    limits: dict[str, int]


@router.get("/campaigns/{id}/walk", response={200: WalkOut, **ERRORS}, summary="A building's doors to walk")
def walk_doors(request, id: int, params: Query[WalkParams], response: HttpResponse):
    """The doors of one building in an open campaign, their state and attempts, the registered
    residents by masked name, and the campaign's questions. 404 for a closed campaign or a
    building outside the caller's sections."""
    scope = _walker_scope(request)
    campaign = walk.open_campaign(scope, id)
    building = walk.walkable_building(scope, campaign, params.building) if campaign and campaign.is_open else None
    if building is None:
        raise Http404
    response["Cache-Control"] = "no-store"
    return walk.walk_payload(campaign, building)


class SyncIn(Schema):
    device_id: str = Field(..., min_length=1, max_length=64)
    events: list[Any] = Field(..., description=(
        f"At most {MAX_EVENTS} events, each {{event_id (uuid), campaign, dwelling, outcome: visited|nobody_home|"
        "refused|vacant|sealed, occurred_at (ISO 8601 with offset), answers: {question key: value, newcomers: "
        "[{name, phone, note}], back_people: [person id]}}. Each is checked on its own: a malformed one is "
        "rejected with the reason, the others stored; an event_id already stored is a duplicate."))


class AckOut(Schema):
    event_id: str
    status: Literal["stored", "duplicate", "rejected"]
    detail: str


class SyncOut(Schema):
    acks: list[AckOut]


@router.post("/sync", response={200: SyncOut, **WRITE_ERRORS}, summary="Send a batch of door knocks")
def knocks_sync_batch(request, payload: SyncIn):
    scope = _walker_scope(request)
    if len(payload.events) > MAX_EVENTS:
        # Refused whole, before anything is stored: the phone sends smaller batches.
        raise ValidationError({"events": _("Send at most %(max)s events in one batch; this one has %(n)s.") % {
            "max": MAX_EVENTS, "n": len(payload.events)}})
    return {"acks": knocks_sync(scope=scope, user=request.user, device_id=payload.device_id,
                                events=payload.events)}
