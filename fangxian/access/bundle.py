"""The checkpoint bundle: what a console needs to decide offline (the issuer keys, the
revocation set, the passes held back by a home quarantine with their planned end, the names
of the community's estates, the fever threshold, a version and a maximum age), signed like a pass."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from fangxian.registry.models import Community, Estate

from . import passcodec
from .changes import bundle_version, change_log
from .keys import keys_in_force, keys_verifying, private_key_of, signing_key_current
from .models import Checkpoint, Pass, Rule, RuleKey, SigningKey
from .rules import fever_threshold, rule_int

BUNDLE_PREFIX = "FXB1:"
CLAIM_BUNDLE = -70002


def _announce_due_changes(community_id: int, at: dt.datetime) -> None:
    """Rules that came into force and keys that retired since they were made change the
    bundle too: log them once, so the version moves when the content does."""
    due_rules = Rule.objects.filter(effective_from__lte=at, announced=False).filter(
        Q(community_id=community_id) | Q(community__isnull=True))
    due_keys = SigningKey.objects.filter(community_id=community_id, retire_after__lte=at, retire_announced=False)
    if not (due_rules.exists() or due_keys.exists()):
        return
    with transaction.atomic():
        if due_rules.filter(community__isnull=True).exists():
            for other in Community.objects.values_list("pk", flat=True):
                change_log(other, "rule")
        else:
            change_log(community_id, "rule")
        due_rules.update(announced=True)
        due_keys.update(retire_announced=True)


def _bundle_signer(community: Community, at: dt.datetime) -> SigningKey:
    """The oldest key in force signs the bundle, while passes are signed by the newest.

    A console trusts the keys of the last bundle it accepted. During a rotation's overlap
    the bundle is still signed by the old key, which every console trusts, and lists the
    new one beside it: the consoles learn the new key from a signature they can check, and
    accept the new key's bundles once the old key has retired. (After a compromise, rotate
    with no overlap: the consoles then have to be told to trust the new key by hand.)
    """
    keys = keys_in_force(community, at)
    return keys.order_by("valid_from", "pk").first() or signing_key_current(community=community, at=at)


def bundle_build(*, checkpoint: Checkpoint, at: dt.datetime | None = None) -> dict:
    """What a checkpoint console needs to decide offline, signed with the community's key:
    {"bundle": "FXB1:…", "version": int, "max_age": seconds}. See ARCHITECTURE.md."""
    at = at or timezone.now()
    community = checkpoint.community
    signing_key_current(community=community, at=at)  # made on first use
    key = _bundle_signer(community, at)
    _announce_due_changes(community.pk, at)
    max_age = rule_int(RuleKey.BUNDLE_MAX_AGE, community, at)
    estates = checkpoint.admitted_estate_ids()
    # Revoked by now and not yet expired: a pass past its end is refused without the list.
    revoked = sorted(
        passcodec.revocation_id(bytes.fromhex(cti))
        for cti in Pass.objects.filter(estate_id__in=estates, revoked_at__isnull=False, revoked_at__lte=at,
                                       valid_until__gt=at).values_list("cti", flat=True)
    )
    # Held back by a home quarantine: the console says so, with the planned end, rather than
    # "revoked" (a volunteer must tell a quarantine from a move-out).
    suspended = sorted(
        [passcodec.revocation_id(bytes.fromhex(cti)), until.isoformat() if until else ""]
        for cti, until in Pass.objects.suspended_at_moment(at).filter(estate_id__in=estates)
        .values_list("cti", "suspended_until")
    )
    # Every estate of the community by name, so that a pass for another of its estates is
    # refused by name, not by a number.
    estate_names = dict(Estate.objects.filter(community=community).order_by("pk").values_list("pk", "name"))
    keys = keys_verifying(SigningKey.objects.filter(community=community), at).order_by("valid_from", "pk")
    version = bundle_version(community.pk)
    iat = int(at.timestamp())
    claims = {
        passcodec.CLAIM_IAT: iat,
        passcodec.CLAIM_EXP: iat + max_age,
        CLAIM_BUNDLE: {
            "version": version,
            "checkpoint": checkpoint.pk,
            "estates": estates,
            "max_age": max_age,
            "fever_threshold": str(fever_threshold(community, at)),
            "keys": [{"kid": bytes(k.kid), "alg": passcodec.ALG_ES256, "jwk": dict(k.public_jwk)} for k in keys],
            "revoked": revoked,
            "suspended": suspended,
            "estate_names": estate_names,
        },
    }
    text = passcodec.encode(claims, prefix=BUNDLE_PREFIX, private_key=private_key_of(key), kid=bytes(key.kid),
                            alg="ES256")
    return {"bundle": text, "version": version, "max_age": max_age}
