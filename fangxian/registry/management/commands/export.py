"""`fangxian export residents --community CODE [-o FILE]`: the register as .xlsx, IDs and phones masked."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from fangxian.core.models import AuditEvent
from fangxian.core.services import audit_record
from fangxian.registry import residents_import
from fangxian.registry.models import Community, Person


class Command(BaseCommand):
    help = "Export a community's residents to .xlsx (ID numbers and phones masked)."

    def add_arguments(self, parser):
        parser.add_argument("what", choices=["residents"], help="what to export")
        parser.add_argument("--community", required=True, help="the community's code")
        parser.add_argument("-o", "--output", type=Path, help="the .xlsx to write (default: residents-CODE-DATE.xlsx)")

    def handle(self, *args, what, community, output, **options):
        place = Community.objects.filter(code=community).first()
        if place is None:
            raise CommandError(_("There is no community with the code %(code)s.") % {"code": community})
        output = output or Path(f"residents-{place.code}-{timezone.localdate():%Y%m%d}.xlsx")
        people = Person.objects.filter(community=place)
        data = residents_import.people_export(people)
        try:
            output.write_bytes(data)
        except OSError as exc:
            raise CommandError(_("Cannot write %(path)s: %(error)s") % {"path": output, "error": exc}) from None
        count = people.count()
        audit_record(actor=None, action=AuditEvent.Action.EXPORT, target_type=Person._meta.label,
                     community_id=place.pk, detail=f"{count} people (command line)")
        self.stdout.write(_("%(count)d people written to %(path)s.") % {"count": count, "path": output})
