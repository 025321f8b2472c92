"""Incidents for the demo community: a handful in every state, so that the list, the badge,
the daily report and the wall dashboard show something on a fresh `make run`."""

from __future__ import annotations

import datetime as dt
import math
import random

from django.contrib.auth import get_user_model
from django.utils import timezone

from fangxian.accounts.selectors import members_of
from fangxian.core.scope import Scope
from fangxian.registry.models import Building, Community, Person

from . import services
from .models import Incident, IncidentUpdate

# (what, where, urgency, hours ago reported, the steps after: assign / report in / close, minutes after the report)
DEMO = (
    ("小区东门有人聚集打牌，未戴口罩", "东门岗亭旁", "high", 1, ()),
    ("3栋一名居家隔离人员擅自外出", "", "critical", 3, (("assign", 10), ("note", 25))),
    ("垃圾站消毒不及时，有异味", "北侧垃圾站", "low", 20, (("assign", 30), ("note", 90), ("close", 240))),
    ("外卖员翻越围挡进入小区", "西侧围挡", "high", 30, (("assign", 5), ("note", 20), ("close", 60))),
    ("独居老人家中无人应门", "", "critical", 50, (("assign", 3), ("note", 12), ("close", 45))),
    ("临时卡口帐篷被风吹倒", "南门卡口", "high", 0.5, (("assign", 8),)),
)


# Further happenings of the month, told as closed incidents of past days (what, where, urgency).
HISTORY = (
    ("返深人员未登记直接入住", "", "high"), ("卡口测温枪故障", "东门卡口", "low"),
    ("居民投诉隔离户垃圾未及时清运", "", "low"), ("有人在村口聚集喝茶", "村口榕树下", "high"),
    ("快递堆放在卡口外无人看管", "北门卡口", "low"), ("隔离户反映生活物资不足", "", "high"),
    ("出租屋新住户未办理通行证", "", "high"), ("夜间有人翻越围挡", "西侧围挡", "critical"),
)
HISTORY_DAYS = 30


def demo_incidents(*, community: Community) -> dict:
    """Six incidents in Dongshan: new, assigned, in progress and closed, reported over the last
    two days by the demo grid worker and volunteer, handled by the demo admin."""
    # Only the demo users who belong to this community: a demo user left from an earlier
    # registry (its memberships gone) may not be assigned here.
    users = {u.username: u for u in members_of(community.pk).filter(username__in=["admin", "grid1", "gate"])}
    admin = users.get("admin")
    reporters = [user for user in (users.get("grid1"), users.get("gate")) if user is not None]
    buildings = list(Building.objects.filter(community=community).select_related("estate").order_by("pk")[:6])
    now = timezone.now()
    made = 0
    if not reporters:
        return {"incidents": 0}
    for n, (title, location, urgency, hours, steps) in enumerate(DEMO):
        if admin is None:  # nobody to handle them: they stay as reported
            steps = ()
        building = buildings[n % len(buildings)] if buildings and not location else None
        _tell(community, reporters[n % len(reporters)], admin, reporters[0], title=title, location=location,
              urgency=urgency, building=building, reported=now - dt.timedelta(hours=hours), steps=steps,
              department="社区工作站" if n % 2 else "")
        made += 1
    return {"incidents": made}


def demo_incident_history(*, community: Community, days: int = HISTORY_DAYS, seed: int = 2020) -> dict:
    """The month before: about one incident a day in a community of Dongshan's size (fewer in a
    smaller one), each reported, assigned, reported in and closed within hours. Reported by the
    community's demo grid worker or volunteer, else by the demo superuser (the neighbours have
    no demo logins of their own)."""
    users = {u.username: u for u in members_of(community.pk).filter(username__in=["admin", "grid1", "gate"])}
    root = get_user_model().objects.filter(username="root", is_superuser=True).first()
    reporter = users.get("grid1") or users.get("gate") or root
    handler = users.get("admin") or root
    if reporter is None or handler is None:
        return {"incidents": 0}
    rng = random.Random(f"incidents-{seed}-{community.code}")
    per_day = min(1.2, 0.25 + Person.objects.filter(community=community).count() / 8000)
    buildings = list(Building.objects.filter(community=community).order_by("pk"))
    today = timezone.localdate()
    made = 0
    for back in range(days - 1, 0, -1):
        day = today - dt.timedelta(days=back)
        for _ in range(_poisson(rng, per_day)):
            title, location, urgency = HISTORY[rng.randrange(len(HISTORY))]
            building = buildings[rng.randrange(len(buildings))] if buildings and not location else None
            reported = timezone.make_aware(dt.datetime.combine(day, dt.time(rng.randint(7, 21), rng.randrange(60))))
            steps = (("assign", rng.randint(3, 30)), ("note", rng.randint(35, 90)), ("close", rng.randint(100, 400)))
            # A neighbour has no demo logins: its incidents go to the community workstation.
            member = users.get("grid1") or users.get("gate")
            _tell(community, reporter, handler, member, title=title, location=location, urgency=urgency,
                  building=building, reported=reported, steps=steps, department="" if member else "社区工作站")
            made += 1
    return {"incidents": made}


def _poisson(rng: random.Random, mean: float) -> int:
    count, threshold, product = 0, math.exp(-mean), rng.random()
    while product > threshold:
        count += 1
        product *= rng.random()
    return count


def _tell(community, reporter, handler, assignee, *, title, location, urgency, building, reported, steps,
          department) -> Incident:
    """One incident through the services, then moved back to when it happened."""
    root = Scope.everything()
    incident = services.incident_report(
        scope=root, user=reporter, community=community, title=title, location=location,
        urgency=urgency, building=building)
    times = {"reported_at": reported}
    for step, minutes in steps:
        if step == "assign":
            services.incident_assign(scope=root, user=handler, incident=incident, assignee=assignee,
                                     department=department)
        elif step == "note":
            services.incident_report_in(scope=root, user=assignee or handler, incident=incident,
                                        note="已到现场处置，正在跟进。")
        else:
            services.incident_close(scope=root, user=handler, incident=incident,
                                    outcome=Incident.Outcome.RESOLVED, note="处置完毕。")
        times[step] = reported + dt.timedelta(minutes=minutes)
    # The services stamp "now": move the story back to when it happened.
    Incident.objects.filter(pk=incident.pk).update(
        reported_at=reported, assigned_at=times.get("assign"), first_response_at=times.get("note"),
        closed_at=times.get("close"))
    for kind, step in ((IncidentUpdate.Kind.REPORTED, "reported_at"), (IncidentUpdate.Kind.ASSIGNED, "assign"),
                       (IncidentUpdate.Kind.NOTE, "note"), (IncidentUpdate.Kind.CLOSED, "close")):
        if step in times:
            IncidentUpdate.objects.filter(incident=incident, kind=kind).update(at=times[step])
    return incident
