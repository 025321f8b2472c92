"""The dated rule in force at a moment (core.dated): the same answer from the database and
from rows already loaded."""

import datetime as dt

import pytest
from django.utils import timezone

from fangxian.access.models import Rule, RuleKey
from fangxian.core.dated import in_force, in_force_among

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock")]


def test_it_picks_the_latest_started_row_and_the_later_of_two_at_the_same_moment():
    start = timezone.now().replace(microsecond=0)
    make = lambda hours, value: Rule.objects.create(  # noqa: E731
        key=RuleKey.FEVER_THRESHOLD, value=value, effective_from=start + dt.timedelta(hours=hours))
    make(0, "37.0")
    make(2, "37.2")
    make(2, "37.4")  # the same moment: the later one wins
    make(5, "37.8")
    rows = list(Rule.objects.all())
    for hours, expected in ((-1, None), (0, "37.0"), (1, "37.0"), (2, "37.4"), (4, "37.4"), (6, "37.8")):
        moment = start + dt.timedelta(hours=hours)
        from_db = in_force(Rule.objects.all(), moment).first()
        loaded = in_force_among(rows, moment)
        assert (from_db.value if from_db else None) == (loaded.value if loaded else None) == expected, hours


def test_it_works_on_dates_and_another_field():
    class Row:
        def __init__(self, pk, since):
            self.pk, self.since = pk, since

    rows = [Row(1, dt.date(2026, 1, 1)), Row(2, dt.date(2026, 2, 1))]
    assert in_force_among(rows, dt.date(2026, 1, 31), field="since").pk == 1
    assert in_force_among(rows, dt.date(2025, 12, 31), field="since") is None
