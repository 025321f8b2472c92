from django.apps import AppConfig


class PluginAppConfig(AppConfig):
    """An app that exists only for tests/test_plugins.py: it changes no other file."""

    name = "tests.plugin_app"
    label = "plugin_app"
