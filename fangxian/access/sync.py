"""The batch sync of the checkpoint consoles' events (`scans_sync`).

A console writes each event to its IndexedDB before it shows the verdict, and sends them in
batches of at most 500 with the event_id it made; it deletes only what was acknowledged.
So the server must answer every event, in order, and store each event once however often
it arrives: the insert is `INSERT … ON CONFLICT DO NOTHING` (bulk_create with
ignore_conflicts) under the unique event_id, and the rows are read back to tell which
were stored by this request (they carry its batch id) and which were there already.

Every event is checked again on the server: the pass signature and validity with the
codec and the community's keys at the moment of the event, the revocation, the hold of a
home quarantine and the estate against the database, the temperature against the fever
threshold in force then. A move-in slip (FXS1:, made by returnees with the same key and
codec) is judged the same way: signature, validity, estate, and its dwelling on record. The
server's verdict is stored beside the device's, and a difference is flagged.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Annotated, Literal, Optional

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, Strict, field_validator, model_validator
from pydantic import ValidationError as SchemaError

from fangxian.core.schema_errors import field_of, message_of
from fangxian.core.scope import Scope
from fangxian.registry.models import Dwelling, Person

from . import passcodec
from .alerts import fever_alerts_raise
from .keys import public_key_of
from .models import Checkpoint, FeverAlert, Pass, Rule, RuleKey, Scan, SigningKey, Verdict
from .rules import rule_value_among
from .selectors import console_checkpoints

logger = logging.getLogger("fangxian.access.sync")

MAX_EVENTS = 500
MAX_ID = 2**63 - 1
EARLIEST = dt.datetime(2000, 1, 1, tzinfo=dt.timezone.utc)
LATEST = dt.datetime(2100, 1, 1, tzinfo=dt.timezone.utc)
# The prefix of a move-in slip (returnees.services.SLIP_PREFIX; access may not import returnees).
SLIP_PREFIX = "FXS1:"
SLIP_KIND = "move_in"


# -- one event, as the console sends it --------------------------------------------------


class VisitorIn(BaseModel):
    model_config = ConfigDict(extra="ignore")

    name: str = Field("", max_length=50)
    phone: str = Field("", max_length=20)
    visiting: str = Field("", max_length=100)
    why: str = Field("", max_length=200)

    @field_validator("name", "phone", "visiting", "why", mode="before")
    @classmethod
    def _none_is_empty(cls, value):
        return "" if value is None else value

    @field_validator("name", "phone", "visiting", "why")
    @classmethod
    def _tidy(cls, value: str) -> str:
        return " ".join(value.replace("\x00", " ").split())


class EventIn(BaseModel):
    """One event of a console. Unknown members are ignored (a newer console may send more)."""

    model_config = ConfigDict(extra="ignore")

    event_id: uuid.UUID
    device_seq: int = Field(ge=0, le=MAX_ID)
    kind: Literal["scan", "manual", "refusal"]
    occurred_at: AwareDatetime
    checkpoint: Annotated[int, Strict()] = Field(ge=1, le=MAX_ID)
    direction: Literal["in", "out"]
    pass_text: Optional[str] = Field(None, max_length=passcodec.MAX_SIZE)
    person: Optional[int] = Field(None, ge=1, le=MAX_ID)
    verdict: Literal["green", "red", "amber"]
    reason: str = Field("", max_length=200)
    temperature: Optional[Decimal] = Field(None, ge=Decimal("30"), le=Decimal("45"), allow_inf_nan=False)
    visitor: Optional[VisitorIn] = None

    @field_validator("reason", mode="before")
    @classmethod
    def _reason(cls, value):
        return "" if value is None else value

    @field_validator("reason")
    @classmethod
    def _tidy(cls, value: str) -> str:
        return " ".join(value.replace("\x00", " ").split())

    @field_validator("temperature")
    @classmethod
    def _one_decimal(cls, value: Decimal | None) -> Decimal | None:
        return None if value is None else value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)

    @field_validator("occurred_at")
    @classmethod
    def _plausible(cls, value: dt.datetime) -> dt.datetime:
        if not EARLIEST <= value < LATEST:
            raise ValueError("occurred_at is not between 2000 and 2100")
        return value

    @model_validator(mode="after")
    def _pass_for_scan(self):
        if self.pass_text is not None:
            self.pass_text = self.pass_text.strip()  # a USB scanner's trailing newline
        if self.kind == "scan" and not self.pass_text:
            raise ValueError("a scan needs pass_text")
        return self


def _schema_detail(error: SchemaError) -> str:
    parts = []
    for item in error.errors()[:3]:
        where = field_of(("body", "event", *item.get("loc", ()))) or "event"
        if item.get("type") == "value_error":
            message = str(item.get("msg", "")).removeprefix("Value error, ")
        else:
            message = message_of(item)
        parts.append(f"{where}: {message}")
    return "; ".join(parts)


def _event_id_echo(raw) -> str:
    """The event_id of a rejected event as the device sent it, so it can match the answer."""
    value = raw.get("event_id") if isinstance(raw, dict) else None
    if isinstance(value, (str, int)) and not isinstance(value, bool):
        return str(value)[:100]
    return ""


# -- the server's own verdict --------------------------------------------------------------


@dataclass
class _Context:
    """What the checks of one batch need, loaded once for all its events."""

    checkpoints: dict[int, Checkpoint]
    keys: dict[int, list[tuple[bytes, dt.datetime | None, object]]] = field(default_factory=dict)
    thresholds: dict[int, tuple[list[Rule], list[Rule]]] = field(default_factory=dict)  # (own, common) rules
    passes: dict[str, dict] = field(default_factory=dict)
    people: dict[int, dict] = field(default_factory=dict)
    dwellings: dict[int, dict] = field(default_factory=dict)

    @classmethod
    def load(cls, checkpoints: dict[int, Checkpoint], community_ids: set[int]) -> "_Context":
        ctx = cls(checkpoints=checkpoints)
        for key in SigningKey.objects.filter(community_id__in=community_ids):
            ctx.keys.setdefault(key.community_id, []).append((bytes(key.kid), key.retire_after, public_key_of(key)))
        rules = Rule.objects.filter(key=RuleKey.FEVER_THRESHOLD).filter(
            Q(community_id__in=community_ids) | Q(community__isnull=True)).only(
            "pk", "community_id", "value", "effective_from")
        common, own = [], {}
        for rule in rules:
            (common if rule.community_id is None else own.setdefault(rule.community_id, [])).append(rule)
        for community_id in community_ids:
            ctx.thresholds[community_id] = (own.get(community_id, []), common)
        return ctx

    def keys_at(self, community_id: int, at: dt.datetime) -> dict:
        return {kid: public for kid, retire, public in self.keys.get(community_id, ())
                if retire is None or at < retire}

    def threshold_at(self, community_id: int, at: dt.datetime) -> Decimal:
        """rules.fever_threshold at `at`, from the rules loaded once for the batch."""
        own, common = self.thresholds.get(community_id, ([], []))
        return Decimal(rule_value_among(RuleKey.FEVER_THRESHOLD, own, common, at))


@dataclass
class _Checked:
    event: EventIn
    checkpoint: Checkpoint
    claims: dict | None = None
    cti: str | None = None
    verdict: str = Verdict.RED
    why: str = ""
    pass_id: int | None = None
    person_id: int | None = None
    fever: bool = False
    slip: bool = False  # a move-in slip rather than a pass


def _decode(checked: _Checked, ctx: _Context, at: dt.datetime) -> None:
    community_id = checked.checkpoint.community_id
    checked.slip = checked.event.pass_text.startswith(SLIP_PREFIX)
    prefix = SLIP_PREFIX if checked.slip else passcodec.PASS_PREFIX
    try:
        claims = passcodec.decode(checked.event.pass_text, prefix=prefix,
                                  keys=ctx.keys_at(community_id, at), now=at)
    except passcodec.PassCodecError as error:
        checked.verdict, checked.why = Verdict.RED, error.reason
        authentic = error.claims  # set when the signature held but the time did not
        cti = authentic.get(passcodec.CLAIM_CTI) if isinstance(authentic, dict) else None
        if type(cti) is bytes and len(cti) == 16 and not checked.slip:
            checked.cti = cti.hex()
        return
    ours = claims.get(passcodec.CLAIM_FANGXIAN)
    cti = claims.get(passcodec.CLAIM_CTI)
    if not (isinstance(ours, dict) and type(ours.get("estate")) is int and isinstance(ours.get("kind"), str)
            and type(cti) is bytes and len(cti) == 16):
        checked.verdict, checked.why = Verdict.RED, "claims"
        return
    if checked.slip:
        if ours.get("kind") != SLIP_KIND or type(ours.get("dwelling")) is not int:
            checked.verdict, checked.why = Verdict.RED, "claims"
            return
        checked.claims = ours  # a slip's cti is no pass's: it is not looked up among the passes
        checked.verdict, checked.why = Verdict.GREEN, "move_in"  # until the database says otherwise
        return
    checked.claims, checked.cti = ours, cti.hex()
    checked.verdict, checked.why = Verdict.GREEN, "valid"  # until the database says otherwise


def _judge_slip(checked: _Checked, ctx: _Context) -> None:
    """A move-in slip admits its holder to move into its dwelling: of this checkpoint's
    estate, on record in the community (the slip itself is returnees', which access does not read)."""
    if checked.verdict != Verdict.GREEN:
        return
    row = ctx.dwellings.get(checked.claims["dwelling"])
    if checked.claims["estate"] not in checked.checkpoint.admitted_estate_ids():
        checked.verdict, checked.why = Verdict.RED, "wrong_estate"
    elif (row is None or row["community_id"] != checked.checkpoint.community_id
          or row["estate_id"] != checked.claims["estate"]):
        checked.verdict, checked.why = Verdict.RED, "unknown_dwelling"


def _judge_pass(checked: _Checked, ctx: _Context, at: dt.datetime) -> None:
    row = ctx.passes.get(checked.cti) if checked.cti else None
    if row is not None:
        checked.pass_id = row["pk"]
    if checked.verdict != Verdict.GREEN:
        return
    if checked.claims["estate"] not in checked.checkpoint.admitted_estate_ids():
        checked.verdict, checked.why = Verdict.RED, "wrong_estate"
    elif row is None or row["community_id"] != checked.checkpoint.community_id:
        checked.verdict, checked.why = Verdict.RED, "unknown_pass"
    elif row["revoked_at"] is not None and row["revoked_at"] <= at:
        checked.verdict, checked.why = Verdict.RED, "revoked"
    elif row["suspended_at"] is not None and row["suspended_at"] <= at:
        checked.verdict, checked.why = Verdict.RED, "suspended"
    elif row["estate_id"] != checked.claims["estate"]:
        checked.verdict, checked.why = Verdict.RED, "claims"


def _judge_manual(checked: _Checked, ctx: _Context) -> None:
    event = checked.event
    if event.person is not None:
        row = ctx.people.get(event.person)
        if row is None or row["community_id"] != checked.checkpoint.community_id:
            checked.verdict, checked.why = Verdict.RED, "unknown_person"
            return
        checked.person_id = row["pk"]
        if row["estate_id"] in checked.checkpoint.admitted_estate_ids():
            checked.verdict, checked.why = Verdict.GREEN, "resident"
        else:
            checked.verdict, checked.why = Verdict.AMBER, "other_estate"
        return
    # A visitor admitted by the volunteer: nothing for the server to check but the temperature.
    checked.verdict, checked.why = event.verdict, "visitor" if event.visitor else "manual"


def _check_all(items: list[_Checked], ctx: _Context, received_at: dt.datetime) -> None:
    for checked in items:
        if checked.event.kind == Scan.Kind.SCAN:
            _decode(checked, ctx, min(checked.event.occurred_at, received_at))
    ctis = {c.cti for c in items if c.cti}
    if ctis:
        for row in Pass.objects.filter(cti__in=ctis).values("pk", "cti", "community_id", "estate_id", "revoked_at",
                                                                "suspended_at"):
            ctx.passes[row["cti"]] = row
    dwellings = {c.claims["dwelling"] for c in items if c.slip and c.claims}
    if dwellings:
        for row in Dwelling.objects.filter(pk__in=dwellings).values(
                "pk", community_id=F("building__community_id"), estate_id=F("building__estate_id")):
            ctx.dwellings[row["pk"]] = row
    people = {c.event.person for c in items if c.event.kind == Scan.Kind.MANUAL and c.event.person}
    if people:
        for row in Person.objects.filter(pk__in=people).values(
                "pk", "community_id", estate_id=F("dwelling__building__estate_id")):
            ctx.people[row["pk"]] = row
    for checked in items:
        at = min(checked.event.occurred_at, received_at)
        kind = checked.event.kind
        if kind == Scan.Kind.SCAN and checked.slip:
            _judge_slip(checked, ctx)
        elif kind == Scan.Kind.SCAN:
            _judge_pass(checked, ctx, at)
        elif kind == Scan.Kind.MANUAL:
            _judge_manual(checked, ctx)
        else:
            checked.verdict, checked.why = Verdict.RED, "refused"
        temperature = checked.event.temperature
        if temperature is not None and temperature >= ctx.threshold_at(checked.checkpoint.community_id, at):
            checked.fever = True
            checked.verdict, checked.why = Verdict.RED, "fever"


# -- the batch -----------------------------------------------------------------------------


def _row(checked: _Checked, *, device_id: str, batch: uuid.UUID, received_at: dt.datetime, user) -> Scan:
    event, visitor = checked.event, checked.event.visitor
    return Scan(
        event_id=event.event_id, device_id=device_id, device_seq=event.device_seq, batch=batch,
        checkpoint=checked.checkpoint, community_id=checked.checkpoint.community_id, kind=event.kind,
        direction=event.direction, occurred_at=event.occurred_at, received_at=received_at,
        pass_obj_id=checked.pass_id, person_id=checked.person_id, device_verdict=event.verdict,
        server_verdict=checked.verdict, server_reason=checked.why[:40],
        disagreement=event.verdict != checked.verdict, reason=event.reason, temperature=event.temperature,
        visitor_name=visitor.name if visitor else "", visitor_phone=visitor.phone if visitor else "",
        visitor_visiting=visitor.visiting if visitor else "", visitor_why=visitor.why if visitor else "",
        synced_by=user if getattr(user, "is_authenticated", False) else None,
    )


def _detail(status: str, verdict: str, why: str, device_verdict: str | None = None) -> str:
    text = f"server {verdict} ({why})" if why else f"server {verdict}"
    if device_verdict is not None and device_verdict != verdict:
        text += f"; device {device_verdict}: flagged"
    return text if status == "stored" else f"already stored: {text}"


def _insert(rows: list[Scan], batch: uuid.UUID) -> dict[uuid.UUID, tuple]:
    """Insert what is new, ignore what is there; return event_id → (pk, batch, verdict, reason, device verdict)."""
    if rows:
        Scan.objects.bulk_create(rows, ignore_conflicts=True, batch_size=500)
    found = Scan.objects.filter(event_id__in=[row.event_id for row in rows]).values_list(
        "event_id", "pk", "batch", "server_verdict", "server_reason", "device_verdict")
    return {event_id: rest for event_id, *rest in found}


def scans_sync(*, device_id: str, events: list, user, scope: Scope,
               checkpoints: dict[int, Checkpoint] | None = None) -> list[dict]:
    """Store a console's batch of events; one acknowledgement per event, in order.

    Idempotent on event_id: an event already stored (by an earlier batch, a retry, or a
    concurrent request) answers "duplicate" and is not stored again. A malformed event, or
    one for a checkpoint outside `scope`'s consoles, answers "rejected" with the reason;
    the others are stored. Every pass is verified again here, and the server's verdict
    stored beside the device's. `checkpoints` (id → checkpoint) may be given already cut
    to the scope's consoles; otherwise they are looked up.
    """
    if checkpoints is None:
        named = (event.get("checkpoint") for event in events if isinstance(event, dict))
        ids = list({pk for pk in named if type(pk) is int and 1 <= pk <= MAX_ID})
        checkpoints = {c.pk: c for c in console_checkpoints(scope).filter(pk__in=ids)}
    return sync_batch(device_id=device_id, events=events, user=user, checkpoints=checkpoints)


def sync_batch(*, device_id: str, events: list, user, checkpoints: dict[int, Checkpoint]) -> list[dict]:
    received_at = timezone.now()
    acks: list[dict | None] = [None] * len(events)
    items: list[tuple[int, _Checked]] = []
    seen: dict[uuid.UUID, int] = {}
    for index, raw in enumerate(events):
        try:
            event = EventIn.model_validate(raw)
        except SchemaError as error:
            acks[index] = {"event_id": _event_id_echo(raw), "status": "rejected", "detail": _schema_detail(error)}
            continue
        if event.event_id in seen:  # the same event twice in one batch: the first one counts
            acks[index] = {"event_id": str(event.event_id), "status": "duplicate",
                           "detail": "already in this batch"}
            continue
        checkpoint = checkpoints.get(event.checkpoint)
        if checkpoint is None:
            acks[index] = {"event_id": str(event.event_id), "status": "rejected",
                           "detail": _("checkpoint: you may not record events for this checkpoint.")}
            continue
        seen[event.event_id] = index
        items.append((index, _Checked(event=event, checkpoint=checkpoint)))

    if items:
        # A retry is answered from what is stored, without checking its passes again. (An
        # event stored by a concurrent request after this look is still caught below.)
        known = dict((event_id, rest) for event_id, *rest in Scan.objects.filter(
            event_id__in=[checked.event.event_id for _i, checked in items]).values_list(
            "event_id", "server_verdict", "server_reason", "device_verdict"))
        fresh = []
        for index, checked in items:
            stored = known.get(checked.event.event_id)
            if stored is None:
                fresh.append((index, checked))
            else:
                acks[index] = {"event_id": str(checked.event.event_id), "status": "duplicate",
                               "detail": _detail("duplicate", *stored)}
        items = fresh

    if items:
        ctx = _Context.load(checkpoints, {checked.checkpoint.community_id for _i, checked in items})
        _check_all([checked for _i, checked in items], ctx, received_at)
        batch = uuid.uuid4()
        rows = [_row(checked, device_id=device_id, batch=batch, received_at=received_at, user=user)
                for _i, checked in items]
        try:
            with transaction.atomic():
                found = _insert(rows, batch)
                _raise_alerts(items, found, batch)
        except IntegrityError:
            # A pass or person deleted while the batch was checked: store row by row, so only
            # the events that cannot be stored are refused.
            logger.warning("sync batch of %s events from device %s: retrying row by row", len(rows), device_id[:64])
            found = {}
            for (index, checked), row in zip(items, rows, strict=True):
                try:
                    with transaction.atomic():
                        one = _insert([row], batch)
                        _raise_alerts([(index, checked)], one, batch)
                    found.update(one)
                except IntegrityError:
                    pass
        for index, checked in items:
            stored = found.get(checked.event.event_id)
            if stored is None:
                acks[index] = {"event_id": str(checked.event.event_id), "status": "rejected",
                               "detail": _("The event could not be stored.")}
                continue
            _pk, row_batch, verdict, why, device_verdict = stored
            status = "stored" if row_batch == batch else "duplicate"
            acks[index] = {"event_id": str(checked.event.event_id), "status": status,
                           "detail": _detail(status, verdict, why, device_verdict)}
    return acks  # type: ignore[return-value]


def _raise_alerts(items, found, batch) -> None:
    alerts = []
    for _index, checked in items:
        stored = found.get(checked.event.event_id)
        if not checked.fever or stored is None or stored[1] != batch:
            continue  # only the events this request stored raise an alert: a retry raises none
        alerts.append(FeverAlert(
            scan_id=stored[0], checkpoint=checked.checkpoint, community_id=checked.checkpoint.community_id,
            temperature=checked.event.temperature, raised_at=checked.event.occurred_at,
        ))
    if alerts:
        FeverAlert.objects.bulk_create(alerts)
        for alert in alerts:
            alert.community = alert.checkpoint.community
        if any(alert.pk is None for alert in alerts):  # a database without RETURNING
            by_scan = dict(FeverAlert.objects.filter(scan_id__in=[a.scan_id for a in alerts])
                           .values_list("scan_id", "pk"))
            for alert in alerts:
                alert.pk = by_scan.get(alert.scan_id)
        fever_alerts_raise(alerts)
