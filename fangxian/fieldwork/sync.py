"""The batch sync of the walk's door knocks (`knocks_sync`), like the checkpoint consoles'.

The walk page writes each tap to the phone's IndexedDB before it shows it done, and sends
the queue in batches of at most 200 with the event_id it made; it deletes only what was
acknowledged. The server answers every event, in order, and stores each event once however
often it arrives (a unique event_id, `bulk_create(ignore_conflicts=True)`, and the rows read
back to tell which this request stored). Only the knocks this request stored act on their
answers (answers.act_on_knocks), so a retry raises nothing twice.
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from fangxian.core.scope import Scope

from . import answers
from .models import Campaign, Knock
from .questionnaire import BY_KEY, MAX_COUNT, MAX_TEXT, TEMPERATURE_RANGE, questions_of
from .selectors import visible_campaigns, walkable_buildings

MAX_EVENTS = 200
MAX_NEWCOMERS = 10
EARLIEST = dt.datetime(2000, 1, 1, tzinfo=dt.timezone.utc)
# A phone's clock may run a little ahead; a knock further in the future is refused.
FUTURE_SLACK = dt.timedelta(minutes=10)


class EventError(ValueError):
    """An event that cannot be stored; the message names the field, in the user's language."""


def _text(value: Any, limit: int) -> str:
    return " ".join(str(value or "").replace("\x00", " ").split())[:limit]


def clean_answers(campaign: Campaign, outcome: str, raw: Any) -> dict:
    """The answers of one knock as the campaign's questionnaire asks them; a required one is
    needed only when someone was visited. Unknown keys are dropped."""
    raw = raw if isinstance(raw, dict) else {}
    clean: dict[str, Any] = {}
    for question, required in questions_of(campaign.questionnaire):
        value = raw.get(question.key)
        if value in (None, ""):
            if required and outcome == Knock.Outcome.VISITED:
                raise EventError(_("%(question)s: this answer is required.") % {"question": question.label})
            continue
        clean[question.key] = _answer(question.key, value)
    newcomers = raw.get("newcomers") or []
    if outcome == Knock.Outcome.VISITED and isinstance(newcomers, list) and newcomers:
        if len(newcomers) > MAX_NEWCOMERS:
            raise EventError(_("New people: at most %(n)s at one door.") % {"n": MAX_NEWCOMERS})
        clean["newcomers"] = [_newcomer(item) for item in newcomers]
    back_people = raw.get("back_people") or []
    if isinstance(back_people, list) and back_people and clean.get("back_from_outside"):
        clean["back_people"] = [int(p) for p in back_people if isinstance(p, int) and p > 0][:MAX_NEWCOMERS]
    return clean


def _answer(key: str, value: Any):
    kind, label = BY_KEY[key].kind, BY_KEY[key].label
    if kind == "yesno":
        if not isinstance(value, bool):
            raise EventError(_("%(question)s: answer yes or no.") % {"question": label})
        return value
    if kind == "count":
        if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= MAX_COUNT:
            raise EventError(_("%(question)s: a whole number from 0 to %(max)s.") % {"question": label,
                                                                                   "max": MAX_COUNT})
        return value
    if kind == "temperature":
        try:
            reading = Decimal(str(value)).quantize(Decimal("0.1"))
        except (InvalidOperation, ValueError):
            reading = None
        low, high = TEMPERATURE_RANGE
        if reading is None or not Decimal(str(low)) <= reading <= Decimal(str(high)):
            raise EventError(_("%(question)s: a reading from %(low)s to %(high)s °C.") % {
                "question": label, "low": low, "high": high})
        return str(reading)
    return _text(value, MAX_TEXT)


def _newcomer(item: Any) -> dict:
    item = item if isinstance(item, dict) else {}
    name = _text(item.get("name"), 50)
    phone = "".join(ch for ch in str(item.get("phone") or "") if ch.isdigit())
    if len(name) < 2:
        raise EventError(_("New people: give each one's name (2 characters or more)."))
    if phone and (len(phone) != 11 or not phone.startswith("1")):
        raise EventError(_("New people: %(name)s's mobile must be 11 digits starting with 1.") % {"name": name})
    return {"name": name, "phone": phone, "note": _text(item.get("note"), 100)}


