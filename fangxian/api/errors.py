"""How the API says no: one shape per kind of refusal, in the caller's language.

- bad input (ours or the schema's)  422 {"detail": [{"field": "national_id", "message": "…"}]}
- a body that is not JSON           400 {"detail": "…"}
- no or bad credentials             401 {"detail": "…"}
- not allowed, or a failed CSRF     403 {"detail": "…"}
- not there, or not yours to see    404 {"detail": "…"}
"""

from __future__ import annotations

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError


def _schema_message(error: dict) -> str:
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


def _schema_field(loc) -> str | None:
    parts = [str(part) for part in loc]
    if parts and parts[0] in {"body", "query", "path", "header", "cookie", "form"}:
        source, parts = parts[0], parts[1:]
        if source == "body":
            parts = parts[1:]  # drop the name of the body parameter ("payload")
    return ".".join(parts) or None


def validation_detail(exc: DjangoValidationError) -> list[dict]:
    """Django's ValidationError as [{"field", "message"}]; a non-field error has field null."""
    if hasattr(exc, "error_dict"):
        return [
            {"field": None if field == NON_FIELD_ERRORS else field, "message": message}
            for field, messages in exc.message_dict.items()
            for message in messages
        ]
    return [{"field": None, "message": message} for message in exc.messages]


def install(api: NinjaAPI) -> None:
    def on_django_validation(request, exc: DjangoValidationError):
        return api.create_response(request, {"detail": validation_detail(exc)}, status=422)

    def on_schema_validation(request, exc: NinjaValidationError):
        detail = [{"field": _schema_field(error.get("loc", ())), "message": _schema_message(error)}
                  for error in exc.errors]
        return api.create_response(request, {"detail": detail}, status=422)

    def on_authentication(request, exc: AuthenticationError):
        response = api.create_response(
            request, {"detail": _("Log in, or send a valid API token: Authorization: Bearer fx_…")}, status=401
        )
        response["WWW-Authenticate"] = 'Bearer realm="fangxian"'
        return response

    def on_http_error(request, exc: HttpError):
        if exc.status_code == 400:
            message = _("The request body is not valid JSON.")
        elif exc.status_code == 403 and "CSRF" in str(exc):
            message = _("The CSRF check failed: reload the page and try again.")
        elif exc.status_code == 403:
            message = _("You are not allowed to do this.")
        elif exc.status_code == 429:
            message = _("Too many requests: wait a moment and try again.")
        else:
            message = str(exc)
        return api.create_response(request, {"detail": message}, status=exc.status_code)

    def on_permission_denied(request, exc: PermissionDenied):
        return api.create_response(request, {"detail": _("You are not allowed to do this.")}, status=403)

    def on_not_found(request, exc: Http404):
        return api.create_response(request, {"detail": _("Not found.")}, status=404)

    api.add_exception_handler(DjangoValidationError, on_django_validation)
    api.add_exception_handler(NinjaValidationError, on_schema_validation)
    api.add_exception_handler(AuthenticationError, on_authentication)
    api.add_exception_handler(HttpError, on_http_error)
    api.add_exception_handler(PermissionDenied, on_permission_denied)
    api.add_exception_handler(Http404, on_not_found)
