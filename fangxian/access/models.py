"""Closed management 大合围: checkpoints at estate entrances, passes, the passage log kept
by the checkpoint console, fever alerts, and the rules and signing keys behind them.

Every model reaches its community through a `community` column (copied from the estate
or checkpoint when the row is made): the passage log grows by tens of thousands of rows a
day, and its scope filter must not join four tables to find the community.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fangxian.core.personal import mask_phone
from fangxian.core.scope import ScopePaths

# -- rules -------------------------------------------------------------------------------


class RuleKey(models.TextChoices):
    FEVER_THRESHOLD = "fever_threshold", _("Fever threshold (°C)")
    BUNDLE_MAX_AGE = "bundle_max_age", _("Checkpoint data maximum age (seconds)")
    PASS_VALID_DAYS = "pass_valid_days", _("Pass validity (days)")
    VISITOR_PASS_HOURS = "visitor_pass_hours", _("Visitor pass validity (hours)")
    KEY_OVERLAP_DAYS = "key_overlap_days", _("Old signing key still accepted after rotation (days)")
    QUARANTINE_HOUSEHOLD = "quarantine_household", _("Home quarantine covers the whole household (1 yes, 0 no)")


# The value in force when no rule has been set. Rules are data: an admin changes them with
# a date from which the new value holds; these only fill the gap before the first one.
RULE_DEFAULTS = {
    RuleKey.FEVER_THRESHOLD: "37.3",
    RuleKey.BUNDLE_MAX_AGE: str(6 * 3600),
    RuleKey.PASS_VALID_DAYS: "90",
    RuleKey.VISITOR_PASS_HOURS: "24",
    RuleKey.KEY_OVERLAP_DAYS: "30",
    RuleKey.QUARANTINE_HOUSEHOLD: "1",
}

# The range each rule's value must fall in (inclusive), and its type.
RULE_LIMITS = {
    RuleKey.FEVER_THRESHOLD: (Decimal("36.0"), Decimal("39.0"), Decimal),
    RuleKey.BUNDLE_MAX_AGE: (300, 7 * 24 * 3600, int),
    RuleKey.PASS_VALID_DAYS: (1, 366, int),
    RuleKey.VISITOR_PASS_HOURS: (1, 72, int),
    RuleKey.KEY_OVERLAP_DAYS: (0, 366, int),
    RuleKey.QUARANTINE_HOUSEHOLD: (0, 1, int),
}


class Rule(models.Model):
    """One value of a rule, in force from a moment on, for one community (or every community
    when `community` is empty). The latest one in force wins; a community's own rule wins
    over a rule for every community."""

    community = models.ForeignKey(
        "registry.Community", on_delete=models.CASCADE, null=True, blank=True, related_name="+",
        verbose_name=_("community"),
    )
    key = models.CharField(_("rule"), max_length=30, choices=RuleKey.choices)
    value = models.CharField(_("value"), max_length=40)
    effective_from = models.DateTimeField(_("in force from"))
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("set by")
    )
    created_at = models.DateTimeField(_("set at"), auto_now_add=True)
    announced = models.BooleanField(default=False, editable=False)  # its coming into force is in the bundle log

    scope_paths = ScopePaths(community="community")

    class Meta:
        ordering = ["key", "-effective_from", "-pk"]
        indexes = [models.Index(fields=["key", "community", "effective_from"])]
        verbose_name = _("rule")
        verbose_name_plural = _("rules")

    def __str__(self) -> str:
        return f"{self.key}={self.value}"


# -- checkpoints -------------------------------------------------------------------------

# The readiness checklist of a checkpoint, which is also a publicity point.
READINESS_ITEMS = (
    ("tent_table", _("Tent and table")),
    ("signage", _("Signage")),
    ("notices", _("Notices")),
    ("broadcast", _("Broadcast")),
    ("banner", _("Banner")),
    ("posters", _("Posters")),
    ("leaflets", _("Leaflets")),
    ("scan_code", _("Scan code")),
)
READINESS_KEYS = tuple(key for key, _label in READINESS_ITEMS)


class Checkpoint(models.Model):
    """A checkpoint 检疫点 at an entrance of an estate's enclosure."""

    entrance = models.OneToOneField(
        "registry.Entrance", on_delete=models.PROTECT, related_name="checkpoint", verbose_name=_("entrance")
    )
    community = models.ForeignKey("registry.Community", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("name"), max_length=60)
    all_day = models.BooleanField(_("open 24 hours"), default=True)
    opens_at = models.TimeField(_("opens at"), null=True, blank=True)
    closes_at = models.TimeField(_("closes at"), null=True, blank=True)
    active = models.BooleanField(_("active"), default=True)

    scope_paths = ScopePaths(community="community")

    class Meta:
        ordering = ["community", "name", "pk"]
        verbose_name = _("checkpoint")
        verbose_name_plural = _("checkpoints")

    def __str__(self) -> str:
        return self.name

    @property
    def estate_id(self) -> int:
        return self.entrance.estate_id

    def admitted_estate_ids(self) -> list[int]:
        """The estates whose passes this checkpoint accepts: the estate it encloses."""
        return [self.entrance.estate_id]


