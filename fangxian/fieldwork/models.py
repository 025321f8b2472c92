"""Fieldwork: door-to-door canvassing 敲门行动 and care visits to vulnerable people 关爱走访.

Canvassing: a community's buildings are divided into standing sections (分片包干), each given
to a team of users; a campaign (dates, purpose, questionnaire) is walked door by door, and
every tap at a door is a `Knock`, an event with the `event_id` the phone made, stored once
however often it arrives. A dwelling's state in a campaign is read from its knocks (see
selectors.dwelling_states); a gap the campaign closes with is a `CoverageGap` with a reason.

Care visits: the people tagged vulnerable in the register (elderly living alone, disabled,
children in hardship, extremely poor) are visited at the frequency of the dated `CareRule`
of their category, each by the visitor of their `CareAssignment`; each visit a `CareVisit`.

Every model reaches its community (and, where grid workers see it, its grid) through its
scope paths. Team members who hold no community-wide role see their own sections only:
that rule is selectors.visible_sections, built on the scope.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from fangxian.core.scope import ScopePaths

from .questionnaire import DEFAULT as DEFAULT_QUESTIONNAIRE

DWELLING_SCOPE = ScopePaths(community="dwelling__building__community", grid="dwelling__building__grid",
                            grid_writes=True)
PERSON_SCOPE = ScopePaths(community="person__community", grid="person__dwelling__building__grid", grid_writes=True)


def default_questionnaire() -> dict:
    return dict(DEFAULT_QUESTIONNAIRE)


class Campaign(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("campaign", "In progress")
        CLOSED = "closed", _("Closed")

    community = models.ForeignKey("registry.Community", on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("community"))
    name = models.CharField(_("name"), max_length=80)
    purpose = models.CharField(_("purpose"), max_length=300, blank=True)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    # "Anyone back from outside since …": the day the question asks about.
    back_since = models.DateField(_("back from outside since"), null=True, blank=True)
    questionnaire = models.JSONField(_("questionnaire"), default=default_questionnaire)
    # A dwelling knocked this many times and never reached is listed for its grid worker.
    max_attempts = models.PositiveSmallIntegerField(_("attempts before a door is listed"), default=3)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="+", verbose_name=_("closed by"))
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    scope_paths = ScopePaths(community="community", grid_reads_community=True)

    class Meta:
        ordering = ["-starts_on", "-pk"]
        indexes = [models.Index(fields=["community", "status"])]
        verbose_name = _("canvassing campaign")
        verbose_name_plural = _("canvassing campaigns")

    def __str__(self) -> str:
        return self.name

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


class Team(models.Model):
    """A canvassing team: grid workers, party members, volunteers (users of the community)."""

    community = models.ForeignKey("registry.Community", on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("community"))
    name = models.CharField(_("name"), max_length=60)
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="fieldwork_teams", blank=True,
                                     verbose_name=_("members"))

    scope_paths = ScopePaths(community="community", grid_reads_community=True)

    class Meta:
        ordering = ["community_id", "name"]
        constraints = [models.UniqueConstraint(fields=["community", "name"], name="fieldwork_team_name_unique")]
        verbose_name = _("team")
        verbose_name_plural = _("teams")

    def __str__(self) -> str:
        return self.name


class Section(models.Model):
    """A standing part of the community (片区) given to one team; a building is in one section."""

    community = models.ForeignKey("registry.Community", on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("community"))
    name = models.CharField(_("name"), max_length=60)
    team = models.ForeignKey(Team, on_delete=models.SET_NULL, null=True, blank=True, related_name="sections",
                             verbose_name=_("team"))
    buildings = models.ManyToManyField("registry.Building", through="SectionBuilding", related_name="+",
                                       verbose_name=_("buildings"))

    scope_paths = ScopePaths(community="community", grid_reads_community=True)

    class Meta:
        ordering = ["community_id", "name"]
        constraints = [models.UniqueConstraint(fields=["community", "name"], name="fieldwork_section_name_unique")]
        verbose_name = _("section")
        verbose_name_plural = _("sections")

    def __str__(self) -> str:
        return self.name


class SectionBuilding(models.Model):
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="section_buildings")
    building = models.OneToOneField("registry.Building", on_delete=models.CASCADE, related_name="fieldwork_section")

    scope_paths = ScopePaths(community="section__community", grid_reads_community=True)

    class Meta:
        verbose_name = _("building of a section")
        verbose_name_plural = _("buildings of sections")


class Knock(models.Model):
    """One tap at one door in one campaign, as the phone recorded it."""

    class Outcome(models.TextChoices):
        # In their own context: "Refused" and "Sealed" mean other things elsewhere (a refused
        # registration, a sealed household).
        VISITED = "visited", pgettext_lazy("door knock", "Visited")
        NOBODY_HOME = "nobody_home", pgettext_lazy("door knock", "Nobody home (revisit)")
        REFUSED = "refused", pgettext_lazy("door knock", "Refused")
        VACANT = "vacant", pgettext_lazy("door knock", "Vacant")
        SEALED = "sealed", pgettext_lazy("door knock", "Sealed")

    event_id = models.UUIDField(unique=True, default=uuid.uuid4)
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="knocks",
                                 verbose_name=_("campaign"))
    dwelling = models.ForeignKey("registry.Dwelling", on_delete=models.PROTECT, related_name="fieldwork_knocks",
                                 verbose_name=_("dwelling"))
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices)
    # The questionnaire's answers ({key: value}, see questionnaire.CATALOGUE) and the people
    # found who are not in the register ([{name, phone, note}]), as the phone sent them.
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    occurred_at = models.DateTimeField(_("knocked at"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                    related_name="+", verbose_name=_("recorded by"))
    device_id = models.CharField(max_length=64, blank=True)
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)
    batch = models.UUIDField(null=True, blank=True)  # the sync request that stored it

    scope_paths = DWELLING_SCOPE

    class Meta:
        ordering = ["-occurred_at", "-pk"]
        indexes = [
            models.Index(fields=["campaign", "dwelling", "occurred_at"], name="knock_campaign_dwelling"),
            models.Index(fields=["campaign", "occurred_at"], name="knock_campaign_day"),
        ]
        verbose_name = _("door knock")
        verbose_name_plural = _("door knocks")

    def __str__(self) -> str:
        return f"{self.dwelling_id} {self.outcome}"


# The outcomes that cover a door: someone answered, or there is nobody to answer.
COVERING = (Knock.Outcome.VISITED, Knock.Outcome.VACANT, Knock.Outcome.SEALED)


class CoverageGap(models.Model):
    """Why a dwelling the campaign did not reach may stay unreached when it closes."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="gaps")
    dwelling = models.ForeignKey("registry.Dwelling", on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("dwelling"))
    reason = models.CharField(_("reason"), max_length=200)
    given_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    given_at = models.DateTimeField(auto_now_add=True)

    scope_paths = DWELLING_SCOPE

    class Meta:
        constraints = [models.UniqueConstraint(fields=["campaign", "dwelling"], name="fieldwork_gap_unique")]
        verbose_name = _("coverage gap")
        verbose_name_plural = _("coverage gaps")


