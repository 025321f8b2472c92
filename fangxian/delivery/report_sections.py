"""Delivery's section of the daily report: home delivery 上门配送 on the report's day.

Every figure is a flow of the day ("today"), counted from the steps of the tasks, which are
dated and never change (see figures): households served (distinct dwellings with a task
delivered that day), meals delivered, shopping runs delivered (shopping and medicine),
garbage pickups done, and tasks failed or late (failed that day, or due that day and neither
delivered, failed nor cancelled by its end, by now while the day lasts; each task once). A
past day drafted again gives what it gave then.

"Unknown is not zero": a community delivers at all on a day when, by the end of it, it had
set a delivery rule, had ever had a delivery task, or had a household in home quarantine on
the day (the default rule serves those meals). A community with none of these gives None
for every figure (shown "—"): nobody there delivers, so nobody can say how many were served.
A community that delivers and served nobody, or had no failure, says 0.

Every community is drafted in five queries whatever their number: three to tell which
communities deliver, one for the day's delivered steps, one for the failed and late tasks.
"""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext_lazy as _

from fangxian.core.reporting import Counts, Figure, Section

from .figures import FLOW_KEYS, active_communities, day_flows


def delivery_figures(community_ids: list[int], day: dt.date) -> Counts:
    ids = list(community_ids)
    active = active_communities(ids, day)
    counts: Counts = {pk: dict.fromkeys(FLOW_KEYS) for pk in ids}
    if not active:
        return counts
    counts.update(day_flows([pk for pk in ids if pk in active], day))
    return counts


DELIVERY = Section(
    key="delivery", title=_("Home delivery"), order=55,
    figures=[
        Figure("households_served", _("Households served today"), kind="today"),
        Figure("meals_delivered", _("Meals delivered today"), kind="today"),
        Figure("shopping_runs", _("Shopping runs delivered today (shopping and medicine)"), kind="today"),
        Figure("garbage_pickups", _("Garbage pickups done today"), kind="today"),
        Figure("failed_or_late", _("Deliveries failed or late today"), kind="today"),
    ],
    compute=delivery_figures,
)

SECTIONS = [DELIVERY]
