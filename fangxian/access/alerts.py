"""Fever alerts: raised by the sync when a temperature reaches the threshold in force, told
to the community's duty officers, assigned and closed with an outcome."""

from __future__ import annotations

import functools

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from fangxian.core.models import AuditEvent
from fangxian.core.notify import notify
from fangxian.core.services import audit_object

from .models import FeverAlert


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
        if alert.temperature is None:  # symptoms told at a door, no reading
            text = _("Fever alert at %(place)s: symptoms reported at the door. Follow it up now.") % {
                "place": alert.where}
        else:
            text = _("Fever alert at %(place)s: %(temperature)s °C. Follow it up now.") % {
                "place": alert.where, "temperature": alert.temperature}
        transaction.on_commit(functools.partial(notify, "fever_alert", community=alert.community, text=text, url=url))
