"""The reminder to units that have not reported by the deadline, run by `fangxian worker` (registered in plugins.py)."""

from .services import reminders_send


def report_reminders() -> int:
    # Every ten minutes: a unit is reminded within ten minutes of its deadline, and only once.
    return reminders_send()
