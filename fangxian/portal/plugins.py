"""The shell's own menu entries: the home page first, the audit log for admins."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from fangxian.core import plugins


@plugins.menu(order=0)
def home_menu(scope) -> list[plugins.MenuItem]:
    return [plugins.MenuItem(_("Home"), reverse("home"))]


@plugins.menu(order=90)
def audit_menu(scope) -> list[plugins.MenuItem]:
    return [plugins.MenuItem(_("Audit log"), reverse("audit_log"))] if scope.is_admin else []
