"""Where each app plugs into the shell: the one registry every app contributes to.

Each installed app may have a `plugins.py`, imported once when Django starts
(`CoreConfig.ready`). It registers what the app adds to the rest of the product:

    from fangxian.core import plugins

    plugins.urls("duty/", "fangxian.duty.urls")                 # its pages
    plugins.api_router("/duty", router)                          # its API operations
    plugins.report_section(Section(...))                         # its part of the daily report

    @plugins.menu(order=40)                                      # its menu entries and badges
    def menu(scope): return [plugins.MenuItem(_("Volunteers"), reverse(...), badge=3)]

    @plugins.home_tile(order=50, template="duty/home_tile.html")  # a block on the home page
    def tile(request, scope): return {...} or None               # None: not shown to this user

    @plugins.demo_step(order=30)                                 # its part of the demo story
    def demo(community): return [(_("Volunteers"), 310)]

    @plugins.periodic(every_seconds=300)                         # a job for `fangxian worker`
    def remind(): ...

The shell (fangxian.portal) reads these to build the home page, the menu and the demo; the
project's urls.py and the API read the pages and routers; the daily report reads the sections.
core imports no app, and adding an app changes no other app's file.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from . import periodic as _periodic
from . import reporting


@dataclass(frozen=True)
class MenuItem:
    label: str
    url: str
    badge: int | None = None  # a count waiting for the user (shown when not 0)
    today: bool = False  # one of the day's duties: also first on the home page


@dataclass(frozen=True)
class Menu:
    order: int
    items: Callable[[object], list[MenuItem]]  # scope → the entries this user may open


@dataclass(frozen=True)
class HomeTile:
    order: int
    template: str
    context: Callable[[object, object], dict | None]  # (request, scope) → context, or None
    # A main tile gives the page its heading (context["heading"]) and stands in for the
    # welcome card of users who have none.
    main: bool = False


@dataclass(frozen=True)
class DemoStep:
    order: int
    build: Callable[[object], list[tuple[str, int]]]  # the demo community → summary lines
    after_commit: bool = False  # long work (a solver) runs after the rest is committed


_MENUS: dict[str, Menu] = {}
_TILES: dict[str, HomeTile] = {}
_DEMO: dict[str, DemoStep] = {}
_URLS: dict[str, str] = {}
_ROUTERS: dict[str, object] = {}


def _key(function) -> str:
    return f"{function.__module__}.{function.__qualname__}"


def menu(*, order: int):
    def register(function):
        _MENUS[_key(function)] = Menu(order, function)
        return function

    return register


def home_tile(*, order: int, template: str, main: bool = False):
    def register(function):
        _TILES[_key(function)] = HomeTile(order, template, function, main)
        return function

    return register


def demo_step(*, order: int, after_commit: bool = False):
    def register(function):
        _DEMO[_key(function)] = DemoStep(order, function, after_commit)
        return function

    return register


def urls(prefix: str, module: str) -> None:
    """The app's pages under `prefix` (e.g. "duty/"), from its URLconf module."""
    if _URLS.get(prefix, module) != module:
        raise ValueError(f"two apps serve pages under {prefix!r}")
    _URLS[prefix] = module


def api_router(prefix: str, router) -> None:
    if _ROUTERS.get(prefix, router) is not router:
        raise ValueError(f"two API routers are mounted at {prefix!r}")
    _ROUTERS[prefix] = router


report_section = reporting.register
periodic = _periodic.periodic


# -- what the shell reads ---------------------------------------------------------------


def menu_items(scope) -> list[MenuItem]:
    return [item for entry in sorted(_MENUS.values(), key=lambda m: m.order) for item in entry.items(scope)]


def home_tiles() -> list[HomeTile]:
    return sorted(_TILES.values(), key=lambda t: t.order)


def demo_steps() -> list[DemoStep]:
    return sorted(_DEMO.values(), key=lambda s: s.order)


def url_includes() -> list[tuple[str, str]]:
    return sorted(_URLS.items())


def api_routers() -> list[tuple[str, object]]:
    return sorted(_ROUTERS.items())
