"""The checkpoint console's API, under /api/v1/access/.

- GET  /access/bundle?checkpoint=<id>: the signed bundle the console decides with offline.
- POST /access/sync: a batch of the console's events, one acknowledgement per event.

Both are for the people who run a console: the checkpoint volunteers and the admins of the
checkpoint's community (and superusers), with a bearer token or the browser session.
"""

from __future__ import annotations

from typing import Any, Literal

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema

from fangxian.core.scope import Reach, Scope, scope_of

from . import services
from .selectors import console_checkpoints

router = Router(tags=["access"])

MAX_ID = 2**63 - 1


class Message(Schema):
    detail: str


class FieldError(Schema):
    field: str | None
    message: str


class Invalid(Schema):
    detail: list[FieldError]


ERRORS = {401: Message, 403: Message, 404: Message, 422: Invalid}


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
