"""Pydantic's errors as the API says them: which field, and a sentence in the user's language.

Used by the API's error mapping (api/errors.py) and by every app that validates a schema of
its own outside ninja's parameters (the console's events in access/sync.py).
"""

from __future__ import annotations

from django.utils.translation import gettext as _


def message_of(error: dict) -> str:
    """A sentence for one pydantic error, translated: pydantic's own text is English only."""
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    if kind == "missing":
        return _("This field is required.")
    if kind in {"string_type", "string_unicode"}:
        return _("Enter text.")
    if kind == "string_too_long":
        return _("Enter at most %(count)s characters.") % {"count": ctx.get("max_length", "?")}
    if kind == "string_too_short":
        return _("Enter at least %(count)s characters.") % {"count": ctx.get("min_length", "?")}
    if kind in {"int_parsing", "int_type", "int_from_float", "float_parsing", "float_type"}:
        return _("Enter a whole number.")
    if kind in {"greater_than_equal", "greater_than"}:
        return _("Enter a number of at least %(limit)s.") % {"limit": ctx.get("ge", ctx.get("gt", "?"))}
    if kind in {"less_than_equal", "less_than"}:
        return _("Enter a number of at most %(limit)s.") % {"limit": ctx.get("le", ctx.get("lt", "?"))}
    if kind in {"literal_error", "enum"}:
        return _("Choose one of: %(choices)s.") % {"choices": ctx.get("expected", "")}
    if kind.startswith("date") or kind.startswith("datetime"):
        return _("Enter a date as YYYY-MM-DD.")
    if kind.startswith("bool"):
        return _("Enter true or false.")
    if kind == "extra_forbidden":
        return _("This field is not accepted here.")
    if kind in {"model_type", "model_attributes_type", "dict_type"}:
        return _("Send a JSON object.")
    if kind in {"list_type"}:
        return _("Send a list.")
    return _("This value is not valid.")


def field_of(loc) -> str | None:
    """The dotted name of the field a pydantic error's `loc` points at, without ninja's source
    ("body", "query", …) and the name of the body parameter."""
    parts = [str(part) for part in loc]
    if parts and parts[0] in {"body", "query", "path", "header", "cookie", "form"}:
        source, parts = parts[0], parts[1:]
        if source == "body":
            parts = parts[1:]  # drop the name of the body parameter ("payload")
    return ".".join(parts) or None
