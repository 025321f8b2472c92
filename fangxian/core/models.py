"""The audit log: who saw or changed what, when and why."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .scope import ScopePaths


class AuditEvent(models.Model):
    class Action(models.TextChoices):
        VIEW = "view", _("Viewed")
        REVEAL = "reveal", _("Revealed in full")
        CREATE = "create", _("Created")
        UPDATE = "update", _("Changed")
        DELETE = "delete", _("Deleted")
        IMPORT = "import", _("Imported")
        EXPORT = "export", _("Exported")

    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("who")
    )
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    community = models.ForeignKey(
        "registry.Community", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("community"),
    )
    # What was touched, by reference only: never a name, an ID number or a phone.
    target_type = models.CharField(_("record type"), max_length=40)
    target_id = models.CharField(_("record"), max_length=40, blank=True)
    field = models.CharField(_("field"), max_length=40, blank=True)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    detail = models.CharField(_("detail"), max_length=200, blank=True)

    scope_paths = ScopePaths(community="community")

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["target_type", "target_id"])]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor} {self.action} {self.target_type}#{self.target_id}"
