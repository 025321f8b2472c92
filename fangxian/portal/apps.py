from django.apps import AppConfig


class PortalConfig(AppConfig):
    """The shell on top of every app: the home page, the menu and the demo command, built
    from what the apps register in core.plugins."""

    name = "fangxian.portal"
    label = "portal"
    verbose_name = "Portal"
