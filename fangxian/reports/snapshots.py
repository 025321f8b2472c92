"""Daily snapshots of every drafted figure, so that a past day reads as it was.

The registry keeps levels, not history: the population, the dwellings in quarantine and the
passes valid are what they are now. A figure of yesterday drafted today would quietly use
today's levels. So the worker writes each community's drafted figures at the day's close
(from CLOSE_FROM on, overwriting earlier snapshots of the day), and a submitted community
report writes one too; trends, the subdistrict view of a past day and corrections read the
snapshot. A day the worker missed (it was down at midnight) is caught up the next day, as
close as can still be, and never overwrites a snapshot taken in time.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from fangxian.core.reporting import sections
from fangxian.registry.models import Community

from .models import FigureSnapshot
from .selectors import Figures, draft

# From this local time on, a snapshot counts as the day's close.
CLOSE_FROM = dt.time(23, 50)


def snapshot_take(community_ids, day: dt.date, *, now: dt.datetime | None = None, replace: bool = True) -> int:
    """Draft the communities' figures of `day` and store them (one row per community and day).
    With replace=False a stored snapshot is kept. Returns how many communities were drafted."""
    ids = list(community_ids)
    if not ids:
        return 0
    now = now or timezone.now()
    rows = [FigureSnapshot(community_id=pk, day=day, figures=figures, taken_at=now)
            for pk, figures in draft(ids, day).items()]
    if replace:
        FigureSnapshot.objects.bulk_create(rows, update_conflicts=True, unique_fields=["community", "day"],
                                           update_fields=["figures", "taken_at"])
    else:
        FigureSnapshot.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def stored_figures(community_ids, day: dt.date) -> dict[int, Figures]:
    """The stored snapshot of each community that has one for `day`."""
    rows = FigureSnapshot.objects.filter(community_id__in=list(community_ids), day=day)
    return dict(rows.values_list("community_id", "figures"))


def figures_as_it_was(community_ids, day: dt.date, *, today: dt.date) -> dict[int, Figures]:
    """Each community's drafted figures of `day`. For a past day the levels (population,
    dwellings, passes valid, in quarantine …) are the stored snapshot's, as they were at the
    close, while the day's flows are counted again from their dated rows, which do not move."""
    ids = list(community_ids)
    drafted = draft(ids, day) if ids else {}
    if day >= today:
        return drafted
    levels = [(s.key, f.key) for s in sections() for f in s.figures if f.kind == "level"]
    for pk, stored in stored_figures(ids, day).items():
        for section, key in levels:
            if key in stored.get(section, {}):
                drafted[pk].setdefault(section, {})[key] = stored[section][key]
    return drafted


def snapshots_at_close(*, now: dt.datetime | None = None) -> int:
    """The worker's job: today's snapshot of every community once the day is closing, and
    yesterday's for any community that has none (the worker was down at the close)."""
    now = now or timezone.now()
    local = timezone.localtime(now)
    ids = list(Community.objects.order_by("pk").values_list("pk", flat=True))
    yesterday = local.date() - dt.timedelta(days=1)
    missing = set(ids) - set(FigureSnapshot.objects.filter(day=yesterday).values_list("community_id", flat=True))
    taken = snapshot_take(sorted(missing), yesterday, now=now, replace=False)
    if local.time() >= CLOSE_FROM:
        taken += snapshot_take(ids, local.date(), now=now)
    return taken
