"""Reads of incidents: who may report and where, what each user sees, the list's filters,
the people an incident can be given to, the durations shown on the pages, and the counts
the wall dashboard shows."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Case, IntegerField, Q, QuerySet, When
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fangxian.accounts.selectors import members_of
from fangxian.core.reporting import count_per_day
from fangxian.core.scope import Reach, Role, Scope
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
    return scope.reaches(Reach.MEMBER)


def reporting_communities(scope: Scope) -> QuerySet:
    """The communities a user may report in: those of their own memberships (an officer's
    subdistrict reads, it is not a membership of a community)."""
    return scope.communities(Community.objects.all(), Reach.OWN)


def visible(scope: Scope, incidents: QuerySet | None = None) -> QuerySet:
    """What the scope reads (admins and officers: their communities) and, for everyone, the
    incidents they reported or were given."""
    incidents = Incident.objects.all() if incidents is None else incidents
    own = incidents.filter(Q(reported_by_id=scope.user_id) | Q(assigned_to_id=scope.user_id))
    return scope.filter(incidents) | own


def open_count(scope: Scope) -> int:
    return visible(scope).filter(closed_at__isnull=True).count()


def assignees(community_ids) -> QuerySet:
    """Who an incident can be given to: the active users with a membership in the community."""
    return members_of(community_ids, exclude_roles=[Role.SUBDISTRICT_OFFICER])


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


# -- for the wall dashboard (reports) --------------------------------------------------------

URGENCY_RANK = Case(When(urgency=Incident.Urgency.CRITICAL, then=0), When(urgency=Incident.Urgency.HIGH, then=1),
                    default=2, output_field=IntegerField())


def reported_per_day(community_ids, start: dt.datetime, end: dt.datetime) -> dict[dt.date, dict]:
    """{local day: {"n": incidents reported}}: one query."""
    return count_per_day(Incident.objects.filter(community_id__in=list(community_ids)), "reported_at", start, end)


def open_incidents(community_ids) -> QuerySet:
    """The communities' open incidents, the most urgent and then the latest first."""
    return (Incident.objects.filter(community_id__in=list(community_ids), closed_at__isnull=True)
            .order_by(URGENCY_RANK, "-reported_at", "-pk"))