class ReadinessCheck(models.Model):
    """The day's readiness checklist of a checkpoint, ticked by the shift leader."""

    checkpoint = models.ForeignKey(Checkpoint, on_delete=models.CASCADE, related_name="readiness")
    community = models.ForeignKey("registry.Community", on_delete=models.PROTECT, related_name="+")
    date = models.DateField(_("date"))
    items = models.JSONField(_("ready"), default=list, blank=True)  # keys of READINESS_ITEMS
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("checked by")
    )
    checked_at = models.DateTimeField(_("checked at"), default=timezone.now)

    scope_paths = ScopePaths(community="community")

    class Meta:
        ordering = ["-date", "checkpoint"]
        constraints = [models.UniqueConstraint(fields=["checkpoint", "date"], name="readiness_one_per_day")]
        verbose_name = _("readiness check")
        verbose_name_plural = _("readiness checks")

    def __str__(self) -> str:
        return f"{self.checkpoint} {self.date}"

    @property
    def complete(self) -> bool:
        return set(READINESS_KEYS) <= set(self.items)

    @property
    def missing_labels(self) -> list[str]:
        return [str(label) for key, label in READINESS_ITEMS if key not in self.items]


# -- signing keys ------------------------------------------------------------------------


class SigningKey(models.Model):
    """A community's key that signs its passes and its checkpoint bundles.

    The newest key in force signs; a rotated key still verifies until `retire_after`, so the
    cards printed with it keep working while new ones are printed. The private key is never
    shown on a page, in the admin or in an API answer.
    """

    community = models.ForeignKey("registry.Community", on_delete=models.PROTECT, related_name="+")
    kid = models.BinaryField(_("key id"), max_length=32, unique=True)
    alg = models.CharField(_("algorithm"), max_length=10, default="ES256")
    private_key_pem = models.TextField(editable=False)
    public_jwk = models.JSONField(_("public key"))
    valid_from = models.DateTimeField(_("signs from"))
    retire_after = models.DateTimeField(_("verifies until"), null=True, blank=True)
    retire_announced = models.BooleanField(default=False, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    scope_paths = ScopePaths(community="community")

    class Meta:
        ordering = ["community", "-valid_from", "-pk"]
        verbose_name = _("signing key")
        verbose_name_plural = _("signing keys")

    def __str__(self) -> str:
        return self.kid_hex

    def __repr__(self) -> str:  # never the private key, not even in a traceback
        return f"<SigningKey {self.pk} {self.kid_hex}>"

    @property
    def kid_hex(self) -> str:
        return bytes(self.kid).hex() if self.kid is not None else ""

    def verifies_at(self, at: dt.datetime) -> bool:
        return self.retire_after is None or at < self.retire_after


class AccessChange(models.Model):
    """An append-only log of what changes a community's checkpoint bundle: a pass issued or
    revoked, a key rotated, a rule set. The largest id is the bundle's version, so the
    version only ever grows."""

    community = models.ForeignKey("registry.Community", on_delete=models.CASCADE, related_name="+")
    what = models.CharField(max_length=20)
    at = models.DateTimeField(auto_now_add=True)

    scope_paths = ScopePaths(community="community")

    class Meta:
        indexes = [models.Index(fields=["community", "id"])]


# -- passes ------------------------------------------------------------------------------


class PassQuerySet(models.QuerySet):
    def valid_at(self, moment: dt.datetime) -> "PassQuerySet":
        """The passes that admit at `moment`: exactly those whose `status_at(moment)` is "valid"
        (started, not expired, not revoked by then)."""
        return self.filter(valid_from__lte=moment, valid_until__gt=moment).filter(
            models.Q(revoked_at__isnull=True) | models.Q(revoked_at__gt=moment)).exclude(
            suspended_at__lte=moment)

    def suspended_at_moment(self, moment: dt.datetime) -> "PassQuerySet":
        """The passes held back at `moment` by a home quarantine: they would admit otherwise."""
        return self.filter(valid_from__lte=moment, valid_until__gt=moment, suspended_at__lte=moment).filter(
            models.Q(revoked_at__isnull=True) | models.Q(revoked_at__gt=moment))

    def valid_now(self) -> "PassQuerySet":
        return self.valid_at(timezone.now())


class Pass(models.Model):
    """A pass 通行证 of a person for an estate. The QR carries only a random id (cti), the
    estate, the kind and the validity, signed: no name, ID number or phone."""

    class Kind(models.TextChoices):
        RESIDENT = "resident", _("Resident")
        TENANT = "tenant", _("Tenant")
        WORKER = "worker", _("Works in the estate")
        VISITOR = "visitor", _("Visitor")

    class RevokeReason(models.TextChoices):
        MOVED_OUT = "moved_out", _("Moved out")
        HOME_QUARANTINE = "home_quarantine", _("Home quarantine")
        REISSUED = "reissued", _("Reissued")
        LOST = "lost", _("Lost")
        OTHER = "other", _("Other")

    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="passes",
                               verbose_name=_("person"))
    estate = models.ForeignKey("registry.Estate", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("estate"))
    community = models.ForeignKey("registry.Community", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    cti = models.CharField(_("pass id"), max_length=32, unique=True)  # 16 random bytes, hex
    phone_token = models.CharField(max_length=64, unique=True)  # the phone pass link
    issued_at = models.DateTimeField(_("issued"))
    valid_from = models.DateTimeField(_("valid from"))
    valid_until = models.DateTimeField(_("valid until"))
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoke_reason = models.CharField(_("reason"), max_length=20, choices=RevokeReason.choices, blank=True)
    revoke_note = models.CharField(_("note"), max_length=200, blank=True)
    # A home quarantine holds a pass back without ending it: on release the same card admits
    # again. `suspended_until` is the quarantine's planned end, shown at the gate.
    suspended_at = models.DateTimeField(_("suspended"), null=True, blank=True)
    suspended_until = models.DateField(_("suspended until"), null=True, blank=True)
    replaced_by = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                    verbose_name=_("replaced by"))
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                  related_name="+", verbose_name=_("issued by"))

    objects = PassQuerySet.as_manager()

    scope_paths = ScopePaths(community="community", grid="person__dwelling__building__grid")

    class Meta:
        ordering = ["-issued_at", "-pk"]
        indexes = [
            models.Index(fields=["community", "-issued_at"]),
            models.Index(fields=["estate", "revoked_at", "valid_until"]),
        ]
        verbose_name = _("pass")
        verbose_name_plural = _("passes")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"

    @property
    def cti_bytes(self) -> bytes:
        return bytes.fromhex(self.cti)

    @property
    def revocation_id(self) -> bytes:
        """SHA-256(cti)[:16]: what a checkpoint bundle lists for a revoked pass."""
        return hashlib.sha256(self.cti_bytes).digest()[:16]

    def status_at(self, at: dt.datetime) -> str:
        """valid, suspended, revoked, expired or pending; `Pass.objects.valid_at(at)` selects the valid ones."""
        if self.revoked_at is not None and self.revoked_at <= at:
            return "revoked"
        if at >= self.valid_until:
            return "expired"
        if at < self.valid_from:
            return "pending"
        if self.suspended_at is not None and self.suspended_at <= at:
            return "suspended"
        return "valid"

    @property
    def status(self) -> str:
        return self.status_at(timezone.now())

    @property
    def status_label(self) -> str:
        return str(PASS_STATUS_LABELS[self.status])


