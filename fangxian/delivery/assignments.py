"""The standing assignments 分楼包干: each building's courier, its reads and its one write.

A building's tasks go to its standing courier when they are made (services.request_make and
the nightly meals). The community's admins change a building's courier by hand; they may at
the same time give it the building's open tasks of today that nobody has yet.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from fangxian.accounts.selectors import members_of
from fangxian.core.models import AuditEvent
from fangxian.core.scope import Role, Scope
from fangxian.core.services import audit_object
from fangxian.registry.models import Building
from fangxian.registry.selectors import SEARCH_MAX_LENGTH, clean_search

from . import selectors, services
from .models import Assignment, Task


def couriers_of(community_id: int) -> QuerySet:
    """The delivery volunteers of a community, by username."""
    return members_of(community_id, roles=[Role.DELIVERY_VOLUNTEER])


def assignment_buildings(scope: Scope, community_id: int, q: str = "") -> QuerySet[Building]:
    """The buildings of a community the user sees (a grid worker: their grids'), with their
    standing courier, by estate and name; `q` searches the estate and building names."""
    buildings = scope.filter(Building.objects.filter(community_id=community_id)).select_related(
        "estate", "grid", "delivery_assignment__courier").order_by("estate__name", "name", "pk")
    q = clean_search(q)[:SEARCH_MAX_LENGTH]
    for term in dict.fromkeys(q.split()):
        buildings = buildings.filter(Q(name__icontains=term) | Q(estate__name__icontains=term))
    return buildings


@dataclass(frozen=True)
class AssignmentResult:
    assignment: Assignment | None
    moved: int  # today's open tasks given to the courier


def assignment_set(*, scope: Scope, user, building: Building, courier_id: int | None,
                   also_today: bool = False) -> AssignmentResult:
    """Give a building its standing courier (a delivery volunteer of its community), or take it
    away (`courier_id` None). With `also_today`, the building's open tasks of today that nobody
    has are given to the courier too. Audited."""
    if not selectors.runs_delivery(scope, building.community_id):
        raise PermissionDenied
    courier = None
    if courier_id is not None:
        courier = couriers_of(building.community_id).filter(pk=courier_id).first()
        if courier is None:
            raise ValidationError({"courier": _("Choose a delivery volunteer of this community.")})
    with transaction.atomic():
        current = Assignment.objects.select_for_update().filter(building=building).first()
        if courier is None:
            if current is not None:
                audit_object(actor=user, action=AuditEvent.Action.DELETE, obj=current,
                             detail=f"building {building.pk}: courier {current.courier_id} removed")
                current.delete()
            return AssignmentResult(assignment=None, moved=0)
        if current is None:
            current = Assignment.objects.create(building=building, courier=courier, assigned_by=user)
            action = AuditEvent.Action.CREATE
        else:
            action = AuditEvent.Action.UPDATE
            current.courier, current.assigned_by = courier, user
            current.save(update_fields=["courier", "assigned_by", "assigned_at"])
        audit_object(actor=user, action=action, obj=current, detail=f"building {building.pk}: courier {courier.pk}")
        moved = 0
        if also_today:
            for task in unassigned_today(building):
                services.task_step(task=task, step="assigned", user=user, scope=scope, courier=courier)
                moved += 1
    return AssignmentResult(assignment=current, moved=moved)


def unassigned_today(building: Building) -> QuerySet[Task]:
    """The building's tasks of today still requested with nobody to bring them."""
    return Task.objects.filter(dwelling__building=building, day=timezone.localdate(),
                               status=Task.Status.REQUESTED, courier__isnull=True).order_by("pk")
