"""Writes of closed management: rules, signing keys, passes, the checkpoint bundle, the sync of
the consoles' events, fever alerts and readiness checks.

Every function is keyword-only, checks what it is given, audits what it changes (through
`core.services.audit_object`), and either completes or raises a ValidationError having
changed nothing. Who may call which is the views' and the API's business (core.scope); the
functions that take a `scope` check it themselves.
"""

from __future__ import annotations

import datetime as dt
import functools
import secrets
from decimal import Decimal, InvalidOperation

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from fangxian.core.models import AuditEvent
from fangxian.core.notify import notify
from fangxian.core.scope import Scope
from fangxian.core.services import audit_object
from fangxian.registry.models import Building, Community, Dwelling, Entrance, Estate, Person

from . import passcodec

from .models import (
    READINESS_KEYS,
    RULE_DEFAULTS,
    RULE_LIMITS,
    AccessChange,
    Checkpoint,
    FeverAlert,
    Pass,
    ReadinessCheck,
    Rule,
    RuleKey,
    SigningKey,
)

PASS_PREFIX = "FX1:"
BUNDLE_PREFIX = "FXB1:"
CLAIM_BUNDLE = -70002
MAX_EVENTS = 500


def _changed(community_id: int, what: str) -> None:
    """One more row in the bundle's change log: the community's bundle version grows."""
    AccessChange.objects.create(community_id=community_id, what=what)


# -- rules -------------------------------------------------------------------------------


def rule_value(key: str, community: Community | int | None, at: dt.datetime | None = None) -> str:
    """The value of a rule in force at `at` (now) for a community: the community's latest
    rule in force, else the latest for every community, else the default."""
    at = at or timezone.now()
    community_id = getattr(community, "pk", community)
    in_force = Rule.objects.filter(key=key, effective_from__lte=at).order_by("-effective_from", "-pk")
    if community_id is not None:
        own = in_force.filter(community_id=community_id).values_list("value", flat=True).first()
        if own is not None:
            return own
    common = in_force.filter(community__isnull=True).values_list("value", flat=True).first()
    return common if common is not None else RULE_DEFAULTS[RuleKey(key)]


def fever_threshold(community, at: dt.datetime | None = None) -> Decimal:
    return Decimal(rule_value(RuleKey.FEVER_THRESHOLD, community, at))


def _rule_int(key: str, community, at=None) -> int:
    return int(rule_value(key, community, at))


def rule_clean_value(key: str, raw: object) -> str:
    """The canonical text of a rule's value, or a ValidationError saying the allowed range."""
    try:
        key = RuleKey(key)
    except ValueError:
        raise ValidationError({"key": _("Choose a rule from the list.")}) from None
    low, high, kind = RULE_LIMITS[key]
    try:
        value = kind(str(raw).strip())
    except (ValueError, InvalidOperation):
        raise ValidationError({"value": _("Enter a number.")}) from None
    if kind is Decimal:
        value = value.quantize(Decimal("0.1"))
    if not low <= value <= high:
        raise ValidationError({"value": _("Enter a value from %(low)s to %(high)s.") % {"low": low, "high": high}})
    return str(value)


def rule_set(*, user, community: Community | None, key: str, value: object,
             effective_from: dt.datetime | None = None) -> Rule:
    """A new value of a rule from `effective_from` (now) on; the earlier values stay on record."""
    clean = rule_clean_value(key, value)
    effective_from = effective_from or timezone.now()
    if timezone.is_naive(effective_from):
        raise ValidationError({"effective_from": _("Give the time with its time zone.")})
    with transaction.atomic():
        in_force = effective_from <= timezone.now()
        rule = Rule.objects.create(community=community, key=key, value=clean, effective_from=effective_from,
                                   set_by=user if getattr(user, "is_authenticated", False) else None,
                                   announced=in_force)
        audit_object(actor=user, action=AuditEvent.Action.CREATE, obj=rule, detail=f"{key}={clean}")
        if in_force:  # a rule from a later moment is logged when it comes into force (bundle_build)
            for community_id in _rule_communities(community):
                _changed(community_id, "rule")
    return rule


