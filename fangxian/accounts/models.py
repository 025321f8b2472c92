"""Users belong to communities and grids through memberships; devices use API tokens."""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from fangxian.core.scope import Role

# Which place each role is a member of.
ROLE_PLACE = {
    Role.SUBDISTRICT_OFFICER: "subdistrict",
    Role.COMMUNITY_ADMIN: "community",
    Role.GRID_WORKER: "grid",
    Role.CHECKPOINT_VOLUNTEER: "community",
    Role.DELIVERY_VOLUNTEER: "community",
    Role.GROUP_LEADER: "group",
}


class Membership(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=24, choices=Role.choices)
    subdistrict = models.ForeignKey("registry.Subdistrict", on_delete=models.CASCADE, null=True, blank=True)
    community = models.ForeignKey("registry.Community", on_delete=models.CASCADE, null=True, blank=True)
    grid = models.ForeignKey("registry.Grid", on_delete=models.CASCADE, null=True, blank=True)
    group = models.ForeignKey("registry.ResidentialGroup", on_delete=models.CASCADE, null=True, blank=True,
                              related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "subdistrict", "community", "grid", "group"], name="membership_unique"
            )
        ]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.place}"

    @property
    def place(self):
        return getattr(self, ROLE_PLACE[Role(self.role)])

    def clean(self) -> None:
        wanted = ROLE_PLACE[Role(self.role)]
        if getattr(self, f"{wanted}_id") is None:
            raise ValidationError({wanted: _("This role needs a %(place)s.") % {"place": wanted}})
        if wanted in ("grid", "group"):
            # A grid worker or a group leader also belongs to the community, for what is community-wide.
            self.community_id = getattr(self, wanted).community_id
        kept = {wanted, "community" if wanted in ("grid", "group") else ""}
        for other in {"subdistrict", "community", "grid", "group"} - kept:
            setattr(self, f"{other}_id", None)


class ApiToken(models.Model):
    """A bearer token for a device or an integration. Only its SHA-256 is stored."""

    PREFIX = "fx_"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=60)
    key_hash = models.CharField(max_length=64, unique=True)
    hint = models.CharField(_("ends with"), max_length=4)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} (…{self.hint})"

    @staticmethod
    def hash(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    @classmethod
    def new_key(cls) -> str:
        return cls.PREFIX + secrets.token_urlsafe(32)
