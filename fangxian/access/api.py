"""The checkpoint console's API, under /api/v1/access/.

- GET  /access/bundle?checkpoint=<id>: the signed bundle the console decides with offline.
- POST /access/sync: a batch of the console's events, one acknowledgement per event.
- GET  /access/lookup?checkpoint=<id>&building=…&room=…&name=…: residents for a manual
  admission, masked.

All are for the people who run a console: the checkpoint volunteers and the admins of the
checkpoint's community (and superusers), with a bearer token or the browser session.
"""

from __future__ import annotations

from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import pgettext
from ninja import Field, Query, Router, Schema

from fangxian.api.errors import ERRORS
from fangxian.core.models import AuditEvent
from fangxian.core.personal import mask_name
from fangxian.core.scope import Reach, Scope, scope_of
from fangxian.core.services import audit_record

from . import services
from .selectors import console_checkpoint, console_checkpoints, lookup_people

router = Router(tags=["access"])

MAX_ID = 2**63 - 1




class BundleParams(Schema):
    checkpoint: int = Field(..., ge=1, le=MAX_ID, description="The checkpoint's id")


class BundleOut(Schema):
    bundle: str = Field(description='"FXB1:" + Base45(COSE_Sign1(CWT)), signed with the community\'s current key')
    version: int = Field(description="Grows whenever a pass, a key or a rule of the community changes")
    max_age: int = Field(description="Seconds after which the console shows amber, check manually")


class SyncIn(Schema):
    device_id: str = Field(..., min_length=1, max_length=64)
    events: list[Any] = Field(..., max_length=services.MAX_EVENTS, description=(
        "At most 500 events, each {event_id (uuid), device_seq, kind: scan|manual|refusal, occurred_at "
        "(ISO 8601 with offset), checkpoint, direction: in|out, pass_text, person, verdict: green|red|amber, "
        "reason, temperature, visitor: {name, phone, visiting, why}}. Each is checked on its own: a malformed "
        "one is rejected, the others stored."))


class AckOut(Schema):
    event_id: str
    status: Literal["stored", "duplicate", "rejected"]
    detail: str


class SyncOut(Schema):
    acks: list[AckOut]


def _device_scope(request: HttpRequest) -> Scope:
    """A checkpoint device: a user (or their token) who runs at least one console."""
    scope = scope_of(request)
    scope.require(scope.reaches(Reach.CONSOLE))
    return scope


@router.get("/bundle", response={200: BundleOut, **ERRORS}, summary="The checkpoint bundle")
def bundle(request, params: Query[BundleParams], response: HttpResponse):
    checkpoint = get_object_or_404(console_checkpoints(_device_scope(request)), pk=params.checkpoint)
    response["Cache-Control"] = "no-store"
    return services.bundle_build(checkpoint=checkpoint)


@router.post("/sync", response={200: SyncOut, **ERRORS}, summary="Send a batch of checkpoint events")
def sync(request, payload: SyncIn):
    scope = _device_scope(request)
    return {"acks": services.scans_sync(device_id=payload.device_id, events=payload.events, user=request.user,
                                        scope=scope)}


class LookupParams(Schema):
    checkpoint: int = Field(..., ge=1, le=MAX_ID, description="The checkpoint's id")
    building: str = Field("", max_length=200, description="Part of the building's name (with room)")
    room: str = Field("", max_length=200, description="The room, exactly (with building)")
    name: str = Field("", max_length=200, description="Part of the name: at least two characters")


class LookupPerson(Schema):
    person: int
    name: str = Field(description="Masked: the first and the last character (张*三)")
    estate: str
    building: str
    room: str
    has_valid_pass: bool = Field(description="Holds a pass valid now for one of the checkpoint's estates")


class LookupOut(Schema):
    results: list[LookupPerson]
    detail: str = Field("", description="Why nothing was looked up, when too little was asked")


@router.get("/lookup", response={200: LookupOut, **ERRORS}, summary="Residents for a manual admission")
def lookup(request, params: Query[LookupParams], response: HttpResponse):
    """The residents of the checkpoint's estates by building and room, or by two characters
    of the name: masked names, building, room and whether they hold a valid pass. No ID
    number, no phone. Each lookup is written to the audit log. 404 outside the caller's
    communities, 403 inside them without a console role."""
    checkpoint = console_checkpoint(scope_of(request), params.checkpoint)
    response["Cache-Control"] = "no-store"
    building = params.building.strip()[:40]
    room = params.room.strip()[:20]
    name = params.name.strip()[:50]
    if not ((building and room) or len(name) >= 2):  # nothing asked, nothing found
        return {"results": [], "detail": pgettext(
            "checkpoint console", "Enter building and room, or at least two characters of the name")}
    people = list(lookup_people(checkpoint, building=building, room=room, name=name))
    audit_record(
        actor=request.user, action=AuditEvent.Action.VIEW, target_type="access.Checkpoint",
        target_id=checkpoint.pk, community_id=checkpoint.community_id,
        detail=f"console lookup: {len(people)} found",
    )
    return {"results": [
        {
            "person": p.pk,
            "name": mask_name((p.name or "").strip(), hide_single=True),
            "estate": p.dwelling.building.estate.name,
            "building": p.dwelling.building.name,
            "room": p.dwelling.room,
            "has_valid_pass": p.has_pass,
        }
        for p in people
    ]}