def _rule_communities(community) -> list[int]:
    if community is not None:
        return [community.pk]
    return list(Community.objects.values_list("pk", flat=True))


# -- signing keys ------------------------------------------------------------------------


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


def _key_new(*, community: Community, valid_from: dt.datetime) -> SigningKey:
    private = ec.generate_private_key(ec.SECP256R1())
    pem = private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption()).decode()
    public = private.public_key()
    key = SigningKey.objects.create(
        community=community, kid=passcodec.key_id(public), alg="ES256", private_key_pem=pem,
        public_jwk=passcodec.public_key_jwk(public), valid_from=valid_from,
    )
    _changed(community.pk, "key")
    return key


def signing_key_current(*, community: Community, at: dt.datetime | None = None) -> SigningKey:
    """The key that signs the community's passes and bundles now: the newest one in force.
    Made on first use."""
    at = at or timezone.now()
    keys = SigningKey.objects.filter(community=community, valid_from__lte=at).filter(
        Q(retire_after__isnull=True) | Q(retire_after__gt=at))
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
        overlap = dt.timedelta(days=_rule_int(RuleKey.KEY_OVERLAP_DAYS, community, at))
    with transaction.atomic():
        Community.objects.select_for_update().filter(pk=community.pk).first()
        retire = at + overlap
        old = SigningKey.objects.filter(community=community).filter(
            Q(retire_after__isnull=True) | Q(retire_after__gt=retire))
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
    keys = SigningKey.objects.filter(community_id=community_id).filter(
        Q(retire_after__isnull=True) | Q(retire_after__gt=at))
    return {bytes(key.kid): public_key_of(key) for key in keys}


# -- passes ------------------------------------------------------------------------------

PERSON_KIND_TO_PASS = {
    Person.Kind.REGISTERED: Pass.Kind.RESIDENT,
    Person.Kind.PERMANENT: Pass.Kind.RESIDENT,
    Person.Kind.TENANT: Pass.Kind.TENANT,
    Person.Kind.FLOATING: Pass.Kind.TENANT,
}


def pass_kind_for(person: Person) -> str:
    return PERSON_KIND_TO_PASS.get(person.kind, Pass.Kind.RESIDENT)


def _validity(*, community_id: int, kind: str, start: dt.datetime, valid_until: dt.datetime | None) -> dt.datetime:
    if valid_until is None:
        if kind == Pass.Kind.VISITOR:
            return start + dt.timedelta(hours=_rule_int(RuleKey.VISITOR_PASS_HOURS, community_id, start))
        return start + dt.timedelta(days=_rule_int(RuleKey.PASS_VALID_DAYS, community_id, start))
    if timezone.is_naive(valid_until):
        raise ValidationError({"valid_until": _("Give the time with its time zone.")})
    if valid_until <= start + dt.timedelta(minutes=1):
        raise ValidationError({"valid_until": _("The pass must be valid for longer than that.")})
    if valid_until > start + dt.timedelta(days=366):
        raise ValidationError({"valid_until": _("A pass is valid for one year at most.")})
    return valid_until


def _new_pass(*, person: Person, estate: Estate, kind: str, user, start: dt.datetime,
              valid_until: dt.datetime | None) -> Pass:
    if kind not in Pass.Kind.values:
        raise ValidationError({"kind": _("Choose a kind of pass from the list.")})
    if estate.community_id != person.community_id:
        raise ValidationError({"estate": _("The estate must be in the person's community.")})
    return Pass(
        person=person, estate=estate, community_id=estate.community_id, kind=kind,
        cti=passcodec.new_cti().hex(), phone_token=secrets.token_urlsafe(24), issued_at=start, valid_from=start,
        valid_until=_validity(community_id=estate.community_id, kind=kind, start=start, valid_until=valid_until),
        issued_by=user if getattr(user, "is_authenticated", False) else None,
    )


