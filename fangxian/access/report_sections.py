"""Closed management's part of the daily report: checkpoint passages and refusals; passes
issued, revoked, and valid at the end of the day; fever alerts raised, closed (with their
outcomes) and still open, on the report's day.

"Valid at the end of the day" is `Pass.objects.valid_at` the day's last instant: a pass that
runs until midnight still counts for the day, one revoked at 23:59 does not. For today's
report drafted in the morning this is the passes valid tonight as things stand.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from fangxian.core.reporting import Counts, Figure, Section, count_by, day_bounds, figures_from, merge, tally

from .models import FeverAlert, Pass, Scan

# How a row reaches the unit it is counted for: (scans, passes, fever alerts).
BY_COMMUNITY = ("community_id", "community_id", "community_id")
BY_GROUP = ("checkpoint__entrance__estate__group_id", "estate__group_id", "checkpoint__entrance__estate__group_id")
# A checkpoint's passes are not its own (a pass is for an estate): its sub-report counts them as 0.
BY_CHECKPOINT = ("checkpoint_id", None, "checkpoint_id")

_PASSAGES = {"passages": {Scan.Kind.SCAN, Scan.Kind.MANUAL}, "refusals": {Scan.Kind.REFUSAL}}
LAST_INSTANT = dt.timedelta(microseconds=1)


def _checkpoints(community_ids, day, paths) -> Counts:
    start, end = day_bounds(day)
    # Naming every counted kind lets the database answer from the (community, kind, time) index.
    scans = Scan.objects.filter(community_id__in=community_ids, kind__in=[*Scan.Kind.values],
                                occurred_at__gte=start, occurred_at__lt=end)
    counts = figures_from(tally(scans, paths[0], "kind"), _PASSAGES)
    if paths[1] is None:
        return counts
    passes = Pass.objects.filter(community_id__in=community_ids)
    issued = Q(issued_at__gte=start, issued_at__lt=end)
    revoked = Q(revoked_at__gte=start, revoked_at__lt=end)
    return merge(
        counts,
        count_by(passes.filter(issued | revoked), paths[1], {"passes_issued": issued, "passes_revoked": revoked}),
        count_by(passes.valid_at(end - LAST_INSTANT), paths[1], {"passes_valid": None}),
    )


def _fever(community_ids, day, paths) -> Counts:
    start, end = day_bounds(day)
    alerts = FeverAlert.objects.filter(community_id__in=community_ids, raised_at__lt=end).filter(
        Q(closed_at__isnull=True) | Q(closed_at__gte=start))
    closed_today = Q(closed_at__gte=start, closed_at__lt=end)
    return count_by(alerts, paths[2], {
        "alerts_raised": Q(raised_at__gte=start),
        "alerts_closed": closed_today,
        "alerts_open": Q(closed_at__isnull=True) | Q(closed_at__gte=end),
        **{f"outcome_{value}": closed_today & Q(outcome=value) for value in FeverAlert.Outcome.values},
    })


def checkpoints(community_ids: list[int], day: dt.date) -> Counts:
    return _checkpoints(community_ids, day, BY_COMMUNITY)


def checkpoints_by_group(community_ids: list[int], day: dt.date) -> Counts:
    return _checkpoints(community_ids, day, BY_GROUP)


def checkpoints_by_checkpoint(community_ids: list[int], day: dt.date) -> Counts:
    return _checkpoints(community_ids, day, BY_CHECKPOINT)


def fever(community_ids: list[int], day: dt.date) -> Counts:
    return _fever(community_ids, day, BY_COMMUNITY)


def fever_by_group(community_ids: list[int], day: dt.date) -> Counts:
    return _fever(community_ids, day, BY_GROUP)


def fever_by_checkpoint(community_ids: list[int], day: dt.date) -> Counts:
    return _fever(community_ids, day, BY_CHECKPOINT)


CHECKPOINTS = Section(
    key="checkpoints", title=_("Checkpoints and passes"), order=50,
    figures=[Figure("passages", _("Passages"), kind="today"), Figure("refusals", _("Refusals"), kind="today"),
             Figure("passes_issued", _("Passes issued"), kind="today"),
             Figure("passes_revoked", _("Passes revoked"), kind="today"),
             Figure("passes_valid", _("Passes valid at the end of the day"))],
    compute=checkpoints, compute_by_group=checkpoints_by_group,
    compute_by_checkpoint=checkpoints_by_checkpoint,
)
FEVER = Section(
    key="fever", title=_("Fever alerts"), order=60,
    figures=[Figure("alerts_raised", _("Raised today"), kind="today"),
             Figure("alerts_closed", _("Closed today"), kind="today"),
             Figure("alerts_open", _("Still open")),
             *[Figure(f"outcome_{value}", label, kind="today") for value, label in FeverAlert.Outcome.choices]],
    compute=fever, compute_by_group=fever_by_group, compute_by_checkpoint=fever_by_checkpoint,
)

SECTIONS = [CHECKPOINTS, FEVER]