class CareCategory(models.TextChoices):
    """The register's vulnerable tags (registry.models.PERSON_TAGS), by their field names."""

    ELDERLY_ALONE = "is_elderly_alone", _("Elderly living alone")
    DISABLED = "is_disabled", _("Disabled")
    CHILD_IN_HARDSHIP = "is_child_in_hardship", _("Child in hardship")
    EXTREMELY_POOR = "is_extremely_poor", _("Extremely poor")


class CareRule(models.Model):
    """How often the people of a category are visited, in force over a span of days."""

    community = models.ForeignKey("registry.Community", on_delete=models.CASCADE, related_name="+",
                                  verbose_name=_("community"))
    category = models.CharField(_("category"), max_length=24, choices=CareCategory.choices)
    every_days = models.PositiveSmallIntegerField(_("visit every (days)"))
    effective_from = models.DateField(_("in force from"))
    effective_to = models.DateField(_("in force until"), null=True, blank=True)
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    scope_paths = ScopePaths(community="community", grid_reads_community=True)

    class Meta:
        ordering = ["community_id", "category", "effective_from", "pk"]
        verbose_name = _("care visit rule")
        verbose_name_plural = _("care visit rules")


class CareAssignment(models.Model):
    """Who visits a vulnerable person."""

    person = models.OneToOneField("registry.Person", on_delete=models.CASCADE, related_name="care_assignment",
                                  verbose_name=_("person"))
    visitor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("visitor"))
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    assigned_at = models.DateTimeField(auto_now=True)

    scope_paths = PERSON_SCOPE

    class Meta:
        verbose_name = _("care assignment")
        verbose_name_plural = _("care assignments")


class CareVisit(models.Model):
    class NextStep(models.TextChoices):
        NONE = "none", _("None")
        DELIVER = "deliver", _("Deliver what is needed")
        REFER = "refer", _("Refer to another service")
        INCIDENT = "incident", _("Report an incident")
        SOONER = "sooner", _("Visit sooner")

    person = models.ForeignKey("registry.Person", on_delete=models.CASCADE, related_name="care_visits",
                               verbose_name=_("person"))
    visitor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                related_name="+", verbose_name=_("visitor"))
    visited_on = models.DateField(_("visited on"))
    situation = models.CharField(_("situation"), max_length=500)
    needs = models.CharField(_("needs"), max_length=300, blank=True)
    help_given = models.CharField(_("help given"), max_length=300, blank=True)
    next_step = models.CharField(_("next step"), max_length=10, choices=NextStep.choices, default=NextStep.NONE)
    # "Visit sooner": the day of the next visit, earlier than the rule's.
    next_visit_on = models.DateField(_("next visit on"), null=True, blank=True)
    incident_id = models.PositiveBigIntegerField(null=True, blank=True)  # the incident it raised, if any
    delivery_task_id = models.PositiveBigIntegerField(null=True, blank=True)  # the delivery it asked for, if any
    created_at = models.DateTimeField(auto_now_add=True)

    scope_paths = PERSON_SCOPE

    class Meta:
        ordering = ["-visited_on", "-pk"]
        indexes = [models.Index(fields=["person", "visited_on"], name="care_visit_person_day")]
        verbose_name = _("care visit")
        verbose_name_plural = _("care visits")

    def __str__(self) -> str:
        return f"{self.person_id} {self.visited_on}"

