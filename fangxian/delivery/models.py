"""Home delivery 上门配送 for households in home quarantine: standard meals, shopping on their
behalf 代购, medicine, garbage pickup.

- `DeliveryRule`: what the community serves, from a day on (dated, like every rule): which
  meals and by what time, and how soon a household's request is due.
- `Household`: a dwelling's delivery profile: dietary notes, whether the courier may see its
  phone, and the random token of its phone link (the household asks and confirms there).
- `Task`: one thing to bring to one door on one day. Meals are generated every night for the
  next day (never typed); requests come from the household's link or from a worker.
- `TaskEvent`: a step of a task (assigned, picked up, delivered, failed, cancelled,
  confirmed) with the `event_id` the phone made, stored once however often it arrives.
- `Assignment`: a building's standing courier; a task of the building goes to them.
- `LedgerEntry`: the money of shopping runs as movements, never an editable balance; a
  correction is a reversing entry (see `ledger`).

Every model reaches its community, and its grid where grid workers see it, through its
scope paths. Couriers hold no community-wide role: they see their own tasks only
(selectors.visible_tasks).
"""

from __future__ import annotations

import secrets
import uuid

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from fangxian.core.scope import ScopePaths

DWELLING_SCOPE = ScopePaths(community="dwelling__building__community", grid="dwelling__building__grid",
                            grid_writes=True)
TASK_SCOPE = ScopePaths(community="task__dwelling__building__community", grid="task__dwelling__building__grid",
                        grid_writes=True)


def new_token() -> str:
    return secrets.token_urlsafe(24)


class Meal(models.TextChoices):
    BREAKFAST = "breakfast", _("Breakfast")
    LUNCH = "lunch", _("Lunch")
    DINNER = "dinner", _("Dinner")


class DeliveryRule(models.Model):
    """The standard meals of households in home quarantine, in force from a day on: a meal
    with no time is not served. The latest rule started by a day is the day's (core.dated)."""

    community = models.ForeignKey("registry.Community", on_delete=models.CASCADE, related_name="+",
                                  verbose_name=_("community"))
    effective_from = models.DateField(_("in force from"))
    breakfast_by = models.TimeField(_("breakfast delivered by"), null=True, blank=True)
    lunch_by = models.TimeField(_("lunch delivered by"), null=True, blank=True)
    dinner_by = models.TimeField(_("dinner delivered by"), null=True, blank=True)
    # A household's request (shopping, medicine, garbage) is late this many hours after it was made.
    request_hours = models.PositiveSmallIntegerField(_("requests delivered within (hours)"), default=24)
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    scope_paths = ScopePaths(community="community", grid_reads_community=True)

    class Meta:
        ordering = ["-effective_from", "-pk"]
        verbose_name = _("delivery rule")
        verbose_name_plural = _("delivery rules")

    def __str__(self) -> str:
        return f"{self.community_id} {self.effective_from}"

    def meal_times(self) -> dict[str, object]:
        """{meal: time} of the meals this rule serves, breakfast first."""
        times = {Meal.BREAKFAST: self.breakfast_by, Meal.LUNCH: self.lunch_by, Meal.DINNER: self.dinner_by}
        return {meal: time for meal, time in times.items() if time is not None}


class Household(models.Model):
    """A dwelling's delivery profile, made the first time it is needed."""

    dwelling = models.OneToOneField("registry.Dwelling", on_delete=models.CASCADE, related_name="delivery_profile",
                                    verbose_name=_("dwelling"))
    dietary = models.CharField(_("dietary notes"), max_length=200, blank=True,
                               help_text=_("For example halal, vegetarian, soft food, no spice."))
    # The courier sees the household's phone only when the household agreed.
    phone_shared = models.BooleanField(_("the courier may see the phone"), default=False)
    token = models.CharField(max_length=64, unique=True, default=new_token)
    created_at = models.DateTimeField(auto_now_add=True)

    scope_paths = DWELLING_SCOPE

    class Meta:
        verbose_name = _("delivery household")
        verbose_name_plural = _("delivery households")

    def __str__(self) -> str:
        return str(self.dwelling_id)