PASS_STATUS_LABELS = {
    "valid": _("Valid"),
    "revoked": _("Revoked"),
    "expired": _("Expired"),
    "pending": _("Not yet valid"),
    "suspended": _("Held back: home quarantine"),
}


# -- the passage log ---------------------------------------------------------------------


# What the server's check of an event found (Scan.server_reason): the codec's reason codes
# (passcodec.PassCodecError.reason) and the server's own.
SERVER_REASONS = {
    "valid": _("Valid pass"),
    "revoked": _("Pass revoked"),
    "suspended": _("In home quarantine"),
    "expired": _("Pass expired"),
    "not_yet_valid": _("Pass not yet valid"),
    "signature": _("Invalid signature"),
    "kid": _("Unknown signing key"),
    "unknown_kid": _("Unknown signing key"),
    "unsupported_alg": _("Unreadable code"),
    "prefix": _("Not a pass of this system"),
    "base45": _("Unreadable code"),
    "zlib": _("Unreadable code"),
    "cbor": _("Unreadable code"),
    "cose": _("Unreadable code"),
    "claims": _("Unreadable code"),
    "invalid": _("Unreadable code"),
    "wrong_estate": _("Not a pass for this estate"),
    "unknown_pass": _("Pass not on record"),
    "move_in": _("Move-in slip: allowed to move in"),
    "unknown_dwelling": _("Dwelling not on record"),
    "fever": _("Fever"),
    "refused": _("Turned away"),
    "resident": _("Resident, admitted by hand"),
    "other_estate": _("Lives in another estate"),
    "unknown_person": _("Person not on record"),
    "visitor": _("Visitor"),
    "manual": _("Admitted by hand"),
}


