"""The daily zero report 零报告: one report per unit and day, in versions.

A unit is a community, or one of its residential groups or checkpoints (sub-reports that
the community report compiles and shows side by side). The figures are drafted from the data by the registered sections
(sections.py) and frozen into `figures` when the report is submitted; the fill-in numbers
(confirmed, suspected, close contacts) must be entered, 0 included. A submitted version is
never changed again: a correction is a new version with a reason.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from fangxian.core.scope import ScopePaths

DEFAULT_DEADLINE = dt.time(17, 0)

# The numbers people must fill in: (field, label). A blank blocks submission; 0 is an answer.
ZERO_FIELDS = (
    ("confirmed", _("Confirmed cases")),
    ("suspected", _("Suspected cases")),
    ("close_contacts", _("Close contacts found")),
)
TEXT_FIELDS = (
    ("progress", _("Work progress")),
    ("problems", _("Problems and requests")),
)


class DailyReport(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")

    community = models.ForeignKey("registry.Community", on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("community"))
    # Both empty for the community's own report; a residential group or a checkpoint for a sub-report.
    group = models.ForeignKey("registry.ResidentialGroup", on_delete=models.PROTECT, null=True, blank=True,
                              related_name="+", verbose_name=_("residential group"))
    checkpoint = models.ForeignKey("access.Checkpoint", on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("checkpoint"))
    day = models.DateField(_("day"))
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    figures = models.JSONField(_("figures"), default=dict, blank=True)  # {section: {figure: int}} at submission
    confirmed = models.PositiveIntegerField(_("Confirmed cases"), null=True, blank=True)
    suspected = models.PositiveIntegerField(_("Suspected cases"), null=True, blank=True)
    close_contacts = models.PositiveIntegerField(_("Close contacts found"), null=True, blank=True)
    progress = models.TextField(_("Work progress"), max_length=2000, blank=True)
    problems = models.TextField(_("Problems and requests"), max_length=2000, blank=True)
    correction_reason = models.CharField(_("reason for the correction"), max_length=200, blank=True)
    # The units (residential groups, active checkpoints) that had not submitted when a community
    # report was submitted with the admin's confirmation: [{"kind": "group", "id": 3, "name": "一组"}].
    missing_units = models.JSONField(_("units missing at submission"), default=list, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                   related_name="+", verbose_name=_("drafted by"))
    created_at = models.DateTimeField(_("drafted at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("saved at"), auto_now=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+", verbose_name=_("submitted by"))
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)

    scope_paths = ScopePaths(community="community")

    class Meta:
        ordering = ["day", "community_id", "group_id", "version"]
        constraints = [
            # NULL groups are distinct in a plain unique constraint: one per kind of unit.
            models.UniqueConstraint(fields=["community", "day", "version"],
                                    condition=Q(group__isnull=True, checkpoint__isnull=True),
                                    name="report_community_version_unique"),
            models.UniqueConstraint(fields=["group", "day", "version"], condition=Q(group__isnull=False),
                                    name="report_group_version_unique"),
            models.UniqueConstraint(fields=["checkpoint", "day", "version"], condition=Q(checkpoint__isnull=False),
                                    name="report_checkpoint_version_unique"),
            models.CheckConstraint(condition=Q(group__isnull=True) | Q(checkpoint__isnull=True),
                                   name="report_one_kind_of_unit"),
        ]
        indexes = [models.Index(fields=["day", "community"])]
        verbose_name = _("daily report")
        verbose_name_plural = _("daily reports")

    def __str__(self) -> str:
        return f"{self.unit_name} {self.day} v{self.version}"

    @property
    def unit_name(self) -> str:
        return str(self.group or self.checkpoint or self.community)

    @property
    def is_submitted(self) -> bool:
        return self.status == self.Status.SUBMITTED


class ReportDeadline(models.Model):
    """The time of day by which a community's units report, from a day on (rules are data)."""

    community = models.ForeignKey("registry.Community", on_delete=models.CASCADE, related_name="+",
                                  verbose_name=_("community"))
    time = models.TimeField(_("deadline"))
    effective_from = models.DateField(_("in force from"))
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+",
                               verbose_name=_("set by"))
    created_at = models.DateTimeField(_("set at"), auto_now_add=True)

    scope_paths = ScopePaths(community="community")

    class Meta:
        ordering = ["community_id", "-effective_from", "-pk"]
        verbose_name = _("report deadline")
        verbose_name_plural = _("report deadlines")

    def __str__(self) -> str:
        return f"{self.community_id} {self.time:%H:%M} from {self.effective_from}"


class ReportReminder(models.Model):
    """The last reminder sent to a unit that had not reported, one row per unit and day. The
    worker reminds once after the deadline; an admin may remind by hand before it (and again),
    which moves `sent_at`; the worker still reminds once after the deadline if the last
    reminder was sent before it."""

    community = models.ForeignKey("registry.Community", on_delete=models.CASCADE, related_name="+")
    group = models.ForeignKey("registry.ResidentialGroup", on_delete=models.CASCADE, null=True, blank=True,
                              related_name="+")
    checkpoint = models.ForeignKey("access.Checkpoint", on_delete=models.CASCADE, null=True, blank=True,
                                   related_name="+")
    day = models.DateField()
    sent_at = models.DateTimeField()

    scope_paths = ScopePaths(community="community")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["community", "day"], condition=Q(group__isnull=True,
                                                                             checkpoint__isnull=True),
                                    name="reminder_community_once"),
            models.UniqueConstraint(fields=["group", "day"], condition=Q(group__isnull=False),
                                    name="reminder_group_once"),
            models.UniqueConstraint(fields=["checkpoint", "day"], condition=Q(checkpoint__isnull=False),
                                    name="reminder_checkpoint_once"),
        ]


class FigureSnapshot(models.Model):
    """Every drafted figure of a community as it stood at a day's close (or when its report was
    submitted): the registry keeps no history, so yesterday's population can only be read back
    from here. Written by the worker (reports.snapshots) and never edited by hand."""

    community = models.ForeignKey("registry.Community", on_delete=models.CASCADE, related_name="+",
                                  verbose_name=_("community"))
    day = models.DateField(_("day"))
    figures = models.JSONField(_("figures"), default=dict)  # {section: {figure: int}}
    taken_at = models.DateTimeField(_("taken at"))

    scope_paths = ScopePaths(community="community")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["community", "day"], name="snapshot_once_a_day")]
        ordering = ["day", "community_id"]
        verbose_name = _("figure snapshot")
        verbose_name_plural = _("figure snapshots")

    def __str__(self) -> str:
        return f"{self.community_id} {self.day}"