def pass_issue(*, person: Person, estate: Estate | None = None, kind: str | None = None, user,
               valid_until: dt.datetime | None = None) -> Pass:
    """A new pass for a person: for the estate they live in unless another is given, of the
    kind their registration suggests unless another is given."""
    if estate is None:
        if person.dwelling_id is None:
            raise ValidationError({"estate": _("Choose the estate: this person has no dwelling.")})
        estate = person.dwelling.building.estate
    kind = kind or pass_kind_for(person)
    with transaction.atomic():
        new = _new_pass(person=person, estate=estate, kind=kind, user=user, start=timezone.now(),
                        valid_until=valid_until)
        new.full_clean(exclude=["issued_by", "replaced_by"])
        new.save()
        _changed(new.community_id, "issue")
        audit_object(actor=user, action=AuditEvent.Action.CREATE, obj=new, detail=f"kind={kind} estate={estate.pk}")
    signing_key_current(community=estate.community)  # the first pass of a community makes its key
    return new


def pass_revoke(*, pass_: Pass, reason: str, user, note: str = "") -> Pass:
    """Revoke a pass: it stops admitting at once on the server, and at every checkpoint as soon
    as its console has fetched the next bundle."""
    if reason not in Pass.RevokeReason.values:
        raise ValidationError({"reason": _("Choose why the pass is revoked.")})
    note = " ".join(str(note or "").split())[:200]
    if reason == Pass.RevokeReason.OTHER and len(note) < 2:
        raise ValidationError({"note": _("Say why the pass is revoked.")})
    with transaction.atomic():
        locked = Pass.objects.select_for_update().get(pk=pass_.pk)
        if locked.revoked_at is not None:
            raise ValidationError(_("This pass was already revoked."))
        locked.revoked_at = timezone.now()
        locked.revoke_reason, locked.revoke_note = reason, note
        locked.save(update_fields=["revoked_at", "revoke_reason", "revoke_note"])
        _changed(locked.community_id, "revoke")
        audit_object(actor=user, action=AuditEvent.Action.UPDATE, obj=locked, field="revoked_at",
                     reason=note, detail=f"revoked: {reason}")
    pass_.revoked_at, pass_.revoke_reason, pass_.revoke_note = locked.revoked_at, reason, note
    return pass_


def pass_reissue(*, pass_: Pass, user, note: str = "") -> Pass:
    """A new pass in place of an old one (a lost or worn card): the old one is revoked as
    reissued and points to the new one, which has the same estate and kind."""
    with transaction.atomic():
        locked = Pass.objects.select_for_update().select_related("person", "estate").get(pk=pass_.pk)
        if locked.revoked_at is not None:
            raise ValidationError(_("This pass was already revoked; issue a new one instead."))
        valid_until = None
        if locked.kind == Pass.Kind.VISITOR:
            valid_until = max(locked.valid_until, timezone.now() + dt.timedelta(hours=1))
        new = pass_issue(person=locked.person, estate=locked.estate, kind=locked.kind, user=user,
                         valid_until=valid_until)
        pass_revoke(pass_=locked, reason=Pass.RevokeReason.REISSUED, user=user, note=note)
        locked.replaced_by = new
        locked.save(update_fields=["replaced_by"])
    pass_.revoked_at, pass_.revoke_reason, pass_.replaced_by = locked.revoked_at, locked.revoke_reason, new
    return new


def _has_valid_pass(now: dt.datetime):
    return Q(passes__revoked_at__isnull=True, passes__valid_until__gt=now)


