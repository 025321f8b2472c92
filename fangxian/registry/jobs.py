"""Periodic jobs of the registry (run by `fangxian worker`)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from fangxian.core.periodic import periodic

from .models import RosterUpload

# A checked roster that nobody imports within a day is discarded: it holds personal data.
ROSTER_UPLOAD_KEEP = dt.timedelta(hours=24)


@periodic(every_seconds=3600)
def roster_uploads_purge(now: dt.datetime | None = None) -> int:
    cutoff = (now or timezone.now()) - ROSTER_UPLOAD_KEEP
    stale = RosterUpload.objects.filter(status=RosterUpload.Status.CHECKED, created_at__lt=cutoff)
    count = 0
    for upload in stale:
        if upload.file:
            upload.file.delete(save=False)
        upload.status = RosterUpload.Status.DISCARDED
        upload.errors = []
        upload.save(update_fields=["file", "status", "errors"])
        count += 1
    return count
