"""What accounts adds to the shell (see core.plugins): login pages and the API tokens page."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from fangxian.core import plugins

plugins.urls("accounts/", "fangxian.accounts.urls")


@plugins.menu(order=100)
def menu(scope) -> list[plugins.MenuItem]:
    return [plugins.MenuItem(_("API tokens"), reverse("accounts:token_list"))]
