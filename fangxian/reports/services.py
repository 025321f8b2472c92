"""Writes of the daily report: saving and submitting a unit's report, corrections, deadlines
and the reminder to the units that have not reported."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from fangxian.access.selectors import active_checkpoints
from fangxian.core.models import AuditEvent
from fangxian.core.notify import notify
from fangxian.core.scope import Reach, Scope
from fangxian.core.services import audit_object
from fangxian.registry.models import Community, ResidentialGroup

from . import selectors
from .models import TEXT_FIELDS, ZERO_FIELDS, DailyReport, ReportDeadline, ReportReminder
from .snapshots import figures_as_it_was, snapshot_take

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


def _missing_refused(missing: list[dict]) -> ValidationError:
    names = "、".join(unit["name"] for unit in missing)
    return ValidationError({"confirm_missing": ngettext(
        "%(n)s unit has not submitted its sub-report: %(names)s. Confirm that you submit without it.",
        "%(n)s units have not submitted their sub-reports: %(names)s. Confirm that you submit without them.",
        len(missing)) % {"n": len(missing), "names": names}})


def report_save(*, scope: Scope, user, community: Community, group: ResidentialGroup | None = None,
                checkpoint=None, day: dt.date, data: dict, submit: bool = False,
                confirm_missing: bool = False, now: dt.datetime | None = None) -> DailyReport:
    """Save the unit's draft of the day (making it when there is none) and, with submit=True,
    submit it: the drafted figures are frozen into it and it is locked. The unit is the
    community, or one of its residential groups or checkpoints. Bad input changes nothing.

    A community report is submitted while some of its residential groups or active checkpoints
    have not submitted theirs only with confirm_missing=True; the units missing are recorded on
    the report (`missing_units`). Its submission also stores the day's snapshot of its figures."""
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
        is_community = group is None and checkpoint is None
        if submit and is_community:
            missing = selectors.pending_units(community, day)
            if missing and not confirm_missing:
                raise _missing_refused(missing)
            report.missing_units = missing
        if submit:
            # Frozen: later data no longer changes a submitted report.
            if is_community:  # a past day's levels as they were, not as they are now
                report.figures = figures_as_it_was([community.pk], day, today=timezone.localdate(now))[community.pk]
            else:
                report.figures = selectors.unit_draft(community.pk, group_id, checkpoint_id, day)
            report.status = DailyReport.Status.SUBMITTED
            report.submitted_by, report.submitted_at = user, now
        report.full_clean()
        try:
            report.save()
        except IntegrityError:  # someone else made version 1 at the same moment
            raise ValidationError(_("Someone else saved this report at the same time: open it again.")) from None
        missing_note = f", {len(report.missing_units)} units missing" if submit and report.missing_units else ""
        audit_object(actor=user, action=AuditEvent.Action.CREATE if created else AuditEvent.Action.UPDATE,
                     obj=report, detail=f"{'submitted' if submit else 'saved'} v{report.version} {day}{missing_note}")
        if submit and is_community:
            # Today's figures as submitted; a past day's close snapshot is never overwritten.
            snapshot_take([community.pk], day, now=now, replace=day == timezone.localdate(now))
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


def _reminder_text(community: Community, group, checkpoint, day: dt.date) -> tuple[str, str]:
    if group is None and checkpoint is None:
        text = _("The daily report of %(unit)s for %(day)s has not been submitted.") % {"unit": community, "day": day}
        url = reverse("reports:community", args=[community.pk])
    else:
        unit = group or checkpoint
        text = _("The sub-report of %(unit)s for %(day)s has not been submitted.") % {"unit": unit, "day": day}
        url = reverse("reports:group" if group else "reports:checkpoint", args=[unit.pk])
    return text, f"{url}?day={day}"


