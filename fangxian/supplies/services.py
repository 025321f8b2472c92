"""Every write of supplies besides the bare stock acts of `stock`: donations received into
stock, places and items kept, and the front line's requests from asking to receipt. Each
function checks its caller's scope and refuses bad input with a message naming the field."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from fangxian.core.models import AuditEvent
from fangxian.core.scope import Scope
from fangxian.core.services import audit_object
from fangxian.registry.models import Community

from . import selectors, stock
from .models import Donation, Item, Movement, Place, SupplyRequest

R = SupplyRequest.Status
MAX_VALUE = Decimal("100000000")


def _text(value: object, limit: int) -> str:
    return " ".join(str(value or "").split())[:limit]


# -- items and places -------------------------------------------------------------------------


def item_save(*, scope: Scope, user, community: Community, name: object, unit: object, key: bool = False,
              low_stock: object = 0, item: Item | None = None) -> Item:
    """Add an item to the community's list, or change one (its name, unit, threshold)."""
    if not scope.runs(community.pk):
        raise PermissionDenied
    name, unit = _text(name, 40), _text(unit, 10)
    errors = {}
    if not name:
        errors["name"] = [_("Name the item.")]
    if not unit:
        errors["unit"] = [_("Give the unit it is counted in (个, 瓶, 箱…).")]
    try:
        threshold = int(str(low_stock or 0).strip())
        if threshold < 0:
            raise ValueError
    except ValueError:
        errors["low_stock"] = [_("Enter a whole number, 0 or more.")]
        threshold = 0
    if name and Item.objects.filter(community=community, name=name).exclude(pk=item.pk if item else None).exists():
        errors["name"] = [_("The community has an item of that name already.")]
    if errors:
        raise ValidationError(errors)
    item = item or Item(community=community)
    item.name, item.unit, item.key, item.low_stock = name, unit, bool(key), threshold
    item.save()
    audit_object(actor=user, action=AuditEvent.Action.UPDATE, obj=item, field="item")
    return item


STORE_NAME = "社区物资库"  # data, like the checkpoints' names: the same in either language


def places_ensure(community: Community) -> Place:
    """The community's office store, and a place for each active checkpoint that has none,
    made together in a fixed number of queries (a page may call it). Returns the store."""
    store, _made = Place.objects.get_or_create(community=community, kind=Place.Kind.STORE,
                                               defaults={"name": STORE_NAME})
    missing = list(selectors.checkpoints_without_place(community))
    if missing:
        names = set(Place.objects.filter(community=community).values_list("name", flat=True))
        made = []
        for checkpoint in missing:
            name = checkpoint.name if checkpoint.name not in names else f"{checkpoint.name} #{checkpoint.pk}"
            names.add(name)
            made.append(Place(community=community, kind=Place.Kind.CHECKPOINT, name=name, checkpoint=checkpoint))
        Place.objects.bulk_create(made, ignore_conflicts=True)
    return store


# -- donations --------------------------------------------------------------------------------


def _value(value: object) -> Decimal | None:
    text = "".join(str(value if value is not None else "").replace("¥", "").replace("元", "").split())
    if not text:
        return None
    try:
        amount = Decimal(text.replace(",", "")).quantize(Decimal("0.01"))
        if not amount.is_finite() or not Decimal("0") <= amount <= MAX_VALUE:
            raise InvalidOperation
    except (InvalidOperation, ValueError):
        raise ValidationError({"value": _("Enter the estimated value in yuan, or leave it empty.")}) from None
    return amount


def _next_number(community: Community, year: int) -> str:
    prefix = f"JZ{year}-"
    last = (Donation.objects.filter(community=community, number__startswith=prefix)
            .aggregate(last=Max("number"))["last"])
    return f"{prefix}{int(last[len(prefix):]) + 1 if last else 1:04d}"


