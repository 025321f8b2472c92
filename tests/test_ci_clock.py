"""CI's fixed clocks (FANGXIAN_TEST_CLOCK, tests/conftest.py): read strictly, and a test's own
frozen clock wins over them."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from tests.conftest import FROZEN_AT, at_the_ci_clock, ci_clock

SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_it_reads_the_clock_with_its_offset(monkeypatch):
    monkeypatch.setenv("FANGXIAN_TEST_CLOCK", "2026-03-02T23:59:00+08:00")
    assert ci_clock() == dt.datetime(2026, 3, 2, 23, 59, tzinfo=SHANGHAI)
    monkeypatch.setenv("FANGXIAN_TEST_CLOCK", "")
    assert ci_clock() is None


@pytest.mark.parametrize("value", ["2026-03-02T03:00:00", "three in the morning"])
def test_it_refuses_a_clock_without_an_offset_or_not_a_date(monkeypatch, value):
    monkeypatch.setenv("FANGXIAN_TEST_CLOCK", value)
    with pytest.raises(pytest.UsageError, match="FANGXIAN_TEST_CLOCK"):
        ci_clock()


def test_a_test_starts_at_the_ci_clock_and_its_own_frozen_clock_wins(monkeypatch):
    monkeypatch.setenv("FANGXIAN_TEST_CLOCK", "2026-03-02T03:00:00+08:00")
    with at_the_ci_clock():
        assert timezone.localtime().strftime("%Y-%m-%d %H:%M") == "2026-03-02 03:00"
        with time_machine.travel(FROZEN_AT, tick=True):
            assert timezone.localtime().strftime("%H:%M") == "10:00"
        assert timezone.localtime().strftime("%H:%M") == "03:00"
