"""The JSON API under /api/v1/: one NinjaAPI assembled from the routers the apps register
(core.plugins.api_router).

OpenAPI at /api/v1/openapi.json, interactive docs at /api/v1/docs. Callers authenticate
with a bearer token (devices, integrations) or the browser session (with CSRF on writes);
see `fangxian.api.auth`. Refusals have one shape each; see `fangxian.api.errors`.
"""

from ninja import NinjaAPI, Schema

from fangxian.core import plugins
from fangxian.core.scope import scope_of

from . import errors
from .auth import session_auth, token_auth

api = NinjaAPI(
    title="Fangxian API",
    version="1",
    description=(
        "防线 Fangxian: a community's epidemic defence. Every answer is limited to the caller's "
        "communities and grids; ID numbers and mobiles are masked except in the audited reveal."
    ),
    urls_namespace="api",
    auth=[token_auth, session_auth],
)
errors.install(api)
for prefix, router in plugins.api_routers():  # each app's, from its plugins.py
    api.add_router(prefix, router)


class Me(Schema):
    username: str
    is_superuser: bool
    roles: list[str]
    sees_registry: bool
    edits_registry: bool


@api.get("/me", response=Me, tags=["accounts"], summary="Who am I")
def me(request):
    scope = scope_of(request)
    user = request.auth
    return {
        "username": user.get_username(),
        "is_superuser": user.is_superuser,
        "roles": sorted(scope.roles),
        "sees_registry": scope.sees_registry,
        "edits_registry": scope.edits_registry,
    }


