"""Checkpoints at estate entrances and their daily readiness checklist."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fangxian.core.models import AuditEvent
from fangxian.core.services import audit_object
from fangxian.registry.models import Entrance, Estate

from .models import READINESS_KEYS, Checkpoint, ReadinessCheck


def checkpoint_create(*, entrance: Entrance | None = None, user, name: str = "", all_day: bool = True,
                      opens_at: dt.time | None = None, closes_at: dt.time | None = None,
                      estate: Estate | None = None, entrance_name: str = "") -> Checkpoint:
    """A checkpoint at an entrance on record, or at a new entrance of `estate` named
    `entrance_name`: the register has no other page that adds entrances, and a gate is
    only written down when a checkpoint is set up at it."""
    entrance_name = " ".join(str(entrance_name or "").split())
    if entrance is None and not (estate is not None and entrance_name):
        raise ValidationError({"entrance": _("Choose an entrance, or name a new one and choose its estate.")})
    if entrance is not None and entrance_name:
        raise ValidationError({"entrance_name": _("Choose an entrance or name a new one, not both.")})
    if not all_day and (opens_at is None or closes_at is None):
        raise ValidationError({"opens_at": _("Give the opening hours, or tick open 24 hours.")})
    with transaction.atomic():
        if entrance is None:
            entrance = _entrance_add(estate=estate, name=entrance_name, user=user)
        if Checkpoint.objects.filter(entrance=entrance).exists():
            raise ValidationError({"entrance": _("This entrance already has a checkpoint.")})
        name = " ".join(str(name or "").split())[:60] or f"{entrance.estate.name} {entrance.name}"
        checkpoint = Checkpoint(entrance=entrance, community_id=entrance.estate.community_id, name=name,
                                all_day=all_day, opens_at=None if all_day else opens_at,
                                closes_at=None if all_day else closes_at)
        checkpoint.full_clean()
        checkpoint.save()
        audit_object(actor=user, action=AuditEvent.Action.CREATE, obj=checkpoint)
    return checkpoint


def _entrance_add(*, estate: Estate, name: str, user) -> Entrance:
    if Entrance.objects.filter(estate=estate, name=name).exists():
        raise ValidationError({"entrance_name": _("%(estate)s already has an entrance named %(name)s: choose it "
                                                  "in the list.") % {"estate": estate.name, "name": name}})
    entrance = Entrance(estate=estate, name=name)
    try:
        entrance.full_clean(validate_constraints=False)
    except ValidationError as error:  # the entrance's "name" is the form's entrance_name
        raise ValidationError({"entrance_name": error.messages}) from error
    entrance.save()
    audit_object(actor=user, action=AuditEvent.Action.CREATE, obj=entrance)
    return entrance


def readiness_tick(*, checkpoint: Checkpoint, items: list[str], user, date: dt.date | None = None) -> ReadinessCheck:
    """Record the day's checklist of a checkpoint (ticking again replaces the day's record)."""
    unknown = set(items) - set(READINESS_KEYS)
    if unknown:
        raise ValidationError({"items": _("Choose items from the checklist.")})
    date = date or timezone.localdate()
    ordered = [key for key in READINESS_KEYS if key in set(items)]
    with transaction.atomic():
        check, created = ReadinessCheck.objects.select_for_update().get_or_create(
            checkpoint=checkpoint, date=date,
            defaults={"community_id": checkpoint.community_id, "items": ordered, "checked_by": user},
        )
        if not created:
            check.items, check.checked_by, check.checked_at = ordered, user, timezone.now()
            check.save(update_fields=["items", "checked_by", "checked_at"])
        audit_object(actor=user, action=AuditEvent.Action.CREATE if created else AuditEvent.Action.UPDATE,
                     obj=check, detail=f"{len(ordered)}/{len(READINESS_KEYS)} ready")
    return check
