"""People found living in a dwelling who are not in the register (`PendingPerson`): reads,
"may I", and the writes that add them (canvassing found them at a door) and resolve them.

Who: the dwelling's grid workers and the community's admins resolve them (`edits_registry`
and a writable row); officers read; volunteers see nothing (the registry's rule). A row is
resolved once: registered (a new person of the register, or one already there in that
dwelling) or set aside with a reason.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from fangxian.core.models import AuditEvent
from fangxian.core.personal import mask_name
from fangxian.core.scope import Scope
from fangxian.core.services import audit_object

from .models import Community, Dwelling, PendingPerson, Person
from .selectors import clean_search
from .services import person_create

STATUS_TABS = (PendingPerson.Status.PENDING, PendingPerson.Status.REGISTERED, PendingPerson.Status.DISMISSED)
REASON_MIN, REASON_MAX = 2, 200


# -- may I and which rows ------------------------------------------------------------------


def sees_pending(scope: Scope) -> bool:
    return scope.sees_registry


def resolves_pending(scope: Scope) -> bool:
    return scope.edits_registry


def visible_pending(scope: Scope) -> QuerySet[PendingPerson]:
    return scope.filter(PendingPerson.objects.select_related("dwelling__building__estate", "resolved_by", "person"))


def writable_pending(scope: Scope) -> QuerySet[PendingPerson]:
    if not resolves_pending(scope):
        return PendingPerson.objects.none()
    return scope.filter(PendingPerson.objects.select_related("dwelling__building__estate"), for_write=True)


def filtered_pending(pending: QuerySet[PendingPerson], *, status: str, q: str = "") -> QuerySet[PendingPerson]:
    """One status tab, searched by building, estate or room (e.g. "3栋 201")."""
    pending = pending.filter(status=status)
    for term in clean_search(q).split()[:4]:
        pending = pending.filter(Q(dwelling__room__icontains=term) | Q(dwelling__building__name__icontains=term)
                                 | Q(dwelling__building__estate__name__icontains=term))
    return pending


def waiting_count(scope: Scope) -> int:
    """What waits for this user to register: the rows they may resolve (the menu badge)."""
    return writable_pending(scope).filter(status=PendingPerson.Status.PENDING).count()


def waiting_since(scope: Scope, since: dt.date) -> QuerySet[PendingPerson]:
    """Found at a door since `since` and still waiting (the slipped-through list's part)."""
    start = timezone.make_aware(dt.datetime.combine(since, dt.time.min))
    return visible_pending(scope).filter(status=PendingPerson.Status.PENDING, found_at__gte=start)


def masked(pending: PendingPerson) -> str:
    return mask_name(pending.name)


# -- adding -----------------------------------------------------------------------------------


def pending_people_add(*, people: list[dict[str, Any]], user=None) -> list[PendingPerson]:
    """Record people found at doors: each dict has community, dwelling, name, phone, note,
    source, source_ref and found_at. This is a record of what was seen, not a decision: whoever
    found them was allowed at that door (the caller checked), so it takes no scope.

    Nothing is made twice: a `source_ref` already stored is skipped, and so is a name still
    waiting at the same dwelling (two walkers meeting the same newcomer). Three queries."""
    refs = {p["source_ref"] for p in people if p.get("source_ref")}
    stored_refs = set(PendingPerson.objects.filter(source_ref__in=refs).values_list("source_ref", flat=True))
    dwelling_ids = {p["dwelling"].pk for p in people}
    waiting = set(PendingPerson.objects.filter(dwelling_id__in=dwelling_ids, status=PendingPerson.Status.PENDING)
                  .values_list("dwelling_id", "name"))
    rows: list[PendingPerson] = []
    for p in people:
        key = (p["dwelling"].pk, p["name"])
        if p.get("source_ref") in stored_refs or key in waiting:
            continue
        waiting.add(key)
        rows.append(PendingPerson(
            community=p["community"], dwelling=p["dwelling"], name=p["name"][:50], phone=p.get("phone", "")[:11],
            note=p.get("note", "")[:200], source=p["source"][:100], source_ref=p.get("source_ref", "")[:64],
            found_at=p["found_at"]))
    with transaction.atomic():
        created = PendingPerson.objects.bulk_create(rows)
        for row in created:
            audit_object(actor=user, action=AuditEvent.Action.CREATE, obj=row, detail=row.source_ref)
    return created


def pending_person_add(*, community: Community, dwelling: Dwelling, name: str, source: str,
                       found_at: dt.datetime, phone: str = "", note: str = "", source_ref: str = "",
                       user=None) -> PendingPerson | None:
    """One person found at a door; None when they are already waiting (see pending_people_add)."""
    created = pending_people_add(user=user, people=[dict(
        community=community, dwelling=dwelling, name=name, phone=phone, note=note, source=source,
        source_ref=source_ref, found_at=found_at)])
    return created[0] if created else None


# -- resolving -------------------------------------------------------------------------------


def _locked(scope: Scope, pending: PendingPerson) -> PendingPerson:
    locked = writable_pending(scope).select_for_update().filter(pk=pending.pk).first()
    if locked is None:
        raise PermissionDenied
    if locked.status != PendingPerson.Status.PENDING:
        raise ValidationError(_("This person was already registered or set aside."))
    return locked


def _resolve(locked: PendingPerson, *, user, status: str, person: Person | None = None, note: str = "") -> None:
    locked.status, locked.person, locked.resolution_note = status, person, note
    locked.resolved_by = user if getattr(user, "is_authenticated", False) else None
    locked.resolved_at = timezone.now()
    locked.save(update_fields=["status", "person", "resolution_note", "resolved_by", "resolved_at"])
    audit_object(actor=user, action=AuditEvent.Action.UPDATE, obj=locked, field="status", reason=note,
                 detail=status)


def pending_person_register(*, scope: Scope, user, pending: PendingPerson, data: dict[str, Any]) -> Person:
    """Register the person found (the registry's person form, `data` as person_create takes it)
    and mark the row registered; both or neither."""
    with transaction.atomic():
        locked = _locked(scope, pending)
        person = person_create(scope=scope, user=user, data=data)
        _resolve(locked, user=user, status=PendingPerson.Status.REGISTERED, person=person)
    return person


def pending_person_link(*, scope: Scope, user, pending: PendingPerson, person_id: Any) -> Person:
    """The person found is already in the register (registered meanwhile, or under another
    spelling): link the row to that resident of the same dwelling."""
    with transaction.atomic():
        locked = _locked(scope, pending)
        person = (Person.objects.filter(pk=person_id, dwelling_id=locked.dwelling_id).first()
                  if str(person_id or "").isdigit() else None)
        if person is None:
            raise ValidationError({"person": _("Choose a resident of this dwelling.")})
        _resolve(locked, user=user, status=PendingPerson.Status.REGISTERED, person=person)
    return person


def pending_person_dismiss(*, scope: Scope, user, pending: PendingPerson, reason: str) -> PendingPerson:
    """Set the row aside (moved away, a visitor, a mistake) with the reason, which is required."""
    reason = " ".join(str(reason or "").split())
    if len(reason) < REASON_MIN:
        raise ValidationError({"reason": _("Reason: say why this person is set aside (2 characters or more).")})
    if len(reason) > REASON_MAX:
        raise ValidationError({"reason": _("Reason: at most %(n)s characters.") % {"n": REASON_MAX}})
    with transaction.atomic():
        locked = _locked(scope, pending)
        _resolve(locked, user=user, status=PendingPerson.Status.DISMISSED, note=reason)
    return locked
