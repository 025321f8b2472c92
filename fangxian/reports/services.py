"""Writes of the daily report: saving and submitting a unit's report, corrections, deadlines
and the reminder to the units that have not reported."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from fangxian.access.selectors import active_checkpoints
from fangxian.core.models import AuditEvent
from fangxian.core.notify import notify
from fangxian.core.scope import Reach, Scope
from fangxian.core.services import audit_object
from fangxian.registry.models import Community, ResidentialGroup

from . import selectors
from .models import TEXT_FIELDS, ZERO_FIELDS, DailyReport, ReportDeadline, ReportReminder

TEXT_MAX = 2000


def can_write_unit(scope: Scope, community_id: int, group_id: int | None, checkpoint_id: int | None = None) -> bool:
    """The community's admins write its report and its sub-reports; a group leader her group's;
    a checkpoint volunteer the sub-reports of the checkpoints of their community."""
    if scope.runs(community_id):
        return True
    if group_id is not None:
        return scope.leads_group(group_id)
    return checkpoint_id is not None and scope.covers(community_id, Reach.CHECKPOINT)


def can_read_unit(scope: Scope, community_id: int, group_id: int | None, checkpoint_id: int | None = None) -> bool:
    return scope.reads(community_id) or can_write_unit(scope, community_id, group_id, checkpoint_id)


def _clean(data: dict) -> dict:
    """The fill-in fields from a form's or an API's data; every problem named by its field."""
    cleaned, errors = {}, {}
    for name, label in ZERO_FIELDS:
        raw = data.get(name)
        raw = "" if raw is None else str(raw).strip()
        if raw == "":
            cleaned[name] = None
        elif raw.isdigit() and int(raw) <= 1_000_000:
            cleaned[name] = int(raw)
        else:
            errors[name] = _("%(field)s: enter a whole number, 0 or more.") % {"field": label}
    for name, label in TEXT_FIELDS:
        text = str(data.get(name) or "").strip()
        if len(text) > TEXT_MAX:
            errors[name] = _("%(field)s: at most %(n)s characters.") % {"field": label, "n": TEXT_MAX}
        cleaned[name] = text
    if errors:
        raise ValidationError(errors)
    return cleaned


def _blanks(values: dict) -> None:
    errors = {name: _("%(field)s must be filled in before submitting: enter 0 if there were none.")
              % {"field": label} for name, label in ZERO_FIELDS if values.get(name) is None}
    if errors:
        raise ValidationError(errors)


def report_save(*, scope: Scope, user, community: Community, group: ResidentialGroup | None = None,
                checkpoint=None, day: dt.date, data: dict, submit: bool = False,
                now: dt.datetime | None = None) -> DailyReport:
    """Save the unit's draft of the day (making it when there is none) and, with submit=True,
    submit it: the drafted figures are frozen into it and it is locked. The unit is the
    community, or one of its residential groups or checkpoints. Bad input changes nothing."""
    if group is not None and checkpoint is not None:
        raise ValueError("a report is of a group or of a checkpoint, not both")
    for unit in (group, checkpoint):
        if unit is not None and unit.community_id != community.pk:
            raise ValidationError(_("This unit is not in this community."))
    group_id, checkpoint_id = getattr(group, "pk", None), getattr(checkpoint, "pk", None)
    if not can_write_unit(scope, community.pk, group_id, checkpoint_id):
        raise PermissionDenied
    now = now or timezone.now()
    if day > timezone.localdate(now):
        raise ValidationError({"day": _("A report cannot be made for a day that has not come yet.")})
    values = _clean(data)
    if submit:
        _blanks(values)
    with transaction.atomic():
        units = DailyReport.objects.select_for_update().filter(community=community, day=day, group=group,
                                                               checkpoint=checkpoint)
        report = units.order_by("-version").first()
        if report is not None and report.is_submitted:
            raise ValidationError(_("This report has been submitted and is locked: make a correction to change it."))
        created = report is None
        if created:
            report = DailyReport(community=community, group=group, checkpoint=checkpoint, day=day, version=1,
                                 created_by=user)
        for name, value in values.items():
            setattr(report, name, value)
        if submit:
            # Frozen: later data no longer changes a submitted report.
            report.figures = selectors.unit_draft(community.pk, group_id, checkpoint_id, day)
            report.status = DailyReport.Status.SUBMITTED
            report.submitted_by, report.submitted_at = user, now
        report.full_clean()
        try:
            report.save()
        except IntegrityError:  # someone else made version 1 at the same moment
            raise ValidationError(_("Someone else saved this report at the same time: open it again.")) from None
        audit_object(actor=user, action=AuditEvent.Action.CREATE if created else AuditEvent.Action.UPDATE,
                     obj=report, detail=f"{'submitted' if submit else 'saved'} v{report.version} {day}")
    return report


def report_correct(*, scope: Scope, user, report: DailyReport, reason: str) -> DailyReport:
    """A new draft version of a submitted report, with the reason; the old version stays."""
    if not can_write_unit(scope, report.community_id, report.group_id, report.checkpoint_id):
        raise PermissionDenied
    reason = " ".join(str(reason or "").split())
    if len(reason) < 2:
        raise ValidationError({"reason": _("Reason for the correction: say what was wrong.")})
    if len(reason) > 200:
        raise ValidationError({"reason": _("Reason for the correction: at most 200 characters.")})
    with transaction.atomic():
        latest = DailyReport.objects.select_for_update().filter(
            community_id=report.community_id, group_id=report.group_id, checkpoint_id=report.checkpoint_id,
            day=report.day).order_by("-version").first()
        if latest.pk != report.pk or not report.is_submitted:
            raise ValidationError(_("Only the latest submitted version can be corrected."))
        correction = DailyReport(
            community_id=report.community_id, group_id=report.group_id, checkpoint_id=report.checkpoint_id,
            day=report.day, version=report.version + 1,
            correction_reason=reason, created_by=user,
            **{name: getattr(report, name) for name, _label in ZERO_FIELDS + TEXT_FIELDS},
        )
        correction.full_clean()
        correction.save()
        audit_object(actor=user, action=AuditEvent.Action.CREATE, obj=correction, reason=reason,
                     detail=f"correction v{correction.version} of {report.day}")
    return correction


def deadline_set(*, scope: Scope, user, community: Community, time: dt.time, effective_from: dt.date
                 ) -> ReportDeadline:
    if not scope.runs(community.pk):
        raise PermissionDenied
    if time is None:
        raise ValidationError({"time": _("Give the deadline as a time of day, e.g. 17:00.")})
    if effective_from is None:
        raise ValidationError({"effective_from": _("Give the day from which the deadline holds.")})
    deadline = ReportDeadline(community=community, time=time, effective_from=effective_from, set_by=user)
    deadline.full_clean()
    deadline.save()
    audit_object(actor=user, action=AuditEvent.Action.CREATE, obj=deadline,
                 detail=f"deadline {time:%H:%M} from {effective_from}")
    return deadline


def reminders_send(*, now: dt.datetime | None = None) -> int:
    """Remind every unit (community, residential group, active checkpoint) that has not
    submitted today's report once its deadline has passed: once per unit and day. Returns the
    number sent."""
    now = now or timezone.now()
    day = timezone.localdate(now)
    communities = list(Community.objects.order_by("pk"))
    times = selectors.deadlines([c.pk for c in communities], day)
    late = {c.pk: c for c in communities if now >= selectors.deadline_moment(day, times[c.pk])}
    if not late:
        return 0
    unit_of = ("community_id", "group_id", "checkpoint_id")
    done = set(DailyReport.objects.filter(day=day, community_id__in=list(late), status=DailyReport.Status.SUBMITTED)
               .values_list(*unit_of))
    reminded = set(ReportReminder.objects.filter(day=day, community_id__in=list(late)).values_list(*unit_of))
    units = [(c, None, None) for c in late.values()]
    units += [(late[g.community_id], g, None) for g in ResidentialGroup.objects.filter(community_id__in=list(late))]
    checkpoints = active_checkpoints(late)
    units += [(late[c.community_id], None, c) for c in checkpoints]
    sent = 0
    for community, group, checkpoint in units:
        if (community.pk, getattr(group, "pk", None), getattr(checkpoint, "pk", None)) in done | reminded:
            continue
        try:
            with transaction.atomic():  # the unique constraints make "once" hold across workers too
                ReportReminder.objects.create(community=community, group=group, checkpoint=checkpoint, day=day,
                                              sent_at=now)
        except IntegrityError:
            continue
        if group is None and checkpoint is None:
            text = _("The daily report of %(unit)s for %(day)s has not been submitted.") % {
                "unit": community, "day": day}
            url = reverse("reports:community", args=[community.pk])
        else:
            unit = group or checkpoint
            text = _("The sub-report of %(unit)s for %(day)s has not been submitted.") % {"unit": unit, "day": day}
            url = reverse("reports:group" if group else "reports:checkpoint", args=[unit.pk])
        notify("report_missing", community=community, text=text, url=f"{url}?day={day}")
        sent += 1
    return sent
