"""The communities' signing keys: made on first use, rotated with an overlap, and which of
them sign and verify at a moment."""

from __future__ import annotations

import datetime as dt
import functools

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from fangxian.core.models import AuditEvent
from fangxian.core.services import audit_object
from fangxian.registry.models import Community

from . import passcodec
from .changes import change_log
from .models import RuleKey, SigningKey
from .rules import rule_int


@functools.lru_cache(maxsize=256)
def _private_key(pk: int, pem: str) -> ec.EllipticCurvePrivateKey:
    return serialization.load_pem_private_key(pem.encode(), password=None)


@functools.lru_cache(maxsize=256)
def _public_key(pk: int, pem: str) -> ec.EllipticCurvePublicKey:
    return _private_key(pk, pem).public_key()


def private_key_of(key: SigningKey) -> ec.EllipticCurvePrivateKey:
    return _private_key(key.pk, key.private_key_pem)


def public_key_of(key: SigningKey) -> ec.EllipticCurvePublicKey:
    return _public_key(key.pk, key.private_key_pem)


def keys_verifying(queryset: QuerySet, at: dt.datetime) -> QuerySet:
    """The keys of `queryset` not retired at `at` (they still verify)."""
    return queryset.filter(Q(retire_after__isnull=True) | Q(retire_after__gt=at))


def keys_in_force(community: Community, at: dt.datetime) -> QuerySet:
    """The keys of the community that may sign at `at`: started and not retired."""
    return keys_verifying(SigningKey.objects.filter(community=community, valid_from__lte=at), at)


def _key_new(*, community: Community, valid_from: dt.datetime) -> SigningKey:
    private = ec.generate_private_key(ec.SECP256R1())
    pem = private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption()).decode()
    public = private.public_key()
    key = SigningKey.objects.create(
        community=community, kid=passcodec.key_id(public), alg="ES256", private_key_pem=pem,
        public_jwk=passcodec.public_key_jwk(public), valid_from=valid_from,
    )
    change_log(community.pk, "key")
    return key


def signing_key_current(*, community: Community, at: dt.datetime | None = None) -> SigningKey:
    """The key that signs the community's passes and bundles now: the newest one in force.
    Made on first use."""
    at = at or timezone.now()
    keys = keys_in_force(community, at)
    key = keys.order_by("-valid_from", "-pk").first()
    if key is not None:
        return key
    with transaction.atomic():
        # Two first uses at once: the lock on the community row makes the second wait and
        # then find the first one's key.
        Community.objects.select_for_update().filter(pk=community.pk).first()
        key = keys.order_by("-valid_from", "-pk").first()
        if key is None:
            key = _key_new(community=community, valid_from=at)
            audit_object(actor=None, action=AuditEvent.Action.CREATE, obj=key, detail=f"kid={key.kid_hex}")
    return key


def signing_key_rotate(*, community: Community, user, overlap: dt.timedelta | None = None,
                       at: dt.datetime | None = None) -> SigningKey:
    """A new key signs from now on; the keys before it still verify for `overlap` (the
    key_overlap_days rule), long enough to print and hand out new cards."""
    at = at or timezone.now()
    if overlap is None:
        overlap = dt.timedelta(days=rule_int(RuleKey.KEY_OVERLAP_DAYS, community, at))
    with transaction.atomic():
        Community.objects.select_for_update().filter(pk=community.pk).first()
        retire = at + overlap
        old = keys_verifying(SigningKey.objects.filter(community=community), retire)
        for key in old:
            key.retire_after = retire
            key.save(update_fields=["retire_after"])
            audit_object(actor=user, action=AuditEvent.Action.UPDATE, obj=key, field="retire_after",
                         detail=f"kid={key.kid_hex} retires {retire:%Y-%m-%d %H:%M}")
        key = _key_new(community=community, valid_from=at)
        audit_object(actor=user, action=AuditEvent.Action.CREATE, obj=key, detail=f"kid={key.kid_hex}")
    return key


def verification_keys(community_id: int, at: dt.datetime) -> dict[bytes, ec.EllipticCurvePublicKey]:
    """kid → public key of every key of the community that still verifies at `at`."""
    keys = keys_verifying(SigningKey.objects.filter(community_id=community_id), at)
    return {bytes(key.kid): public_key_of(key) for key in keys}
