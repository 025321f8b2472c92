"""Incidents 吹哨报到: anyone on the ground blows the whistle on an important event; the duty
officer assigns it to a person or a department, who reports in until it is closed.

An incident belongs to a community. Community admins manage it, subdistrict officers read it;
everyone else sees the incidents they reported or were given (see selectors.visible), so a
grid worker or a volunteer can follow up what they raised without reading the whole list.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fangxian.core.scope import ScopePaths


class Incident(models.Model):
    class Urgency(models.TextChoices):
        LOW = "low", _("Low")
        HIGH = "high", _("High")
        CRITICAL = "critical", _("Critical")

    class Status(models.TextChoices):
        NEW = "new", _("New")
        ASSIGNED = "assigned", _("Assigned")
        IN_PROGRESS = "in_progress", _("In progress")
        CLOSED = "closed", _("Closed")

    class Outcome(models.TextChoices):
        RESOLVED = "resolved", _("Resolved")
        REFERRED = "referred", _("Handed over to another authority")
        NO_ACTION = "no_action", _("No action needed")
        OTHER = "other", _("Other")

    community = models.ForeignKey("registry.Community", on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("community"))
    title = models.CharField(_("what happened"), max_length=120)
    description = models.TextField(_("details"), max_length=2000, blank=True)
    location = models.CharField(_("where"), max_length=200)
    estate = models.ForeignKey("registry.Estate", on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="+", verbose_name=_("estate"))
    building = models.ForeignKey("registry.Building", on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="+", verbose_name=_("building"))
    urgency = models.CharField(_("urgency"), max_length=10, choices=Urgency.choices, default=Urgency.HIGH)
    photo = models.FileField(_("photo"), upload_to="incidents/", blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.NEW)
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                    related_name="+", verbose_name=_("reported by"))
    reported_at = models.DateTimeField(_("reported at"), default=timezone.now)
    assigned_to = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("assigned to"))
    department = models.CharField(_("department"), max_length=60, blank=True)
    assigned_at = models.DateTimeField(_("assigned at"), null=True, blank=True)
    first_response_at = models.DateTimeField(_("first response"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="+", verbose_name=_("closed by"))
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices, blank=True)
    outcome_note = models.CharField(_("note on the outcome"), max_length=300, blank=True)

    scope_paths = ScopePaths(community="community")

    class Meta:
        ordering = ["-reported_at", "-pk"]
        indexes = [
            models.Index(fields=["community", "closed_at"]),
            models.Index(fields=["community", "-reported_at"]),
        ]
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")

    def __str__(self) -> str:
        return f"#{self.pk} {self.title}"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None

    @property
    def assignee_label(self) -> str:
        parts = [self.assigned_to.get_username()] if self.assigned_to_id else []
        if self.department:
            parts.append(self.department)
        return " · ".join(parts)

    @property
    def response_time(self) -> dt.timedelta | None:
        return self.first_response_at - self.reported_at if self.first_response_at else None

    @property
    def closure_time(self) -> dt.timedelta | None:
        return self.closed_at - self.reported_at if self.closed_at else None


class IncidentUpdate(models.Model):
    """One line of an incident's timeline: the report, each assignment, each report-in, the closure."""

    class Kind(models.TextChoices):
        REPORTED = "reported", _("Reported")
        ASSIGNED = "assigned", _("Assigned")
        NOTE = "note", _("Report-in")
        CLOSED = "closed", _("Closed")

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="updates")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    at = models.DateTimeField(_("time"), default=timezone.now)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                               related_name="+", verbose_name=_("by"))
    note = models.CharField(_("note"), max_length=500, blank=True)

    scope_paths = ScopePaths(community="incident__community")

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("incident update")
        verbose_name_plural = _("incident updates")

    def __str__(self) -> str:
        return f"{self.incident_id} {self.kind} {self.at:%Y-%m-%d %H:%M}"
