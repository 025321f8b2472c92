"""Every write of a delivery task: a request made, a step taken, a courier given.

A task moves requested → assigned → picked up → delivered, or → failed (with a reason);
an open task may be cancelled (a meal when the quarantine ends); a failed one reopened. The
household confirms receipt of a delivered task on its link. Each step is a `TaskEvent`
with the `event_id` its phone made: a repeat answers with the first event and changes nothing.

Meals are made in bulk by `meals.meals_generate`; money by `ledger`.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
import uuid
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from fangxian.core.models import AuditEvent
from fangxian.core.notify import notify
from fangxian.core.scope import Scope
from fangxian.core.services import audit_object
from fangxian.registry.models import Dwelling

from . import selectors
from .models import Task, TaskEvent

Step = TaskEvent.Step
S = Task.Status

# step → (the statuses it may follow, the status it leads to)
TRANSITIONS: dict[str, tuple[tuple[str, ...], str | None]] = {
    Step.ASSIGNED: ((S.REQUESTED, S.ASSIGNED), S.ASSIGNED),
    Step.PICKED_UP: ((S.ASSIGNED,), S.PICKED_UP),
    Step.DELIVERED: ((S.ASSIGNED, S.PICKED_UP), S.DELIVERED),
    Step.FAILED: ((S.ASSIGNED, S.PICKED_UP), S.FAILED),
    Step.CANCELLED: ((S.REQUESTED, S.ASSIGNED), S.CANCELLED),
    Step.REOPENED: ((S.FAILED,), None),  # back to assigned (or requested, with nobody to take it)
    Step.CONFIRMED: ((S.DELIVERED,), None),  # the status stays delivered
}
REQUEST_KINDS = (Task.Kind.SHOPPING, Task.Kind.MEDICINE, Task.Kind.GARBAGE, Task.Kind.OTHER)
MAX_BUDGET = Decimal("10000")


def clean_text(value: object, limit: int) -> str:
    return " ".join(str(value or "").split())[:limit]


def clean_items(value: object) -> str:
    """A shopping list as typed: lines kept, each line's spaces tidied, empty lines dropped."""
    lines = [" ".join(line.split()) for line in str(value or "").splitlines()]
    return "\n".join(line for line in lines if line)[:1000]


THOUSANDS = re.compile(r"\d{1,3}(,\d{3})+(\.\d*)?")
PLAIN_AMOUNT = re.compile(r"\d+(\.\d*)?|\.\d+")


def clean_money(value: object, *, field: str, required: bool = False) -> Decimal | None:
    """An amount in yuan, 0.00 to 10,000.00, or a ValidationError naming the field. Full-width
    digits and a ¥ or 元 are read; a comma only as a thousands separator ("1,000.50"), since
    "1,000" read as a decimal comma would silently be one yuan."""
    text = unicodedata.normalize("NFKC", str(value if value is not None else ""))
    text = "".join(text.replace("¥", "").replace("元", "").split())
    if not text:
        if required:
            raise ValidationError({field: _("Enter an amount in yuan.")})
        return None
    if THOUSANDS.fullmatch(text):
        text = text.replace(",", "")
    try:
        if not PLAIN_AMOUNT.fullmatch(text):
            raise InvalidOperation
        amount = Decimal(text).quantize(Decimal("0.01"))
        if not amount <= MAX_BUDGET:
            raise InvalidOperation
    except (InvalidOperation, ValueError):
        raise ValidationError({field: _("Enter an amount from 0 to 10,000 yuan.")}) from None
    return amount


# -- requests ---------------------------------------------------------------------------------


def request_make(*, dwelling: Dwelling, kind: str, items: object = "", budget: object = None,
                 user=None, scope: Scope | None = None, source: str | None = None,
                 event_id: uuid.UUID | str | None = None, now: dt.datetime | None = None) -> Task:
    """A request of a household: shopping (a list, a budget), medicine, garbage pickup or
    something else; from its phone link (no user) or entered by a worker (for a household
    without a smartphone, or from a care visit or canvassing: `source`). Due within the
    community's rule; given to the building's standing courier when it has one. A repeat
    of the same event_id answers with the first request."""
    if user is not None and (scope is None or not selectors.may_edit_household(scope, dwelling)):
        raise PermissionDenied
    if event_id is not None:
        first = Task.objects.filter(event_id=event_id).first()
        if first is not None:
            if first.dwelling_id != dwelling.pk:
                raise ValidationError(_("This request was already recorded."))
            return first
    if kind not in REQUEST_KINDS:
        raise ValidationError({"kind": _("Choose shopping, medicine, garbage pickup or other.")})
    items = clean_items(items)
    if kind != Task.Kind.GARBAGE and not items:
        raise ValidationError({"items": _("Say what to bring.")})
    budget = clean_money(budget, field="budget") if kind == Task.Kind.SHOPPING else None
    now = now or timezone.now()
    community_id = dwelling.building.community_id
    rule = selectors.rule_for(community_id, timezone.localtime(now).date())
    profile = selectors.household_profile(dwelling)
    people = selectors.quarantined_people([dwelling.pk]).get(dwelling.pk) or dwelling.people.count() or 1
    courier_id = selectors.courier_of(dwelling.building_id)
    source = source or (Task.Source.WORKER if user is not None else Task.Source.HOUSEHOLD)
    with transaction.atomic():
        task = Task(dwelling=dwelling, kind=kind, day=timezone.localtime(now).date(),
                    due_by=now + dt.timedelta(hours=rule.request_hours), people=people,
                    dietary=profile.dietary, items=items, budget=budget, source=source,
                    requested_by=user if getattr(user, "is_authenticated", False) else None, created_at=now,
                    event_id=event_id or uuid.uuid4())
        if courier_id is not None:
            task.status, task.courier_id, task.assigned_at = S.ASSIGNED, courier_id, now
        task.full_clean(exclude=["dwelling", "courier", "requested_by"])
        try:
            with transaction.atomic():
                task.save()
        except IntegrityError:  # the same event_id arrived twice at once
            return Task.objects.get(event_id=task.event_id)
        if user is not None:
            audit_object(actor=user, action=AuditEvent.Action.CREATE, obj=task, detail=f"{kind} request")
    return task