def donation_record(*, scope: Scope, user, community: Community, donor_kind: str, donor_name: object = "",
                    donor_phone: object = "", naming: str = Donation.Naming.NOT_NAMED, display_name: object = "",
                    received_on: dt.date | None = None, value: object = None, note: object = "",
                    lines: list[tuple[Item, object]], place: Place | None = None,
                    event_id: uuid.UUID | None = None) -> Donation:
    """A donation received: the donor, whether and how they may be named, and its items, which
    enter the stock of `place` (the office store unless said). A repeated `event_id` is
    stored once."""
    if not scope.runs(community.pk):
        raise PermissionDenied
    event_id = event_id or uuid.uuid4()
    existing = Donation.objects.filter(event_id=event_id).first()
    if existing is not None:
        return existing
    errors: dict[str, list[str]] = {}
    if donor_kind not in Donation.DonorKind.values:
        errors["donor_kind"] = [_("Choose who gave it.")]
    anonymous = donor_kind == Donation.DonorKind.ANONYMOUS
    donor_name = "" if anonymous else _text(donor_name, 80)
    donor_phone = "" if anonymous else _text(donor_phone, 20)
    if not anonymous and not donor_name and donor_kind in Donation.DonorKind.values:
        errors["donor_name"] = [_("Give the donor's name, or choose anonymous.")]
    if donor_phone and not donor_phone.replace("-", "").replace("+", "").isdigit():
        errors["donor_phone"] = [_("A phone number has only digits.")]
    if naming not in Donation.Naming.values:
        errors["naming"] = [_("Choose whether the donor may be named publicly.")]
    display_name = _text(display_name, 60)
    if anonymous:
        naming, display_name = Donation.Naming.NOT_NAMED, ""
    elif naming == Donation.Naming.DISPLAY and not display_name:
        errors["display_name"] = [_("Give the display name the donor chose.")]
    today = timezone.localdate()
    received_on = received_on or today
    if received_on > today:
        errors["received_on"] = [_("The day cannot be in the future.")]
    try:
        value = _value(value)
    except ValidationError as error:
        errors.update(error.message_dict)
    clean_lines = []
    for index, (item, quantity) in enumerate(lines, start=1):
        if item.community_id != community.pk:
            errors[f"line_{index}"] = [_("Line %(n)d: that item is not of this community.") % {"n": index}]
            continue
        try:
            clean_lines.append((item, stock.clean_quantity(quantity)))
        except ValidationError:
            errors[f"line_{index}"] = [_("Line %(n)d: enter a whole number of units from 1 to 1,000,000.")
                                       % {"n": index}]
    if not lines:
        errors["lines"] = [_("Add at least one item with its quantity.")]
    if errors:
        raise ValidationError(errors)
    place = place or places_ensure(community)
    if place.community_id != community.pk:
        raise ValidationError({"place": _("That place is not of this item's community.")})
    now = timezone.now()
    try:
        with transaction.atomic():
            donation = Donation.objects.create(
                community=community, number=_next_number(community, received_on.year), donor_kind=donor_kind,
                donor_name=donor_name, donor_phone=donor_phone, naming=naming, display_name=display_name,
                received_on=received_on, received_by=user, value=value, note=_text(note, 200), created_at=now,
                event_id=event_id)
            stock.movements_write(
                [stock.Row(item, place, Movement.Kind.DONATION, quantity, {"donation": donation})
                 for item, quantity in clean_lines], user=user, event_id=event_id, day=received_on)
    except IntegrityError:
        existing = Donation.objects.filter(event_id=event_id).first()
        if existing is None:
            raise
        return existing
    audit_object(actor=user, action=AuditEvent.Action.CREATE, obj=donation)
    return donation


# -- requests from the front line -------------------------------------------------------------


def request_make(*, scope: Scope, user, item: Item, quantity: object, place: Place | None = None, team=None,
                 people: object = 0, note: object = "", event_id: uuid.UUID | None = None) -> SupplyRequest:
    """A checkpoint (its volunteers, the office) or a team (the office for it) asks for an item."""
    event_id = event_id or uuid.uuid4()
    existing = SupplyRequest.objects.filter(event_id=event_id).first()
    if existing is not None:
        return existing
    community_id = item.community_id
    if (place is None) == (team is None):
        raise ValidationError({"place": _("Say which checkpoint or team asks.")})
    requester = place if place is not None else team
    if requester.community_id != community_id:
        raise ValidationError({"place": _("That place is not of this item's community.")})
    if not selectors.asks_for(scope, community_id, place=place):
        raise PermissionDenied
    errors = {}
    try:
        quantity = stock.clean_quantity(quantity)
    except ValidationError as error:
        errors.update(error.message_dict)
    try:
        people = int(str(people or 0).strip())
        if not 0 <= people <= 100000:
            raise ValueError
    except ValueError:
        errors["people"] = [_("Enter how many people it serves, 0 or more.")]
    if errors:
        raise ValidationError(errors)
    try:
        request = SupplyRequest.objects.create(
            community_id=community_id, place=place, team=team, item=item, quantity=quantity, people=people,
            note=_text(note, 200), asked_by=user, asked_at=timezone.now(), event_id=event_id)
    except IntegrityError:
        return SupplyRequest.objects.get(event_id=event_id)
    audit_object(actor=user, action=AuditEvent.Action.CREATE, obj=request)
    return request


