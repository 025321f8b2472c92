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
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from fangxian.core.schema_errors import field_of, message_of


# The one error shape, for the routers to declare: `response={200: Out, **ERRORS}`.
class Message(Schema):
    detail: str


class FieldError(Schema):
    field: str | None
    message: str


class Invalid(Schema):
    detail: list[FieldError]


ERRORS = {401: Message, 403: Message, 404: Message, 422: Invalid}
WRITE_ERRORS = {400: Message, **ERRORS}


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
        detail = [{"field": field_of(error.get("loc", ())), "message": message_of(error)}
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
