"""A new practice plugs in by declaring, in its own plugins.py, what it adds: the shell and
the daily report pick it up with no other file changed (tests/plugin_app, installed here only)."""

import sys

import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import reverse

from fangxian.core import periodic, plugins, reporting


@pytest.fixture
def plugin_app(monkeypatch):
    # The registries are filled once at start-up: give the test its own copies, so that the
    # app's registrations are gone again afterwards.
    for module, name in ((plugins, "_MENUS"), (plugins, "_TILES"), (plugins, "_DEMO"), (plugins, "_URLS"),
                         (plugins, "_ROUTERS"), (reporting, "_SECTIONS"), (periodic, "JOBS")):
        monkeypatch.setattr(module, name, dict(getattr(module, name)))
    monkeypatch.delitem(sys.modules, "tests.plugin_app.plugins", raising=False)
    with override_settings(INSTALLED_APPS=[*settings.INSTALLED_APPS, "tests.plugin_app"]):
        yield
    sys.modules.pop("tests.plugin_app.plugins", None)


def test_it_shows_a_new_apps_menu_entry_home_tile_and_report_section(client, two_grids, plugin_app):
    client.force_login(two_grids.users["carol"])
    home = client.get(reverse("home")).content.decode()
    assert '<a href="/lanterns/"' in home and "Lanterns" in home  # the menu entry
    assert 'id="lanterns-tile"' in home and "12 lanterns lit in 1 community" in home  # the tile
    report = client.get(reverse("reports:community", args=[two_grids.community.pk])).content.decode()
    assert "Lanterns lit" in report


def test_it_keeps_the_new_app_from_those_it_does_not_register_for(client, two_grids, plugin_app):
    client.force_login(two_grids.users["alice"])  # a grid worker: the app shows admins only
    home = client.get(reverse("home")).content.decode()
    assert "/lanterns/" not in home and 'id="lanterns-tile"' not in home


def test_it_forgets_the_app_once_it_is_uninstalled(client, two_grids):
    client.force_login(two_grids.users["carol"])
    assert "/lanterns/" not in client.get(reverse("home")).content.decode()
