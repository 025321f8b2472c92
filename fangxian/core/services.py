"""Writes of the core: audit events and the reveal of masked personal data."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.utils.translation import gettext as _

from .models import AuditEvent
from .personal import REVEALABLE
from .scope import Scope


def audit_record(
    *,
    actor,
    action: str,
    target_type: str,
    target_id: object = "",
    community_id: int | None = None,
    field: str = "",
    reason: str = "",
    detail: str = "",
) -> AuditEvent:
    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        target_type=target_type,
        target_id=str(target_id),
        community_id=community_id,
        field=field,
        reason=reason[:200],
        detail=detail[:200],
    )


def audit_object(*, actor, action: str, obj: models.Model, reason: str = "", detail: str = "", field: str = ""):
    return audit_record(
        actor=actor,
        action=action,
        target_type=obj._meta.label,
        target_id=obj.pk,
        community_id=_community_id_of(obj),
        field=field,
        reason=reason,
        detail=detail,
    )


def _community_id_of(obj: models.Model) -> int | None:
    paths = getattr(type(obj), "scope_paths", None)
    if paths is None or not paths.community:
        return None
    if paths.community == "pk":
        return obj.pk
    # Follow the declared lookup (e.g. "dwelling__building__community") attribute by attribute.
    target = obj
    for step in paths.community.split("__"):
        target = getattr(target, step, None)
        if target is None:
            return None
    return target.pk


def personal_reveal(*, user, scope: Scope, obj: models.Model, field: str, reason: str) -> str:
    """The full value of a masked personal field, for a user in scope who gives a reason."""
    declared = REVEALABLE.get((obj._meta.label, field))
    if declared is None:
        raise ValidationError(_("This field cannot be revealed."))
    reason = (reason or "").strip()
    if len(reason) < 2:
        raise ValidationError({"reason": _("Say why you need to see this in full.")})
    if not scope.filter(type(obj)._default_manager.filter(pk=obj.pk)).exists():
        raise PermissionDenied
    audit_object(actor=user, action=AuditEvent.Action.REVEAL, obj=obj, field=field, reason=reason)
    return getattr(obj, field)
