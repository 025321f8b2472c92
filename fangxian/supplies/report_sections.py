"""Supplies' section of the daily report: what came in, what went out, and how long the key
items last (see figures for how each figure is counted).

Received and issued are flows of the day ("today"), counted again from the dated movements
for a past day; the key items in stock, the lowest days left and the open shortages are
levels at the end of the day (a past day's are read from its snapshot).

"Unknown is not zero": a community that keeps no item at all gets None for every figure
(shown "—"). Every community is drafted in six queries at most, whatever their number.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from fangxian.core.reporting import Figure, Section

from .figures import section_figures

SUPPLIES = Section(
    key="supplies", title=_("Supplies"), order=57,
    figures=[
        Figure("received_today", _("Units received today (donated or purchased)"), kind="today"),
        Figure("issued_today", _("Units issued today (issued, used up, lost or expired)"), kind="today"),
        Figure("key_items_in_stock", _("Units of key items in stock")),
        Figure("lowest_days_left", _("Fewest days of stock left among key items")),
        Figure("open_shortages", _("Open requests the store cannot cover")),
    ],
    compute=section_figures,
)

SECTIONS = [SUPPLIES]