def _occurred_at(raw: Any, now: dt.datetime) -> dt.datetime:
    value = parse_datetime(raw) if isinstance(raw, str) else None
    if value is None or timezone.is_naive(value):
        raise EventError(_("occurred_at: give the time with its offset (ISO 8601)."))
    if not EARLIEST <= value <= now + FUTURE_SLACK:
        raise EventError(_("occurred_at: the time is not plausible (in the future or before 2000)."))
    return value


def knocks_sync(*, scope: Scope, user, device_id: str, events: list) -> list[dict]:
    """One acknowledgement per event, in order: {event_id, status: stored|duplicate|rejected, detail}."""
    now = timezone.now()
    acks: list[dict | None] = [None] * len(events)
    campaigns = {c.pk: c for c in visible_campaigns(scope)}
    allowed_dwellings: dict[int, set[int]] = {}  # campaign → walkable dwelling ids, read once
    fresh: list[tuple[int, Knock]] = []
    seen: set[uuid.UUID] = set()
    for index, raw in enumerate(events):
        raw = raw if isinstance(raw, dict) else {}
        echo = _text(raw.get("event_id"), 64)
        try:
            try:
                event_id = uuid.UUID(str(raw.get("event_id")))
            except ValueError:
                raise EventError(_("event_id: not a UUID.")) from None
            if event_id in seen:
                acks[index] = {"event_id": echo, "status": "duplicate", "detail": _("already in this batch")}
                continue
            campaign = campaigns.get(raw.get("campaign")) if isinstance(raw.get("campaign"), int) else None
            if campaign is None:
                raise EventError(_("campaign: no such campaign for you."))
            if not campaign.is_open:
                raise EventError(_("campaign: %(name)s is closed.") % {"name": campaign.name})
            if campaign.pk not in allowed_dwellings:
                allowed_dwellings[campaign.pk] = set(
                    walkable_buildings(scope, campaign).values_list("dwellings__pk", flat=True))
            dwelling_id = raw.get("dwelling")
            if not isinstance(dwelling_id, int) or dwelling_id not in allowed_dwellings[campaign.pk]:
                raise EventError(_("dwelling: not one of the doors of your sections."))
            outcome = raw.get("outcome")
            if outcome not in Knock.Outcome.values:
                raise EventError(_("outcome: choose visited, nobody home, refused, vacant or sealed."))
            knock = Knock(event_id=event_id, campaign=campaign, dwelling_id=dwelling_id, outcome=outcome,
                          answers=clean_answers(campaign, outcome, raw.get("answers")),
                          occurred_at=_occurred_at(raw.get("occurred_at"), now),
                          recorded_by=user if getattr(user, "is_authenticated", False) else None,
                          device_id=_text(device_id, 64))
        except EventError as error:
            acks[index] = {"event_id": echo, "status": "rejected", "detail": str(error)}
            continue
        seen.add(event_id)
        fresh.append((index, knock))

    if fresh:
        batch = uuid.uuid4()
        for _index, knock in fresh:
            knock.batch = batch
        with transaction.atomic():
            Knock.objects.bulk_create([knock for _i, knock in fresh], ignore_conflicts=True)
            stored = dict(Knock.objects.filter(event_id__in=[k.event_id for _i, k in fresh])
                          .values_list("event_id", "batch"))
            mine = [k for _i, k in fresh if stored.get(k.event_id) == batch]
            if mine:
                answers.act_on_knocks(Knock.objects.filter(batch=batch).select_related(
                    "campaign__community", "dwelling__building__estate", "recorded_by"), user=user)
        for index, knock in fresh:
            status = "stored" if stored.get(knock.event_id) == batch else "duplicate"
            acks[index] = {"event_id": str(knock.event_id), "status": status,
                           "detail": "" if status == "stored" else _("already stored")}
    return acks  # type: ignore[return-value]
