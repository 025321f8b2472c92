"""The audit log: who saw or changed what, when and why."""

from __future__ import annotations

from django.apps import apps
from django.conf import settings
from django.db import models
from django.urls import reverse
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

    @property
    def target_label(self) -> str:
        """The record's kind in the reader's language, e.g. 人员 #123."""
        try:
            kind = apps.get_model(self.target_type)._meta.verbose_name
        except (LookupError, ValueError):
            kind = self.target_type
        return f"{kind} #{self.target_id}" if self.target_id else str(kind)

    @property
    def target_url(self) -> str:
        """The record's page, when it has one; the page itself checks who may open it."""
        name = DETAIL_PAGES.get(self.target_type)
        return reverse(name, args=[self.target_id]) if name and self.target_id.isdigit() else ""


DETAIL_PAGES = {
    "registry.Person": "registry:person_detail",
    "registry.Dwelling": "registry:dwelling_detail",
    "registry.Building": "registry:building_detail",
    "registry.ResidentsImport": "registry:residents_import_preview",
    "duty.Volunteer": "duty:volunteer_detail",
    "incidents.Incident": "incidents:detail",
}
