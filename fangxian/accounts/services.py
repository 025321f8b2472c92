"""Writes of the accounts app: API tokens for devices and integrations.

A token's key is shown once, when it is made; only its SHA-256 is stored, with the last
four characters as a hint so that its owner can tell their tokens apart.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fangxian.core.models import AuditEvent
from fangxian.core.services import audit_record

from .models import ApiToken

# At most this many live (not revoked) tokens per user: a leaked script that makes
# tokens in a loop stops here instead of filling the table.
MAX_ACTIVE_TOKENS = 50
# last_used_at is written at most this often per token, not on every request.
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)
# Longer than any key new_key() makes; anything longer is not worth hashing.
MAX_KEY_LENGTH = 128


def token_create(*, user, name: str) -> tuple[ApiToken, str]:
    """A new token for `user`; returns it with its key, which is never shown again."""
    name = " ".join(str(name or "").split())
    if not name:
        raise ValidationError({"name": _("Give the token a name, such as the device it is for.")})
    max_length = ApiToken._meta.get_field("name").max_length
    if len(name) > max_length:
        raise ValidationError(
            {"name": _("A token name has at most %(count)d characters.") % {"count": max_length}}
        )
    with transaction.atomic():
        if ApiToken.objects.filter(user=user, revoked_at__isnull=True).count() >= MAX_ACTIVE_TOKENS:
            raise ValidationError(
                {"name": _("You have %(count)d active tokens: revoke one you no longer use first.")
                 % {"count": MAX_ACTIVE_TOKENS}}
            )
        key = ApiToken.new_key()
        token = ApiToken(user=user, name=name, key_hash=ApiToken.hash(key), hint=key[-4:])
        token.full_clean()
        token.save()
        audit_record(actor=user, action=AuditEvent.Action.CREATE, target_type=ApiToken._meta.label,
                     target_id=token.pk)
    return token, key


def token_revoke(*, user, token: ApiToken) -> ApiToken:
    """Revoke one of the user's own tokens; revoking a revoked token changes nothing."""
    if token.user_id != user.pk:
        raise PermissionDenied
    if token.revoked_at is None:
        with transaction.atomic():
            token.revoked_at = timezone.now()
            token.save(update_fields=["revoked_at"])
            audit_record(actor=user, action=AuditEvent.Action.UPDATE, target_type=ApiToken._meta.label,
                         target_id=token.pk, detail="revoked")
    return token


def token_authenticate(key: str | None):
    """The active user a bearer key belongs to, or None (unknown, revoked, inactive user)."""
    if not key or not isinstance(key, str) or len(key) > MAX_KEY_LENGTH or not key.startswith(ApiToken.PREFIX):
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=ApiToken.hash(key), revoked_at__isnull=True)
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        # One UPDATE a minute per token, not one per request.
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
