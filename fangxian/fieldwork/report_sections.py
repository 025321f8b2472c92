"""Fieldwork's section of the daily report: canvassing and care visits (敲门行动与关爱走访).

Canvassing figures are a community's *current* campaign's: the latest started one still open
at the end of the day (a community rarely runs two at once; adding two campaigns' doors would
count each door twice). Levels are as at the end of the day, counted from the dated knocks,
so a past day drafted again gives what it gave then; the registry's dwellings are today's.

"Blank is not zero": a community with no campaign at the end of the day has no coverage
(None), not 0 %; its flows (doors knocked, newcomers found) are None too unless a campaign
was open at some time of the day, in which case nobody knocking IS 0. The care figures are
care.care_figures', which says itself what it cannot know.

Every community is drafted in a fixed number of queries: the campaigns touching the day,
the knocks of the current ones grouped by door, the day's knocks, the dwellings per
community, and care's own.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import NamedTuple

from django.db.models import Count, Min, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fangxian.core.reporting import Counts, Figure, Section, day_bounds
from fangxian.registry.models import Dwelling

from .care import care_figures
from .models import COVERING, Campaign, Knock
from .selectors import Coverage, state_of


class _Door(NamedTuple):
    """A door's knocks in a campaign, as selectors.state_of reads them."""

    attempts: int
    n_covering: int
    n_refused: int


def knocked_coverage(campaign_ids, *, until: dt.datetime | None = None,
                     dwellings: QuerySet[Dwelling] | None = None) -> dict[int, Coverage]:
    """{campaign id: Coverage of the doors it knocked} (not_yet left 0: the caller knows the
    doors); one query for all the campaigns, whatever their number. `dwellings` cuts the
    doors (e.g. a user's sections)."""
    ids = list(campaign_ids)
    if not ids:
        return {}
    knocks = Knock.objects.filter(campaign_id__in=ids)
    if until is not None:
        knocks = knocks.filter(occurred_at__lt=until)
    if dwellings is not None:
        knocks = knocks.filter(dwelling__in=dwellings.values("pk"))
    rows = (knocks.order_by().values("campaign_id", "dwelling_id")
            .annotate(attempts=Count("pk"), n_covering=Count("pk", filter=Q(outcome__in=COVERING)),
                      n_refused=Count("pk", filter=Q(outcome=Knock.Outcome.REFUSED)))
            .values_list("campaign_id", "attempts", "n_covering", "n_refused"))
    found: dict[int, Coverage] = {}
    for campaign_id, *counts in rows:
        found.setdefault(campaign_id, Coverage()).add(state_of(_Door(*counts)))
    return found


def campaigns_of_day(community_ids, day: dt.date) -> tuple[set[int], dict[int, int], dict[int, int]]:
    """(communities with a campaign open at some time of the day, {community: its current
    campaign at the day's end}, {campaign touching the day: its community}); one query."""
    start, end = day_bounds(day)
    open_now = Q(status=Campaign.Status.OPEN)
    rows = (Campaign.objects.filter(community_id__in=list(community_ids), starts_on__lte=day)
            .filter(open_now | Q(closed_at__gte=start)).order_by("starts_on", "pk")
            .values_list("pk", "community_id", "status", "closed_at"))
    touched, current, community_of = set(), {}, {}
    for pk, community_id, status, closed_at in rows:
        touched.add(community_id)
        community_of[pk] = community_id
        if status == Campaign.Status.OPEN or (closed_at is not None and closed_at >= end):
            current[community_id] = pk  # ordered by start: the latest wins
    return touched, current, community_of


def canvassing_figures(community_ids: list[int], day: dt.date) -> Counts:
    ids = list(community_ids)
    start, end = day_bounds(day)
    touched, current, community_of = campaigns_of_day(ids, day)
    counts: Counts = {pk: dict.fromkeys(CANVASSING_KEYS) for pk in ids}
    if not touched:
        return counts
    doors = dict(Dwelling.objects.filter(building__community_id__in=list(current)).order_by()
                 .values("building__community_id").annotate(n=Count("pk"))
                 .values_list("building__community_id", "n")) if current else {}
    knocked = knocked_coverage(current.values(), until=end)
    for community_id, campaign_id in current.items():
        coverage = knocked.get(campaign_id, Coverage())
        coverage.not_yet = max(0, doors.get(community_id, 0) - coverage.revisit - coverage.refused - coverage.covered)
        counts[community_id].update(doors_covered=coverage.covered, doors_to_reach=coverage.total,
                                    revisits_pending=coverage.revisit, refusals=coverage.refused)
    today_doors: dict[int, set[int]] = {pk: set() for pk in touched}
    newcomers = dict.fromkeys(touched, 0)
    for campaign_id, dwelling_id, outcome, answers in Knock.objects.filter(
            campaign_id__in=list(community_of), occurred_at__gte=start, occurred_at__lt=end).values_list(
            "campaign_id", "dwelling_id", "outcome", "answers"):
        community_id = community_of[campaign_id]
        today_doors[community_id].add(dwelling_id)
        if outcome == Knock.Outcome.VISITED and isinstance(answers, dict):
            newcomers[community_id] += len(answers.get("newcomers") or [])
    for community_id in touched:
        counts[community_id].update(knocked_today=len(today_doors[community_id]),
                                    newcomers_today=newcomers[community_id])
    return counts


def fieldwork_figures(community_ids: list[int], day: dt.date) -> Counts:
    counts = canvassing_figures(community_ids, day)
    care = care_figures(list(community_ids), day)
    for pk, values in counts.items():
        found = care.get(pk, {})
        values.update(care_visits_today=found.get("visits"), care_overdue=found.get("overdue"))
    return counts


FIELDWORK = Section(
    key="fieldwork", title=_("Canvassing and care visits"), order=60,
    figures=[
        Figure("knocked_today", _("Doors knocked today"), kind="today"),
        Figure("doors_covered", _("Doors covered in the current campaign")),
        # The doors to reach rather than a percent: a subdistrict's total sums them.
        Figure("doors_to_reach", _("Doors the current campaign must reach")),
        Figure("revisits_pending", _("Doors to revisit (nobody home)")),
        Figure("refusals", _("Doors that refused")),
        Figure("newcomers_today", _("People not in the register found today"), kind="today"),
        Figure("care_visits_today", _("Care visits made today"), kind="today"),
        Figure("care_overdue", _("People under care overdue for a visit")),
    ],
    compute=fieldwork_figures,
)
CANVASSING_KEYS = [f.key for f in FIELDWORK.figures if not f.key.startswith("care_")]

SECTIONS = [FIELDWORK]


def dashboard_coverage(community_ids, days: list[dt.date]) -> tuple[int | None, list[int]]:
    """For the wall dashboard, over the communities added up: the current campaigns' coverage
    today (%; None when none of them has a campaign) and the doors each of `days` covered
    first (the day of each door's first covering knock); three queries."""
    ids = list(community_ids)
    _touched, current, _community_of = campaigns_of_day(ids, days[-1])
    if not current:
        return None, [0] * len(days)
    doors = Dwelling.objects.filter(building__community_id__in=list(current)).count()
    firsts = (Knock.objects.filter(campaign_id__in=list(current.values()), outcome__in=COVERING).order_by()
              .values("campaign_id", "dwelling_id").annotate(first=Min("occurred_at")).values_list("first", flat=True))
    per_day = Counter(timezone.localdate(first) for first in firsts)
    covered = sum(per_day.values())
    return (round(100 * covered / doors) if doors else None), [per_day.get(day, 0) for day in days]
