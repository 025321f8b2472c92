"""Home quarantine 居家隔离 as a household measure: start, check-ins, extension, release.

Where the community's rule QUARANTINE_HOUSEHOLD says so (the default), a home quarantine covers
every member of the dwelling, not only the returnee: one Quarantine per person, all with the
same dates and the same `household` key, extended, shortened and released together. Their
passes are held back (suspended), not revoked: the checkpoint says "in home quarantine until
…", and on release the same cards admit again.
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from fangxian.access.models import Pass, RuleKey
from fangxian.access.passes import pass_issue, passes_restore, passes_suspend, passes_suspension_until
from fangxian.access.rules import fever_threshold, rule_int
from fangxian.core.models import AuditEvent
from fangxian.core.notify import notify
from fangxian.core.scope import Scope
from fangxian.core.services import audit_object
from fangxian.registry.models import Dwelling, Person

from .limits import TEMPERATURE_RANGE, check_length, clean_days, clean_reason
from .models import CheckIn, Quarantine, Registration

OPEN = (Quarantine.Status.ACTIVE, Quarantine.Status.EXTENDED)


def dwelling_status_set(dwelling: Dwelling, status: str, *, user, reason: str) -> None:
    if dwelling.status == status:
        return
    old = dwelling.status
    dwelling.status = status
    dwelling.save(update_fields=["status"])
    audit_object(actor=user, action=AuditEvent.Action.UPDATE, obj=dwelling, field="status", reason=reason,
                 detail=f"{old} → {status}")


def has_valid_pass(person: Person) -> bool:
    return Pass.objects.valid_now().filter(person=person).exists()


def covers_household(community_id: int, at: dt.datetime | None = None) -> bool:
    return rule_int(RuleKey.QUARANTINE_HOUSEHOLD, community_id, at) == 1


def household_of(quarantine: Quarantine, *, open_only: bool = True):
    """The quarantines of the same household measure (itself alone for an older one)."""
    same = Q(pk=quarantine.pk)
    if quarantine.household is not None:
        same |= Q(household=quarantine.household)
    rows = Quarantine.objects.filter(same)
    return rows.filter(status__in=OPEN) if open_only else rows


def quarantine_start(*, scope: Scope, user, person: Person, reason: str, starts_on: dt.date, days: int,
                     registration: Registration | None = None, companions: list[Person] = ()) -> list[Quarantine]:
    """Home quarantine of a person in their dwelling, with the companions they came with and,
    when the rule covers the household, everyone living there. People already in a home
    quarantine keep theirs. The dwelling shows home quarantine; their valid passes are held
    back until release. Returns the quarantines made, the person's first."""
    reason = clean_reason(reason)
    days = clean_days(days)
    if person.dwelling_id is None:
        raise ValidationError(_("This person has no dwelling."))
    dwelling = person.dwelling
    if not scope.can_write(dwelling):
        raise PermissionDenied
    if Quarantine.objects.filter(person=person, status__in=OPEN).exists():
        raise ValidationError(_("This person is already in home quarantine."))
    covered = {person.pk: person}
    for companion in companions:
        covered.setdefault(companion.pk, companion)
    if covers_household(dwelling.building.community_id):
        for member in Person.objects.filter(dwelling=dwelling).order_by("pk"):
            covered.setdefault(member.pk, member)
    busy = set(Quarantine.objects.filter(person_id__in=list(covered), status__in=OPEN)
               .values_list("person_id", flat=True))
    members = [p for pk, p in covered.items() if pk not in busy]
    planned_end = starts_on + dt.timedelta(days=days)
    household = uuid.uuid4() if len(members) > 1 else None
    with transaction.atomic():
        quarantines = []
        for member in members:
            quarantine = Quarantine.objects.create(
                person=member, dwelling=dwelling, registration=registration, reason=reason, starts_on=starts_on,
                planned_end=planned_end, household=household)
            audit_object(actor=user, action=AuditEvent.Action.CREATE, obj=quarantine, reason=reason,
                         detail=f"until {planned_end}" + (f", household of {len(members)}" if household else ""))
            quarantines.append(quarantine)
        dwelling_status_set(dwelling, Dwelling.Status.QUARANTINE, user=user, reason=reason)
        passes_suspend(persons=members, until=planned_end, user=user, reason=reason)
    return quarantines


def slot_of(moment: dt.datetime) -> str:
    return CheckIn.Slot.MORNING if timezone.localtime(moment).hour < 12 else CheckIn.Slot.EVENING


def checkin_record(*, quarantine: Quarantine, temperature: object, symptoms: bool, note: str = "",
                   user=None, event_id: uuid.UUID | str | None = None, at: dt.datetime | None = None,
                   scope: Scope | None = None) -> CheckIn:
    """A health check-in, by the person (no user) or by a grid worker for them. A repeat of
    the same event_id answers with the first check-in. Fever or symptoms raise an alert."""
    if user is not None and (scope is None or not scope.can_write(quarantine)):
        raise PermissionDenied
    if event_id is not None:
        first = CheckIn.objects.filter(event_id=event_id).first()
        if first is not None:
            if first.quarantine_id != quarantine.pk:
                raise ValidationError(_("This check-in was already recorded."))
            return first
    if not quarantine.is_open:
        raise ValidationError(_("This home quarantine has ended."))
    try:
        value = Decimal(str(temperature).strip().replace(",", ".")).quantize(Decimal("0.1"))
        if not TEMPERATURE_RANGE[0] <= value <= TEMPERATURE_RANGE[1]:
            raise InvalidOperation
    except (InvalidOperation, ValueError):
        raise ValidationError({"temperature": _("Enter a temperature from 34.0 to 43.0 °C.")}) from None
    at = at or timezone.now()
    community = quarantine.dwelling.building.community
    alert = bool(symptoms) or value >= fever_threshold(community, at)
    with transaction.atomic():
        checkin = CheckIn.objects.create(
            quarantine=quarantine, at=at, slot=slot_of(at), temperature=value, symptoms=bool(symptoms),
            note=" ".join(str(note or "").split())[:200], by_person=user is None,
            recorded_by=user if getattr(user, "is_authenticated", False) else None,
            event_id=event_id or uuid.uuid4(), alert=alert)
        if user is not None:
            audit_object(actor=user, action=AuditEvent.Action.CREATE, obj=checkin, detail="check-in for the person")
    if alert:
        notify("quarantine_alert", community=community,
               text=_("A person in home quarantine reported a fever or symptoms."),
               url=reverse("returnees:quarantine_detail", args=[quarantine.pk]))
    return checkin


