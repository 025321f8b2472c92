"""The audit log in the reader's language: a field by its model's verbose name ("证件号码",
not `national_id`), and a change between two choices by their labels ("居住 → 居家隔离",
not "occupied → quarantine").

Services record the field's attribute name and the raw choice codes, which stay stable when
the words change; the words are looked up only when a page shows the event. Everything comes
from the target model's `_meta` (no query), so the log costs the same whatever it shows.
"""

from __future__ import annotations

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.text import capfirst

from .models import AuditEvent

ARROW = " → "


def _field_of(event: AuditEvent) -> models.Field | None:
    if not event.field:
        return None
    try:
        field = apps.get_model(event.target_type)._meta.get_field(event.field)
    except (LookupError, ValueError, FieldDoesNotExist):
        return None
    return field if isinstance(field, models.Field) else None


def field_label(event: AuditEvent) -> str:
    """The field's verbose name, or its raw name when the model or the field is unknown."""
    field = _field_of(event)
    return str(capfirst(field.verbose_name)) if field is not None else event.field


def detail_label(event: AuditEvent) -> str:
    """The detail, with a choice of the field (or an "old → new" pair of them) as its label;
    any other detail as it was written."""
    field = _field_of(event)
    choices = dict(field.flatchoices) if field is not None and field.choices else {}
    if not choices or not event.detail:
        return event.detail
    parts = event.detail.split(ARROW)
    if len(parts) > 2 or not all(part in choices for part in parts):
        return event.detail
    return ARROW.join(str(choices[part]) for part in parts)


def label_events(events) -> None:
    """Give each event of a page its `field_label` and `detail_label` for the template."""
    for event in events:
        event.field_label = field_label(event)
        event.detail_label = detail_label(event)
