"""The duty roster's API, under /api/v1/duty/.

- POST /duty/attendance: check a person in at the checkpoint console (idempotent on event_id).

For the people who run the checkpoint's console: its volunteers and the community's admins
(and superusers), with a bearer token or the browser session (CSRF token on writes).
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema

from fangxian.access.selectors import console_checkpoint
from fangxian.api.errors import ERRORS
from fangxian.core.scope import scope_of

from . import selectors, services

router = Router(tags=["duty"])

MAX_ID = 2**63 - 1


class CheckinIn(Schema):
    checkpoint: int = Field(..., ge=1, le=MAX_ID, description="The checkpoint's id")
    assignment: int = Field(..., ge=0, le=MAX_ID, description="The shift (assignment) on duty there now")
    event_id: uuid.UUID = Field(description="Made by the page: a repeat answers with the first check-in")


class CheckinOut(Schema):
    assignment: int
    checked_in_at: dt.datetime
    event_id: str


@router.post("/attendance", response={200: CheckinOut, **ERRORS}, summary="Check a person in for their shift")
def attendance_checkin(request, payload: CheckinIn):
    """404 outside the caller's communities, 403 inside them without a console role; 422 when
    the person is not on a shift at the checkpoint now."""
    checkpoint = console_checkpoint(scope_of(request), payload.checkpoint)
    assignment = next((a for a in selectors.on_shift(checkpoint) if a.pk == payload.assignment), None)
    if assignment is None:
        raise ValidationError({"assignment": _("This person is not on a shift here now.")})
    attendance = services.attendance_checkin(user=request.user, assignment=assignment, event_id=payload.event_id)
    return {"assignment": assignment.pk, "checked_in_at": attendance.checked_in_at,
            "event_id": str(attendance.event_id)}
