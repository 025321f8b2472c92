"""Unreturned households 未返户: dwellings marked not returned, door seals 封条 and their removal,
the board of a building and the "slipped through" list 漏网之鱼.

Writes (keyword-only, atomic, audited):

- `dwellings_mark_not_returned`: occupied dwellings → not returned, with a reason;
- `seal`: a door seal recorded (date, who, optional photo) → the dwelling is sealed;
- `unseal`: the seal removed with a reason → the dwelling occupied again (or not returned).

Reads take querysets that `core.scope` has already limited, so they cannot widen a view.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from fangxian.access.selectors import sightings_of_person
from fangxian.core.models import AuditEvent
from fangxian.core.scope import Scope
from fangxian.core.services import audit_object
from fangxian.registry.models import Building, Dwelling, Person

from .limits import clean_reason
from .models import DoorSeal, Registration

PHOTO_MAX_BYTES = 5 * 1024 * 1024
# The photo of a sealed door: an image, recognised by its first bytes (not by its name).
_IMAGE_SIGNATURES = (
    (b"\xff\xd8\xff", "jpeg"),
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"GIF87a", "gif"),
    (b"GIF89a", "gif"),
)
CAMPAIGN_DEFAULT_DAYS = 14
SEALABLE = (Dwelling.Status.OCCUPIED, Dwelling.Status.NOT_RETURNED)
AWAY = (Dwelling.Status.NOT_RETURNED, Dwelling.Status.SEALED)


# -- writes -------------------------------------------------------------------------------

def _clean_reason(reason: str | None, field: str = "reason") -> str:
    return clean_reason(reason, field)  # a reason too long is refused with the limit, never cut


def _require_writable(scope: Scope | None, dwellings: list[Dwelling]) -> None:
    if scope is None:
        return
    writable = set(scope.filter(Dwelling.objects.filter(pk__in=[d.pk for d in dwellings]), for_write=True)
                   .values_list("pk", flat=True))
    if any(d.pk not in writable for d in dwellings):
        raise PermissionDenied


def _set_status(*, dwelling: Dwelling, status: str, user, reason: str) -> None:
    before = dwelling.status
    dwelling.status = status
    dwelling.save(update_fields=["status"])
    audit_object(actor=user, action=AuditEvent.Action.UPDATE, obj=dwelling, field="status", reason=reason,
                 detail=f"{before} → {status}")


def dwellings_mark_not_returned(*, dwellings, reason: str, user, scope: Scope | None = None) -> list[Dwelling]:
    """Occupied dwellings → not returned. Any dwelling in another state refuses the whole
    change (nothing is written), naming its room."""
    reason = _clean_reason(reason)
    dwellings = list(dwellings)
    if not dwellings:
        raise ValidationError({"dwellings": _("Tick at least one room.")})
    _require_writable(scope, dwellings)
    with transaction.atomic():
        # Read the statuses again under the write lock: the page may be minutes old.
        current = {d.pk: d for d in Dwelling.objects.select_for_update()
                   .select_related("building__community").filter(pk__in=[d.pk for d in dwellings])}
        wrong = [d for d in current.values() if d.status != Dwelling.Status.OCCUPIED]
        if wrong:
            rooms = "、".join(sorted(d.room for d in wrong))
            raise ValidationError({"dwellings": _(
                "Only occupied rooms can be marked not returned; these are not: %(rooms)s.") % {"rooms": rooms}})
        for dwelling in current.values():
            _set_status(dwelling=dwelling, status=Dwelling.Status.NOT_RETURNED, user=user, reason=reason)
    return list(current.values())


def check_photo(photo) -> None:
    """An image (JPEG, PNG or GIF) of at most PHOTO_MAX_BYTES, or a ValidationError."""
    if photo.size > PHOTO_MAX_BYTES:
        raise ValidationError({"photo": _("The photo is too large: at most %(mb)d MB.") % {
            "mb": PHOTO_MAX_BYTES // (1024 * 1024)}})
    photo.seek(0)
    head = photo.read(16)
    photo.seek(0)
    if not any(head.startswith(signature) for signature, _kind in _IMAGE_SIGNATURES):
        raise ValidationError({"photo": _("The photo must be a JPEG, PNG or GIF image.")})


def seal(*, dwelling: Dwelling, user, note: str = "", photo=None, sealed_at: dt.datetime | None = None,
         scope: Scope | None = None) -> DoorSeal:
    """Record a door seal: the dwelling becomes sealed. Refused when the dwelling is already
    sealed or in home quarantine."""
    _require_writable(scope, [dwelling])
    note = " ".join((note or "").split())[:200]
    sealed_at = sealed_at or timezone.now()
    if timezone.is_naive(sealed_at):
        raise ValidationError({"sealed_at": _("Give the time with its time zone.")})
    if sealed_at > timezone.now() + dt.timedelta(minutes=5):
        raise ValidationError({"sealed_at": _("The seal date cannot be in the future.")})
    if photo is not None:
        check_photo(photo)
    with transaction.atomic():
        dwelling = Dwelling.objects.select_for_update().select_related("building__community").get(pk=dwelling.pk)
        if dwelling.status not in SEALABLE or DoorSeal.objects.filter(dwelling=dwelling,
                                                                       unsealed_at__isnull=True).exists():
            raise ValidationError(_("Room %(room)s cannot be sealed: it is %(status)s.") % {
                "room": dwelling.room, "status": dwelling.get_status_display()})
        door_seal = DoorSeal(dwelling=dwelling, sealed_at=sealed_at, sealed_by=user, note=note)
        if photo is not None:
            door_seal.photo.save(f"seal-{dwelling.pk}-{timezone.now():%Y%m%d%H%M%S}.{_kind(photo)}", photo,
                                 save=False)
        door_seal.full_clean()
        door_seal.save()
        audit_object(actor=user, action=AuditEvent.Action.CREATE, obj=door_seal, reason=note)
        _set_status(dwelling=dwelling, status=Dwelling.Status.SEALED, user=user, reason=note or _("Door sealed"))
    return door_seal


def _kind(photo) -> str:
    photo.seek(0)
    head = photo.read(16)
    photo.seek(0)
    return next((kind for signature, kind in _IMAGE_SIGNATURES if head.startswith(signature)), "bin")


def unseal(*, seal: DoorSeal, user, reason: str, to_status: str = Dwelling.Status.OCCUPIED,
           scope: Scope | None = None) -> DoorSeal:
    """Remove a seal (the household registered, or the seal must be replaced): the dwelling
    becomes occupied, or not returned again."""
    reason = _clean_reason(reason, "unseal_reason")
    if to_status not in (Dwelling.Status.OCCUPIED, Dwelling.Status.NOT_RETURNED):
        raise ValidationError({"to_status": _("Choose occupied or not returned.")})
    _require_writable(scope, [seal.dwelling])
    with transaction.atomic():
        seal = DoorSeal.objects.select_for_update().select_related("dwelling__building__community").get(pk=seal.pk)
        if seal.unsealed_at is not None:
            raise ValidationError(_("This seal was already removed."))
        seal.unsealed_at = timezone.now()
        seal.unsealed_by = user
        seal.unseal_reason = reason
        seal.save(update_fields=["unsealed_at", "unsealed_by", "unseal_reason"])
        audit_object(actor=user, action=AuditEvent.Action.UPDATE, obj=seal, field="unsealed_at", reason=reason)
        dwelling = Dwelling.objects.select_for_update().select_related("building__community").get(
            pk=seal.dwelling_id)
        if dwelling.status == Dwelling.Status.SEALED:
            _set_status(dwelling=dwelling, status=to_status, user=user, reason=reason)
        seal.dwelling = dwelling
    return seal


def dwelling_unseal_on_return(*, dwelling: Dwelling, user, reason: str) -> list[DoorSeal]:
    """For the review of a registration: the household is back, so any seal still in place
    on its door is removed (the dwelling becomes occupied), with the review's reason.
    Call it inside the review's transaction; a dwelling with no seal is left as it is."""
    return [unseal(seal=door_seal, user=user, reason=reason)
            for door_seal in DoorSeal.objects.filter(dwelling_id=dwelling.pk, unsealed_at__isnull=True)]