class Verdict(models.TextChoices):
    GREEN = "green", _("Admitted")
    RED = "red", _("Not admitted")
    AMBER = "amber", _("Check manually")


class Scan(models.Model):
    """One event at a checkpoint, as the console recorded it: a pass scanned, a manual
    admission, or a refusal. Made on the device with its own UUID (`event_id`); stored once,
    however often the device sends it."""

    class Kind(models.TextChoices):
        SCAN = "scan", _("Pass scanned")
        MANUAL = "manual", _("Manual admission")
        REFUSAL = "refusal", _("Refusal")

    class Direction(models.TextChoices):
        IN = "in", _("In")
        OUT = "out", _("Out")

    event_id = models.UUIDField(unique=True)
    device_id = models.CharField(_("device"), max_length=64)
    device_seq = models.BigIntegerField()
    batch = models.UUIDField(editable=False)  # the sync request that stored it
    checkpoint = models.ForeignKey(Checkpoint, on_delete=models.PROTECT, related_name="scans",
                                   verbose_name=_("checkpoint"))
    community = models.ForeignKey("registry.Community", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    direction = models.CharField(_("direction"), max_length=3, choices=Direction.choices)
    occurred_at = models.DateTimeField(_("time"))  # the device's clock
    received_at = models.DateTimeField(_("received"))
    pass_obj = models.ForeignKey(Pass, on_delete=models.SET_NULL, null=True, blank=True, related_name="scans",
                                 db_column="pass_id", verbose_name=_("pass"))
    person = models.ForeignKey("registry.Person", on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="+", verbose_name=_("person"))
    device_verdict = models.CharField(_("device verdict"), max_length=5, choices=Verdict.choices)
    server_verdict = models.CharField(_("server verdict"), max_length=5, choices=Verdict.choices)
    server_reason = models.CharField(_("server check"), max_length=40, blank=True)
    disagreement = models.BooleanField(_("disagreement"), default=False)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    temperature = models.DecimalField(_("temperature"), max_digits=3, decimal_places=1, null=True, blank=True)
    visitor_name = models.CharField(_("visitor name"), max_length=50, blank=True)
    visitor_phone = models.CharField(_("visitor mobile"), max_length=20, blank=True)
    visitor_visiting = models.CharField(_("visiting"), max_length=100, blank=True)
    visitor_why = models.CharField(_("purpose"), max_length=200, blank=True)
    synced_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                  related_name="+", verbose_name=_("sent by"))

    scope_paths = ScopePaths(community="community")

    class Meta:
        ordering = ["-occurred_at", "-pk"]
        indexes = [
            models.Index(fields=["community", "-occurred_at"]),
            models.Index(fields=["checkpoint", "occurred_at"]),
            models.Index(fields=["community", "kind", "-occurred_at"]),
        ]
        verbose_name = _("passage")
        verbose_name_plural = _("passages")

    def __str__(self) -> str:
        return f"{self.kind} {self.event_id}"

    @property
    def visitor_phone_masked(self) -> str:
        return mask_phone(self.visitor_phone)

    @property
    def server_reason_label(self) -> str:
        return str(SERVER_REASONS.get(self.server_reason, self.server_reason))


