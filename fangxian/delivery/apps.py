from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeliveryConfig(AppConfig):
    name = "fangxian.delivery"
    label = "delivery"
    verbose_name = _("Home delivery")

    def ready(self) -> None:
        # A quarantine released or shortened cancels the household's meals no longer wanted.
        from . import signals

        signals.connect()
