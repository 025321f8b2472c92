"""Closed management for the demo community: a checkpoint at every entrance and a pass
for everyone at home, so that `make run` shows a console with something to scan."""

from __future__ import annotations

from fangxian.registry.models import Building, Community, Entrance

from .models import Checkpoint
from .services import checkpoint_create, passes_issue_for_building


def demo_access(*, community: Community) -> dict:
    checkpoints = 0
    for entrance in Entrance.objects.filter(estate__community=community).select_related("estate"):
        if not Checkpoint.objects.filter(entrance=entrance).exists():
            checkpoint_create(entrance=entrance, user=None)
            checkpoints += 1
    passes = 0
    for building in Building.objects.filter(community=community).select_related("estate", "community"):
        passes += passes_issue_for_building(building=building, user=None)["issued"]
    return {"checkpoints": checkpoints, "passes": passes}
