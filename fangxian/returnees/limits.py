"""The allowed ranges of the returnees practice, each said once: the length of a home
quarantine (a risk-area rule, a review, an extension and a shortening all use it), a
temperature, a reason. A value outside is refused with a message naming the range; nothing
is cut short silently."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# Days of home quarantine: 14 was the practice in 2020; two months covers a long extension.
QUARANTINE_DAYS = (1, 60)
TEMPERATURE_RANGE = (Decimal("34.0"), Decimal("43.0"))
REASON_MAX = 200


def days_message() -> str:
    low, high = QUARANTINE_DAYS
    return _("Give a number of days from %(low)d to %(high)d.") % {"low": low, "high": high}


def clean_days(value: object, *, field: str = "days") -> int:
    """A number of days of home quarantine within QUARANTINE_DAYS, or a ValidationError on `field`."""
    try:
        days = int(str(value).strip())
    except (TypeError, ValueError):
        days = 0
    low, high = QUARANTINE_DAYS
    if not low <= days <= high:
        raise ValidationError({field: days_message()})
    return days


def check_length(days: int, *, field: str = "days") -> None:
    """A quarantine's whole length (start to planned end) stays within QUARANTINE_DAYS."""
    low, high = QUARANTINE_DAYS
    if not low <= days <= high:
        raise ValidationError({field: _("A home quarantine lasts %(low)d to %(high)d days in all: this one would "
                                        "last %(days)d.") % {"low": low, "high": high, "days": days}})


def validate_rule_days(value: int | None) -> None:
    """A risk-area rule's days: 0 (no home quarantine) or within QUARANTINE_DAYS."""
    if value and not QUARANTINE_DAYS[0] <= value <= QUARANTINE_DAYS[1]:
        raise ValidationError(days_message(), code="quarantine_days")


def clean_reason(reason: object, field: str = "reason") -> str:
    """A reason for the audit log: at least 2 characters, at most REASON_MAX, refused (never cut)
    when longer."""
    text = " ".join(str(reason or "").split())
    if len(text) < 2:
        raise ValidationError({field: _("Give a reason: it is written to the audit log.")})
    if len(text) > REASON_MAX:
        raise ValidationError({field: _("The reason has at most %(max)d characters; this one has %(n)d.")
                               % {"max": REASON_MAX, "n": len(text)}})
    return text