# -- steps --------------------------------------------------------------------------------------


def task_step(*, task: Task, step: str, user=None, scope: Scope | None = None,
              event_id: uuid.UUID | str | None = None, at: dt.datetime | None = None, note: str = "",
              courier=None, contact_free: bool = True, photo=None) -> TaskEvent:
    """Move a task on by one step. `user` is None for the household (it only confirms
    receipt, on its link) and for the nightly job (it cancels meals); a user must be the
    task's courier or may edit its household (assigning: the latter only). A repeat of the
    same event_id answers with the first event."""
    if event_id is not None:
        first = TaskEvent.objects.filter(event_id=event_id).first()
        if first is not None:
            if first.task_id != task.pk:
                raise ValidationError(_("This step was already recorded."))
            return first
    if step not in TRANSITIONS:
        raise ValidationError({"step": _("Choose a step from the list.")})
    if user is not None:
        if scope is None or not selectors.may_work(scope, task):
            raise PermissionDenied
        if step in (Step.ASSIGNED, Step.REOPENED) and not scope.can_write(task):
            raise PermissionDenied
    elif step not in (Step.CONFIRMED, Step.CANCELLED):
        raise PermissionDenied
    note = clean_text(note, 200)
    if step == Step.FAILED and not note:
        raise ValidationError({"note": _("Say why the delivery failed.")})
    if step == Step.ASSIGNED and courier is None:
        raise ValidationError({"courier": _("Choose a courier.")})
    at = at or timezone.now()
    with transaction.atomic():
        task = Task.objects.select_for_update().get(pk=task.pk)
        allowed, status = TRANSITIONS[step]
        if task.status not in allowed:
            raise ValidationError(_("This task is %(status)s: it cannot be %(step)s now.")
                                  % {"status": task.get_status_display(), "step": Step(step).label})
        if step == Step.CONFIRMED and task.confirmed_at is not None:
            raise ValidationError(_("Receipt was already confirmed."))
        fields = _apply(task, step, status, at=at, note=note, courier=courier, contact_free=contact_free,
                        photo=photo)
        task.save(update_fields=fields)
        event = TaskEvent(task=task, step=step, at=at, note=note, event_id=event_id or uuid.uuid4(),
                          by=user if getattr(user, "is_authenticated", False) else None)
        try:
            with transaction.atomic():
                event.save()
        except IntegrityError:  # the same event_id at once from two sends: the first stands
            raise ValidationError(_("This step was already recorded.")) from None
    if step == Step.FAILED:
        notify("delivery_failed", community=task.dwelling.building.community,
               text=_("A delivery to a household in home quarantine failed."),
               url=reverse("delivery:task_detail", args=[task.pk]))
    return event


def _apply(task: Task, step: str, status: str | None, *, at, note, courier, contact_free, photo) -> list[str]:
    """Write the step on the task; the fields changed."""
    fields = ["status"]
    if step == Step.ASSIGNED:
        task.courier, task.assigned_at = courier, at
        fields += ["courier", "assigned_at"]
    elif step == Step.PICKED_UP:
        task.picked_up_at = at
        fields.append("picked_up_at")
    elif step == Step.DELIVERED:
        task.delivered_at, task.contact_free = at, bool(contact_free)
        fields += ["delivered_at", "contact_free"]
        if photo:
            task.photo = photo
            fields.append("photo")
    elif step == Step.FAILED:
        task.failed_at, task.failure_reason = at, note
        fields += ["failed_at", "failure_reason"]
    elif step == Step.CANCELLED:
        task.note = note
        fields.append("note")
    elif step == Step.REOPENED:
        status = S.ASSIGNED if task.courier_id else S.REQUESTED
        task.failed_at, task.picked_up_at = None, None
        fields += ["failed_at", "picked_up_at"]
    elif step == Step.CONFIRMED:
        task.confirmed_at = at
        fields = ["confirmed_at"]
    if status is not None:
        task.status = status
    return fields
