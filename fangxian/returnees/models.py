"""Returnees 返深人员: risk-area rules, self-registration, move-in slips 入住条, door seals 封条
and home quarantine 居家隔离 with its twice-daily health check-ins.

Every model reaches its community and its grid through the dwelling (dwelling → building →
grid), so a grid worker sees the returnees of their own grids only. Risk areas belong to a
subdistrict: its officers maintain them and every community in it reads them.
"""

from __future__ import annotations

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from fangxian.core.personal import MaskedIdentity
from fangxian.core.scope import ScopePaths

from .limits import validate_rule_days

DWELLING_SCOPE = ScopePaths(community="dwelling__building__community", grid="dwelling__building__grid",
                            grid_writes=True)


def new_token() -> str:
    return secrets.token_urlsafe(24)


# Registration.consent_version of a registration a canvasser recorded at the door.
RECORDED_AT_DOOR = "canvassing"

class Measure(models.TextChoices):
    NONE = "none", _("None")
    HOME_QUARANTINE = "home_quarantine", _("Home quarantine")
    CENTRAL_QUARANTINE = "central_quarantine", _("Central quarantine")


class RiskArea(models.Model):
    """A risk area with the measure for people arriving from it, in force over a span of days.

    `district` blank means the whole city; `city` blank the whole province.
    """

    class Level(models.TextChoices):
        LOW = "low", _("Low risk")
        MEDIUM = "medium", _("Medium risk")
        HIGH = "high", _("High risk")

    subdistrict = models.ForeignKey("registry.Subdistrict", on_delete=models.CASCADE, related_name="+",
                                    verbose_name=_("subdistrict"))
    province = models.CharField(_("province"), max_length=30)
    city = models.CharField(_("city"), max_length=30, blank=True)
    district = models.CharField(_("district"), max_length=30, blank=True)
    level = models.CharField(_("risk level"), max_length=10, choices=Level.choices)
    measure = models.CharField(_("measure"), max_length=20, choices=Measure.choices, default=Measure.NONE)
    quarantine_days = models.PositiveSmallIntegerField(_("quarantine days"), default=0,
                                                       validators=[validate_rule_days])
    effective_from = models.DateField(_("in force from"))
    effective_to = models.DateField(_("in force until"), null=True, blank=True)
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+",
                               verbose_name=_("set by"))
    created_at = models.DateTimeField(_("set at"), auto_now_add=True)

    scope_paths = ScopePaths(subdistrict="subdistrict")

    class Meta:
        ordering = ["province", "city", "district", "-effective_from", "-pk"]
        indexes = [models.Index(fields=["subdistrict", "province", "city"])]
        verbose_name = _("risk area")
        verbose_name_plural = _("risk areas")

    def __str__(self) -> str:
        return " ".join(part for part in (self.province, self.city, self.district) if part)

    @property
    def specificity(self) -> int:
        return 2 if self.district else 1 if self.city else 0