def reminders_send(*, now: dt.datetime | None = None) -> int:
    """Remind every unit (community, residential group, active checkpoint) that has not
    submitted today's report once its deadline has passed: once per unit and day after the
    deadline (a reminder an admin sent by hand before the deadline does not count). Returns
    the number sent."""
    now = now or timezone.now()
    day = timezone.localdate(now)
    communities = list(Community.objects.order_by("pk"))
    times = selectors.deadlines([c.pk for c in communities], day)
    due = {c.pk: selectors.deadline_moment(day, times[c.pk]) for c in communities}
    late = {c.pk: c for c in communities if now >= due[c.pk]}
    if not late:
        return 0
    unit_of = ("community_id", "group_id", "checkpoint_id")
    done = set(DailyReport.objects.filter(day=day, community_id__in=list(late), status=DailyReport.Status.SUBMITTED)
               .values_list(*unit_of))
    reminded = {row[:3]: row[3] for row in ReportReminder.objects.filter(day=day, community_id__in=list(late))
                .values_list(*unit_of, "sent_at")}
    units = [(c, None, None) for c in late.values()]
    units += [(late[g.community_id], g, None) for g in ResidentialGroup.objects.filter(community_id__in=list(late))]
    checkpoints = active_checkpoints(late)
    units += [(late[c.community_id], None, c) for c in checkpoints]
    sent = 0
    for community, group, checkpoint in units:
        key = (community.pk, getattr(group, "pk", None), getattr(checkpoint, "pk", None))
        if key in done or (key in reminded and reminded[key] >= due[community.pk]):
            continue
        if not _claim_reminder(community, group, checkpoint, day, now, before=due[community.pk]):
            continue
        text, url = _reminder_text(community, group, checkpoint, day)
        notify("report_missing", community=community, text=text, url=url)
        sent += 1
    return sent


def _claim_reminder(community, group, checkpoint, day, now, *, before: dt.datetime | None) -> bool:
    """Record the reminder of a unit: True if this call may send it. With `before`, only when
    none was sent from that moment on (the worker's once after the deadline, across workers too:
    the unique constraints and the conditional update decide)."""
    unit = {"community": community, "group": group, "checkpoint": checkpoint, "day": day}
    try:
        with transaction.atomic():
            ReportReminder.objects.create(**unit, sent_at=now)
        return True
    except IntegrityError:
        pass
    rows = ReportReminder.objects.filter(**unit)
    if before is not None:
        rows = rows.filter(sent_at__lt=before)
    return rows.update(sent_at=now) == 1


def reminder_send(*, scope: Scope, user, community: Community, units: list[dict], day: dt.date,
                  now: dt.datetime | None = None) -> list[dict]:
    """An admin reminds, by hand, some of the community's groups and checkpoints that have not
    submitted today's sub-report (units as selectors.pending_units gives them; a unit that has
    submitted in the meantime is skipped). It may be sent again; the row keeps the last time.
    Returns the units reminded; each reminder is audited."""
    if not scope.runs(community.pk):
        raise PermissionDenied
    now = now or timezone.now()
    if day != timezone.localdate(now):
        raise ValidationError(_("Only today's missing sub-reports can be reminded."))
    pending = {(u["kind"], u["id"]): u for u in selectors.pending_units(community, day)}
    chosen = [pending[(u["kind"], u["id"])] for u in units if (u["kind"], u["id"]) in pending]
    if not chosen:
        raise ValidationError(_("Every unit chosen has submitted already: nobody to remind."))
    groups = {g.pk: g for g in ResidentialGroup.objects.filter(
        community=community, pk__in=[u["id"] for u in chosen if u["kind"] == "group"])}
    checkpoints = {c.pk: c for c in active_checkpoints([community.pk])}
    for unit in chosen:
        group = groups.get(unit["id"]) if unit["kind"] == "group" else None
        checkpoint = checkpoints.get(unit["id"]) if unit["kind"] == "checkpoint" else None
        _claim_reminder(community, group, checkpoint, day, now, before=None)
        text, url = _reminder_text(community, group, checkpoint, day)
        notify("report_missing", community=community, text=text, url=url)
        audit_object(actor=user, action=AuditEvent.Action.CREATE, obj=community,
                     detail=f"reminded {unit['kind']} {unit['id']} of the report of {day}")
    return chosen
