"""Shift templates, roster rules, roster plans and their assignments, requests, pairs, swaps
and attendance. (Owned by the roster work; see the duty app's docstring.)

A shift template belongs to a checkpoint (08–16, 16–24, 00–08: a shift whose end is not after
its start ends the next day). A template without a checkpoint is the community's leader on
duty 带班: one post a day that only staff may work, solved in the same roster.

A roster plan is solved in the background (rosters.services.roster_solve); its progress is written on the
plan row, which the progress page polls. Re-planning makes a new plan from a published one
(`replaces`) and publishing it supersedes the old one.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fangxian.core.scope import ScopePaths

__all__ = [
    "ShiftTemplate", "RosterRules", "RosterPlan", "Assignment", "ShiftRequest", "Pair", "SwapRequest",
    "Attendance", "NIGHT_HOURS",
]

COMMUNITY_SCOPE = ScopePaths(community="community")
NIGHT_HOURS = (0, 6)  # a shift that covers any of these hours is a night shift


def _minutes(t: dt.time) -> int:
    return t.hour * 60 + t.minute


class ShiftTemplate(models.Model):
    community = models.ForeignKey("registry.Community", on_delete=models.CASCADE, related_name="+",
                                  verbose_name=_("community"))
    checkpoint = models.ForeignKey("access.Checkpoint", on_delete=models.CASCADE, null=True, blank=True,
                                   related_name="shift_templates", verbose_name=_("checkpoint"),
                                   help_text=_("Empty: the leader on duty (带班), worked by staff only."))
    name = models.CharField(_("name"), max_length=40, blank=True)
    start = models.TimeField(_("starts at"))
    end = models.TimeField(_("ends at"), help_text=_("An end at or before the start is on the next day."))
    minimum = models.PositiveSmallIntegerField(_("minimum people"), default=2)
    preferred = models.PositiveSmallIntegerField(_("preferred people"), default=2)
    leader_required = models.BooleanField(_("shift leader required"), default=True)
    active = models.BooleanField(_("active"), default=True)

    scope_paths = COMMUNITY_SCOPE

    class Meta:
        ordering = ["community_id", "checkpoint_id", "start", "pk"]
        constraints = [models.UniqueConstraint(fields=["community", "checkpoint", "start", "end"],
                                               name="shift_template_hours_unique")]
        verbose_name = _("shift template")
        verbose_name_plural = _("shift templates")

    def __str__(self) -> str:
        return f"{self.post_name} {self.hours}"

    @property
    def is_lead(self) -> bool:
        return self.checkpoint_id is None

    @property
    def post_name(self) -> str:
        return self.checkpoint.name if self.checkpoint_id else str(_("Leader on duty"))

    @property
    def hours(self) -> str:
        end = "24:00" if self.end == dt.time(0) else f"{self.end:%H:%M}"
        return f"{self.start:%H:%M}–{end}".replace(":00", "")

    @property
    def minutes(self) -> int:
        length = (_minutes(self.end) - _minutes(self.start)) % (24 * 60)
        return length or 24 * 60

    @property
    def type_id(self) -> str:
        """The solver's shift type: templates with the same hours share one."""
        return f"{self.start:%H%M}-{self.end:%H%M}"

    @property
    def is_night(self) -> bool:
        """Covers any hour of 00–06, on its own day or the next."""
        start, length = _minutes(self.start), self.minutes
        night_start, night_end = NIGHT_HOURS[0] * 60, NIGHT_HOURS[1] * 60
        for day in (0, 24 * 60):
            if start < day + night_end and start + length > day + night_start:
                return True
        return False

    def starts_on(self, date: dt.date) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(date, self.start))

    def ends_on(self, date: dt.date) -> dt.datetime:
        return self.starts_on(date) + dt.timedelta(minutes=self.minutes)

    def clean(self):
        if self.preferred < self.minimum:
            raise ValidationError({"preferred": _("The preferred number cannot be below the minimum.")})
        if self.checkpoint_id and self.checkpoint.community_id != self.community_id:
            raise ValidationError({"checkpoint": _("This checkpoint is not in the community.")})


