"""The registry: subdistrict → community → residential group → estate → building → dwelling
→ person, and the grids that divide a community's buildings among responsible teams.

Each scoped model says how to reach its community and its grid (`scope_paths`), which is
all `core.scope` needs to decide who sees it.
"""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.utils.translation import gettext_lazy as _

from fangxian.core.personal import MaskedIdentity, mask_phone
from fangxian.core.scope import ScopePaths


class Subdistrict(models.Model):
    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=60)

    scope_paths = ScopePaths(subdistrict="pk")

    class Meta:
        ordering = ["code"]
        verbose_name = _("subdistrict")
        verbose_name_plural = _("subdistricts")

    def __str__(self) -> str:
        return self.name


class Community(models.Model):
    subdistrict = models.ForeignKey(Subdistrict, on_delete=models.PROTECT, related_name="communities")
    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=60)

    scope_paths = ScopePaths(community="pk", grid_reads_community=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("community")
        verbose_name_plural = _("communities")

    def __str__(self) -> str:
        return self.name


class ResidentialGroup(models.Model):
    community = models.ForeignKey(Community, on_delete=models.PROTECT, related_name="groups")
    number = models.PositiveSmallIntegerField(_("number"))
    name = models.CharField(_("name"), max_length=60)

    scope_paths = ScopePaths(community="community", grid_reads_community=True)

    class Meta:
        ordering = ["community_id", "number"]
        constraints = [models.UniqueConstraint(fields=["community", "number"], name="group_number_unique")]
        verbose_name = _("residential group")
        verbose_name_plural = _("residential groups")

    def __str__(self) -> str:
        return self.name


class Estate(models.Model):
    class Kind(models.TextChoices):
        ESTATE = "estate", _("Residential estate")
        URBAN_VILLAGE = "village", _("Urban village")

    community = models.ForeignKey(Community, on_delete=models.PROTECT, related_name="estates")
    group = models.ForeignKey(
        ResidentialGroup, on_delete=models.PROTECT, related_name="estates", verbose_name=_("residential group")
    )
    name = models.CharField(_("name"), max_length=60)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.ESTATE)

    scope_paths = ScopePaths(community="community", grid_reads_community=True)

    class Meta:
        ordering = ["community_id", "name"]
        constraints = [models.UniqueConstraint(fields=["community", "name"], name="estate_name_unique")]
        verbose_name = _("estate")
        verbose_name_plural = _("estates")

    def __str__(self) -> str:
        return self.name


class Entrance(models.Model):
    """A gate of an estate's enclosure: the place a checkpoint stands."""

    estate = models.ForeignKey(Estate, on_delete=models.CASCADE, related_name="entrances")
    name = models.CharField(_("name"), max_length=60)

    scope_paths = ScopePaths(community="estate__community", grid_reads_community=True)

    class Meta:
        ordering = ["estate_id", "name"]
        constraints = [models.UniqueConstraint(fields=["estate", "name"], name="entrance_name_unique")]
        verbose_name = _("entrance")
        verbose_name_plural = _("entrances")

    def __str__(self) -> str:
        return f"{self.estate.name} {self.name}"


class Grid(models.Model):
    community = models.ForeignKey(Community, on_delete=models.PROTECT, related_name="grids")
    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("name"), max_length=60)

    scope_paths = ScopePaths(community="community", grid="pk")

    class Meta:
        ordering = ["community_id", "code"]
        constraints = [models.UniqueConstraint(fields=["community", "code"], name="grid_code_unique")]
        verbose_name = _("grid")
        verbose_name_plural = _("grids")

    def __str__(self) -> str:
        return self.name


class GridTeamMember(models.Model):
    """A member of a grid's responsible team (the "red cell" 网格党建责任组)."""

    class Role(models.TextChoices):
        GRID_WORKER = "grid_worker", _("Grid worker")
        PARTY_MEMBER = "party_member", _("Party member")
        BUILDING_HEAD = "building_head", _("Building head")

    grid = models.ForeignKey(Grid, on_delete=models.CASCADE, related_name="team")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    name = models.CharField(_("name"), max_length=50)
    phone = models.CharField(_("mobile"), max_length=11, blank=True)
    building = models.ForeignKey(
        "Building", on_delete=models.SET_NULL, null=True, blank=True, related_name="heads",
        verbose_name=_("building"),
    )

    scope_paths = ScopePaths(community="grid__community", grid="grid")

    class Meta:
        ordering = ["grid_id", "role", "name"]
        verbose_name = _("grid team member")
        verbose_name_plural = _("grid team members")

    def __str__(self) -> str:
        return self.name

    @property
    def phone_masked(self) -> str:
        return mask_phone(self.phone)


