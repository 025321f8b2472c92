"""Volunteers 志愿者 and staff 工作人员 on the duty roster, and volunteer teams 志愿服务队.

A volunteer signs up on a public page (no login) and is approved by a community admin;
staff are entered by the admin and may lead a shift (带班). Both are `Volunteer` rows, so
they stand on the same roster. Availability is kept by weekday and time band.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fangxian.core.personal import mask_phone
from fangxian.core.scope import ScopePaths

__all__ = ["TimeBand", "TIME_BAND_HOURS", "WEEKDAY_NAMES", "band_minutes", "Volunteer", "VolunteerTeam",
           "TeamActivity", "TeamActivityPhoto"]

COMMUNITY_SCOPE = ScopePaths(community="community")


class TimeBand(models.TextChoices):
    MORNING = "morning", _("Morning 06–12")
    AFTERNOON = "afternoon", _("Afternoon 12–18")
    EVENING = "evening", _("Evening 18–24")
    NIGHT = "night", _("Night 00–06")


TIME_BAND_HOURS = {  # [start, end) in hours of the day
    TimeBand.NIGHT: (0, 6),
    TimeBand.MORNING: (6, 12),
    TimeBand.AFTERNOON: (12, 18),
    TimeBand.EVENING: (18, 24),
}


# Column heads of the availability grid, Monday first (weekday 0, as `datetime.weekday()`).
WEEKDAY_NAMES = (_("Mon"), _("Tue"), _("Wed"), _("Thu"), _("Fri"), _("Sat"), _("Sun"))


def band_minutes(band: str) -> tuple[int, int]:
    start, end = TIME_BAND_HOURS[TimeBand(band)]
    return start * 60, end * 60


def new_token() -> str:
    return secrets.token_urlsafe(24)


class Volunteer(models.Model):
    class Kind(models.TextChoices):
        VOLUNTEER = "volunteer", _("Volunteer")
        STAFF = "staff", _("Staff")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for approval")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Not accepted")
        LEFT = "left", _("Left")

    community = models.ForeignKey("registry.Community", on_delete=models.CASCADE, related_name="volunteers",
                                  verbose_name=_("community"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.VOLUNTEER)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    name = models.CharField(_("name"), max_length=60)
    phone = models.CharField(_("mobile"), max_length=20)
    birth_year = models.PositiveSmallIntegerField(_("year of birth"))
    group = models.ForeignKey("registry.ResidentialGroup", on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="+", verbose_name=_("residential group"))
    # {"0": ["morning", "afternoon"], ..., "6": [...]}: weekday (0 = Monday) → time bands
    availability = models.JSONField(_("availability"), default=dict, blank=True)
    preferred_checkpoint = models.ForeignKey("access.Checkpoint", on_delete=models.SET_NULL, null=True, blank=True,
                                             related_name="+", verbose_name=_("preferred checkpoint"))
    is_party_member = models.BooleanField(_("party member"), default=False)
    is_shift_leader = models.BooleanField(_("can lead a shift"), default=False)
    has_first_aid = models.BooleanField(_("first aid"), default=False)
    can_drive = models.BooleanField(_("can drive"), default=False)
    application = models.TextField(_("application (请战书)"), blank=True)
    consent_version = models.CharField(_("privacy notice accepted"), max_length=20, blank=True)
    consent_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="+", verbose_name=_("login"))
    # The personal schedule page's link: reading one's own shifts needs no password.
    schedule_token = models.CharField(max_length=40, unique=True, default=new_token, editable=False)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("decided by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_reason = models.CharField(_("reason"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("signed up"), auto_now_add=True)

    scope_paths = COMMUNITY_SCOPE

    class Meta:
        ordering = ["community_id", "name", "pk"]
        indexes = [models.Index(fields=["community", "status"])]
        verbose_name = _("volunteer")
        verbose_name_plural = _("volunteers")

    def __str__(self) -> str:
        return self.name

    @property
    def phone_masked(self) -> str:
        return mask_phone(self.phone)

    @property
    def age(self) -> int:
        """Age this year (only the year of birth is known)."""
        return timezone.localdate().year - self.birth_year

    def age_in(self, year: int) -> int:
        return year - self.birth_year

    def bands_on(self, weekday: int) -> set[str]:
        return set(self.availability.get(str(weekday), []))


class VolunteerTeam(models.Model):
    """A volunteer service team, e.g. the women's volunteer team 巾帼志愿服务队 formed on 8 March."""

    community = models.ForeignKey("registry.Community", on_delete=models.CASCADE, related_name="volunteer_teams",
                                  verbose_name=_("community"))
    name = models.CharField(_("name"), max_length=60)
    formed_on = models.DateField(_("formed on"))
    purpose = models.TextField(_("purpose"), blank=True)
    members = models.ManyToManyField(Volunteer, related_name="teams", blank=True, verbose_name=_("members"))

    scope_paths = COMMUNITY_SCOPE

    class Meta:
        ordering = ["community_id", "formed_on", "pk"]
        constraints = [models.UniqueConstraint(fields=["community", "name"], name="team_name_unique")]
        verbose_name = _("volunteer team")
        verbose_name_plural = _("volunteer teams")

    def __str__(self) -> str:
        return self.name


class TeamActivity(models.Model):
    """What a team did on a day: a drive for donations, a visit, care for the front line. Its
    members who took part are ticked; photos may be added; supplies may be given out at it."""

    class Kind(models.TextChoices):
        DRIVE = "drive", _("Donation drive")
        VISIT = "visit", _("Visit to residents")
        FRONT_LINE = "front_line", _("Care for front-line workers")
        OTHER = "other", _("Other")

    team = models.ForeignKey(VolunteerTeam, on_delete=models.CASCADE, related_name="activities",
                             verbose_name=_("team"))
    kind = models.CharField(_("kind of activity"), max_length=10, choices=Kind.choices, default=Kind.OTHER)
    held_on = models.DateField(_("date"))
    title = models.CharField(_("activity"), max_length=120)
    note = models.TextField(_("note"), blank=True)
    participants = models.PositiveSmallIntegerField(_("participants"), default=0)
    members = models.ManyToManyField(Volunteer, related_name="team_activities", blank=True,
                                     verbose_name=_("who took part"))

    scope_paths = ScopePaths(community="team__community")

    class Meta:
        ordering = ["-held_on", "-pk"]
        verbose_name = _("team activity")
        verbose_name_plural = _("team activities")

    def __str__(self) -> str:
        return self.title


class TeamActivityPhoto(models.Model):
    """A photo of an activity, re-encoded as a JPEG when uploaded (no EXIF: no place, no phone model)."""

    activity = models.ForeignKey(TeamActivity, on_delete=models.CASCADE, related_name="photos",
                                 verbose_name=_("team activity"))
    image = models.FileField(_("photo"), upload_to="activities/")
    uploaded_at = models.DateTimeField(_("uploaded at"))

    scope_paths = ScopePaths(community="activity__team__community")

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = _("activity photo")
        verbose_name_plural = _("activity photos")

    def __str__(self) -> str:
        return self.image.name
