from fangxian.core import plugins
from fangxian.core.scope import scope_of


def menu_items(request) -> list[plugins.MenuItem]:
    """The entries the apps register (core.plugins.menu) that this user may open, built once
    per request: the menu and the home page's day's duties read the same list, and its badges
    cost a query each."""
    items = getattr(request, "_fangxian_menu", None)
    if items is None:
        items = request._fangxian_menu = plugins.menu_items(scope_of(request))
    return items


def navigation(request):
    """The menu: only the modules this user may open, so that no link leads to a refusal."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    items = menu_items(request)
    return {"nav_items": items, "nav_badges": sum(item.badge or 0 for item in items), "scope": scope_of(request)}
