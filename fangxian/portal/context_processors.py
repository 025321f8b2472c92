from fangxian.core import plugins
from fangxian.core.scope import scope_of


def navigation(request):
    """The menu: the entries the apps register (core.plugins.menu), only those this user may
    open, so that no link leads to a refusal."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    scope = scope_of(request)
    items = plugins.menu_items(scope)
    return {"nav_items": items, "nav_badges": sum(item.badge or 0 for item in items), "scope": scope}