def passes_issue_for_building(*, building: Building, user, kind: str | None = None) -> dict:
    """Passes for everyone living in a building who has no valid pass for its estate.

    People in dwellings that are sealed, not yet returned or in home quarantine get none:
    they are not coming through the gate. Returns counts and the new passes.
    """
    now = timezone.now()
    people = Person.objects.filter(dwelling__building=building).select_related("dwelling")
    holders = set(
        Pass.objects.filter(person__dwelling__building=building, estate_id=building.estate_id, revoked_at__isnull=True,
                            valid_until__gt=now).values_list("person_id", flat=True))
    estate = building.estate
    new, skipped_valid, skipped_status = [], 0, 0
    for person in people:
        if person.pk in holders:
            skipped_valid += 1
        elif person.dwelling.status != Dwelling.Status.OCCUPIED:
            skipped_status += 1
        else:
            new.append(_new_pass(person=person, estate=estate, kind=kind or pass_kind_for(person), user=user,
                                 start=now, valid_until=None))
    with transaction.atomic():
        Pass.objects.bulk_create(new, batch_size=500)
        if new:
            created = list(Pass.objects.filter(cti__in=[p.cti for p in new]).values_list("pk", flat=True))
            actor = user if getattr(user, "is_authenticated", False) else None
            AuditEvent.objects.bulk_create([
                AuditEvent(actor=actor, action=AuditEvent.Action.CREATE, community_id=building.community_id,
                           target_type="access.Pass", target_id=str(pk), detail=f"building {building.pk}")
                for pk in created
            ], batch_size=500)
            _changed(building.community_id, "issue")
    if new:
        signing_key_current(community=building.community)
    return {"issued": len(new), "had_valid": skipped_valid, "not_present": skipped_status,
            "passes": list(Pass.objects.filter(cti__in=[p.cti for p in new]))}


def pass_qr_text(pass_: Pass, *, at: dt.datetime | None = None, key: SigningKey | None = None) -> str:
    """The text of the pass's QR: FX1: + Base45(COSE_Sign1(CWT)), signed with the community's
    current key. The claims are fixed for a pass; only the signature differs between two
    calls, and every text made stays valid as long as its key verifies."""
    if key is None or key.community_id != pass_.community_id:
        key = signing_key_current(community=pass_.community, at=at)
    claims = passcodec.pass_claims(cti=pass_.cti_bytes, iat=pass_.issued_at, exp=pass_.valid_until,
                                   estate=pass_.estate_id, kind=pass_.kind)
    return passcodec.encode(claims, prefix=PASS_PREFIX, private_key=private_key_of(key), kid=bytes(key.kid),
                            alg="ES256")


# -- the checkpoint bundle ---------------------------------------------------------------


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
                _changed(other, "rule")
        else:
            _changed(community_id, "rule")
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
    keys = SigningKey.objects.filter(community=community, valid_from__lte=at).filter(
        Q(retire_after__isnull=True) | Q(retire_after__gt=at))
    return keys.order_by("valid_from", "pk").first() or signing_key_current(community=community, at=at)


def bundle_version(community_id: int) -> int:
    return AccessChange.objects.filter(community_id=community_id).aggregate(v=Max("pk"))["v"] or 0


def bundle_build(*, checkpoint: Checkpoint, at: dt.datetime | None = None) -> dict:
    """What a checkpoint console needs to decide offline, signed with the community's key:
    {"bundle": "FXB1:…", "version": int, "max_age": seconds}. See ARCHITECTURE.md."""
    at = at or timezone.now()
    community = checkpoint.community
    signing_key_current(community=community, at=at)  # made on first use
    key = _bundle_signer(community, at)
    _announce_due_changes(community.pk, at)
    max_age = _rule_int(RuleKey.BUNDLE_MAX_AGE, community, at)
    estates = checkpoint.admitted_estate_ids()
    revoked = sorted(
        passcodec.revocation_id(bytes.fromhex(cti))
        for cti in Pass.objects.filter(estate_id__in=estates, revoked_at__isnull=False, revoked_at__lte=at,
                                       valid_until__gt=at).values_list("cti", flat=True)
    )
    keys = SigningKey.objects.filter(community=community).filter(
        Q(retire_after__isnull=True) | Q(retire_after__gt=at)).order_by("valid_from", "pk")
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
        },
    }
    text = passcodec.encode(claims, prefix=BUNDLE_PREFIX, private_key=private_key_of(key), kid=bytes(key.kid),
                            alg="ES256")
    return {"bundle": text, "version": version, "max_age": max_age}


# -- checkpoints and readiness -----------------------------------------------------------