class Registration(MaskedIdentity, models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending review")
        APPROVED = "approved_occupied", _("Approved, moved in")
        HOME_QUARANTINE = "home_quarantine", _("Home quarantine")
        CENTRAL_QUARANTINE = "central_quarantine", _("Central quarantine")
        REJECTED = "rejected", _("Rejected")

    community = models.ForeignKey("registry.Community", on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("community"))
    dwelling = models.ForeignKey("registry.Dwelling", on_delete=models.PROTECT, related_name="registrations",
                                 verbose_name=_("dwelling"))
    person = models.ForeignKey("registry.Person", on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="registrations", verbose_name=_("person"))
    name = models.CharField(_("name"), max_length=50)
    national_id = models.CharField(_("ID number"), max_length=18)
    phone = models.CharField(_("mobile"), max_length=11)
    from_province = models.CharField(_("from province"), max_length=30)
    from_city = models.CharField(_("from city"), max_length=30, blank=True)
    from_district = models.CharField(_("from district"), max_length=30, blank=True)
    route = models.CharField(_("route"), max_length=200, blank=True)
    transport = models.CharField(_("transport"), max_length=60, blank=True)
    arrival_date = models.DateField(_("arrival date"))
    symptoms = models.BooleanField(_("symptoms today"), default=False)
    symptoms_note = models.CharField(_("symptoms"), max_length=200, blank=True)
    temperature = models.DecimalField(_("temperature"), max_digits=3, decimal_places=1, null=True, blank=True)
    consent_version = models.CharField(_("privacy notice version"), max_length=20)
    consent_at = models.DateTimeField(_("consented at"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PENDING)
    suggested_measure = models.CharField(_("suggested measure"), max_length=20, choices=Measure.choices,
                                         default=Measure.NONE)
    suggestion_reason = models.CharField(_("reason for the suggestion"), max_length=200, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("reviewed by"))
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    review_reason = models.CharField(_("reason"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    scope_paths = DWELLING_SCOPE

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["community", "national_id"], condition=Q(status="pending"),
                                    name="registration_pending_unique"),
        ]
        indexes = [models.Index(fields=["community", "status", "created_at"])]
        verbose_name = _("returnee registration")
        verbose_name_plural = _("returnee registrations")

    def __str__(self) -> str:
        return f"{self.name} {self.dwelling_id}"

    @property
    def recorded_at_door(self) -> bool:
        """Recorded by a canvasser at the door (fieldwork), not by the returnee, who agreed to no notice."""
        return self.consent_version == RECORDED_AT_DOOR

    @property
    def from_place(self) -> str:
        return " ".join(part for part in (self.from_province, self.from_city, self.from_district) if part)


class Companion(MaskedIdentity, models.Model):
    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="companions")
    name = models.CharField(_("name"), max_length=50)
    national_id = models.CharField(_("ID number"), max_length=18)
    phone = models.CharField(_("mobile"), max_length=11, blank=True)
    relation = models.CharField(_("relation"), max_length=20, blank=True)

    scope_paths = ScopePaths(community="registration__dwelling__building__community",
                             grid="registration__dwelling__building__grid", grid_writes=True)

    class Meta:
        ordering = ["registration_id", "pk"]
        verbose_name = _("companion")
        verbose_name_plural = _("companions")

    def __str__(self) -> str:
        return self.name


class MoveInSlip(models.Model):
    """入住条: with it a returnee may move in. Its QR carries only the random code."""

    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="slips")
    person = models.ForeignKey("registry.Person", on_delete=models.CASCADE, related_name="move_in_slips")
    code = models.CharField(max_length=64, unique=True, default=new_token)
    issued_at = models.DateTimeField(_("issued at"), auto_now_add=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+",
                                  verbose_name=_("issued by"))

    scope_paths = ScopePaths(community="registration__dwelling__building__community",
                             grid="registration__dwelling__building__grid", grid_writes=True)

    class Meta:
        ordering = ["-issued_at", "-pk"]
        verbose_name = _("move-in slip")
        verbose_name_plural = _("move-in slips")

    def __str__(self) -> str:
        return f"{self.person_id} {self.issued_at:%Y-%m-%d}"


class DoorSeal(models.Model):
    """封条: the door of a household that has not come back is sealed, with a notice."""

    dwelling = models.ForeignKey("registry.Dwelling", on_delete=models.PROTECT, related_name="seals",
                                 verbose_name=_("dwelling"))
    sealed_at = models.DateTimeField(_("sealed at"))
    sealed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+",
                                  verbose_name=_("sealed by"))
    photo = models.FileField(_("photo"), upload_to="seals/", blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    unsealed_at = models.DateTimeField(_("unsealed at"), null=True, blank=True)
    unsealed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("unsealed by"))
    unseal_reason = models.CharField(_("reason for unsealing"), max_length=200, blank=True)

    scope_paths = DWELLING_SCOPE

    class Meta:
        ordering = ["-sealed_at", "-pk"]
        verbose_name = _("door seal")
        verbose_name_plural = _("door seals")

    def __str__(self) -> str:
        return f"{self.dwelling_id} {self.sealed_at:%Y-%m-%d}"


