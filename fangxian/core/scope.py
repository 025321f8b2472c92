"""Who sees what: the one mechanism behind every list, detail and API operation.

A user's memberships (accounts.Membership) give them a scope:

- superuser: everything;
- subdistrict officer: reads every community of their subdistricts, writes nothing;
- community admin: reads and writes everything in their communities;
- grid worker: reads and writes the buildings, dwellings and people of their grids, and
  reads the structure (groups, estates, entrances) of those grids' communities;
- checkpoint and delivery volunteers: no registry at all;
- residential group leaders: no registry either; they file their group's part of the daily
  report (`group_ids`).

Each scoped model declares `scope_paths`, the lookups from it to its community and grid;
`Scope.filter(queryset)` turns those and the memberships into one WHERE clause.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet


@dataclass(frozen=True)
class ScopePaths:
    community: str | None = None  # lookup from the model to its community's pk
    grid: str | None = None  # lookup from the model to its grid's pk, if grid workers see it
    subdistrict: str | None = None  # lookup to the subdistrict (models above communities)
    grid_reads_community: bool = False  # grid workers read it across their communities
    grid_writes: bool = False  # grid workers may change it inside their grids


REGISTRY_ROLES = frozenset({"subdistrict_officer", "community_admin", "grid_worker"})


@dataclass(frozen=True)
class Scope:
    user_id: int | None
    is_superuser: bool = False
    roles: frozenset[str] = frozenset()
    subdistrict_ids: frozenset[int] = frozenset()  # officer's subdistricts
    read_community_ids: frozenset[int] = frozenset()  # officer: every community of them
    admin_community_ids: frozenset[int] = frozenset()
    grid_ids: frozenset[int] = frozenset()
    grid_community_ids: frozenset[int] = frozenset()
    member_community_ids: frozenset[int] = frozenset()  # any role
    group_ids: frozenset[int] = frozenset()  # residential groups the user leads
    visible_subdistrict_ids: frozenset[int] = frozenset()

    @classmethod
    def for_user(cls, user) -> "Scope":
        if not user or not user.is_authenticated:
            return cls(user_id=None)
        if user.is_superuser:
            return cls(user_id=user.pk, is_superuser=True)
        from fangxian.accounts.models import Membership
        from fangxian.registry.models import Community

        roles, subdistricts, admin, grids, grid_communities, members = set(), set(), set(), set(), set(), set()
        groups = set()
        for m in Membership.objects.filter(user=user).select_related("grid"):
            roles.add(m.role)
            if m.role == "subdistrict_officer":
                subdistricts.add(m.subdistrict_id)
            elif m.role == "community_admin":
                admin.add(m.community_id)
            elif m.role == "grid_worker":
                grids.add(m.grid_id)
                grid_communities.add(m.grid.community_id)
            elif m.role == "group_leader":
                groups.add(m.group_id)
            if m.community_id:
                members.add(m.community_id)
        read = set(admin)
        members |= admin | grid_communities
        visible_subdistricts = set(subdistricts)
        if subdistricts or members:
            rows = Community.objects.filter(Q(subdistrict_id__in=subdistricts) | Q(pk__in=members))
            for pk, subdistrict_id in rows.values_list("pk", "subdistrict_id"):
                visible_subdistricts.add(subdistrict_id)
                if subdistrict_id in subdistricts:
                    read.add(pk)
        return cls(
            user_id=user.pk,
            roles=frozenset(roles),
            subdistrict_ids=frozenset(subdistricts),
            read_community_ids=frozenset(read),
            admin_community_ids=frozenset(admin),
            grid_ids=frozenset(grids),
            grid_community_ids=frozenset(grid_communities),
            member_community_ids=frozenset(members | read),
            visible_subdistrict_ids=frozenset(visible_subdistricts),
            group_ids=frozenset(groups),
        )

    # -- what the user may do ---------------------------------------------------------
    @property
    def sees_registry(self) -> bool:
        return self.is_superuser or bool(self.roles & REGISTRY_ROLES)

    @property
    def edits_registry(self) -> bool:
        return self.is_superuser or bool(self.admin_community_ids or self.grid_ids)

    @property
    def is_admin(self) -> bool:
        """Runs at least one community: sees the audit log, imports rosters."""
        return self.is_superuser or bool(self.admin_community_ids)

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
    """The request's scope, built once per request."""
    scope = getattr(request, "_fangxian_scope", None)
    if scope is None or scope.user_id != getattr(request.user, "pk", None):
        scope = Scope.for_user(request.user)
        request._fangxian_scope = scope
    return scope


def scoped_view(check=None):
    """A page for logged-in users whose scope passes `check` (every logged-in user when None);
    refused with 403 otherwise. The view receives the scope after the request:

        @scoped_view(lambda scope: scope.sees_registry)
        def person_list(request, scope): ...
    """
    from functools import wraps

    from django.contrib.auth.decorators import login_required

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
