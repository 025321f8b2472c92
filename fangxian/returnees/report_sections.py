"""The returnees' part of the daily report: registrations, and home quarantine (in, new,
released, overdue check-ins) on the report's day.

A quarantine is "in" on a day when it started by then and had not ended by the end of it
(released that day: no longer in). Overdue check-ins are the morning and evening slots of
the day that have passed their hour (12:00, 21:00, as on the quarantine list) without a
check-in, for each quarantine that is in.

Only the quarantines the day can touch are read (started by the end of the day and not ended
before it, or started that day: every figure of the section needs that), so the check-in test
runs for them alone, not for every quarantine the communities ever had.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fangxian.core.reporting import Figure, Section, count_by, day_bounds

from .models import CheckIn, Quarantine, Registration

# A registration is filed with its dwelling's community (services check it), so the community's
# count reads its own column and index.
REGISTRATION_COMMUNITY = "community_id"
COMMUNITY = "dwelling__building__community_id"
GROUP = "dwelling__building__estate__group_id"
SLOT_DUE_HOUR = ((CheckIn.Slot.MORNING, 12), (CheckIn.Slot.EVENING, 21))


def _registrations(community_ids, day, path):
    start, end = day_bounds(day)
    rows = Registration.objects.filter(community_id__in=community_ids, created_at__lt=end)
    return count_by(rows, path, {"registered_today": Q(created_at__gte=start), "registered_total": None})


def _quarantine(community_ids, day, path, now=None):
    start, end = day_bounds(day)
    now = now or timezone.now()
    open_statuses = [Quarantine.Status.ACTIVE, Quarantine.Status.EXTENDED]
    in_on_day = Q(starts_on__lte=day) & (Q(ended_on__isnull=True, status__in=open_statuses) | Q(ended_on__gt=day))
    touched = Quarantine.objects.filter(starts_on__lte=day).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=day) | Q(starts_on=day))
    # Selecting them by id makes the database start from these few rows rather than walk every
    # dwelling of the communities to find their quarantines.
    rows = Quarantine.objects.filter(dwelling__building__community_id__in=community_ids,
                                     pk__in=touched.values("pk"))
    figures = {
        "in_quarantine": in_on_day,
        "started": Q(starts_on=day),
        "released": Q(ended_on=day, status=Quarantine.Status.RELEASED),
    }
    missed = {}
    for slot, hour in SLOT_DUE_HOUR:
        if now < timezone.make_aware(dt.datetime.combine(day, dt.time(hour))):
            continue  # not due yet
        done = CheckIn.objects.filter(quarantine=OuterRef("pk"), slot=slot, at__gte=start, at__lt=end)
        rows = rows.annotate(**{f"done_{slot}": Exists(done)})
        missed[f"missed_{slot}"] = in_on_day & Q(**{f"done_{slot}": False})
    counts = count_by(rows, path, {**figures, **missed})
    for values in counts.values():
        values["overdue_checkins"] = sum(values.pop(key) for key in missed)
    return counts


def registrations(community_ids: list[int], day: dt.date):
    return _registrations(community_ids, day, REGISTRATION_COMMUNITY)


def registrations_by_group(community_ids: list[int], day: dt.date):
    return _registrations(community_ids, day, GROUP)


def quarantine(community_ids: list[int], day: dt.date):
    return _quarantine(community_ids, day, COMMUNITY)


def quarantine_by_group(community_ids: list[int], day: dt.date):
    return _quarantine(community_ids, day, GROUP)


RETURNEES = Section(
    key="returnees", title=_("Returnees"), order=30,
    figures=[Figure("registered_today", _("Registered today"), kind="today"),
             Figure("registered_total", _("Registered in total"))],
    compute=registrations, compute_by_group=registrations_by_group,
)
QUARANTINE = Section(
    key="quarantine", title=_("Home quarantine"), order=40,
    figures=[Figure("in_quarantine", _("In home quarantine")),
             Figure("started", _("New today"), kind="today"),
             Figure("released", _("Released today"), kind="today"),
             Figure("overdue_checkins", _("Overdue check-ins"), kind="today")],
    compute=quarantine, compute_by_group=quarantine_by_group,
)

SECTIONS = [RETURNEES, QUARANTINE]
