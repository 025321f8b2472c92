"""The meal rules' part of the scope matrix and of the list-page query counts.

Everyone who opens the office's delivery pages reads the rules: the community's admins and
officers, its grid workers (alice and bob read the whole community's rules: a rule is not a
grid's), olga her own community's; couriers (frank), checkpoint volunteers (erin) and group
leaders (gina) are refused. Only the admins of carol's community add a rule, delete one that
has not started (the matrix's `future_meal_rule`, from April) and generate tomorrow's meals.
"""

import datetime as dt

from fangxian.delivery.models import DeliveryRule
from tests.delivery.cast import delivery_cast
from tests.roles import ADMIN_OF_CAROL, DENY, LOGIN, OK, row

RULE_READERS = row(LOGIN, OK, OK, OK, OK, DENY, DENY, OK, OK, gina=DENY)

PAGES: dict = {
    "delivery:rules": ("get", None, RULE_READERS),
    "delivery:rule_add": ("post", lambda c: c.community.pk, ADMIN_OF_CAROL),
    "delivery:rule_delete": ("post", lambda c: c.future_meal_rule.pk, ADMIN_OF_CAROL),
    "delivery:meals_generate": ("post", lambda c: c.community.pk, ADMIN_OF_CAROL),
}
POST_DATA: dict = {
    "delivery:rule_add": {"effective_from": "2026-03-20", "breakfast_by": "07:30", "lunch_by": "11:30",
                          "dinner_by": "17:30", "request_hours": "12"},
}
API: dict = {}
LIST_CASES: dict = {
    "delivery:rules": ("carol", "dave", "bob"),
}


def equip(cast) -> None:
    """The delivery cast, a rule of carol's community in force since February (lunch and
    dinner only) and one from April that has not started (it may be deleted)."""
    delivery_cast(cast)
    if getattr(cast, "future_meal_rule", None) is not None and getattr(cast, "meal_rule", None) is not None:
        return
    carol = cast.users["carol"]
    cast.meal_rule = DeliveryRule.objects.create(community=cast.community, effective_from=dt.date(2026, 2, 1),
                                                 lunch_by=dt.time(12, 0), dinner_by=dt.time(18, 0),
                                                 request_hours=24, set_by=carol)
    cast.future_meal_rule = DeliveryRule.objects.create(community=cast.community, effective_from=dt.date(2026, 4, 1),
                                                   breakfast_by=dt.time(8, 0), lunch_by=dt.time(12, 0),
                                                   dinner_by=dt.time(18, 0), request_hours=24, set_by=carol)


def grow(cast, building, i: int) -> None:
    """One more rule of the community in the history (each set by carol): a past one and, for
    every other building, one not started yet."""
    equip(cast)
    carol = cast.users["carol"]
    DeliveryRule.objects.create(community=cast.community, effective_from=dt.date(2026, 1, 1) + dt.timedelta(days=i),
                                breakfast_by=dt.time(7, i % 60), lunch_by=dt.time(12, 0), request_hours=24,
                                set_by=carol)
    if i % 2:
        DeliveryRule.objects.create(community=cast.community, effective_from=dt.date(2026, 5, 1) + dt.timedelta(days=i),
                                    dinner_by=dt.time(18, 0), request_hours=48, set_by=carol)
