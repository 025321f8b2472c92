"""Early release and shortening of a home quarantine, with a reason and an admin's approval.

Anyone who may write the quarantine (its grid worker) asks; an admin of its community
approves or refuses. An admin's own request is approved in the same step: they are the
approver, and both steps are audited. A change applies to the whole household measure.

`rule_offers` finds the quarantines that a newer risk-area rule would make shorter: the
pages offer the shortening, pre-filled.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from fangxian.core.models import AuditEvent
from fangxian.core.scope import Scope
from fangxian.core.services import audit_object

from .limits import check_length, clean_reason
from .models import Measure, Quarantine, QuarantineChange, RiskArea
from .quarantines import household_of, household_planned_end, locked_household, release_household
from .services import best_area

Kind, Status = QuarantineChange.Kind, QuarantineChange.Status


def community_of(quarantine: Quarantine) -> int:
    return quarantine.dwelling.building.community_id


def decides_changes(scope: Scope, quarantine: Quarantine) -> bool:
    """An admin of the quarantine's community approves or refuses its changes."""
    return scope.runs(community_of(quarantine))


def pending_for(quarantine: Quarantine) -> QuarantineChange | None:
    """The change of the household waiting for approval, if any."""
    return (QuarantineChange.objects.filter(status=Status.PENDING, quarantine__in=household_of(quarantine))
            .select_related("requested_by").first())


def with_pending(quarantines: QuerySet) -> QuerySet:
    """Annotate `has_pending`: a change of the row's household waits for approval."""
    waiting = QuarantineChange.objects.filter(status=Status.PENDING).filter(
        Q(quarantine_id=OuterRef("pk")) | Q(quarantine__household=OuterRef("household")))
    return quarantines.annotate(has_pending=Exists(waiting))


def _check(kind: str, new_end: dt.date, household: list[Quarantine], today: dt.date) -> None:
    starts = min(q.starts_on for q in household)
    planned = max(q.planned_end for q in household)
    if kind == Kind.EARLY_RELEASE:
        if new_end < starts or new_end > today:
            raise ValidationError({"new_end": _("An early release is dated from the start of the quarantine "
                                                "(%(start)s) to today.") % {"start": starts}})
        if new_end >= planned:
            raise ValidationError({"new_end": _("The quarantine is due for release on %(date)s: release it "
                                                "without a request.") % {"date": planned}})
    else:
        check_length((new_end - starts).days, field="new_end")
        if new_end >= planned:
            raise ValidationError({"new_end": _("A shortening ends before the planned end (%(date)s).")
                                   % {"date": planned}})


def change_request(*, scope: Scope, user, quarantine: Quarantine, kind: str, reason: str,
                   new_end: dt.date | None = None, today: dt.date | None = None) -> QuarantineChange:
    """Ask for an early release (on `new_end`, today when not given) or a shortening (to the
    new planned end `new_end`). Nothing changes until an admin approves; an admin's request is
    approved at once."""
    reason = clean_reason(reason)
    if not scope.can_write(quarantine):
        raise PermissionDenied
    if kind not in Kind.values:
        raise ValidationError({"kind": _("Choose an early release or a shortening.")})
    today = today or timezone.localdate()
    if new_end is None:
        if kind == Kind.SHORTEN:
            raise ValidationError({"new_end": _("Give the new planned end.")})
        new_end = today
    with transaction.atomic():
        household = locked_household(quarantine)
        if QuarantineChange.objects.filter(status=Status.PENDING, quarantine__in=[q.pk for q in household]).exists():
            raise ValidationError(_("A change of this home quarantine already waits for approval."))
        _check(kind, new_end, household, today)
        change = QuarantineChange.objects.create(
            quarantine=quarantine, kind=kind, new_end=new_end, reason=reason,
            requested_by=user if getattr(user, "is_authenticated", False) else None)
        audit_object(actor=user, action=AuditEvent.Action.CREATE, obj=change, reason=reason,
                     detail=f"asked: {kind} {new_end}")
        if decides_changes(scope, quarantine):
            _approve(change, household=household, user=user, today=today)
    return change


def change_decide(*, scope: Scope, user, change: QuarantineChange, approve: bool, note: str = "",
                  today: dt.date | None = None) -> QuarantineChange:
    """An admin of the community approves a change (it applies at once to the household) or
    refuses it with a note (nothing changes)."""
    quarantine = change.quarantine
    if not decides_changes(scope, quarantine):
        raise PermissionDenied
    today = today or timezone.localdate()
    note = clean_reason(note, "note") if not approve or note.strip() else ""
    with transaction.atomic():
        locked = QuarantineChange.objects.select_for_update().get(pk=change.pk)
        if locked.status != Status.PENDING:
            raise ValidationError(_("This change was already decided."))
        if approve:
            household = locked_household(quarantine)
            _check(locked.kind, locked.new_end, household, today)
            locked.decision_note = note
            _approve(locked, household=household, user=user, today=today)
        else:
            locked.status, locked.decided_by, locked.decided_at = Status.REFUSED, user, timezone.now()
            locked.decision_note = note
            locked.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
            audit_object(actor=user, action=AuditEvent.Action.UPDATE, obj=locked, field="status", reason=note,
                         detail=f"refused: {locked.kind} {locked.new_end}")
    return locked


def _approve(change: QuarantineChange, *, household: list[Quarantine], user, today: dt.date) -> None:
    reason = change.reason
    if change.kind == Kind.EARLY_RELEASE:
        release_household(household=household, user=user, reason=reason, ended_on=change.new_end,
                          detail=f"early release on {change.new_end}")
    else:
        household_planned_end(household=household, planned_end=change.new_end, user=user, reason=reason,
                              detail=f"shortened to {change.new_end}")
    change.status, change.decided_by, change.decided_at = Status.APPROVED, user, timezone.now()
    change.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    audit_object(actor=user, action=AuditEvent.Action.UPDATE, obj=change, field="status", reason=reason,
                 detail=f"approved: {change.kind} {change.new_end}")


# -- a newer rule gives fewer days --------------------------------------------------------


@dataclass(frozen=True)
class RuleOffer:
    """The risk-area rule in force today asks `days` days for where the person came from: the
    quarantine may be shortened to `new_end`."""

    days: int
    new_end: dt.date


def rule_offers(quarantines: list[Quarantine], today: dt.date | None = None) -> dict[int, RuleOffer]:
    """{quarantine pk: offer} for the open quarantines (with their registration and dwelling's
    community loaded) that the rule now in force would make shorter: one query for all."""
    today = today or timezone.localdate()
    rows = [q for q in quarantines if q.is_open and q.registration_id is not None]
    if not rows:
        return {}
    subdistricts = {q.dwelling.building.community.subdistrict_id for q in rows}
    areas = list(RiskArea.objects.filter(subdistrict_id__in=subdistricts, effective_from__lte=today)
                 .exclude(effective_to__lt=today))
    offers = {}
    for quarantine in rows:
        registration = quarantine.registration
        mine = [a for a in areas if a.subdistrict_id == quarantine.dwelling.building.community.subdistrict_id]
        area = best_area(mine, registration.from_province, registration.from_city, registration.from_district)
        if area is None or area.measure != Measure.HOME_QUARANTINE or not area.quarantine_days:
            continue
        if area.quarantine_days < (quarantine.planned_end - quarantine.starts_on).days:
            offers[quarantine.pk] = RuleOffer(area.quarantine_days,
                                              quarantine.starts_on + dt.timedelta(days=area.quarantine_days))
    return offers
