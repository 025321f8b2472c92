from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReturneesConfig(AppConfig):
    name = "fangxian.returnees"
    label = "returnees"
    verbose_name = _("Returnees")
