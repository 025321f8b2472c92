"""`fangxian demo [--scale N] [--seed S] [--if-empty]`: build the demo subdistrict and logins.

At scale 1 (what `make run` builds) it is the story: Dongshan and its four smaller neighbours,
each with every app's part of a 30-day return peak ending today. At scale N > 1 (load tests)
it builds N communities of Dongshan's size and tells the story in Dongshan only."""

from __future__ import annotations

import logging
import time
import unicodedata

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _

from fangxian.core import plugins
from fangxian.registry.demo import DEMO_COMMUNITY_CODE, demo_build, demo_logins, story_communities
from fangxian.registry.models import Community


def _width(text: str) -> int:
    """Columns a string takes in a terminal: Chinese characters take two."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def _count(counted: dict[str, int], lines: list[tuple[str, int]]) -> None:
    """Add a step's (label, count) lines to the build's, summed over the communities."""
    for label, count in lines:
        counted[str(label)] = counted.get(str(label), 0) + count


class Command(BaseCommand):
    help = ("Build the demo subdistrict: Dongshan and its neighbours, each app's part of their 30-day story, "
            "and the demo logins (deterministic).")

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale", type=int, default=1,
            help=("Number of communities to build (1 builds Dongshan and its four smaller neighbours; "
                  "N > 1 builds N communities of Dongshan's size: 100 gives about 800,000 people)."),
        )
        parser.add_argument("--seed", type=int, default=2020, help="Seed of the random generator (default 2020).")
        parser.add_argument(
            "--if-empty", action="store_true",
            help="Do nothing, silently, when the registry already has a community.",
        )
        parser.add_argument(
            "--logins", action="store_true",
            help="Build nothing; print the demo logins that exist and still have their demo password.",
        )

    def handle(self, *args, scale: int, seed: int, if_empty: bool, logins: bool, **options):
        if logins:
            self._print_logins(demo_logins())
            return
        if scale < 1:
            raise CommandError(_("The scale is the number of communities to build: 1 or more."))
        if if_empty and Community.objects.exists():
            # `make run` on an existing database: no build, but the logins are shown again.
            self._print_logins(demo_logins())
            return
        started = time.monotonic()
        steps = plugins.demo_steps()
        counted: dict[str, int] = {}
        # The month's incidents are history, not news: without a gateway each notice logs a
        # warning, some fifty lines before the demo logins.
        notify_log = logging.getLogger("fangxian.notify")
        notify_level = notify_log.level
        notify_log.setLevel(logging.ERROR)
        try:
            with transaction.atomic():
                verbose = options["verbosity"] > 1 or scale > 1
                summary = demo_build(scale=scale, seed=seed, stdout=self.stdout if verbose else None,
                                     neighbours=scale == 1)
                # Each app's part of the story (core.plugins.demo_step), community by community,
                # so that each app's step sees the parts of the apps before it.
                story = (story_communities() if scale == 1
                         else [Community.objects.get(code=DEMO_COMMUNITY_CODE)])
                for community in story:
                    for step in steps:
                        if not step.after_commit:
                            _count(counted, step.build(community))
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        finally:
            notify_log.setLevel(notify_level)
        for community in story:  # long work (the roster solver) after the rest is committed
            for step in steps:
                if step.after_commit:
                    _count(counted, step.build(community))
        lines = list(counted.items())
        seconds = time.monotonic() - started
        if options["verbosity"] == 0:
            return
        self.stdout.write(self.style.SUCCESS(_("Demo data built in %(seconds).1f s.") % {"seconds": seconds}))
        for label, count in (
            (_("Communities"), summary.communities), (_("Buildings"), summary.buildings),
            (_("Dwellings"), summary.dwellings), (_("People"), summary.people), *lines,
        ):
            self.stdout.write(f"  {label}: {count:,}")
        self._print_logins(summary.users)
        for username in summary.skipped_users:
            self.stdout.write(self.style.WARNING(
                _("The user %(username)s already exists: left unchanged, with no demo password.")
                % {"username": username}
            ))

    def _print_logins(self, users: list[tuple[str, str, str]]) -> None:
        if not users:
            return
        self.stdout.write("")
        self.stdout.write(_("Demo logins:"))
        rows = [(_("Username"), _("Password"), _("Role"))] + [tuple(row) for row in users]
        widths = [max(_width(row[i]) for row in rows) for i in range(2)]
        for username, password, role in rows:
            self.stdout.write(f"  {_pad(username, widths[0])}  {_pad(password, widths[1])}  {role}")
