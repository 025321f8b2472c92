"""Daily reports for the demo: two weeks of submitted reports of each community, its residential
groups and its checkpoints (a few late), so that the report pages, the subdistrict view and
the history are not empty, and a month of daily snapshots of the figures.

Today: every community of the story but one files (as by now); the one left (registry.demo
UNREPORTED_TODAY_CODE, 西涌社区) has filed nothing, so the officer sees it 未报 until the 17:00
deadline and 逾期未报 after it.

Deterministic (a seeded generator), and idempotent: a day already reported is left alone.
"""

from __future__ import annotations

import datetime as dt
import random

from django.contrib.auth import get_user_model
from django.utils import timezone

from fangxian.access.selectors import active_checkpoints
from fangxian.core.scope import Scope
from fangxian.registry.models import Community, ResidentialGroup, Subdistrict

from . import services
from .models import DailyReport, FigureSnapshot
from .snapshots import CLOSE_FROM, snapshot_take

PROGRESS = ("卡口24小时值守，入口测温全覆盖。", "完成敲门行动第二轮，新增登记返深人员。",
            "居家隔离人员每日两次健康打卡。", "志愿者为隔离户配送物资、代购并清运垃圾。",
            "张贴通告、横幅，流动宣传车巡回广播。")
PROBLEMS = ("", "", "测温枪电池不足，请求补充。", "夜班志愿者不足，请求增派青年志愿者。", "口罩库存偏紧。")


HISTORY_DAYS = 30  # the story's month, today included: the days with a snapshot of the figures
# The days with reports: two weeks, filed through the service (a group's sub-report drafts its
# figures, some 50 ms: a month of every unit of five communities would add 20 s to `make run`).
REPORT_DAYS = 14
LATE_SHARE = 0.06  # of the units that file after the 17:00 deadline on a past day


def demo_reports(place: Subdistrict | Community | None = None, *, days: int = 7, seed: int = 2020,
                 file_today: bool = False, snapshot_days: int | None = None, now: dt.datetime | None = None) -> dict:
    """File the past `days` days' reports (and the sub-reports of its residential groups and
    checkpoints) of the demo community, or of every community of a subdistrict; with
    file_today, today's too, as filed by now. A few units file late. Each past day keeps the
    snapshot of its figures (taken on submission), so that trends read the figures of the day. Returns how
    many reports were filed. A day already reported is left alone. The `snapshot_days` past
    days (`days` by default) get the snapshot of their figures, filed or not."""
    if isinstance(place, Subdistrict):
        communities = list(Community.objects.filter(subdistrict=place).order_by("code"))
    elif isinstance(place, Community):
        communities = [place]
    else:
        communities = list(Community.objects.filter(code="DONGSHAN"))
    User = get_user_model()
    user = User.objects.filter(username="admin").first() or User.objects.filter(is_superuser=True).first()
    scope = Scope.everything(getattr(user, "pk", None))
    now = now or timezone.now()
    today = timezone.localdate(now)
    filed = 0
    for community in communities:
        rng = random.Random(f"reports-{seed}-{community.code}")
        groups = list(ResidentialGroup.objects.filter(community=community).order_by("number"))
        checkpoints = list(active_checkpoints([community.pk]))
        for back in range(days, -1 if file_today else 0, -1):
            day = today - dt.timedelta(days=back)
            for group, checkpoint in [*((g, None) for g in groups), *((None, c) for c in checkpoints), (None, None)]:
                if DailyReport.objects.filter(community=community, group=group, checkpoint=checkpoint,
                                              day=day).exists():
                    continue
                at = _filed_at(rng, day, now, community=group is None and checkpoint is None)
                services.report_save(scope=scope, user=user, community=community, group=group,
                                     checkpoint=checkpoint, day=day, data=_data(rng, community, group, checkpoint, day),
                                     submit=True, now=at)
                filed += 1
        # A submitted community report stores its day's snapshot; any past day still without one
        # (the community filed nothing) gets the snapshot its day's close would have taken.
        past = [today - dt.timedelta(days=back) for back in range(snapshot_days or days, 0, -1)]
        taken = set(FigureSnapshot.objects.filter(community=community, day__in=past).values_list("day", flat=True))
        for day in past:
            if day not in taken:
                snapshot_take([community.pk], day, now=timezone.make_aware(dt.datetime.combine(day, CLOSE_FROM)))
    return {"reports": filed}


def _filed_at(rng: random.Random, day: dt.date, now: dt.datetime, *, community: bool) -> dt.datetime:
    """When a unit filed: its sub-report in the afternoon, the community's before 17:00; a few late."""
    late = rng.random() < LATE_SHARE
    if late:
        hour, minute = rng.choice((17, 18)), rng.randrange(60)
    else:
        hour, minute = (16, rng.randint(0, 55)) if community else (rng.randint(13, 15), rng.randrange(60))
    at = timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))
    return min(at, now - dt.timedelta(minutes=1))


def _data(rng: random.Random, community, group, checkpoint, day) -> dict:
    data = {"confirmed": 0, "suspected": 0, "close_contacts": rng.choice((0, 0, 0, 1, 2)),
            "progress": rng.choice(PROGRESS), "problems": rng.choice(PROBLEMS)}
    if checkpoint is not None:  # a gate finds no close contacts of its own: they belong to a group
        data["close_contacts"] = 0
    if group is None and checkpoint is None:  # the community's: its groups' summed, as the page compiles them
        data["close_contacts"] = sum(r.close_contacts or 0 for r in DailyReport.objects.filter(
            community=community, day=day, group__isnull=False, status=DailyReport.Status.SUBMITTED))
    return data
