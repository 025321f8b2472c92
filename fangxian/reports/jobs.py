"""The daily report's jobs, run by `fangxian worker` (registered in plugins.py)."""

from .services import reminders_send
from .snapshots import snapshots_at_close


def report_reminders() -> int:
    # Every ten minutes: a unit is reminded within ten minutes of its deadline, and only once.
    return reminders_send()


def figure_snapshots() -> int:
    # Every five minutes: the day's close (from 23:50) is caught at least once before midnight.
    return snapshots_at_close()
