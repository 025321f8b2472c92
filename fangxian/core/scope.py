"""The access policy: the one answer to "may I" and "which communities, grids, checkpoints".

One `Scope` is built per request (per user, API token or checkpoint device: a token and a
device act as their user) from the user's memberships:

- superuser: everything;
- subdistrict officer: reads every community of their subdistricts, writes nothing;
- community admin: reads and writes everything in their communities, and runs their
  checkpoint consoles;
- grid worker: reads and writes the buildings, dwellings and people of their grids, and
  reads the structure (groups, estates, entrances) of those grids' communities;
- checkpoint volunteer: no registry; runs the consoles of their community's checkpoints and
  files the checkpoints' sub-reports;
- delivery volunteer: no registry;
- residential group leader: no registry; files their group's part of the daily report.

Two ways to ask:

- named predicates for "may I": `scope.is_admin`, `scope.reads_communities`,
  `scope.runs(community_id)`, `scope.reads(community_id)`, `scope.sees_registry`, …;
- `scope.filter(queryset)` for "which rows": each scoped model declares `scope_paths`, the
  lookups from it to its community and grid, and the scope turns them and the memberships
  into one WHERE clause. `scope.communities(queryset, Reach.RUN)` limits any queryset to
  the communities of one kind of reach (what a form offers, what a page adds up).

core knows no app: the memberships come from the app that owns them (accounts), which
registers its reader with `register_grant_source` when Django starts.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from functools import wraps
from typing import Callable, Iterable

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    SUBDISTRICT_OFFICER = "subdistrict_officer", _("Subdistrict officer")
    COMMUNITY_ADMIN = "community_admin", _("Community admin")
    GRID_WORKER = "grid_worker", _("Grid worker")
    CHECKPOINT_VOLUNTEER = "checkpoint_volunteer", _("Checkpoint volunteer")
    DELIVERY_VOLUNTEER = "delivery_volunteer", _("Delivery volunteer")
    GROUP_LEADER = "group_leader", _("Residential group leader")


REGISTRY_ROLES = frozenset({Role.SUBDISTRICT_OFFICER, Role.COMMUNITY_ADMIN, Role.GRID_WORKER})
CONSOLE_ROLES = frozenset({Role.CHECKPOINT_VOLUNTEER, Role.COMMUNITY_ADMIN})


class Reach(enum.Enum):
    """How a user reaches a community."""

    READ = "read"  # reads all of it: its admins and the subdistrict's officers
    RUN = "run"  # runs it (writes): its admins
    OWN = "own"  # has a membership of it, any role (an officer's read is not one)
    MEMBER = "member"  # OWN, or reads it as an officer
    CONSOLE = "console"  # runs its checkpoint consoles: its checkpoint volunteers and admins
    CHECKPOINT = "checkpoint"  # stands at its checkpoints as a volunteer


@dataclass(frozen=True)
class ScopePaths:
    community: str | None = None  # lookup from the model to its community's pk
    grid: str | None = None  # lookup from the model to its grid's pk, if grid workers see it
    subdistrict: str | None = None  # lookup to the subdistrict (models above communities)
    grid_reads_community: bool = False  # grid workers read it across their communities
    grid_writes: bool = False  # grid workers may change it inside their grids


@dataclass(frozen=True)
class Grant:
    """One membership, as the policy needs it. `community_id` is the grid's or the group's
    community for those roles; `subdistrict_id` is set for officers."""

    role: Role
    subdistrict_id: int | None = None
    community_id: int | None = None
    grid_id: int | None = None
    group_id: int | None = None


# user → (grants, {community id: subdistrict id} for the officers' subdistricts and the
# communities of the grants). Registered by accounts, which owns the memberships.
GrantSource = Callable[[object], tuple[list[Grant], dict[int, int]]]
_grant_source: GrantSource | None = None


def register_grant_source(source: GrantSource) -> None:
    global _grant_source
    _grant_source = source


@dataclass(frozen=True)
class Scope:
    user_id: int | None
    is_superuser: bool = False
    roles: frozenset[Role] = frozenset()
    subdistrict_ids: frozenset[int] = frozenset()  # officer's subdistricts
    read_community_ids: frozenset[int] = frozenset()  # admins' and officers' communities
    admin_community_ids: frozenset[int] = frozenset()
    grid_ids: frozenset[int] = frozenset()
    grid_community_ids: frozenset[int] = frozenset()
    own_community_ids: frozenset[int] = frozenset()  # memberships of any role
    member_community_ids: frozenset[int] = frozenset()  # own, and officers' reads
    console_community_ids: frozenset[int] = frozenset()  # runs their checkpoint consoles
    checkpoint_community_ids: frozenset[int] = frozenset()  # stands at their checkpoints
    group_ids: frozenset[int] = frozenset()  # residential groups the user leads
    visible_subdistrict_ids: frozenset[int] = frozenset()
    # Officers' subdistricts and those of the communities the user runs: where they set the
    # subdistrict's rules (risk areas).
    rule_subdistrict_ids: frozenset[int] = frozenset()

    # -- building ---------------------------------------------------------------------
    @classmethod
    def everything(cls, user_id: int | None = None) -> "Scope":
        """The system's own scope (demo builders, jobs): a superuser's."""
        return cls(user_id=user_id, is_superuser=True)

    @classmethod
    def for_user(cls, user) -> "Scope":
        if not user or not user.is_authenticated:
            return cls(user_id=None)
        if user.is_superuser:
            return cls.everything(user.pk)
        if _grant_source is None:
            raise RuntimeError("no grant source is registered (is fangxian.accounts installed?)")
        grants, community_subdistricts = _grant_source(user)
        return cls.from_grants(user.pk, grants, community_subdistricts)

    @classmethod
    def from_grants(cls, user_id: int, grants: Iterable[Grant], community_subdistricts: dict[int, int]) -> "Scope":
        grants = list(grants)

        def ids(attr: str, *roles: Role) -> frozenset[int]:
            return frozenset(getattr(g, attr) for g in grants if g.role in roles and getattr(g, attr) is not None)

        subdistricts = ids("subdistrict_id", Role.SUBDISTRICT_OFFICER)
        admin = ids("community_id", Role.COMMUNITY_ADMIN)
        own = frozenset(g.community_id for g in grants if g.community_id is not None)
        officer_reads = frozenset(c for c, s in community_subdistricts.items() if s in subdistricts)
        read = admin | officer_reads
        return cls(
            user_id=user_id,
            roles=frozenset(g.role for g in grants),
            subdistrict_ids=subdistricts,
            read_community_ids=read,
            admin_community_ids=admin,
            grid_ids=ids("grid_id", Role.GRID_WORKER),
            grid_community_ids=ids("community_id", Role.GRID_WORKER),
            own_community_ids=own,
            member_community_ids=own | read,
            console_community_ids=ids("community_id", *CONSOLE_ROLES),
            checkpoint_community_ids=ids("community_id", Role.CHECKPOINT_VOLUNTEER),
            group_ids=ids("group_id", Role.GROUP_LEADER),
            visible_subdistrict_ids=subdistricts | frozenset(
                s for c, s in community_subdistricts.items() if c in own | read),
            rule_subdistrict_ids=subdistricts | frozenset(
                s for c, s in community_subdistricts.items() if c in admin),
        )

    # -- communities by reach -------------------------------------------------------------
    def community_ids(self, reach: Reach = Reach.READ) -> frozenset[int]:
        """The communities of this reach. A superuser's are every community: ask
        `communities()` or `covers()`, which know that, rather than this set."""
        return {
            Reach.READ: self.read_community_ids,
            Reach.RUN: self.admin_community_ids,
            Reach.OWN: self.own_community_ids,
            Reach.MEMBER: self.member_community_ids,
            Reach.CONSOLE: self.console_community_ids,
            Reach.CHECKPOINT: self.checkpoint_community_ids,
        }[reach]

    def communities(self, queryset: QuerySet, reach: Reach = Reach.READ, *, path: str = "pk") -> QuerySet:
        """`queryset` cut to the rows whose `path` (a community's pk) is of this reach."""
        if self.is_superuser:
            return queryset
        return queryset.filter(**{f"{path}__in": self.community_ids(reach)})

    def covers(self, community_id: int | None, reach: Reach = Reach.READ) -> bool:
        return self.is_superuser or community_id in self.community_ids(reach)

    def reaches(self, reach: Reach = Reach.READ) -> bool:
        """Has at least one community of this reach."""
        return self.is_superuser or bool(self.community_ids(reach))

    # -- named predicates ---------------------------------------------------------------
    def reads(self, community_id: int | None) -> bool:
        return self.covers(community_id, Reach.READ)

    def runs(self, community_id: int | None) -> bool:
        return self.covers(community_id, Reach.RUN)

    def sets_rules_in(self, subdistrict_id: int | None) -> bool:
        """Sets the subdistrict's rules (risk areas): its officers, the admins of its communities."""
        return self.is_superuser or subdistrict_id in self.rule_subdistrict_ids

    def rule_subdistricts(self, queryset: QuerySet) -> QuerySet:
        """The subdistricts (a queryset of them) whose rules the user sets."""
        return queryset if self.is_superuser else queryset.filter(pk__in=self.rule_subdistrict_ids)

    def leads_group(self, group_id: int | None) -> bool:
        return self.is_superuser or group_id in self.group_ids

    @property
    def reads_communities(self) -> bool:
        """Reads at least one whole community: admins, officers, superusers."""
        return self.reaches(Reach.READ)

    @property
    def is_admin(self) -> bool:
        """Runs at least one community: sees the audit log, imports the residents' register."""
        return self.reaches(Reach.RUN)

    @property
    def is_officer(self) -> bool:
        """Sees subdistricts rather than one community (the home page of the subdistrict)."""
        return self.is_superuser or bool(self.subdistrict_ids)

    @property
    def sees_registry(self) -> bool:
        return self.is_superuser or bool(self.roles & REGISTRY_ROLES)

    @property
    def edits_registry(self) -> bool:
        return self.is_superuser or bool(self.admin_community_ids or self.grid_ids)

    @property
    def grid_only(self) -> bool:
        """A grid worker who runs no community: their pages are cut to their grids."""
        return not self.is_superuser and bool(self.grid_ids) and not self.admin_community_ids

    @property
    def stands_at_checkpoints(self) -> bool:
        return Role.CHECKPOINT_VOLUNTEER in self.roles

    def require(self, allowed: bool) -> None:
        if not allowed:
            raise PermissionDenied

    # -- the filter ---------------------------------------------------------------------
    def filter(self, queryset: QuerySet, *, for_write: bool = False) -> QuerySet:
        if self.is_superuser:
            return queryset
        paths: ScopePaths | None = getattr(queryset.model, "scope_paths", None)
        if paths is None:
            raise TypeError(f"{queryset.model.__name__} declares no scope_paths")
        return queryset.filter(self._condition(paths, for_write))

    def _condition(self, paths: ScopePaths, for_write: bool) -> Q:
        nothing = Q(pk__in=[])
        condition = nothing
        communities = self.admin_community_ids if for_write else self.read_community_ids
        if paths.community and communities:
            condition |= Q(**{f"{paths.community}__in": communities})
        if paths.subdistrict and not for_write and self.visible_subdistrict_ids:
            condition |= Q(**{f"{paths.subdistrict}__in": self.visible_subdistrict_ids})
        if self.grid_ids and (paths.grid_writes or not for_write):
            if paths.grid:
                condition |= Q(**{f"{paths.grid}__in": self.grid_ids})
            elif paths.grid_reads_community and paths.community and not for_write:
                condition |= Q(**{f"{paths.community}__in": self.grid_community_ids})
        return condition

    def can_write(self, obj) -> bool:
        return self.filter(type(obj)._default_manager.filter(pk=obj.pk), for_write=True).exists()


def scope_of(request) -> Scope:
    """The request's scope, built once per request: pages and API alike (an API token's
    authentication sets `request.user` to the token's user)."""
    scope = getattr(request, "_fangxian_scope", None)
    user = getattr(request, "user", None)
    if scope is None or scope.user_id != getattr(user, "pk", None):
        scope = Scope.for_user(user)
        request._fangxian_scope = scope
    return scope


def scoped_view(check: Callable[[Scope], bool] | None = None):
    """A page for logged-in users whose scope passes `check` (every logged-in user when None);
    refused with 403 otherwise. The view receives the scope after the request:

        @scoped_view(lambda scope: scope.sees_registry)
        def person_list(request, scope): ...
    """

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            scope = scope_of(request)
            if check is not None:
                scope.require(check(scope))
            return view(request, scope, *args, **kwargs)

        return wrapper

    return decorator


# The pages of the registry and of what hangs on it (returnees, seals): those who see the registry.
registry_view = scoped_view(lambda scope: scope.sees_registry)
