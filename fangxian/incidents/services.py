"""Writes of incidents: report, assign, report in, close. Each checks who may do it, runs in
a transaction, keeps the times (report, first response, closure) and writes the timeline;
the decisions (report, assignment, closure) go to the audit log."""

from __future__ import annotations

import functools

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from fangxian.core.models import AuditEvent
from fangxian.core.notify import notify
from fangxian.core.scope import Scope
from fangxian.core.services import audit_object
from fangxian.registry.models import Building, Community, Estate

from . import selectors
from .models import Incident, IncidentUpdate

PHOTO_MAX_BYTES = 5 * 1024 * 1024
# An image, recognised by its first bytes (not by its name), as for door seal photos.
_IMAGE_SIGNATURES = (
    (b"\xff\xd8\xff", "jpeg"),
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"GIF87a", "gif"),
    (b"GIF89a", "gif"),
)


def photo_kind(photo) -> str:
    """"jpeg", "png" or "gif" for an acceptable photo, or a ValidationError on the photo field."""
    if photo.size > PHOTO_MAX_BYTES:
        raise ValidationError({"photo": _("The photo is too large: at most %(mb)d MB.") % {
            "mb": PHOTO_MAX_BYTES // (1024 * 1024)}})
    photo.seek(0)
    head = photo.read(16)
    photo.seek(0)
    for signature, kind in _IMAGE_SIGNATURES:
        if head.startswith(signature):
            return kind
    raise ValidationError({"photo": _("The photo must be a JPEG, PNG or GIF image.")})


def _text(value, limit: int) -> str:
    return " ".join(str(value or "").split())[:limit]


def incident_report(*, scope: Scope, user, community: Community, title: str, location: str, urgency: str,
                    description: str = "", estate: Estate | None = None, building: Building | None = None,
                    photo=None) -> Incident:
    """A new incident; the community's duty officers are told at once (after the commit)."""
    if community is None or not selectors.reporting_communities(scope).filter(pk=community.pk).exists():
        raise PermissionDenied
    errors: dict[str, list[str]] = {}
    if building is not None and estate is None:
        estate = building.estate
    if estate is not None and estate.community_id != community.pk:
        errors["estate"] = [_("This estate is not in the community.")]
    if building is not None and building.estate_id != getattr(estate, "pk", None):
        errors["building"] = [_("This building is not in the estate.")]
    incident = Incident(
        community=community, title=_text(title, 120), description=str(description or "").strip()[:2000],
        location=_text(location, 200), estate=estate, building=building, urgency=urgency or "",
        reported_by=user, reported_at=timezone.now())
    if not incident.location and (building or estate):
        incident.location = " ".join(str(part) for part in (estate, building) if part)
    kind = None
    if photo is not None:
        try:
            kind = photo_kind(photo)
        except ValidationError as error:
            errors.update(error.message_dict)
    try:
        incident.full_clean(exclude=["photo", "reported_by"])
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        incident.save()
        if photo is not None:
            incident.photo.save(f"incident-{incident.pk}.{kind}", photo, save=False)
            incident.save(update_fields=["photo"])
        IncidentUpdate.objects.create(incident=incident, kind=IncidentUpdate.Kind.REPORTED, at=incident.reported_at,
                                      author=user)
        audit_object(actor=user, action=AuditEvent.Action.CREATE, obj=incident, detail=incident.urgency)
        # The gateway is outside the system: the kind of event and where, never the free text.
        text = _("New incident (%(urgency)s) in %(community)s: open the incident list now.") % {
            "urgency": incident.get_urgency_display(), "community": community.name}
        url = reverse("incidents:detail", args=[incident.pk])
        transaction.on_commit(functools.partial(notify, "incident", community=community, text=text, url=url))
    return incident


def _writable(scope: Scope, incident: Incident) -> Incident:
    """The incident locked for the change, if the scope may manage it; closed ones refuse."""
    locked = scope.filter(Incident.objects.select_for_update(), for_write=True).filter(pk=incident.pk).first()
    if locked is None:
        raise PermissionDenied
    if locked.closed_at is not None:
        raise ValidationError(_("This incident is closed."))
    return locked


def incident_assign(*, scope: Scope, user, incident: Incident, assignee=None, department: str = "",
                    note: str = "") -> Incident:
    """Give the incident to a person of its community, a department, or both."""
    department = _text(department, 60)
    if assignee is None and not department:
        raise ValidationError({"assignee": _("Choose a person or name a department.")})
    with transaction.atomic():
        locked = _writable(scope, incident)
        if assignee is not None and not selectors.assignees(locked.community_id).filter(pk=assignee.pk).exists():
            raise ValidationError({"assignee": _("Choose someone of this community.")})
        now = timezone.now()
        locked.assigned_to, locked.department, locked.assigned_at = assignee, department, now
        if locked.status == Incident.Status.NEW:
            locked.status = Incident.Status.ASSIGNED
        locked.save(update_fields=["assigned_to", "department", "assigned_at", "status"])
        label = locked.assignee_label
        IncidentUpdate.objects.create(incident=locked, kind=IncidentUpdate.Kind.ASSIGNED, at=now, author=user,
                                      note=_text(f"{label} {note}" if note else label, 500))
        audit_object(actor=user, action=AuditEvent.Action.UPDATE, obj=locked, field="assigned_to",
                     detail=label)
    return locked


def may_report_in(scope: Scope, incident: Incident) -> bool:
    """The assignee, and whoever manages the community (for a department without a login)."""
    if incident.closed_at is not None:
        return False
    if incident.assigned_to_id is not None and incident.assigned_to_id == scope.user_id:
        return True
    return scope.runs(incident.community_id)


def incident_report_in(*, scope: Scope, user, incident: Incident, note: str) -> IncidentUpdate:
    """A note on the timeline. The first one from the assignee is the first response (for a
    department without a person, the first one after the assignment)."""
    note = _text(note, 500)
    if len(note) < 2:
        raise ValidationError({"note": _("Say what was done.")})
    with transaction.atomic():
        locked = Incident.objects.select_for_update().get(pk=incident.pk)
        if locked.closed_at is not None:
            raise ValidationError(_("This incident is closed."))
        if not may_report_in(scope, locked):
            raise PermissionDenied
        now = timezone.now()
        update = IncidentUpdate.objects.create(incident=locked, kind=IncidentUpdate.Kind.NOTE, at=now, author=user,
                                               note=note)
        by_assignee = (locked.assigned_to_id == getattr(user, "pk", None) if locked.assigned_to_id
                       else locked.assigned_at is not None)
        if locked.first_response_at is None and by_assignee:
            locked.first_response_at = now
            locked.status = Incident.Status.IN_PROGRESS
            locked.save(update_fields=["first_response_at", "status"])
    return update


def incident_close(*, scope: Scope, user, incident: Incident, outcome: str, note: str = "") -> Incident:
    if outcome not in Incident.Outcome.values:
        raise ValidationError({"outcome": _("Choose the outcome.")})
    note = _text(note, 300)
    if outcome == Incident.Outcome.OTHER and len(note) < 2:
        raise ValidationError({"note": _("Say what the outcome was.")})
    with transaction.atomic():
        locked = _writable(scope, incident)
        now = timezone.now()
        locked.status, locked.outcome, locked.outcome_note = Incident.Status.CLOSED, outcome, note
        locked.closed_at, locked.closed_by = now, user
        locked.save(update_fields=["status", "outcome", "outcome_note", "closed_at", "closed_by"])
        IncidentUpdate.objects.create(incident=locked, kind=IncidentUpdate.Kind.CLOSED, at=now, author=user,
                                      note=_text(f"{locked.get_outcome_display()} {note}", 500))
        audit_object(actor=user, action=AuditEvent.Action.UPDATE, obj=locked, field="outcome", detail=outcome)
    return locked
