"""Re-planning the demo community's roster after one dropout: how many shifts change.

The demo community Dongshan (its registry, a checkpoint at every entrance, its 300 volunteers
and 10 staff, the demo's shifts and rules), a week from today solved for 20 s (80 s if a busy
machine found none) and published; then the first volunteer with two shifts or more from the
fourth day drops out from that day and the week is re-planned with 3 s. Figure: the (person,
day) pairs whose shift (or day off) changed, beside the floor "the dropout's shifts" (each must
go to someone else), so ratio 1 is the fewest changes possible; extras give the changes before
the dropout date (must be 0) and the shifts filled before and after.

FANGXIAN_BENCH_REPLAN_SECONDS (default 3) sets the re-plan's budget.
`.venv/bin/python -m bench.bench_replan`.
"""

from __future__ import annotations

import datetime as dt
import os
import time

from bench.common import emit, figure, scratch_django

SOLVE_SECONDS = 20


def run() -> list[dict]:
    scratch_django("replan")
    from fangxian.access.models import Checkpoint
    from fangxian.access.services import checkpoint_create
    from fangxian.duty.models import RosterPlan
    from fangxian.duty.rosters import services
    from fangxian.duty.rosters.demo import demo_rosters
    from fangxian.duty.volunteers.demo import demo_volunteers
    from fangxian.registry.demo import DEMO_COMMUNITY_CODE, demo_build
    from fangxian.registry.models import Community, Entrance

    demo_build(scale=1)
    community = Community.objects.get(code=DEMO_COMMUNITY_CODE)
    for entrance in Entrance.objects.filter(estate__community=community).select_related("estate"):
        if not Checkpoint.objects.filter(entrance=entrance).exists():
            checkpoint_create(entrance=entrance, user=None)
    demo_volunteers(community)
    demo_rosters(community, days=7, seconds=SOLVE_SECONDS)
    old = RosterPlan.objects.get(community=community)
    if old.status != RosterPlan.Status.PUBLISHED:  # a busy machine found no roster in time: once more, longer
        RosterPlan.objects.filter(pk=old.pk).update(seconds=4 * SOLVE_SECONDS)
        old = services.plan_publish(user=None, plan=services.plan_solve(old.pk))

    from_date = old.first_day + dt.timedelta(days=3)
    later: dict[int, list] = {}
    for a in old.assignments.filter(date__gte=from_date, volunteer__kind="volunteer").select_related(
            "volunteer").order_by("volunteer_id"):
        later.setdefault(a.volunteer_id, []).append(a)
    leaver_id, leaver_shifts = next((v, shifts) for v, shifts in sorted(later.items()) if len(shifts) >= 2)
    new = services.replan_create(user=None, plan=old, volunteer=leaver_shifts[0].volunteer, from_date=from_date)
    seconds = int(os.environ.get("FANGXIAN_BENCH_REPLAN_SECONDS", "3"))
    RosterPlan.objects.filter(pk=new.pk).update(seconds=seconds)
    started = time.perf_counter()
    new = services.plan_solve(new.pk)
    took = time.perf_counter() - started

    def days(plan):
        return {(a.volunteer_id, a.date): a.template_id for a in plan.assignments.all()}

    before, after = days(old), days(new)
    changed = {k for k in before.keys() | after.keys() if before.get(k) != after.get(k)}
    extra = {"dropout_shifts": len(leaver_shifts), "shifts_before": len(before), "shifts_after": len(after),
             "status": new.status, "error": new.error, "seconds_budget": seconds, "seconds": round(took, 1),
             "checkpoints": Checkpoint.objects.filter(community=community).count()}
    if new.status != RosterPlan.Status.SOLVED:  # no new version in the time given: no figure to compare
        return [{"figure": "replan_demo_changed_pairs", "unit": "pairs", "value": None, "floor": len(leaver_shifts),
                 "ratio": None, "changed_before_date": None, **extra}]
    return [figure("replan_demo_changed_pairs", "pairs", len(changed), len(leaver_shifts), higher_is_better=False,
                   changed_before_date=sum(d < from_date for _v, d in changed), **extra)]


if __name__ == "__main__":
    emit(run())
