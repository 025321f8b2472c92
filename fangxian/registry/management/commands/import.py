"""`fangxian import residents FILE --community CODE [--commit]`

Checks a register exactly as the upload page does (both call `residents_check`) and prints every
bad row and field, or what the file would add and change. Without --commit nothing is written;
with it, everything is written in one transaction, or nothing at all if any row is bad. Exits
non-zero when there are errors. A damaged or hostile file gets one line saying so, never a traceback.
"""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from fangxian.registry import residents_import
from fangxian.registry.models import Community


def community_by_code(code: str) -> Community:
    try:
        return Community.objects.select_related("subdistrict").get(code=code)
    except Community.DoesNotExist:
        raise CommandError(_("There is no community with the code %(code)s.") % {"code": code}) from None


def format_error(error: residents_import.RowError) -> str:
    """One line per error, as the page shows it: row, column, message."""
    if error.row and error.field_label:
        return _("Row %(row)d, %(field)s: %(message)s") % {
            "row": error.row, "field": error.field_label, "message": error.message}
    if error.row:
        return _("Row %(row)d: %(message)s") % {"row": error.row, "message": error.message}
    return error.message


class Command(BaseCommand):
    help = "Import residents from a register (.xlsx): check every row, and with --commit write them all."

    def add_arguments(self, parser):
        parser.add_argument("what", choices=["residents"], help="what to import")
        parser.add_argument("file", type=Path, help="the register .xlsx (the template of /registry/import/)")
        parser.add_argument("--community", required=True, help="the community's code")
        parser.add_argument("--commit", action="store_true", help="write the people (all or nothing)")
        parser.add_argument("--user", help="the username recorded in the audit log as the importer")

    def handle(self, *args, what, file, community, commit, user, **options):
        if not file.is_file():
            raise CommandError(_("The file %(path)s does not exist.") % {"path": file})
        place = community_by_code(community)
        actor = None
        if user:
            actor = get_user_model().objects.filter(username=user).first()
            if actor is None:
                raise CommandError(_("There is no user %(name)s.") % {"name": user})
        if commit:
            try:
                applied = residents_import.residents_import_apply(upload_or_file=file, community=place, user=actor)
            except residents_import.ResidentsImportRejected as exc:
                self._fail(exc.check, " ".join(exc.messages) if not exc.check.errors else None)
            self.stdout.write(self.style.SUCCESS(
                _("%(count)d people imported into %(community)s.") % {"count": applied.added, "community": place.name}
                + " " + _("%(count)d people changed.") % {"count": applied.changed}
            ))
            return
        check = residents_import.residents_check_file(file, community=place)
        if check.errors:
            self._fail(check)
        self.stdout.write(self.style.SUCCESS(
            _("%(rows)d rows checked, no errors. Nothing was written: run again with --commit to import them.")
            % {"rows": check.row_count}
        ))
        self.stdout.write(_(
            "New: %(added)d; changed: %(changed)d; unchanged: %(unchanged)d; in the register but not in the "
            "file (not removed): %(removed)d."
        ) % {"added": len(check.people), "changed": len(check.updates), "unchanged": len(check.unchanged),
             "removed": len(check.removed)})

    def _fail(self, check: residents_import.ResidentsCheck, message: str | None = None):
        for error in check.errors:
            self.stdout.write(format_error(error))
        raise CommandError(message or _(
            "%(errors)d errors in %(rows)d rows; nothing was imported."
        ) % {"errors": len(check.errors), "rows": check.row_count}, returncode=1)
