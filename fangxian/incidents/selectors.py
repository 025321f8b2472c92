"""Reads of incidents: who may report and where, what each user sees, the list's filters,
the people an incident can be given to, and the durations shown on the pages."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fangxian.accounts.models import Membership, Role
from fangxian.core.scope import Scope
from fangxian.registry.models import Community

from .models import Incident

# Suggestions for "department" (the field is free text: any other name is fine).
DEPARTMENTS = (
    gettext_lazy("Community work station"),
    gettext_lazy("Community health centre"),
    gettext_lazy("Police station"),
    gettext_lazy("Property management"),
    gettext_lazy("Urban management"),
    gettext_lazy("Fire brigade"),
)


def sees_incidents(scope: Scope) -> bool:
    """Anyone with a membership: members report and follow their own, officers read."""
    return scope.is_superuser or bool(scope.member_community_ids or scope.read_community_ids)


def manages_incidents(scope: Scope) -> bool:
    return scope.is_superuser or bool(scope.admin_community_ids)


def reporting_communities(scope: Scope) -> QuerySet:
    """The communities a user may report in: those of their own memberships (an officer's
    subdistrict reads, it is not a membership of a community)."""
    if scope.is_superuser:
        return Community.objects.all()
    ids = Membership.objects.filter(user_id=scope.user_id, community__isnull=False).values("community_id")
    return Community.objects.filter(pk__in=ids)


def visible(scope: Scope, incidents: QuerySet | None = None) -> QuerySet:
    """What the scope reads (admins and officers: their communities) and, for everyone, the
    incidents they reported or were given."""
    incidents = Incident.objects.all() if incidents is None else incidents
    if scope.is_superuser:
        return incidents
    own = incidents.filter(Q(reported_by_id=scope.user_id) | Q(assigned_to_id=scope.user_id))
    return scope.filter(incidents) | own


def open_count(scope: Scope) -> int:
    return visible(scope).filter(closed_at__isnull=True).count()


def assignees(community_ids) -> QuerySet:
    """Who an incident can be given to: the active users with a membership in the community."""
    if isinstance(community_ids, int):
        community_ids = [community_ids]
    members = Membership.objects.filter(community_id__in=community_ids).exclude(role=Role.SUBDISTRICT_OFFICER)
    return get_user_model().objects.filter(pk__in=members.values("user_id"), is_active=True).order_by("username")


# -- the list ------------------------------------------------------------------------------

STATES = ("open", "closed", "all")


@dataclass
class Filters:
    state: str = "open"
    urgency: str = ""
    q: str = ""

    @classmethod
    def from_query(cls, params) -> "Filters":
        state = params.get("state", "open")
        urgency = params.get("urgency", "")
        return cls(state=state if state in STATES else "open",
                   urgency=urgency if urgency in Incident.Urgency.values else "",
                   q=" ".join(params.get("q", "").split())[:40])

    @property
    def active(self) -> bool:
        return bool(self.urgency or self.q or self.state != "open")


def filtered(incidents: QuerySet, filters: Filters) -> QuerySet:
    if filters.state == "open":
        incidents = incidents.filter(closed_at__isnull=True)
    elif filters.state == "closed":
        incidents = incidents.filter(closed_at__isnull=False)
    if filters.urgency:
        incidents = incidents.filter(urgency=filters.urgency)
    if filters.q:
        q = filters.q
        condition = Q(title__contains=q) | Q(location__contains=q) | Q(description__contains=q) | Q(
            department__contains=q) | Q(estate__name__contains=q) | Q(building__name__contains=q)
        if q.lstrip("#").isdigit() and len(q) < 12:
            condition |= Q(pk=int(q.lstrip("#")))
        incidents = incidents.filter(condition)
    return incidents.select_related("community", "estate", "building", "reported_by", "assigned_to").order_by(
        "-reported_at", "-pk")


def duration_text(delta: dt.timedelta | None) -> str:
    """1 d 3 h, 2 h 5 min, 12 min: what the pages show for a response or closure time."""
    if delta is None:
        return ""
    minutes = max(0, int(delta.total_seconds() // 60))
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        return _("%(days)d d %(hours)d h") % {"days": days, "hours": hours}
    if hours:
        return _("%(hours)d h %(minutes)d min") % {"hours": hours, "minutes": minutes}
    return _("%(minutes)d min") % {"minutes": minutes}