def request_decide(*, scope: Scope, user, request: SupplyRequest, approve: bool, note: object = "") -> SupplyRequest:
    """The office approves a waiting request, or refuses it with a reason."""
    if not scope.runs(request.community_id):
        raise PermissionDenied
    note = _text(note, 200)
    with transaction.atomic():
        request = SupplyRequest.objects.select_for_update().get(pk=request.pk)
        if request.status != R.WAITING:
            raise ValidationError({"status": _("This request has been decided already.")})
        if not approve and not note:
            raise ValidationError({"note": _("Say why the request is refused.")})
        request.status = R.APPROVED if approve else R.REFUSED
        request.decided_by, request.decided_at, request.decision_note = user, timezone.now(), note
        request.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    audit_object(actor=user, action=AuditEvent.Action.UPDATE, obj=request, field="status")
    return request


def request_issue(*, scope: Scope, user, request: SupplyRequest, quantity: object, source: Place | None = None,
                  event_id: uuid.UUID | None = None) -> SupplyRequest:
    """Issue an approved request from stock (the office store unless said), whole or in part:
    to a checkpoint, a transfer into its place; to a team, an issue out of stock. Issued in
    full, the request waits for the requester's acknowledgement."""
    if not scope.runs(request.community_id):
        raise PermissionDenied
    quantity = stock.clean_quantity(quantity)
    with transaction.atomic():
        request = _locked(request)
        if request.status != R.APPROVED:
            raise ValidationError({"status": _("Only an approved request is issued.")})
        left = request.quantity - selectors.issued_for(request)
        if quantity > left:
            raise ValidationError({"quantity": _("Only %(left)d %(unit)s are still to issue on this request.")
                                   % {"left": left, "unit": request.item.unit}})
        source = source or places_ensure(request.community)
        if request.place_id is not None:
            stock.transfer(scope=scope, user=user, item=request.item, source=source, target=request.place,
                           quantity=quantity, request=request, event_id=event_id)
        else:
            stock.stock_out(scope=scope, user=user, item=request.item, place=source, kind=Movement.Kind.ISSUE,
                            quantity=quantity, recipient=Movement.Recipient.TEAM, team=request.team,
                            request=request, event_id=event_id)
        if selectors.issued_for(request) >= request.quantity:
            request.status = R.ISSUED
            request.save(update_fields=["status"])
    return request


def _locked(request: SupplyRequest) -> SupplyRequest:
    """The request as stored now, locked until the transaction ends: its status decides."""
    # `of`: PostgreSQL locks no row of an outer join (the place is null for a team's request).
    return (SupplyRequest.objects.select_for_update(of=("self",)).select_related("item", "place", "community")
            .get(pk=request.pk))


def request_acknowledge(*, scope: Scope, user, request: SupplyRequest) -> SupplyRequest:
    """The requester (a volunteer of the checkpoint, or the office) says the supplies arrived."""
    if not selectors.asks_for(scope, request.community_id, place=request.place):
        raise PermissionDenied
    with transaction.atomic():
        request = _locked(request)
        if request.status != R.ISSUED:
            raise ValidationError({"status": _("Only an issued request is acknowledged.")})
        request.status, request.received_by, request.received_at = R.RECEIVED, user, timezone.now()
        request.save(update_fields=["status", "received_by", "received_at"])
    audit_object(actor=user, action=AuditEvent.Action.UPDATE, obj=request, field="status")
    return request


def request_cancel(*, scope: Scope, user, request: SupplyRequest) -> SupplyRequest:
    """A waiting request withdrawn by whoever may ask for it."""
    if not selectors.asks_for(scope, request.community_id, place=request.place):
        raise PermissionDenied
    with transaction.atomic():
        request = _locked(request)
        if request.status != R.WAITING:
            raise ValidationError({"status": _("Only a request still waiting is cancelled.")})
        request.status = R.CANCELLED
        request.save(update_fields=["status"])
    audit_object(actor=user, action=AuditEvent.Action.UPDATE, obj=request, field="status")
    return request