class Quarantine(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", _("In quarantine")
        RELEASED = "released", _("Released")
        EXTENDED = "extended", _("Extended")
        TRANSFERRED = "transferred", _("Transferred to central quarantine")

    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="quarantines",
                               verbose_name=_("person"))
    dwelling = models.ForeignKey("registry.Dwelling", on_delete=models.PROTECT, related_name="quarantines",
                                 verbose_name=_("dwelling"))
    registration = models.ForeignKey(Registration, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="quarantines")
    reason = models.CharField(_("reason"), max_length=200)
    starts_on = models.DateField(_("starts on"))
    planned_end = models.DateField(_("planned end"))
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.ACTIVE)
    checkin_token = models.CharField(max_length=64, unique=True, default=new_token)
    released_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("released by"))
    # The quarantines started together for one household (the rule QUARANTINE_HOUSEHOLD): they
    # share their dates and are extended, shortened and released together. Empty for a
    # quarantine made before households were covered: it stands alone.
    household = models.UUIDField(null=True, blank=True, editable=False, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    scope_paths = DWELLING_SCOPE

    class Meta:
        ordering = ["planned_end", "pk"]
        indexes = [models.Index(fields=["status", "planned_end"])]
        verbose_name = _("home quarantine")
        verbose_name_plural = _("home quarantines")

    def __str__(self) -> str:
        return f"{self.person_id} {self.starts_on}–{self.planned_end}"

    @property
    def is_open(self) -> bool:
        return self.status in (self.Status.ACTIVE, self.Status.EXTENDED)


class QuarantineChange(models.Model):
    """An early release or a shortening of a home quarantine (and of its household), with a
    reason: asked by anyone who may write the quarantine, decided by an admin of its
    community. An admin's own request is decided in the same step."""

    class Kind(models.TextChoices):
        EARLY_RELEASE = "early_release", _("Early release")
        SHORTEN = "shorten", _("Shortening")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for approval")
        APPROVED = "approved", _("Approved")
        REFUSED = "refused", _("Refused")

    quarantine = models.ForeignKey(Quarantine, on_delete=models.CASCADE, related_name="changes",
                                   verbose_name=_("home quarantine"))
    kind = models.CharField(_("change"), max_length=20, choices=Kind.choices)
    # Early release: the day the quarantine ends; shortening: the new planned end.
    new_end = models.DateField(_("new end"))
    reason = models.CharField(_("reason"), max_length=200)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                     related_name="+", verbose_name=_("asked by"))
    requested_at = models.DateTimeField(_("asked at"), auto_now_add=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("decided by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.CharField(_("note on the decision"), max_length=200, blank=True)

    scope_paths = ScopePaths(community="quarantine__dwelling__building__community",
                             grid="quarantine__dwelling__building__grid", grid_writes=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        indexes = [models.Index(fields=["status", "quarantine"])]
        verbose_name = _("change of a home quarantine")
        verbose_name_plural = _("changes of home quarantines")

    def __str__(self) -> str:
        return f"{self.kind} {self.quarantine_id} {self.new_end}"


class CheckIn(models.Model):
    class Slot(models.TextChoices):
        MORNING = "morning", _("Morning")
        EVENING = "evening", _("Evening")

    quarantine = models.ForeignKey(Quarantine, on_delete=models.CASCADE, related_name="checkins")
    at = models.DateTimeField(_("time"))
    slot = models.CharField(_("slot"), max_length=8, choices=Slot.choices)
    temperature = models.DecimalField(_("temperature"), max_digits=3, decimal_places=1)
    symptoms = models.BooleanField(_("symptoms"), default=False)
    note = models.CharField(_("note"), max_length=200, blank=True)
    by_person = models.BooleanField(_("by the person"), default=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("recorded by"))
    event_id = models.UUIDField(unique=True, default=uuid.uuid4)
    alert = models.BooleanField(_("alert"), default=False)

    scope_paths = ScopePaths(community="quarantine__dwelling__building__community",
                             grid="quarantine__dwelling__building__grid", grid_writes=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("health check-in")
        verbose_name_plural = _("health check-ins")

    def __str__(self) -> str:
        return f"{self.quarantine_id} {self.at:%Y-%m-%d} {self.slot}"


class BulkReview(models.Model):
    """A decision on several registrations at once: asked by one worker, carried out only when a
    second person (another worker or an admin of the same area) confirms it."""

    class Status(models.TextChoices):
        WAITING = "waiting", _("Waiting for a second approver")
        DONE = "done", _("Carried out")
        CANCELLED = "cancelled", _("Cancelled")

    community = models.ForeignKey("registry.Community", on_delete=models.CASCADE, related_name="+",
                                  verbose_name=_("community"))
    decision = models.CharField(_("decision"), max_length=20)
    registrations = models.ManyToManyField(Registration, related_name="bulk_reviews")
    reason = models.CharField(_("reason"), max_length=200)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.WAITING)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                     related_name="+", verbose_name=_("asked by"))
    requested_at = models.DateTimeField(_("asked at"), auto_now_add=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("second approver"))
    approved_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)

    # Grid workers of the community see the requests (a request shows only the registrations
    # each reader may see); carrying one out needs write access to every registration in it.
    scope_paths = ScopePaths(community="community", grid_reads_community=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        verbose_name = _("bulk review")
        verbose_name_plural = _("bulk reviews")

    def __str__(self) -> str:
        return f"{self.decision} {self.requested_at:%Y-%m-%d %H:%M}"