class RosterRules(models.Model):
    """The community's roster rules from a date on (the newest in force on a plan's first day
    applies). Limits per week are scaled to the plan's length."""

    community = models.ForeignKey("registry.Community", on_delete=models.CASCADE, related_name="+",
                                  verbose_name=_("community"))
    effective_from = models.DateField(_("in force from"))
    max_shifts_per_week = models.PositiveSmallIntegerField(_("maximum shifts per week"), default=5)
    max_hours_per_week = models.PositiveSmallIntegerField(_("maximum hours per week"), default=40)
    max_consecutive = models.PositiveSmallIntegerField(_("maximum shifts on consecutive days"), default=5)
    min_days_off_per_week = models.PositiveSmallIntegerField(_("minimum days off per week"), default=1)
    min_rest_hours = models.PositiveSmallIntegerField(
        _("minimum rest between shifts (hours)"), default=8,
        help_text=_("A shift on the next day may not start sooner after a shift ends."))
    no_morning_after_night = models.BooleanField(
        _("no morning shift after a night shift"), default=True,
        help_text=_("After a night shift, no shift starting before noon on the next day."))
    elderly_age = models.PositiveSmallIntegerField(_("elderly from age"), default=60)
    young_from = models.PositiveSmallIntegerField(_("young from age"), default=18)
    young_to = models.PositiveSmallIntegerField(_("young up to age"), default=35)
    weight_elderly_night = models.PositiveSmallIntegerField(_("weight: elderly on a night shift"), default=20)
    weight_not_young_night = models.PositiveSmallIntegerField(_("weight: night shift not by a young person"),
                                                              default=3)
    weight_other_post = models.PositiveSmallIntegerField(_("weight: away from the preferred checkpoint"), default=2)
    weight_request = models.PositiveSmallIntegerField(_("weight: a request not met"), default=10)
    weight_fair_shifts = models.PositiveSmallIntegerField(_("weight: spread of shift counts"), default=5)
    weight_fair_nights = models.PositiveSmallIntegerField(_("weight: spread of night shifts"), default=5)
    weight_pair = models.PositiveSmallIntegerField(_("weight: a pair apart"), default=5)
    weight_under_preferred = models.PositiveSmallIntegerField(_("weight: per person below the preferred number"),
                                                              default=10)
    weight_over_preferred = models.PositiveSmallIntegerField(_("weight: per person above the preferred number"),
                                                             default=10)
    weight_change = models.PositiveSmallIntegerField(_("weight: re-planning changes a published shift"),
                                                     default=100)
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="+", verbose_name=_("set by"))
    created_at = models.DateTimeField(auto_now_add=True)

    scope_paths = COMMUNITY_SCOPE

    class Meta:
        ordering = ["community_id", "-effective_from", "-pk"]
        verbose_name = _("roster rules")
        verbose_name_plural = _("roster rules")

    def __str__(self) -> str:
        return f"{self.effective_from:%Y-%m-%d}"

    def clean(self):
        if self.young_to < self.young_from:
            raise ValidationError({"young_to": _("The young band must end at or after its start.")})


class RosterPlan(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        QUEUED = "queued", _("Waiting to solve")
        SOLVING = "solving", _("Solving")
        SOLVED = "solved", _("Solved")
        FAILED = "failed", _("No roster found")
        PUBLISHED = "published", _("Published")
        SUPERSEDED = "superseded", _("Replaced by a newer version")

    community = models.ForeignKey("registry.Community", on_delete=models.CASCADE, related_name="+",
                                  verbose_name=_("community"))
    first_day = models.DateField(_("first day"))
    days = models.PositiveSmallIntegerField(_("number of days"), default=14)
    seconds = models.PositiveSmallIntegerField(_("solving time (seconds)"), default=30)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    # Re-planning: the published plan this one would replace, and who drops out from when
    # ([{"volunteer": pk, "from": "2026-02-02"}]).
    replaces = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                 verbose_name=_("replaces"))
    dropouts = models.JSONField(default=list, blank=True)
    # Progress, written by the solving task and read by the progress page.
    best_objective = models.IntegerField(_("score"), null=True, blank=True)
    bound = models.FloatField(null=True, blank=True)
    best_assigned = models.PositiveIntegerField(default=0)
    best_missing = models.PositiveIntegerField(default=0)
    solver_status = models.CharField(max_length=12, blank=True)
    stop_requested = models.BooleanField(default=False)
    shortfalls = models.JSONField(default=list, blank=True)
    penalties = models.JSONField(default=dict, blank=True)
    error = models.CharField(max_length=200, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("made by"))
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+")

    scope_paths = COMMUNITY_SCOPE

    class Meta:
        ordering = ["community_id", "-first_day", "-pk"]
        verbose_name = _("roster plan")
        verbose_name_plural = _("roster plans")

    def __str__(self) -> str:
        return f"{self.first_day:%Y-%m-%d} +{self.days}"

    @property
    def last_day(self) -> dt.date:
        return self.first_day + dt.timedelta(days=self.days - 1)

    @property
    def dates(self) -> list[dt.date]:
        return [self.first_day + dt.timedelta(days=i) for i in range(self.days)]

    @property
    def running(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.SOLVING)

    def clean(self):
        if not 1 <= self.days <= 62:
            raise ValidationError({"days": _("A roster covers 1 to 62 days.")})
        if not 1 <= self.seconds <= 600:
            raise ValidationError({"seconds": _("Give the solver 1 to 600 seconds.")})