class Building(models.Model):
    community = models.ForeignKey(Community, on_delete=models.PROTECT, related_name="buildings")
    estate = models.ForeignKey(Estate, on_delete=models.PROTECT, related_name="buildings", verbose_name=_("estate"))
    grid = models.ForeignKey(
        Grid, on_delete=models.SET_NULL, null=True, blank=True, related_name="buildings", verbose_name=_("grid")
    )
    name = models.CharField(_("name"), max_length=40)
    floors = models.PositiveSmallIntegerField(_("floors"), default=1)

    scope_paths = ScopePaths(community="community", grid="grid")

    class Meta:
        ordering = ["estate_id", "name"]
        constraints = [models.UniqueConstraint(fields=["estate", "name"], name="building_name_unique")]
        verbose_name = _("building")
        verbose_name_plural = _("buildings")

    def __str__(self) -> str:
        return f"{self.estate.name} {self.name}"


class Dwelling(models.Model):
    class Status(models.TextChoices):
        OCCUPIED = "occupied", _("Occupied")
        NOT_RETURNED = "not_returned", _("Not yet returned")
        SEALED = "sealed", _("Sealed")
        QUARANTINE = "quarantine", _("Home quarantine")

    building = models.ForeignKey(Building, on_delete=models.PROTECT, related_name="dwellings",
                                 verbose_name=_("building"))
    room = models.CharField(_("room"), max_length=20)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.OCCUPIED)

    scope_paths = ScopePaths(community="building__community", grid="building__grid", grid_writes=True)

    class Meta:
        ordering = ["building_id", "room"]
        constraints = [models.UniqueConstraint(fields=["building", "room"], name="dwelling_room_unique")]
        indexes = [
            models.Index(fields=["status"]),
            # The daily report counts dwellings by status per building from this index alone.
            models.Index(fields=["building", "status"], name="dwelling_building_status"),
        ]
        verbose_name = _("dwelling")
        verbose_name_plural = _("dwellings")

    def __str__(self) -> str:
        return f"{self.building} {self.room}"


# The person tags: (field name, label). One list drives the form, the filters, the
# register columns and the badges.
PERSON_TAGS = (
    ("is_elderly_alone", _("Elderly living alone")),
    ("is_disabled", _("Disabled")),
    ("is_child_in_hardship", _("Child in hardship")),
    ("is_extremely_poor", _("Extremely poor")),
    ("is_party_member", _("Party member")),
)


