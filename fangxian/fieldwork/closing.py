"""Closing a campaign, and the reasons that let a door stay unreached when it closes.

A campaign closes only when each of its doors is covered or has a reason (CoverageGap):
the community must be able to say, door by door, why a household was not reached.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fangxian.core.models import AuditEvent
from fangxian.core.scope import Scope
from fangxian.core.services import audit_record
from fangxian.registry.models import Dwelling

from . import coverage, selectors
from .models import Campaign, CoverageGap

REASON_MIN, REASON_MAX = 2, 200


def gap_reason_give(*, scope: Scope, user, campaign: Campaign, dwelling: Dwelling, reason: str) -> CoverageGap:
    """Says why a door not covered may stay so (given again, it replaces the reason)."""
    if not coverage.campaign_doors(scope, campaign).filter(pk=dwelling.pk).exists():
        raise PermissionDenied
    if not coverage.gives_reasons(scope, campaign, dwelling.building.grid_id):
        raise PermissionDenied
    if not campaign.is_open:
        raise ValidationError(_("The campaign is closed: its reasons can no longer change."))
    reason = " ".join((reason or "").split())
    if not REASON_MIN <= len(reason) <= REASON_MAX:
        raise ValidationError({"reason": _("Reason: write %(min)s to %(max)s characters.") % {
            "min": REASON_MIN, "max": REASON_MAX}})
    row = selectors.door_rows(campaign, Dwelling.objects.filter(pk=dwelling.pk)).get()
    if selectors.state_of(row) == selectors.COVERED:
        raise ValidationError(_("Room %(room)s is covered already: it needs no reason.") % {"room": dwelling.room})
    gap, _created = CoverageGap.objects.update_or_create(
        campaign=campaign, dwelling=dwelling, defaults={"reason": reason, "given_by": user})
    audit_record(actor=user, action=AuditEvent.Action.UPDATE, target_type="fieldwork.CoverageGap",
                 target_id=gap.pk, community_id=campaign.community_id)
    return gap


def campaign_close(*, scope: Scope, user, campaign: Campaign) -> Campaign:
    if not selectors.runs_fieldwork(scope, campaign.community_id):
        raise PermissionDenied
    with transaction.atomic():
        campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
        if not campaign.is_open:
            raise ValidationError(_("This campaign is closed already."))
        missing = coverage.open_gaps(campaign).count()
        if missing:
            raise ValidationError(_("Doors neither covered nor given a reason: %(n)s. Give each one a "
                                    "reason, then close the campaign.") % {"n": missing})
        campaign.status = Campaign.Status.CLOSED
        campaign.closed_by = user
        campaign.closed_at = timezone.now()
        campaign.save(update_fields=["status", "closed_by", "closed_at"])
        audit_record(actor=user, action=AuditEvent.Action.UPDATE, target_type="fieldwork.Campaign",
                     target_id=campaign.pk, community_id=campaign.community_id, detail="closed")
    return campaign