def missed_slots(quarantine: Quarantine, checkins: list[CheckIn], now: dt.datetime) -> list[tuple[dt.date, str]]:
    """The slots of yesterday and today without a check-in: the morning is missed after noon,
    the evening after 21:00."""
    local = timezone.localtime(now)
    today = local.date()
    done = {(timezone.localtime(c.at).date(), c.slot) for c in checkins}
    missed = []
    for day in (today - dt.timedelta(days=1), today):
        if day < quarantine.starts_on or (quarantine.ended_on and day > quarantine.ended_on):
            continue
        for slot, due_hour in ((CheckIn.Slot.MORNING, 12), (CheckIn.Slot.EVENING, 21)):
            if day == today and local.hour < due_hour:
                continue
            if (day, slot) not in done:
                missed.append((day, slot))
    return missed


def locked_household(quarantine: Quarantine) -> list[Quarantine]:
    """The open quarantines of the household, locked; a ValidationError when none is open."""
    rows = list(household_of(quarantine).select_for_update().select_related("person", "dwelling").order_by("pk"))
    if not rows:
        raise ValidationError(_("This home quarantine has ended."))
    return rows


def release_household(*, household: list[Quarantine], user, reason: str, ended_on: dt.date,
                      detail: str = "released") -> None:
    """End the open quarantines of a household (locked by the caller): their passes admit
    again; a member living there with no valid pass then (an older quarantine revoked them,
    or the card expired meanwhile) gets a new one; the dwelling is occupied again when nobody
    else in it is in quarantine."""
    for quarantine in household:
        quarantine.status, quarantine.ended_on = Quarantine.Status.RELEASED, ended_on
        quarantine.released_by = user if getattr(user, "is_authenticated", False) else None
        quarantine.save(update_fields=["status", "ended_on", "released_by"])
        audit_object(actor=user, action=AuditEvent.Action.UPDATE, obj=quarantine, field="status", reason=reason,
                     detail=detail)
    people = [q.person for q in household]
    passes_restore(persons=people, user=user, reason=reason)
    for quarantine in household:
        person = quarantine.person
        if person.dwelling_id == quarantine.dwelling_id and not has_valid_pass(person):
            pass_issue(person=person, user=user)
    dwelling = household[0].dwelling
    still = Quarantine.objects.filter(dwelling=dwelling, status__in=OPEN).exists()
    if not still and dwelling.status == Dwelling.Status.QUARANTINE:
        dwelling_status_set(dwelling, Dwelling.Status.OCCUPIED, user=user, reason=reason)


def quarantine_release(*, scope: Scope, user, quarantine: Quarantine, reason: str,
                       today: dt.date | None = None) -> Quarantine:
    """End a home quarantine, with its household's, on or after its planned end (earlier only
    through an approved early release, `quarantine_changes`)."""
    reason = clean_reason(reason)
    if not scope.can_write(quarantine):
        raise PermissionDenied
    today = today or timezone.localdate()
    with transaction.atomic():
        household = locked_household(quarantine)
        end = max(q.planned_end for q in household)
        if today < end:
            raise ValidationError(_("Release is possible from %(date)s on.") % {"date": end})
        release_household(household=household, user=user, reason=reason, ended_on=today)
    return Quarantine.objects.get(pk=quarantine.pk)


def household_planned_end(*, household: list[Quarantine], planned_end: dt.date, user, reason: str,
                          status: str | None = None, detail: str) -> None:
    """A new planned end for the household's open quarantines (locked by the caller); the gate
    shows it for their held-back passes."""
    for quarantine in household:
        quarantine.planned_end = planned_end
        fields = ["planned_end"]
        if status is not None:
            quarantine.status = status
            fields.append("status")
        quarantine.save(update_fields=fields)
        audit_object(actor=user, action=AuditEvent.Action.UPDATE, obj=quarantine, field="planned_end",
                     reason=reason, detail=detail)
    passes_suspension_until(persons=[q.person for q in household], until=planned_end, user=user, reason=reason)


def quarantine_extend(*, scope: Scope, user, quarantine: Quarantine, days: int, reason: str) -> Quarantine:
    """Extend a home quarantine, with its household's, by `days`: the whole length stays within
    the allowed range."""
    reason = clean_reason(reason)
    if not scope.can_write(quarantine):
        raise PermissionDenied
    days = clean_days(days)
    with transaction.atomic():
        household = locked_household(quarantine)
        planned_end = max(q.planned_end for q in household) + dt.timedelta(days=days)
        check_length((planned_end - min(q.starts_on for q in household)).days)
        household_planned_end(household=household, planned_end=planned_end, user=user, reason=reason,
                              status=Quarantine.Status.EXTENDED,
                              detail=f"extended by {days} days to {planned_end}")
    return Quarantine.objects.get(pk=quarantine.pk)
