from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "fangxian.reports"
    label = "reports"
    verbose_name = _("Daily reports")

    def ready(self) -> None:
        # Each app declares its figures of the daily report in its own `report_sections.py`.
        autodiscover_modules("report_sections")
        from . import jobs  # noqa: F401  registers the reminder job
