"""What fieldwork adds to the shell (see core.plugins)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from fangxian.core import plugins

from . import selectors
from .api import router

plugins.urls("fieldwork/", "fangxian.fieldwork.urls")
plugins.api_router("/fieldwork", router)


@plugins.menu(order=55)
def menu(scope) -> list[plugins.MenuItem]:
    if not selectors.sees_fieldwork(scope):
        return []
    return [plugins.MenuItem(_("Canvassing"), reverse("fieldwork:campaign_list"))]
