"""Writes of the returnees app: risk areas, self-registration, review, move-in slips, home
quarantine and its check-ins. Every status change needs a reason and is audited."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fangxian.access import passcodec
from fangxian.access.models import Pass
from fangxian.access.services import pass_issue, pass_revoke, private_key_of, signing_key_current
from fangxian.core.models import AuditEvent
from fangxian.core.scope import Scope
from fangxian.core.services import audit_object, audit_record
from fangxian.core.validators import normalise_mobile, normalise_name, normalise_national_id
from fangxian.registry.models import Community, Dwelling, Person, Subdistrict
from fangxian.registry.services import person_create, person_update

from .limits import TEMPERATURE_RANGE, clean_days
from .limits import clean_reason as _clean_reason
from .models import BulkReview, Companion, Measure, MoveInSlip, Registration, RiskArea
from .quarantines import (  # the home quarantine's writes: named here too, where pages have always found them
    checkin_record,  # noqa: F401
    missed_slots,  # noqa: F401
    quarantine_extend,  # noqa: F401
    quarantine_release,  # noqa: F401
    quarantine_start,
    slot_of,  # noqa: F401
)
from .quarantines import dwelling_status_set as _dwelling_status
from .quarantines import has_valid_pass as _has_valid_pass
from .seals import dwelling_unseal_on_return

# The privacy notice a returnee consents to; a new text gets a new version.
CONSENT_VERSION = "2026-1"
SLIP_PREFIX = "FXS1:"
REVIEW_OVERDUE = dt.timedelta(hours=24)
LEVEL_RANK = {RiskArea.Level.LOW: 0, RiskArea.Level.MEDIUM: 1, RiskArea.Level.HIGH: 2}
MAX_COMPANIONS = 10


# -- risk areas --------------------------------------------------------------------------


def can_set_areas(scope: Scope, subdistrict_id: int) -> bool:
    """Subdistrict officers of the subdistrict, admins of one of its communities, superusers."""
    return scope.sets_rules_in(subdistrict_id)


def area_set(*, scope: Scope, user, subdistrict: Subdistrict, data: dict) -> RiskArea:
    """A risk area from a date on. An area still open for exactly the same place ends the day
    before: this is how a level is raised or lowered, and the earlier values stay on record."""
    if not can_set_areas(scope, subdistrict.pk):
        raise PermissionDenied
    area = RiskArea(subdistrict=subdistrict, set_by=user if getattr(user, "is_authenticated", False) else None)
    for field in ("province", "city", "district"):
        setattr(area, field, " ".join(str(data.get(field) or "").split()))
    area.level = data.get("level") or ""
    area.measure = data.get("measure") or Measure.NONE
    area.quarantine_days = data.get("quarantine_days") or 0
    area.effective_from = data.get("effective_from")
    area.effective_to = data.get("effective_to")
    errors: dict[str, list] = {}
    if area.district and not area.city:
        errors["city"] = [_("Give the city of the district.")]
    if area.measure == Measure.HOME_QUARANTINE and not area.quarantine_days:
        errors["quarantine_days"] = [_("Home quarantine needs a number of days.")]
    if area.effective_to and area.effective_from and area.effective_to < area.effective_from:
        errors["effective_to"] = [_("The end date is before the start date.")]
    try:
        area.full_clean(exclude=["set_by"])
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        earlier = RiskArea.objects.select_for_update().filter(
            subdistrict=subdistrict, province=area.province, city=area.city, district=area.district,
            effective_from__lt=area.effective_from)
        for old in earlier:
            if old.effective_to is None or old.effective_to >= area.effective_from:
                old.effective_to = area.effective_from - dt.timedelta(days=1)
                old.save(update_fields=["effective_to"])
        area.save()
        audit_record(actor=user, action=AuditEvent.Action.CREATE, target_type="returnees.RiskArea",
                     target_id=area.pk, detail=f"{area} {area.level} {area.measure} {area.quarantine_days}d "
                                               f"from {area.effective_from}")
    return area


def best_area(areas, province: str, city: str, district: str) -> RiskArea | None:
    """Among areas in force (of one subdistrict), the one that decides for a place: the most
    specific that covers it (district over city over province), then the highest level."""
    matching = [a for a in areas if a.province == province and (not a.city or a.city == city)
                and (not a.district or a.district == district)]
    if not matching:
        return None
    return max(matching, key=lambda a: (a.specificity, LEVEL_RANK.get(a.level, 0), a.effective_from, a.pk))


@dataclass(frozen=True)
class Suggestion:
    measure: str
    days: int
    area: RiskArea | None
    reason: str


def measure_for(from_province: str, from_city: str, from_district: str, on_date: dt.date, *,
                subdistrict_id: int | None = None) -> Suggestion:
    """The measure for someone arriving on `on_date` from a place: the most specific area in
    force that covers the place (district over city over province), and among equally
    specific ones the highest level."""
    province, city, district = (" ".join(str(v or "").split()) for v in (from_province, from_city, from_district))
    areas = RiskArea.objects.filter(province=province, effective_from__lte=on_date).exclude(
        effective_to__lt=on_date)
    if subdistrict_id is not None:
        areas = areas.filter(subdistrict_id=subdistrict_id)
    best = best_area(areas, province, city, district)
    if best is None:
        return Suggestion(Measure.NONE, 0, None, _("No risk area covers the place of departure."))
    reason = _("%(place)s: %(level)s since %(date)s; measure: %(measure)s") % {
        "place": str(best), "level": best.get_level_display(), "date": best.effective_from.isoformat(),
        "measure": best.get_measure_display()
        + (_(" (%(days)d days)") % {"days": best.quarantine_days} if best.quarantine_days else ""),
    }
    return Suggestion(best.measure, best.quarantine_days, best, reason)


# -- self-registration -------------------------------------------------------------------


def _clean_person_fields(raw: dict, errors: dict, prefix: str = "", *, phone_required: bool) -> dict:
    out = {}
    for field, normalise in (("name", normalise_name), ("national_id", normalise_national_id),
                             ("phone", normalise_mobile)):
        value = str(raw.get(field) or "").strip()
        if not value:
            if field != "phone" or phone_required:
                errors.setdefault(prefix + field, []).append(_("This field is required."))
            out[field] = ""
            continue
        try:
            out[field] = normalise(value)
        except ValidationError as error:
            errors.setdefault(prefix + field, []).extend(error.messages)
    return out


def registration_submit(*, community: Community, data: dict, companions: list[dict], consent: bool,
                        now: dt.datetime | None = None) -> Registration:
    """A returnee registers (no login). The same ID number again, while the first registration
    waits for review, updates it. Raises ValidationError naming each bad field."""
    now = now or timezone.now()
    errors: dict[str, list] = {}
    if not consent:
        errors["consent"] = [_("Read the privacy notice and agree to it: without consent we cannot register you.")]
    person = _clean_person_fields(data, errors, phone_required=True)
    dwelling = data.get("dwelling")
    if not isinstance(dwelling, Dwelling) or dwelling.building.community_id != community.pk:
        errors.setdefault("dwelling", []).append(_("Choose your building and room."))
    province = " ".join(str(data.get("from_province") or "").split())
    if not province:
        errors.setdefault("from_province", []).append(_("This field is required."))
    arrival = data.get("arrival_date")
    today = timezone.localdate(now)
    if not isinstance(arrival, dt.date):
        errors.setdefault("arrival_date", []).append(_("This field is required."))
    elif arrival > today + dt.timedelta(days=30) or arrival < today - dt.timedelta(days=60):
        errors.setdefault("arrival_date", []).append(
            _("The arrival date must be within the last 60 days or the next 30."))
    temperature = data.get("temperature")
    if temperature not in (None, ""):
        try:
            temperature = Decimal(str(temperature)).quantize(Decimal("0.1"))
            if not TEMPERATURE_RANGE[0] <= temperature <= TEMPERATURE_RANGE[1]:
                raise InvalidOperation
        except (InvalidOperation, ValueError):
            errors.setdefault("temperature", []).append(_("Enter a temperature from 34.0 to 43.0 °C."))
            temperature = None
    else:
        temperature = None
    people = []
    for index, companion in enumerate(companions[:MAX_COMPANIONS]):
        if not any(str(companion.get(f) or "").strip() for f in ("name", "national_id", "phone")):
            continue
        clean = _clean_person_fields(companion, errors, prefix=f"companion_{index}_", phone_required=False)
        clean["relation"] = " ".join(str(companion.get("relation") or "").split())[:20]
        people.append(clean)
    ids = [person.get("national_id")] + [p.get("national_id") for p in people]
    ids = [i for i in ids if i]
    if len(ids) != len(set(ids)):
        errors.setdefault("companions", []).append(_("The same ID number is given twice."))
    if errors:
        raise ValidationError(errors)
    suggestion = measure_for(province, data.get("from_city"), data.get("from_district"), arrival,
                             subdistrict_id=community.subdistrict_id)
    values = dict(
        dwelling=dwelling, name=person["name"], phone=person["phone"], from_province=province,
        from_city=" ".join(str(data.get("from_city") or "").split())[:30],
        from_district=" ".join(str(data.get("from_district") or "").split())[:30],
        route=" ".join(str(data.get("route") or "").split())[:200],
        transport=" ".join(str(data.get("transport") or "").split())[:60],
        arrival_date=arrival, symptoms=bool(data.get("symptoms")),
        symptoms_note=" ".join(str(data.get("symptoms_note") or "").split())[:200],
        temperature=temperature, consent_version=CONSENT_VERSION, consent_at=now,
        suggested_measure=suggestion.measure, suggestion_reason=suggestion.reason[:200],
    )
    with transaction.atomic():
        registration = Registration.objects.select_for_update().filter(
            community=community, national_id=person["national_id"], status=Registration.Status.PENDING).first()
        action = AuditEvent.Action.UPDATE if registration else AuditEvent.Action.CREATE
        if registration is None:
            registration = Registration(community=community, national_id=person["national_id"])
        for field, value in values.items():
            setattr(registration, field, value)
        try:
            with transaction.atomic():
                registration.save()
        except IntegrityError:  # a second submission raced this one: update it instead
            registration = Registration.objects.get(community=community, national_id=person["national_id"],
                                                    status=Registration.Status.PENDING)
            for field, value in values.items():
                setattr(registration, field, value)
            registration.save()
        registration.companions.all().delete()
        Companion.objects.bulk_create([Companion(registration=registration, **p) for p in people])
        audit_object(actor=None, action=action, obj=registration, detail="self-registration")
    return registration


# -- review ------------------------------------------------------------------------------


class Decision:
    APPROVE = "approve"
    HOME_QUARANTINE = "home_quarantine"
    CENTRAL_QUARANTINE = "central_quarantine"
    REJECT = "reject"
    CHOICES = (APPROVE, HOME_QUARANTINE, CENTRAL_QUARANTINE, REJECT)


def _person_for(*, scope: Scope, user, registration: Registration, name: str, national_id: str,
                phone: str) -> Person:
    """The registry's person with this ID number in the subdistrict, moved into the dwelling;
    or a new person there."""
    dwelling = registration.dwelling
    existing = Person.objects.filter(subdistrict_id=registration.community.subdistrict_id,
                                     national_id=national_id).first()
    if existing is None:
        data = {"name": name, "national_id": national_id, "dwelling": dwelling, "kind": Person.Kind.PERMANENT}
        if phone:
            data["phone"] = phone
        return person_create(scope=scope, user=user, data=data)
    if existing.dwelling_id != dwelling.pk:
        if existing.community_id != registration.community_id:
            raise ValidationError(_("This person lives in another community: ask its office to move them first."))
        existing = person_update(scope=scope, user=user, person=existing, data={"dwelling": dwelling})
    return existing


def _revoke_valid_passes(person: Person, *, user) -> int:
    now = timezone.now()
    count = 0
    for pass_ in Pass.objects.valid_at(now).filter(person=person):
        pass_revoke(pass_=pass_, reason=Pass.RevokeReason.HOME_QUARANTINE, user=user)
        count += 1
    return count


def registration_review(*, scope: Scope, user, registration: Registration, decision: str, reason: str,
                        days: int | None = None) -> Registration:
    """Decide a pending registration. approve: the people are in the registry, a move-in slip
    and passes are issued; home_quarantine: the people are in the registry, quarantined at
    home for the rule's days (or `days`), their passes revoked; central_quarantine: in the
    registry, passes revoked; reject: nothing more."""
    if decision not in Decision.CHOICES:
        raise ValidationError({"decision": _("Choose a decision.")})
    reason = _clean_reason(reason)
    if not scope.can_write(registration):
        raise PermissionDenied
    if decision == Decision.HOME_QUARANTINE:
        days = clean_days(days or registration_suggestion_days(registration) or 0)
    with transaction.atomic():
        locked = Registration.objects.select_for_update().select_related(
            "community", "dwelling__building__estate").get(pk=registration.pk)
        if locked.status != Registration.Status.PENDING:
            raise ValidationError(_("This registration was already reviewed."))
        people: list[Person] = []
        if decision in (Decision.APPROVE, Decision.HOME_QUARANTINE):
            # The household is back: a seal still on its door comes off, with this reason.
            if dwelling_unseal_on_return(dwelling=locked.dwelling, user=user, reason=reason):
                locked.dwelling.refresh_from_db()
        if decision != Decision.REJECT:
            people.append(_person_for(scope=scope, user=user, registration=locked, name=locked.name,
                                      national_id=locked.national_id, phone=locked.phone))
            for companion in locked.companions.all():
                people.append(_person_for(scope=scope, user=user, registration=locked, name=companion.name,
                                          national_id=companion.national_id, phone=companion.phone))
            locked.person = people[0]
        dwelling = locked.dwelling
        if decision == Decision.APPROVE:
            locked.status = Registration.Status.APPROVED
            MoveInSlip.objects.create(registration=locked, person=people[0],
                                      issued_by=user if user.is_authenticated else None)
            for person in people:
                if not _has_valid_pass(person):
                    pass_issue(person=person, user=user)
            if dwelling.status != Dwelling.Status.QUARANTINE:
                _dwelling_status(dwelling, Dwelling.Status.OCCUPIED, user=user, reason=reason)
        elif decision == Decision.HOME_QUARANTINE:
            locked.status = Registration.Status.HOME_QUARANTINE
            # One measure for the returnee, the companions and (by the rule) the household.
            quarantine_start(scope=scope, user=user, person=people[0], companions=people[1:], registration=locked,
                             reason=reason, starts_on=locked.arrival_date, days=days)
        elif decision == Decision.CENTRAL_QUARANTINE:
            locked.status = Registration.Status.CENTRAL_QUARANTINE
            for person in people:
                _revoke_valid_passes(person, user=user)
        else:
            locked.status = Registration.Status.REJECTED
        locked.reviewed_by = user if user.is_authenticated else None
        locked.reviewed_at = timezone.now()
        locked.review_reason = reason
        locked.save(update_fields=["status", "person", "reviewed_by", "reviewed_at", "review_reason", "updated_at"])
        audit_object(actor=user, action=AuditEvent.Action.UPDATE, obj=locked, field="status", reason=reason,
                     detail=f"review: {decision}")
    return locked


def registration_suggestion(registration: Registration) -> Suggestion:
    """The rule's suggestion as the rules stand now, for the registration's arrival date."""
    return measure_for(registration.from_province, registration.from_city, registration.from_district,
                       registration.arrival_date, subdistrict_id=registration.community.subdistrict_id)


def registration_suggestion_days(registration: Registration) -> int:
    suggestion = registration_suggestion(registration)
    return suggestion.days if suggestion.measure == Measure.HOME_QUARANTINE else 0


# -- move-in slips -----------------------------------------------------------------------


def slip_qr_text(slip: MoveInSlip) -> str:
    """FXS1: + Base45(COSE_Sign1(CWT)) signed with the community's key: the slip's id, the
    estate, the dwelling and its building and room as text ("place", "11号 101": the console
    shows it offline), never a name or an ID number."""
    registration = slip.registration
    community = registration.community
    key = signing_key_current(community=community)
    issued = slip.issued_at
    dwelling = registration.dwelling
    claims = {
        passcodec.CLAIM_CTI: hashlib.sha256(slip.code.encode()).digest()[:16],
        passcodec.CLAIM_IAT: int(issued.timestamp()),
        passcodec.CLAIM_EXP: int((issued + dt.timedelta(days=30)).timestamp()),
        passcodec.CLAIM_FANGXIAN: {"estate": dwelling.building.estate_id, "kind": "move_in",
                                   "dwelling": dwelling.pk,
                                   "place": f"{dwelling.building.name} {dwelling.room}"[:60]},
    }
    return passcodec.encode(claims, prefix=SLIP_PREFIX, private_key=private_key_of(key), kid=bytes(key.kid),
                            alg="ES256")


# -- bulk review with a second approver ---------------------------------------------------

BULK_DECISIONS = (Decision.APPROVE, Decision.REJECT)


def bulk_review_request(*, scope: Scope, user, registrations: list[Registration], decision: str,
                        reason: str) -> BulkReview:
    """Ask for one decision on several pending registrations; nothing changes until a second
    person confirms (`bulk_review_confirm`)."""
    if decision not in BULK_DECISIONS:
        raise ValidationError({"decision": _("Choose a decision.")})
    reason = _clean_reason(reason)
    if not registrations:
        raise ValidationError(_("Tick at least one registration."))
    communities = {r.community_id for r in registrations}
    if len(communities) != 1:
        raise ValidationError(_("Choose registrations of one community."))
    if not all(scope.can_write(r) for r in registrations):
        raise PermissionDenied
    if any(r.status != Registration.Status.PENDING for r in registrations):
        raise ValidationError(_("This registration was already reviewed."))
    with transaction.atomic():
        bulk = BulkReview.objects.create(community_id=communities.pop(), decision=decision, reason=reason,
                                         requested_by=user if user.is_authenticated else None)
        bulk.registrations.set(registrations)
        audit_object(actor=user, action=AuditEvent.Action.CREATE, obj=bulk, reason=reason,
                     detail=f"bulk {decision}: {len(registrations)} registrations")
    return bulk


def bulk_review_confirm(*, scope: Scope, user, bulk: BulkReview) -> BulkReview:
    """The second approver carries out a bulk review: every registration still pending gets
    the decision, all or none."""
    registrations = list(bulk.registrations.select_related("community"))
    if not all(scope.can_write(r) for r in registrations):
        raise PermissionDenied
    if bulk.requested_by_id == getattr(user, "pk", None):
        raise ValidationError(_("A second person must confirm a bulk change: not the one who asked for it."))
    with transaction.atomic():
        locked = BulkReview.objects.select_for_update().get(pk=bulk.pk)
        if locked.status != BulkReview.Status.WAITING:
            raise ValidationError(_("This bulk change was already carried out or cancelled."))
        for registration in registrations:
            if registration.status == Registration.Status.PENDING:
                registration_review(scope=scope, user=user, registration=registration, decision=locked.decision,
                                    reason=locked.reason)
        locked.status, locked.approved_by, locked.approved_at = BulkReview.Status.DONE, user, timezone.now()
        locked.save(update_fields=["status", "approved_by", "approved_at"])
        audit_object(actor=user, action=AuditEvent.Action.UPDATE, obj=locked, field="status",
                     reason=locked.reason, detail=f"confirmed bulk {locked.decision}")
    return locked