# -- reads --------------------------------------------------------------------------------

BOARD_STATES = ("occupied", "not_returned", "sealed", "quarantine", "pending")


def _pending_registration(dwelling_ref: str = "pk"):
    return Exists(Registration.objects.filter(dwelling_id=OuterRef(dwelling_ref),
                                              status=Registration.Status.PENDING))


def board_cells(dwellings: QuerySet[Dwelling]) -> list[Dwelling]:
    """The rooms of a building, each with `pending` (a registration waiting for review) and
    `open_seal_id`; one query."""
    open_seal = DoorSeal.objects.filter(dwelling_id=OuterRef("pk"), unsealed_at__isnull=True).order_by("-sealed_at")
    return list(dwellings.annotate(pending=_pending_registration(),
                                   open_seal_id=Subquery(open_seal.values("pk")[:1])).order_by("room"))


@dataclass(frozen=True)
class BoardCounts:
    total: int
    occupied: int
    not_returned: int
    sealed: int
    quarantine: int
    pending: int

    def items(self) -> list[tuple[str, str, int]]:
        labels = dict(Dwelling.Status.choices)
        return [(state, str(labels[state]) if state in labels else _("Registered, pending"), getattr(self, state))
                for state in BOARD_STATES]


def board_counts(dwellings: QuerySet[Dwelling]) -> BoardCounts:
    """Counts of the board in one query. `pending` counts dwellings (not registrations) with
    a registration waiting for review, whatever their status."""
    status = {value: Count("pk", filter=Q(status=value)) for value in Dwelling.Status.values}
    row = dwellings.order_by().annotate(has_pending=_pending_registration()).aggregate(
        total=Count("pk"), pending=Count("pk", filter=Q(has_pending=True)), **status)
    return BoardCounts(**row)