class Assignment(models.Model):
    plan = models.ForeignKey(RosterPlan, on_delete=models.CASCADE, related_name="assignments")
    volunteer = models.ForeignKey("duty.Volunteer", on_delete=models.CASCADE, related_name="assignments",
                                  verbose_name=_("volunteer"))
    date = models.DateField(_("date"))
    checkpoint = models.ForeignKey("access.Checkpoint", on_delete=models.CASCADE, null=True, blank=True,
                                   related_name="+", verbose_name=_("checkpoint"))
    template = models.ForeignKey(ShiftTemplate, on_delete=models.PROTECT, related_name="assignments",
                                 verbose_name=_("shift"))
    published = models.BooleanField(default=False)

    scope_paths = ScopePaths(community="plan__community")

    class Meta:
        ordering = ["date", "template__start", "checkpoint_id", "volunteer__name", "pk"]
        constraints = [models.UniqueConstraint(fields=["plan", "volunteer", "date"], name="one_shift_a_day")]
        indexes = [models.Index(fields=["published", "date"])]
        verbose_name = _("shift assignment")
        verbose_name_plural = _("shift assignments")

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.template}"

    @property
    def starts_at(self) -> dt.datetime:
        return self.template.starts_on(self.date)

    @property
    def ends_at(self) -> dt.datetime:
        return self.template.ends_on(self.date)


class ShiftRequest(models.Model):
    volunteer = models.ForeignKey("duty.Volunteer", on_delete=models.CASCADE, related_name="shift_requests",
                                  verbose_name=_("volunteer"))
    date = models.DateField(_("date"))
    template = models.ForeignKey(ShiftTemplate, on_delete=models.CASCADE, related_name="+", verbose_name=_("shift"))
    want = models.BooleanField(_("wants this shift"), default=True,
                               help_text=_("Unticked: asks not to work it."))
    weight = models.PositiveSmallIntegerField(_("weight"), null=True, blank=True,
                                              help_text=_("Empty: the rules' weight for requests."))
    created_at = models.DateTimeField(auto_now_add=True)

    scope_paths = ScopePaths(community="volunteer__community")

    class Meta:
        ordering = ["date", "pk"]
        verbose_name = _("shift request")
        verbose_name_plural = _("shift requests")


class Pair(models.Model):
    """Two people the roster keeps on the same shifts where it can (a couple, a mentor)."""

    first = models.ForeignKey("duty.Volunteer", on_delete=models.CASCADE, related_name="+", verbose_name=_("first"))
    second = models.ForeignKey("duty.Volunteer", on_delete=models.CASCADE, related_name="+",
                               verbose_name=_("second"))
    note = models.CharField(_("note"), max_length=100, blank=True)

    scope_paths = ScopePaths(community="first__community")

    class Meta:
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["first", "second"], name="pair_unique")]
        verbose_name = _("pair kept together")
        verbose_name_plural = _("pairs kept together")

    def clean(self):
        if self.first_id == self.second_id:
            raise ValidationError({"second": _("Choose two different people.")})
        if self.first.community_id != self.second.community_id:
            raise ValidationError({"second": _("Both must be of the same community.")})


class SwapRequest(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for approval")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Refused")

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="swaps",
                                   verbose_name=_("shift"))
    from_volunteer = models.ForeignKey("duty.Volunteer", on_delete=models.CASCADE, related_name="+",
                                       verbose_name=_("asked by"))
    to_volunteer = models.ForeignKey("duty.Volunteer", on_delete=models.CASCADE, related_name="+",
                                     verbose_name=_("taken over by"))
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("decided by"))
    decided_at = models.DateTimeField(null=True, blank=True)
    # Approved although it breaks a roster rule: the admin's reason, and the rules' codes it broke.
    override_reason = models.CharField(_("reason for overriding the rules"), max_length=200, blank=True)
    overridden = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    scope_paths = ScopePaths(community="assignment__plan__community")

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("swap request")
        verbose_name_plural = _("swap requests")


class Attendance(models.Model):
    assignment = models.OneToOneField(Assignment, on_delete=models.CASCADE, related_name="attendance")
    checked_in_at = models.DateTimeField(_("checked in at"))
    checked_in_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                      related_name="+", verbose_name=_("recorded by"))
    event_id = models.UUIDField(unique=True, default=uuid.uuid4)  # the console's, for a repeated post

    scope_paths = ScopePaths(community="assignment__plan__community")

    class Meta:
        ordering = ["-checked_in_at", "-pk"]
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
