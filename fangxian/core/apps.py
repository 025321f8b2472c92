from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class CoreConfig(AppConfig):
    name = "fangxian.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        # Each app registers its pages, API, menu, home tiles, report sections, demo and
        # periodic jobs in its own `plugins.py` (see core.plugins). Every model is loaded by now.
        autodiscover_modules("plugins")
