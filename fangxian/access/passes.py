"""Passes: issue, reissue, revoke, hold back during a home quarantine, issue for a whole
building, and the text of a pass's QR."""

from __future__ import annotations

import datetime as dt
import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fangxian.core.models import AuditEvent
from fangxian.core.services import audit_object
from fangxian.registry.models import Building, Dwelling, Estate, Person

from . import passcodec
from .changes import change_log
from .keys import private_key_of, signing_key_current
from .models import Pass, RuleKey, SigningKey
from .rules import rule_int

PASS_PREFIX = passcodec.PASS_PREFIX

PERSON_KIND_TO_PASS = {
    Person.Kind.REGISTERED: Pass.Kind.RESIDENT,
    Person.Kind.PERMANENT: Pass.Kind.RESIDENT,
    Person.Kind.TENANT: Pass.Kind.TENANT,
    Person.Kind.FLOATING: Pass.Kind.TENANT,
}


# A pass that ends within minutes of its issue is a typing mistake, not a visit.
MIN_VALIDITY = dt.timedelta(minutes=10)


def pass_kind_for(person: Person) -> str:
    return PERSON_KIND_TO_PASS.get(person.kind, Pass.Kind.RESIDENT)


def _validity(*, community_id: int, kind: str, start: dt.datetime, valid_until: dt.datetime | None) -> dt.datetime:
    if valid_until is None:
        if kind == Pass.Kind.VISITOR:
            return start + dt.timedelta(hours=rule_int(RuleKey.VISITOR_PASS_HOURS, community_id, start))
        return start + dt.timedelta(days=rule_int(RuleKey.PASS_VALID_DAYS, community_id, start))
    if timezone.is_naive(valid_until):
        raise ValidationError({"valid_until": _("Give the time with its time zone.")})
    if valid_until <= start + MIN_VALIDITY:
        raise ValidationError({"valid_until": _("A pass must be valid for more than %(minutes)d minutes from now.")
                               % {"minutes": int(MIN_VALIDITY.total_seconds() // 60)}})
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
        change_log(new.community_id, "issue")
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
        change_log(locked.community_id, "revoke")
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


def passes_suspend(*, persons, until: dt.date, user, reason: str) -> int:
    """Hold back the valid passes of `persons` for a home quarantine until `until` (its planned
    end, shown at the gate): they scan "in home quarantine" until `passes_restore`. Returns how
    many passes were held back."""
    now = timezone.now()
    with transaction.atomic():
        passes = list(Pass.objects.select_for_update().valid_at(now).filter(person__in=persons))
        for pass_ in passes:
            pass_.suspended_at, pass_.suspended_until = now, until
            pass_.save(update_fields=["suspended_at", "suspended_until"])
            audit_object(actor=user, action=AuditEvent.Action.UPDATE, obj=pass_, field="suspended_at",
                         reason=reason, detail=f"held back until {until}")
        for community_id in {p.community_id for p in passes}:
            change_log(community_id, "suspend")
    return len(passes)


def passes_suspension_until(*, persons, until: dt.date, user, reason: str) -> int:
    """Move the end shown at the gate for the held-back passes of `persons` (an extension or a
    shortening of their quarantine)."""
    now = timezone.now()
    with transaction.atomic():
        passes = list(Pass.objects.select_for_update().suspended_at_moment(now).filter(person__in=persons))
        for pass_ in passes:
            old, pass_.suspended_until = pass_.suspended_until, until
            pass_.save(update_fields=["suspended_until"])
            audit_object(actor=user, action=AuditEvent.Action.UPDATE, obj=pass_, field="suspended_until",
                         reason=reason, detail=f"{old} → {until}")
        for community_id in {p.community_id for p in passes}:
            change_log(community_id, "suspend")
    return len(passes)


def passes_restore(*, persons, user, reason: str) -> int:
    """End the hold on the passes of `persons`: the same cards admit again (those still within
    their validity). Returns how many passes admit again."""
    now = timezone.now()
    with transaction.atomic():
        passes = list(Pass.objects.select_for_update().filter(person__in=persons, suspended_at__isnull=False))
        for pass_ in passes:
            pass_.suspended_at = pass_.suspended_until = None
            pass_.save(update_fields=["suspended_at", "suspended_until"])
            audit_object(actor=user, action=AuditEvent.Action.UPDATE, obj=pass_, field="suspended_at",
                         reason=reason, detail="restored")
        for community_id in {p.community_id for p in passes}:
            change_log(community_id, "restore")
    return sum(1 for p in passes if p.status_at(now) == "valid")


def passes_issue_for_building(*, building: Building, user, kind: str | None = None) -> dict:
    """Passes for everyone living in a building who has no valid pass for its estate.

    People in dwellings that are sealed, not yet returned or in home quarantine get none:
    they are not coming through the gate. Returns counts and the new passes.
    """
    now = timezone.now()
    people = Person.objects.filter(dwelling__building=building).select_related("dwelling")
    holders = set(
        Pass.objects.valid_at(now).filter(person__dwelling__building=building, estate_id=building.estate_id)
        .values_list("person_id", flat=True))
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
            change_log(building.community_id, "issue")
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
