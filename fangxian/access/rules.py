"""The rules of closed management (fever threshold, pass validity, bundle age, key overlap):
data with dates, the value in force at a moment (core.dated), set by an admin."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fangxian.core.dated import in_force, in_force_among
from fangxian.core.models import AuditEvent
from fangxian.core.services import audit_object
from fangxian.registry.models import Community

from .changes import change_log
from .models import RULE_DEFAULTS, RULE_LIMITS, Rule, RuleKey


def rule_value(key: str, community: Community | int | None, at: dt.datetime | None = None) -> str:
    """The value of a rule in force at `at` (now) for a community: the community's latest
    rule in force, else the latest for every community, else the default."""
    at = at or timezone.now()
    community_id = getattr(community, "pk", community)
    rules = in_force(Rule.objects.filter(key=key), at)
    if community_id is not None:
        own = rules.filter(community_id=community_id).values_list("value", flat=True).first()
        if own is not None:
            return own
    common = rules.filter(community__isnull=True).values_list("value", flat=True).first()
    return common if common is not None else RULE_DEFAULTS[RuleKey(key)]


def rule_value_among(key: str, own: list[Rule], common: list[Rule], at: dt.datetime) -> str:
    """`rule_value` for rules already loaded (one community's own and the common ones of
    one key): the same answer without a query, for many moments at once."""
    rule = in_force_among(own, at) or in_force_among(common, at)
    return rule.value if rule is not None else RULE_DEFAULTS[RuleKey(key)]


def fever_threshold(community, at: dt.datetime | None = None) -> Decimal:
    return Decimal(rule_value(RuleKey.FEVER_THRESHOLD, community, at))


def rule_int(key: str, community, at=None) -> int:
    return int(rule_value(key, community, at))


def rule_clean_value(key: str, raw: object) -> str:
    """The canonical text of a rule's value, or a ValidationError saying the allowed range."""
    try:
        key = RuleKey(key)
    except ValueError:
        raise ValidationError({"key": _("Choose a rule from the list.")}) from None
    low, high, kind = RULE_LIMITS[key]
    try:
        value = kind(str(raw).strip())
    except (ValueError, InvalidOperation):
        raise ValidationError({"value": _("Enter a number.")}) from None
    if kind is Decimal:
        value = value.quantize(Decimal("0.1"))
    if not low <= value <= high:
        raise ValidationError({"value": _("Enter a value from %(low)s to %(high)s.") % {"low": low, "high": high}})
    return str(value)


def rule_set(*, user, community: Community | None, key: str, value: object,
             effective_from: dt.datetime | None = None) -> Rule:
    """A new value of a rule from `effective_from` (now) on; the earlier values stay on record."""
    clean = rule_clean_value(key, value)
    effective_from = effective_from or timezone.now()
    if timezone.is_naive(effective_from):
        raise ValidationError({"effective_from": _("Give the time with its time zone.")})
    with transaction.atomic():
        now_in_force = effective_from <= timezone.now()
        rule = Rule.objects.create(community=community, key=key, value=clean, effective_from=effective_from,
                                   set_by=user if getattr(user, "is_authenticated", False) else None,
                                   announced=now_in_force)
        audit_object(actor=user, action=AuditEvent.Action.CREATE, obj=rule, detail=f"{key}={clean}")
        if now_in_force:  # a rule from a later moment is logged when it comes into force (bundle_build)
            for community_id in _rule_communities(community):
                change_log(community_id, "rule")
    return rule


def _rule_communities(community) -> list[int]:
    if community is not None:
        return [community.pk]
    return list(Community.objects.values_list("pk", flat=True))