class Person(MaskedIdentity, models.Model):
    class Sex(models.TextChoices):
        MALE = "M", _("Male")
        FEMALE = "F", _("Female")

    class Kind(models.TextChoices):
        REGISTERED = "registered", _("Registered (hukou)")
        PERMANENT = "permanent", _("Permanent resident")
        TENANT = "tenant", _("Tenant")
        FLOATING = "floating", _("Floating")

    subdistrict = models.ForeignKey(Subdistrict, on_delete=models.PROTECT, related_name="+")
    community = models.ForeignKey(Community, on_delete=models.PROTECT, related_name="people")
    dwelling = models.ForeignKey(
        Dwelling, on_delete=models.PROTECT, null=True, blank=True, related_name="people", verbose_name=_("dwelling")
    )
    name = models.CharField(_("name"), max_length=50)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    birth_date = models.DateField(_("birth date"))
    national_id = models.CharField(_("ID number"), max_length=18)
    phone = models.CharField(_("mobile"), max_length=11, blank=True)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.PERMANENT)
    no_smartphone = models.BooleanField(_("no smartphone"), default=False)
    is_elderly_alone = models.BooleanField(_("Elderly living alone"), default=False)
    is_disabled = models.BooleanField(_("Disabled"), default=False)
    is_child_in_hardship = models.BooleanField(_("Child in hardship"), default=False)
    is_extremely_poor = models.BooleanField(_("Extremely poor"), default=False)
    is_party_member = models.BooleanField(_("Party member"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    scope_paths = ScopePaths(community="community", grid="dwelling__building__grid", grid_writes=True)

    class Meta:
        ordering = ["community_id", "name", "pk"]
        constraints = [
            # The same person is never registered twice in a subdistrict.
            models.UniqueConstraint(fields=["subdistrict", "national_id"], name="person_id_unique_in_subdistrict"),
        ]
        indexes = [
            models.Index(fields=["community", "name"]),
            models.Index(fields=["phone"]),
            # The daily report counts people by kind per community from this index alone.
            models.Index(fields=["community", "kind"], name="person_community_kind"),
        ]
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def __str__(self) -> str:
        return self.name

    @property
    def tags(self) -> list[str]:
        return [str(label) for field, label in PERSON_TAGS if getattr(self, field)]

    def age_on(self, day: dt.date) -> int:
        born = self.birth_date
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


class ResidentsImport(models.Model):
    """A register spreadsheet between its check and its commit.

    The file is kept only until it is committed or abandoned: it holds personal data.
    """

    class Status(models.TextChoices):
        CHECKED = "checked", _("Checked")
        COMMITTED = "committed", _("Imported")
        DISCARDED = "discarded", _("Discarded")

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="residents_imports")
    uploaded_by = models.ForeignKey("auth.User", on_delete=models.SET_NULL, null=True, related_name="+")
    original_name = models.CharField(_("file"), max_length=200)
    file = models.FileField(upload_to="residents_imports/", blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.CHECKED)
    row_count = models.PositiveIntegerField(_("rows"), default=0)
    error_count = models.PositiveIntegerField(_("errors"), default=0)
    errors = models.JSONField(default=list, blank=True)  # [{row, field, message}], capped
    # The preview of a file without errors: counts, and the rows added, changed, unchanged and left
    # out (masked, capped); only the counts stay once the upload is imported or discarded.
    plan = models.JSONField(default=dict, blank=True)
    # The community's register as the file was checked against (residents_update.register_digest):
    # the commit refuses if it changed meanwhile.
    register_digest = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    committed_at = models.DateTimeField(_("imported"), null=True, blank=True)

    scope_paths = ScopePaths(community="community")

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("register upload")
        verbose_name_plural = _("register uploads")

    def __str__(self) -> str:
        return self.original_name


class PendingPerson(models.Model):
    """Someone found living in a dwelling who is not in the register (canvassing found them
    at the door): waits for the dwelling's grid worker to register them or set them aside."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for registration")
        REGISTERED = "registered", _("Registered")
        DISMISSED = "dismissed", _("Set aside")

    community = models.ForeignKey(Community, on_delete=models.PROTECT, related_name="+", verbose_name=_("community"))
    dwelling = models.ForeignKey(Dwelling, on_delete=models.PROTECT, related_name="pending_people",
                                 verbose_name=_("dwelling"))
    name = models.CharField(_("name"), max_length=50)
    phone = models.CharField(_("mobile"), max_length=11, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    # Where it came from, for the reader ("canvassing: <campaign>"), and the event that made
    # it, so that the same knock sent twice makes one.
    source = models.CharField(_("found by"), max_length=100)
    source_ref = models.CharField(max_length=64, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PENDING)
    person = models.ForeignKey(Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                               verbose_name=_("registered as"))
    resolved_by = models.ForeignKey("auth.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution_note = models.CharField(_("reason"), max_length=200, blank=True)
    found_at = models.DateTimeField(_("found at"))
    created_at = models.DateTimeField(auto_now_add=True)

    scope_paths = ScopePaths(community="dwelling__building__community", grid="dwelling__building__grid",
                             grid_writes=True)

    class Meta:
        ordering = ["-found_at", "-pk"]
        indexes = [models.Index(fields=["community", "status"], name="pending_person_status")]
        verbose_name = _("person waiting for registration")
        verbose_name_plural = _("people waiting for registration")

    def __str__(self) -> str:
        return self.name

    @property
    def phone_masked(self) -> str:
        return mask_phone(self.phone)
