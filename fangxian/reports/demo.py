"""Daily reports for the demo: a week of submitted reports of Dongshan and its residential
groups, so that the report pages, the subdistrict view and the history are not empty.

Deterministic (a seeded generator), and idempotent: a day already reported is left alone.
"""

from __future__ import annotations

import datetime as dt
import random

from django.contrib.auth import get_user_model
from django.utils import timezone

from fangxian.core.scope import Scope
from fangxian.registry.models import Community, ResidentialGroup, Subdistrict

from . import services
from .models import DailyReport

PROGRESS = ("卡口24小时值守，入口测温全覆盖。", "完成敲门行动第二轮，新增登记返深人员。",
            "居家隔离人员每日两次健康打卡。", "志愿者为隔离户配送物资、代购并清运垃圾。",
            "张贴通告、横幅，流动宣传车巡回广播。")
PROBLEMS = ("", "", "测温枪电池不足，请求补充。", "夜班志愿者不足，请求增派青年志愿者。", "口罩库存偏紧。")


def demo_reports(place: Subdistrict | Community | None = None, *, days: int = 7, seed: int = 2020) -> dict:
    """File the past `days` days' reports (and group sub-reports) of the demo community, or of
    every community of a subdistrict. Returns how many reports were filed."""
    if isinstance(place, Subdistrict):
        communities = list(Community.objects.filter(subdistrict=place).order_by("code"))
    elif isinstance(place, Community):
        communities = [place]
    else:
        communities = list(Community.objects.filter(code="DONGSHAN"))
    User = get_user_model()
    user = User.objects.filter(username="admin").first() or User.objects.filter(is_superuser=True).first()
    scope = Scope.everything(getattr(user, "pk", None))
    rng = random.Random(seed)
    today = timezone.localdate()
    filed = 0
    for community in communities:
        groups = list(ResidentialGroup.objects.filter(community=community).order_by("number"))
        for back in range(days, 0, -1):
            day = today - dt.timedelta(days=back)
            deadline = timezone.make_aware(dt.datetime.combine(day, dt.time(16, rng.randint(0, 50))))
            for group in [*groups, None]:
                if DailyReport.objects.filter(community=community, group=group, day=day).exists():
                    continue
                data = {"confirmed": 0, "suspected": 0, "close_contacts": rng.choice((0, 0, 0, 1, 2)),
                        "progress": rng.choice(PROGRESS), "problems": rng.choice(PROBLEMS)}
                if group is None:  # the community's numbers: its groups' summed, as the page compiles them
                    data["close_contacts"] = sum(r.close_contacts or 0 for r in DailyReport.objects.filter(
                        community=community, day=day, group__isnull=False))
                services.report_save(scope=scope, user=user, community=community, group=group, day=day,
                                     data=data, submit=True, now=deadline)
                filed += 1
    return {"reports": filed}
