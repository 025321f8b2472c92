"""`fangxian createadmin USERNAME [--password P]`: create a superuser."""

from __future__ import annotations

import getpass
import sys

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _


class Command(BaseCommand):
    help = "Create a superuser. Without --password, asks for the password twice (needs a terminal)."

    def add_arguments(self, parser):
        parser.add_argument("username", help="The new superuser's username.")
        parser.add_argument("--password", help="The password (otherwise asked for, twice, without echo).")
        parser.add_argument("--email", default="", help="An email address (optional).")

    def handle(self, *args, username: str, password: str | None, email: str, **options):
        User = get_user_model()
        username = username.strip()
        if not username:
            raise CommandError(_("The username is empty."))
        try:
            User._meta.get_field("username").run_validators(username)
        except ValidationError as exc:
            raise CommandError(_("The username %(username)r is not valid: %(problems)s")
                               % {"username": username, "problems": " ".join(exc.messages)}) from exc
        if User.objects.filter(username__iexact=username).exists():
            raise CommandError(
                _("A user named %(username)s already exists; nothing was changed.") % {"username": username}
            )
        if password is None:
            password = self._ask_password()
        user = User(username=username, email=email, is_superuser=True, is_staff=True)
        try:
            validate_password(password, user)
        except ValidationError as exc:
            problems = " ".join(exc.messages)
            raise CommandError(_("The password is not accepted: %(problems)s") % {"problems": problems}) from exc
        user.set_password(password)
        user.save()
        self.stdout.write(self.style.SUCCESS(_("Superuser %(username)s created.") % {"username": username}))

    def _ask_password(self) -> str:
        if not sys.stdin.isatty():
            raise CommandError(_("No terminal to ask for the password: give it with --password."))
        password = getpass.getpass(_("Password: "))
        if not password:
            raise CommandError(_("The password is empty; nothing was changed."))
        if getpass.getpass(_("Password (again): ")) != password:
            raise CommandError(_("The two passwords differ; nothing was changed."))
        return password