def checkpoint_create(*, entrance: Entrance, user, name: str = "", all_day: bool = True,
                      opens_at: dt.time | None = None, closes_at: dt.time | None = None) -> Checkpoint:
    name = " ".join(str(name or "").split())[:60] or f"{entrance.estate.name} {entrance.name}"
    if not all_day and (opens_at is None or closes_at is None):
        raise ValidationError({"opens_at": _("Give the opening hours, or tick open 24 hours.")})
    if Checkpoint.objects.filter(entrance=entrance).exists():
        raise ValidationError({"entrance": _("This entrance already has a checkpoint.")})
    checkpoint = Checkpoint(entrance=entrance, community_id=entrance.estate.community_id, name=name,
                            all_day=all_day, opens_at=None if all_day else opens_at,
                            closes_at=None if all_day else closes_at)
    with transaction.atomic():
        checkpoint.full_clean()
        checkpoint.save()
        audit_object(actor=user, action=AuditEvent.Action.CREATE, obj=checkpoint)
    return checkpoint


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


# -- fever alerts ------------------------------------------------------------------------


def fever_alert_assign(*, alert: FeverAlert, assignee, user) -> FeverAlert:
    if alert.closed_at is not None:
        raise ValidationError(_("This alert is closed."))
    alert.assigned_to, alert.assigned_at = assignee, timezone.now()
    alert.save(update_fields=["assigned_to", "assigned_at"])
    audit_object(actor=user, action=AuditEvent.Action.UPDATE, obj=alert, field="assigned_to",
                 detail=f"user {getattr(assignee, 'pk', None)}")
    return alert


def fever_alert_close(*, alert: FeverAlert, outcome: str, note: str = "", user) -> FeverAlert:
    if outcome not in FeverAlert.Outcome.values:
        raise ValidationError({"outcome": _("Choose the outcome of the follow-up.")})
    note = " ".join(str(note or "").split())[:200]
    if outcome == FeverAlert.Outcome.OTHER and len(note) < 2:
        raise ValidationError({"outcome_note": _("Say what happened.")})
    if alert.closed_at is not None:
        raise ValidationError(_("This alert is closed."))
    alert.outcome, alert.outcome_note = outcome, note
    alert.closed_at, alert.closed_by = timezone.now(), user if getattr(user, "is_authenticated", False) else None
    alert.save(update_fields=["outcome", "outcome_note", "closed_at", "closed_by"])
    audit_object(actor=user, action=AuditEvent.Action.UPDATE, obj=alert, field="outcome", detail=outcome)
    return alert


def fever_alerts_raise(alerts: list[FeverAlert]) -> None:
    """Tell the duty officers, once the alerts are committed."""
    for alert in alerts:
        url = reverse("access:fever_alert_list") + f"?alert={alert.pk}"
        text = _("Fever alert at checkpoint %(checkpoint)s: %(temperature)s °C. Follow it up now.") % {
            "checkpoint": alert.checkpoint.name, "temperature": alert.temperature}
        transaction.on_commit(functools.partial(notify, "fever_alert", community=alert.community, text=text, url=url))


# -- sync ---------------------------------------------------------------------------------


def scans_sync(*, device_id: str, events: list, user, scope: Scope | None = None,
               checkpoints: dict[int, Checkpoint] | None = None) -> list[dict]:
    """Store a console's batch of events; one acknowledgement per event, in order.

    Idempotent on event_id: an event already stored (by an earlier batch, a retry, or a
    concurrent request) answers "duplicate" and is not stored again. A malformed event, or
    one for a checkpoint the user may not send for, answers "rejected" with the reason;
    the others are stored. Every pass is verified again here, and the server's verdict
    stored beside the device's.
    """
    from . import sync

    if checkpoints is None:
        from .selectors import console_checkpoints

        named = (event.get("checkpoint") for event in events if isinstance(event, dict))
        ids = list({pk for pk in named if type(pk) is int and 1 <= pk < 2**63})
        checkpoints = {c.pk: c for c in console_checkpoints(scope or Scope.for_user(user)).filter(pk__in=ids)}
    return sync.sync_batch(device_id=device_id, events=events, user=user, checkpoints=checkpoints)


__all__ = [
    "MAX_EVENTS", "bundle_build", "checkpoint_create", "fever_alert_assign", "fever_alert_close", "pass_issue",
    "pass_qr_text", "pass_reissue", "pass_revoke", "passes_issue_for_building", "readiness_tick", "rule_set",
    "rule_value", "scans_sync", "signing_key_current", "signing_key_rotate",
]

