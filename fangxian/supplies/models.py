"""Supplies 物资 and donations 捐赠 to the front line.

- `Item`: a kind of supply the community keeps (masks, disinfectant, thermometers…), counted
  in whole units (个, 瓶, 箱…), with a low-stock threshold; a key item is in the daily report.
- `Place`: where stock is held: the office store, each checkpoint.
- `Donation`: who gave what on which day, who received it, whether and how the donor may be
  named publicly. Its items enter stock as movements.
- `Movement`: the stock ledger, never an editable balance. Each row changes the stock of one
  item at one place by `change` (positive in, negative out); the stock is the sum. A
  correction is a reversing movement (`reverses`) with a reason; the services refuse any
  movement that would take a stock below zero (see `stock`).
- `SupplyRequest`: what a checkpoint or a team asks for; the office approves, issues from
  stock (movements that point at the request), and the requester acknowledges receipt.

Every model reaches its community through its scope paths; none belongs to a grid.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from fangxian.core.scope import ScopePaths

COMMUNITY_SCOPE = ScopePaths(community="community")


class Item(models.Model):
    community = models.ForeignKey("registry.Community", on_delete=models.CASCADE, related_name="+",
                                  verbose_name=_("community"))
    name = models.CharField(_("item"), max_length=40)
    unit = models.CharField(_("unit"), max_length=10)
    key = models.BooleanField(_("key item"), default=False,
                              help_text=_("Shown in the daily report and on the dashboard."))
    low_stock = models.PositiveIntegerField(_("low-stock threshold"), default=0,
                                            help_text=_("Warn when the stock of a place falls to this or below."))
    active = models.BooleanField(_("in use"), default=True)

    scope_paths = COMMUNITY_SCOPE

    class Meta:
        ordering = ["community_id", "-key", "name"]
        constraints = [models.UniqueConstraint(fields=["community", "name"], name="supplies_item_name_unique")]
        verbose_name = _("item")
        verbose_name_plural = _("items")

    def __str__(self) -> str:
        return f"{self.name} ({self.unit})"


class Place(models.Model):
    class Kind(models.TextChoices):
        STORE = "store", _("Office store")
        CHECKPOINT = "checkpoint", _("Checkpoint")

    community = models.ForeignKey("registry.Community", on_delete=models.CASCADE, related_name="+",
                                  verbose_name=_("community"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=60)
    checkpoint = models.OneToOneField("access.Checkpoint", on_delete=models.CASCADE, null=True, blank=True,
                                      related_name="supply_place", verbose_name=_("checkpoint"))

    scope_paths = COMMUNITY_SCOPE

    class Meta:
        ordering = ["community_id", "kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["community", "name"], name="supplies_place_name_unique"),
            models.CheckConstraint(condition=Q(kind="checkpoint", checkpoint__isnull=False)
                                   | Q(kind="store", checkpoint__isnull=True), name="supplies_place_kind"),
        ]
        verbose_name = _("place")
        verbose_name_plural = _("places")

    def __str__(self) -> str:
        return self.name


class Donation(models.Model):
    class DonorKind(models.TextChoices):
        ENTERPRISE = "enterprise", _("Enterprise")
        ORGANISATION = "organisation", _("Organisation")
        PARTY_MEMBER = "party_member", _("Party member")
        RESIDENT = "resident", _("Resident")
        ANONYMOUS = "anonymous", _("Anonymous")

    class Naming(models.TextChoices):
        NAMED = "named", _("By name")
        DISPLAY = "display", _("Under a display name")
        NOT_NAMED = "not_named", _("Not named publicly")

    community = models.ForeignKey("registry.Community", on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("community"))
    number = models.CharField(_("receipt number"), max_length=20)
    donor_kind = models.CharField(_("donor"), max_length=12, choices=DonorKind.choices)
    donor_name = models.CharField(_("donor's name"), max_length=80, blank=True)
    donor_phone = models.CharField(_("donor's phone"), max_length=20, blank=True)
    naming = models.CharField(_("named publicly"), max_length=10, choices=Naming.choices, default=Naming.NOT_NAMED)
    display_name = models.CharField(_("display name"), max_length=60, blank=True,
                                    help_text=_("What the public donations page shows, if the donor agreed."))
    received_on = models.DateField(_("received on"))
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("received by"))
    value = models.DecimalField(_("estimated value (yuan)"), max_digits=11, decimal_places=2, null=True, blank=True,
                                validators=[MinValueValidator(0)])
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("recorded at"))
    event_id = models.UUIDField(unique=True, default=uuid.uuid4)

    scope_paths = COMMUNITY_SCOPE

    class Meta:
        ordering = ["-received_on", "-pk"]
        constraints = [models.UniqueConstraint(fields=["community", "number"], name="supplies_donation_number")]
        verbose_name = _("donation")
        verbose_name_plural = _("donations")

    def __str__(self) -> str:
        return self.number

    @property
    def public_name(self) -> str:
        """The name the public may read: the donor's name or display name where they agreed;
        empty when they did not (the public page then counts them as anonymous)."""
        if self.donor_kind == self.DonorKind.ANONYMOUS or self.naming == self.Naming.NOT_NAMED:
            return ""
        return self.display_name if self.naming == self.Naming.DISPLAY else self.donor_name


class SupplyRequest(models.Model):
    class Status(models.TextChoices):
        WAITING = "waiting", _("Waiting for approval")
        APPROVED = "approved", _("Approved, to issue")
        ISSUED = "issued", _("Issued, to acknowledge")
        RECEIVED = "received", _("Received")
        REFUSED = "refused", _("Refused")
        CANCELLED = "cancelled", _("Cancelled")

    OPEN = (Status.WAITING, Status.APPROVED)

    community = models.ForeignKey("registry.Community", on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("community"))
    place = models.ForeignKey(Place, on_delete=models.PROTECT, null=True, blank=True, related_name="requests",
                              verbose_name=_("checkpoint"))
    team = models.ForeignKey("duty.VolunteerTeam", on_delete=models.PROTECT, null=True, blank=True,
                             related_name="+", verbose_name=_("team"))
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="requests", verbose_name=_("item"))
    quantity = models.PositiveIntegerField(_("quantity"), validators=[MinValueValidator(1)])
    people = models.PositiveIntegerField(_("people served"), default=0)
    note = models.CharField(_("what for"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.WAITING)
    asked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("asked by"))
    asked_at = models.DateTimeField(_("asked at"))
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("decided by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.CharField(_("reason"), max_length=200, blank=True)
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("acknowledged by"))
    received_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    event_id = models.UUIDField(unique=True, default=uuid.uuid4)

    scope_paths = COMMUNITY_SCOPE

    class Meta:
        ordering = ["-asked_at", "-pk"]
        constraints = [models.CheckConstraint(condition=Q(place__isnull=True) | Q(team__isnull=True),
                                              name="supplies_request_one_requester")]
        indexes = [models.Index(fields=["community", "status"])]
        verbose_name = _("supply request")
        verbose_name_plural = _("supply requests")

    def __str__(self) -> str:
        return f"{self.item.name} × {self.quantity}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN


class Movement(models.Model):
    class Kind(models.TextChoices):
        DONATION = "donation", _("Donation received")
        PURCHASE = "purchase", _("Purchase")
        TRANSFER_IN = "transfer_in", _("Transfer in")
        ISSUE = "issue", _("Issued")
        TRANSFER_OUT = "transfer_out", _("Transfer out")
        USE = "use", _("Used up")
        LOSS = "loss", _("Loss")
        EXPIRY = "expiry", _("Expired")
        REVERSAL = "reversal", _("Reversal")

    IN = (Kind.DONATION, Kind.PURCHASE, Kind.TRANSFER_IN)
    OUT = (Kind.ISSUE, Kind.TRANSFER_OUT, Kind.USE, Kind.LOSS, Kind.EXPIRY)
    # What counts as consumed when the days of stock left are reckoned: what left the
    # community's hands, not what moved between its own places.
    CONSUMED = (Kind.ISSUE, Kind.USE, Kind.LOSS, Kind.EXPIRY)

    class Recipient(models.TextChoices):
        TEAM = "team", _("A volunteer team")
        HOUSEHOLD = "household", _("A household")
        DELIVERY = "delivery", _("The delivery team")
        FRONT_LINE = "front_line", _("Front-line workers")
        OTHER = "other", _("Other")

    community = models.ForeignKey("registry.Community", on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("community"))
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="movements", verbose_name=_("item"))
    place = models.ForeignKey(Place, on_delete=models.PROTECT, related_name="movements", verbose_name=_("place"))
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    change = models.IntegerField(_("change"))  # + in, − out; never 0
    day = models.DateField(_("day"))
    at = models.DateTimeField(_("time"))
    donation = models.ForeignKey(Donation, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="movements", verbose_name=_("donation"))
    request = models.ForeignKey(SupplyRequest, on_delete=models.PROTECT, null=True, blank=True,
                                related_name="movements", verbose_name=_("request"))
    activity = models.ForeignKey("duty.TeamActivity", on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="+", verbose_name=_("team activity"))
    other_place = models.ForeignKey(Place, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                    verbose_name=_("from or to"))
    recipient = models.CharField(_("issued to"), max_length=10, choices=Recipient.choices, blank=True)
    team = models.ForeignKey("duty.VolunteerTeam", on_delete=models.PROTECT, null=True, blank=True,
                             related_name="+", verbose_name=_("team"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    reverses = models.OneToOneField("self", on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="reversal", verbose_name=_("reverses"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                    related_name="+", verbose_name=_("recorded by"))
    # The act it was written in (a donation's items, a transfer's two halves: one act each);
    # its first row's event_id is the act's, the others' derive from it.
    act = models.UUIDField(db_index=True)
    event_id = models.UUIDField(unique=True, default=uuid.uuid4)

    scope_paths = COMMUNITY_SCOPE

    class Meta:
        ordering = ["-at", "-pk"]
        constraints = [models.CheckConstraint(condition=~Q(change=0), name="supplies_movement_not_zero")]
        indexes = [models.Index(fields=["community", "day"]), models.Index(fields=["item", "place"])]
        verbose_name = _("stock movement")
        verbose_name_plural = _("stock movements")

    def __str__(self) -> str:
        return f"{self.kind} {self.item_id}@{self.place_id} {self.change:+d}"

    @property
    def quantity(self) -> int:
        return abs(self.change)
