"""The reminder to units that have not reported by the deadline, run by `fangxian worker`."""

from fangxian.core.periodic import periodic

from .services import reminders_send


@periodic(every_seconds=600)
def report_reminders() -> int:
    # Every ten minutes: a unit is reminded within ten minutes of its deadline, and only once.
    return reminders_send()
