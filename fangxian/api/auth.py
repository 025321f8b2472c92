"""Who is calling the API: a bearer token (devices, integrations) or the browser session.

A request that carries `Authorization: Bearer …` is judged by that token alone: an unknown
or revoked token gets 401 even if a session cookie came along. A session caller must send
the CSRF token with every write, like any form of the site.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from ninja.errors import AuthenticationError
from ninja.security import APIKeyCookie, HttpBearer

from fangxian.accounts.services import token_authenticate


class TokenAuth(HttpBearer):
    """Authorization: Bearer fx_…"""

    def __call__(self, request: HttpRequest):
        header = request.headers.get(self.header)
        if not header:
            return None  # no token: let the session speak
        scheme, _, key = header.partition(" ")
        if scheme.lower() != self.openapi_scheme:
            return None
        return self.authenticate(request, key.strip())

    def authenticate(self, request: HttpRequest, token: str):
        user = token_authenticate(token)
        if user is None:
            # A token that does not work is an answer, not a reason to try the session.
            raise AuthenticationError()
        # Everything downstream (core.scope.scope_of, services) reads request.user.
        request.user = user
        return user


class SessionAuth(APIKeyCookie):
    """Django's session, with the CSRF check for unsafe methods (as ninja's django_auth)."""

    param_name = settings.SESSION_COOKIE_NAME

    def _get_key(self, request: HttpRequest):
        if not request.user.is_authenticated:
            return None  # nothing to protect: the answer is 401, not a CSRF complaint
        return super()._get_key(request)  # raises 403 when the CSRF token is missing or wrong

    def authenticate(self, request: HttpRequest, key):
        return request.user if request.user.is_authenticated else None


token_auth = TokenAuth()
session_auth = SessionAuth()
