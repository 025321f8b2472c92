"""The roster rules' codes (fangxian.duty.solver.rules) named for people, in one place.

The solver's checker, its explanations (`Shortfall.blocked`), swaps and manual edits speak in
rule codes; every page shows them through `rule_label` (a short name: "每周班次上限") or
`rule_group` (what stops a group of candidates: "3 人已达每周上限").
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

RULE_LABELS = {
    "unknown_slot": gettext_lazy("No such shift on the roster"),
    "not_allowed_age": gettext_lazy("Under the minimum age"),
    "unavailable": gettext_lazy("Not available that day"),
    "not_available_time": gettext_lazy("Not available at that time"),
    "post_not_allowed": gettext_lazy("May not work at that post"),
    "shift_type_limit": gettext_lazy("Limit for this kind of shift reached"),
    "one_shift_a_day": gettext_lazy("Already has a shift that day"),
    "rest": gettext_lazy("Needs rest after the previous shift"),
    "max_total_shifts": gettext_lazy("Shift limit reached"),
    "max_minutes": gettext_lazy("Hour limit reached"),
    "min_minutes": gettext_lazy("Below the minimum hours"),
    "max_consecutive": gettext_lazy("Too many days in a row"),
    "min_consecutive": gettext_lazy("Too few days in a row"),
    "min_consecutive_off": gettext_lazy("Too few days off in a row"),
    "max_weekends": gettext_lazy("Weekend limit reached"),
    "min_days_off": gettext_lazy("Too few days off"),
    "fixed": gettext_lazy("Fixed on the published roster"),
    "minimum": gettext_lazy("Too few people on the shift"),
    "leader": gettext_lazy("No shift leader on the shift"),
}


def rule_label(code: str) -> str:
    """The rule's short name in the reader's language; an unknown code is shown as it is."""
    label = RULE_LABELS.get(code)
    return str(label) if label is not None else code


def rule_group(code: str, count: int) -> str:
    """What keeps `count` candidates off a shift: "3 people have reached their shift limit"."""
    groups = {
        "unknown_slot": lambda n: ngettext("%(n)s person cannot work this shift",
                                           "%(n)s people cannot work this shift", n),
        "not_allowed_age": lambda n: ngettext("%(n)s person is under the minimum age",
                                              "%(n)s people are under the minimum age", n),
        "unavailable": lambda n: ngettext("%(n)s person is not available that day",
                                          "%(n)s people are not available that day", n),
        "not_available_time": lambda n: ngettext("%(n)s person is not available at that time",
                                                 "%(n)s people are not available at that time", n),
        "post_not_allowed": lambda n: ngettext("%(n)s person may not work at this post",
                                               "%(n)s people may not work at this post", n),
        "shift_type_limit": lambda n: ngettext("%(n)s person has reached the limit for this kind of shift",
                                               "%(n)s people have reached the limit for this kind of shift", n),
        "one_shift_a_day": lambda n: ngettext("%(n)s person already has a shift that day",
                                              "%(n)s people already have a shift that day", n),
        "rest": lambda n: ngettext("%(n)s person needs rest after their previous shift",
                                   "%(n)s people need rest after their previous shift", n),
        "max_total_shifts": lambda n: ngettext("%(n)s person has reached the shift limit",
                                               "%(n)s people have reached the shift limit", n),
        "max_minutes": lambda n: ngettext("%(n)s person has reached the hour limit",
                                          "%(n)s people have reached the hour limit", n),
        "min_minutes": lambda n: ngettext("%(n)s person would fall below the minimum hours",
                                          "%(n)s people would fall below the minimum hours", n),
        "max_consecutive": lambda n: ngettext("%(n)s person would work too many days in a row",
                                              "%(n)s people would work too many days in a row", n),
        "min_consecutive": lambda n: ngettext("%(n)s person would work too few days in a row",
                                              "%(n)s people would work too few days in a row", n),
        "min_consecutive_off": lambda n: ngettext("%(n)s person would have too few days off in a row",
                                                  "%(n)s people would have too few days off in a row", n),
        "max_weekends": lambda n: ngettext("%(n)s person has reached the weekend limit",
                                           "%(n)s people have reached the weekend limit", n),
        "min_days_off": lambda n: ngettext("%(n)s person would have too few days off",
                                           "%(n)s people would have too few days off", n),
        "fixed": lambda n: ngettext("%(n)s person is fixed on the published roster",
                                    "%(n)s people are fixed on the published roster", n),
    }
    make = groups.get(code)
    if make is None:
        return _("%(n)s: %(rule)s") % {"n": count, "rule": rule_label(code)}
    return make(count) % {"n": count}