class FeverAlert(models.Model):
    """A temperature at or above the fever threshold at a checkpoint, and its follow-up."""

    class Outcome(models.TextChoices):
        NORMAL = "normal_on_remeasure", _("Normal on re-measure")
        FEVER_CLINIC = "fever_clinic", _("Sent to the fever clinic")
        HOME_QUARANTINE = "home_quarantine", _("Home quarantine")
        OTHER = "other", _("Other")

    # A gate's alert has its scan and checkpoint; one raised at a door (canvassing) has
    # neither, and says where in `place` and whom in `person`.
    scan = models.OneToOneField(Scan, on_delete=models.CASCADE, related_name="fever_alert", null=True, blank=True)
    checkpoint = models.ForeignKey(Checkpoint, on_delete=models.PROTECT, related_name="+", null=True, blank=True,
                                   verbose_name=_("checkpoint"))
    place = models.CharField(_("where"), max_length=120, blank=True)
    person = models.ForeignKey("registry.Person", on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="+", verbose_name=_("person"))
    source_ref = models.CharField(max_length=64, blank=True)  # the door knock's event id
    community = models.ForeignKey("registry.Community", on_delete=models.PROTECT, related_name="+")
    # None: symptoms reported at a door without a reading.
    temperature = models.DecimalField(_("temperature"), max_digits=3, decimal_places=1, null=True, blank=True)
    raised_at = models.DateTimeField(_("raised"))
    assigned_to = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("assigned to"))
    assigned_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)
    outcome_note = models.CharField(_("note"), max_length=200, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="+", verbose_name=_("closed by"))

    scope_paths = ScopePaths(community="community")

    class Meta:
        ordering = ["-raised_at", "-pk"]
        indexes = [models.Index(fields=["community", "closed_at"])]
        verbose_name = _("fever alert")
        verbose_name_plural = _("fever alerts")

    def __str__(self) -> str:
        return f"{self.where} {self.temperature}"

    @property
    def where(self) -> str:
        return self.checkpoint.name if self.checkpoint_id else self.place

    @property
    def is_open(self) -> bool:
        return self.closed_at is None