class Task(models.Model):
    class Kind(models.TextChoices):
        MEAL = "meal", _("Meal")
        SHOPPING = "shopping", _("Shopping")
        MEDICINE = "medicine", _("Medicine")
        GARBAGE = "garbage", _("Garbage pickup")
        OTHER = "other", pgettext_lazy("delivery", "Other")

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        ASSIGNED = "assigned", _("Assigned")
        PICKED_UP = "picked_up", _("Picked up")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Cancelled")

    class Source(models.TextChoices):
        GENERATED = "generated", _("Standard meals")
        HOUSEHOLD = "household", _("The household's link")
        WORKER = "worker", _("Entered by a worker")
        CARE_VISIT = "care_visit", _("A care visit")
        CANVASSING = "canvassing", _("Canvassing")

    dwelling = models.ForeignKey("registry.Dwelling", on_delete=models.PROTECT, related_name="delivery_tasks",
                                 verbose_name=_("dwelling"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    meal = models.CharField(_("meal"), max_length=10, choices=Meal.choices, blank=True)
    day = models.DateField(_("day"))
    due_by = models.DateTimeField(_("due by"))
    people = models.PositiveSmallIntegerField(_("people"), default=1)
    dietary = models.CharField(_("dietary notes"), max_length=200, blank=True)
    items = models.TextField(_("items"), max_length=1000, blank=True)
    budget = models.DecimalField(_("budget (yuan)"), max_digits=8, decimal_places=2, null=True, blank=True,
                                 validators=[MinValueValidator(0)])
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.REQUESTED)
    courier = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="+", verbose_name=_("courier"))
    source = models.CharField(_("source"), max_length=12, choices=Source.choices)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+", verbose_name=_("entered by"))
    created_at = models.DateTimeField(_("requested at"))
    assigned_at = models.DateTimeField(_("assigned at"), null=True, blank=True)
    picked_up_at = models.DateTimeField(_("picked up at"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    failed_at = models.DateTimeField(_("failed at"), null=True, blank=True)
    failure_reason = models.CharField(_("reason"), max_length=200, blank=True)
    contact_free = models.BooleanField(_("left at the door without contact"), default=True)
    photo = models.FileField(_("photo"), upload_to="delivery/", blank=True)
    confirmed_at = models.DateTimeField(_("receipt confirmed at"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    # The request as the household's phone (or a worker's page) made it: stored once.
    event_id = models.UUIDField(unique=True, default=uuid.uuid4)

    scope_paths = DWELLING_SCOPE

    class Meta:
        ordering = ["day", "due_by", "pk"]
        constraints = [models.UniqueConstraint(fields=["dwelling", "day", "meal"], condition=Q(kind="meal"),
                                               name="delivery_meal_once_a_day")]
        indexes = [models.Index(fields=["day", "status"]), models.Index(fields=["courier", "day"])]
        verbose_name = _("delivery task")
        verbose_name_plural = _("delivery tasks")

    def __str__(self) -> str:
        return f"{self.kind} {self.dwelling_id} {self.day}"

    OPEN = (Status.REQUESTED, Status.ASSIGNED, Status.PICKED_UP)

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN


class TaskEvent(models.Model):
    """One step of a task, as it was sent: a repeat of the same event_id is stored once."""

    class Step(models.TextChoices):
        ASSIGNED = "assigned", _("Assigned")
        PICKED_UP = "picked_up", _("Picked up")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Cancelled")
        REOPENED = "reopened", _("Reopened")
        CONFIRMED = "confirmed", _("Receipt confirmed")

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="events")
    step = models.CharField(_("step"), max_length=10, choices=Step.choices)
    at = models.DateTimeField(_("time"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                           related_name="+", verbose_name=_("by"))  # empty: the household, or the nightly job
    note = models.CharField(_("note"), max_length=200, blank=True)
    event_id = models.UUIDField(unique=True, default=uuid.uuid4)

    scope_paths = TASK_SCOPE

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("delivery step")
        verbose_name_plural = _("delivery steps")

    def __str__(self) -> str:
        return f"{self.task_id} {self.step}"


class Assignment(models.Model):
    """A building's standing courier (分楼包干): the tasks of its doors go to them."""

    building = models.OneToOneField("registry.Building", on_delete=models.CASCADE, related_name="delivery_assignment",
                                    verbose_name=_("building"))
    courier = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+",
                                verbose_name=_("courier"))
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    assigned_at = models.DateTimeField(_("assigned at"), auto_now=True)

    scope_paths = ScopePaths(community="building__community", grid="building__grid")

    class Meta:
        ordering = ["building__estate__name", "building__name"]
        verbose_name = _("standing delivery assignment")
        verbose_name_plural = _("standing delivery assignments")

    def __str__(self) -> str:
        return f"{self.building_id} → {self.courier_id}"


class LedgerEntry(models.Model):
    """A movement of money of the shopping runs. Balances are sums of these (ledger.balances):
    what a household owes, what a user is owed (a courier who advanced money) or holds (who
    received a repayment and has not passed it on).

    - purchase: `payer` (a courier) paid the shop for `dwelling`'s shopping (the receipt);
    - repayment: `dwelling` paid `payee` back (cash or transfer);
    - reimbursement: `payer` (the office) paid `payee` (a courier) what they advanced;
    - reversal: undoes `reverses` (same parties and amount), with a reason in `note`.
    """

    class Kind(models.TextChoices):
        PURCHASE = "purchase", _("Purchase (receipt)")
        REPAYMENT = "repayment", _("Repayment by the household")
        REIMBURSEMENT = "reimbursement", _("Reimbursement of a courier")
        REVERSAL = "reversal", _("Reversal")

    class Method(models.TextChoices):
        CASH = "cash", _("Cash")
        TRANSFER = "transfer", _("Transfer")

    community = models.ForeignKey("registry.Community", on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("community"))
    kind = models.CharField(_("kind"), max_length=14, choices=Kind.choices)
    amount = models.DecimalField(_("amount (yuan)"), max_digits=9, decimal_places=2,
                                 validators=[MinValueValidator(0)])
    dwelling = models.ForeignKey("registry.Dwelling", on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="+", verbose_name=_("household"))
    task = models.ForeignKey(Task, on_delete=models.PROTECT, null=True, blank=True, related_name="ledger_entries",
                             verbose_name=_("task"))
    payer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="+", verbose_name=_("paid by"))
    payee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="+", verbose_name=_("received by"))
    method = models.CharField(_("paid in"), max_length=10, choices=Method.choices, blank=True)
    receipt = models.FileField(_("receipt photo"), upload_to="receipts/", blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    reverses = models.OneToOneField("self", on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="reversal", verbose_name=_("reverses"))
    at = models.DateTimeField(_("time"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                    related_name="+", verbose_name=_("recorded by"))
    event_id = models.UUIDField(unique=True, default=uuid.uuid4)

    scope_paths = ScopePaths(community="community", grid="dwelling__building__grid", grid_writes=True)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["community", "at"])]
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")

    def __str__(self) -> str:
        return f"{self.kind} {self.amount}"