def board_buildings(buildings: QuerySet[Building]) -> QuerySet[Building]:
    """The buildings with their rooms counted by status; one query for the page."""
    statuses = {f"n_{value}": Count("dwellings", filter=Q(dwellings__status=value)) for value in Dwelling.Status.values}
    return (buildings.select_related("estate", "grid")
            .annotate(n_total=Count("dwellings"), **statuses)
            .order_by("estate__name", "name", "pk"))


def campaign_start_default(today: dt.date | None = None) -> dt.date:
    return (today or timezone.localdate()) - dt.timedelta(days=CAMPAIGN_DEFAULT_DAYS)


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def slipped_through(people: QuerySet[Person], *, since: dt.date) -> QuerySet[Person]:
    """漏网之鱼: people seen at a checkpoint since `since` (a passage with them, or with a
    pass of theirs) whose dwelling is not returned or sealed and has had no registration
    since that day. Each with `last_seen_at` and `last_seen_checkpoint`."""
    start = _start_of(since)
    seen = sightings_of_person(start)
    registered = Registration.objects.filter(dwelling_id=OuterRef("dwelling_id"), created_at__gte=start)
    return (people.filter(dwelling__status__in=AWAY)
            .filter(Exists(seen))
            .exclude(Exists(registered))
            .annotate(last_seen_at=Subquery(seen.values("occurred_at")[:1]),
                      last_seen_checkpoint=Subquery(seen.values("checkpoint__name")[:1]))
            .select_related("dwelling__building__estate", "dwelling__building__grid")
            .order_by(F("last_seen_at").desc(nulls_last=True), "pk"))


def seal_history(dwelling: Dwelling) -> QuerySet[DoorSeal]:
    return DoorSeal.objects.filter(dwelling=dwelling).select_related("sealed_by", "unsealed_by")
