"""Reads about volunteers and teams: who may see them, the list's filters, the availability
grid."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When
from django.utils.translation import gettext_lazy as _

from fangxian.core.scope import Scope

from ..models import WEEKDAY_NAMES, TimeBand, Volunteer

SKILL_FILTERS = (
    ("is_party_member", _("Party member")),
    ("is_shift_leader", _("Can lead a shift")),
    ("has_first_aid", _("First aid")),
    ("can_drive", _("Can drive")),
)


def sees_volunteers(scope: Scope) -> bool:
    """Volunteers and teams: community admins (read and write) and subdistrict officers
    (read). Grid workers, checkpoint and delivery volunteers and group leaders do not."""
    return scope.reads_communities


def edits_volunteers(scope: Scope) -> bool:
    return scope.is_admin


def pending_count(scope: Scope) -> int:
    """Sign-ups waiting for this admin's approval (the menu's badge)."""
    if not edits_volunteers(scope):
        return 0
    return scope.filter(Volunteer.objects.filter(status=Volunteer.Status.PENDING), for_write=True).count()


@dataclass(frozen=True)
class VolunteerFilters:
    q: str = ""
    status: str = ""
    kind: str = ""
    group: int | None = None
    skill: str = ""

    @classmethod
    def from_query(cls, query) -> "VolunteerFilters":
        group = query.get("group", "")
        status, kind, skill = query.get("status", ""), query.get("kind", ""), query.get("skill", "")
        return cls(
            q=" ".join(query.get("q", "").split())[:60],
            status=status if status in Volunteer.Status.values else "",
            kind=kind if kind in Volunteer.Kind.values else "",
            group=int(group) if group.isdigit() else None,
            skill=skill if skill in dict(SKILL_FILTERS) else "",
        )

    @property
    def active(self) -> bool:
        return bool(self.q or self.status or self.kind or self.group or self.skill)


def volunteers_filtered(volunteers: QuerySet, filters: VolunteerFilters) -> QuerySet:
    """Search by name or by the last digits of the mobile; waiting sign-ups first."""
    if filters.q:
        condition = Q(name__icontains=filters.q)
        if filters.q.isdigit() and len(filters.q) >= 3:
            condition |= Q(phone__endswith=filters.q)
        volunteers = volunteers.filter(condition)
    if filters.status:
        volunteers = volunteers.filter(status=filters.status)
    if filters.kind:
        volunteers = volunteers.filter(kind=filters.kind)
    if filters.group:
        volunteers = volunteers.filter(group_id=filters.group)
    if filters.skill:
        volunteers = volunteers.filter(**{filters.skill: True})
    waiting_first = Case(When(status=Volunteer.Status.PENDING, then=Value(0)), default=Value(1),
                         output_field=IntegerField())
    return volunteers.select_related("group", "preferred_checkpoint", "community").order_by(
        waiting_first, "name", "pk")


def availability_rows(availability: dict) -> list[tuple[str, list[tuple[str, str, bool]]]]:
    """The 7 × 4 grid, a row per weekday (rows fit a phone better than seven columns):
    [(weekday label, [(field value, band label, ticked)])]. A field value is "weekday:band",
    what the sign-up form's tick boxes send."""
    ticked = {(str(day), band) for day, bands in (availability or {}).items() for band in bands}
    return [(WEEKDAY_NAMES[day], [(f"{day}:{band}", label, (str(day), band) in ticked)
                                  for band, label in TimeBand.choices])
            for day in range(7)]


def band_heads() -> list[tuple[str, str]]:
    """The grid's column heads as (name, hours): "Afternoon 12–18" → ("Afternoon", "12–18"),
    set on two lines so that four columns fit a phone."""
    heads = []
    for _band, label in TimeBand.choices:
        name, _sep, hours = str(label).rpartition(" ")
        heads.append((name, hours) if name else (hours, ""))
    return heads


def ticked_availability(values) -> dict:
    """What a bound form's tick boxes hold, as availability (to show them ticked again)."""
    grid: dict[str, list[str]] = {}
    for value in values or []:
        day, _sep, band = str(value).partition(":")
        grid.setdefault(day, []).append(band)
    return grid


def team_rows(teams: QuerySet) -> QuerySet:
    return teams.annotate(member_count=Count("members", distinct=True),
                          activity_count=Count("activities", distinct=True)).select_related("community")
