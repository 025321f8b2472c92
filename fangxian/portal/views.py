"""The home page: the day's duties first, then the tiles the apps register for this user."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext as _

from fangxian.core import plugins
from fangxian.core.scope import scope_of

from .context_processors import menu_items


@login_required
def home(request):
    scope = scope_of(request)
    tiles = []
    for tile in plugins.home_tiles():
        context = tile.context(request, scope)
        if context is not None:
            tiles.append({"template": tile.template, "context": context, "main": tile.main})
    main = next((t for t in tiles if t["main"]), None)
    welcome = _("Welcome, %(user)s") % {"user": request.user.get_username()}
    return render(request, "portal/home.html", {
        "scope": scope,
        "heading": main["context"].get("heading") if main else welcome,
        "welcome": main is None,
        "tiles": tiles,
        # The day's duties (the daily report or one's part of it, the dashboard, reporting an
        # incident) are menu entries marked `today`.
        "today_links": [(item.label, item.url) for item in menu_items(request) if item.today],
    })
