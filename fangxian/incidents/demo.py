"""Incidents for the demo community: a handful in every state, so that the list, the badge,
the daily report and the wall dashboard show something on a fresh `make run`."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from fangxian.accounts.selectors import members_of
from fangxian.core.scope import Scope
from fangxian.registry.models import Building, Community

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


def demo_incidents(*, community: Community) -> dict:
    """Six incidents in Dongshan: new, assigned, in progress and closed, reported over the last
    two days by the demo grid worker and volunteer, handled by the demo admin."""
    # Only the demo users who belong to this community: a demo user left from an earlier
    # registry (its memberships gone) may not be assigned here.
    users = {u.username: u for u in members_of(community.pk).filter(username__in=["admin", "grid1", "gate"])}
    admin = users.get("admin")
    reporters = [user for user in (users.get("grid1"), users.get("gate")) if user is not None]
    root = Scope.everything()
    buildings = list(Building.objects.filter(community=community).select_related("estate").order_by("pk")[:6])
    now = timezone.now()
    made = 0
    if not reporters:
        return {"incidents": 0}
    for n, (title, location, urgency, hours, steps) in enumerate(DEMO):
        if admin is None:  # nobody to handle them: they stay as reported
            steps = ()
        building = buildings[n % len(buildings)] if buildings and not location else None
        incident = services.incident_report(
            scope=root, user=reporters[n % len(reporters)], community=community, title=title, location=location,
            urgency=urgency, building=building)
        reported = now - dt.timedelta(hours=hours)
        times = {"reported_at": reported}
        for step, minutes in steps:
            if step == "assign":
                services.incident_assign(scope=root, user=admin, incident=incident, assignee=reporters[0],
                                         department="社区工作站" if n % 2 else "")
            elif step == "note":
                services.incident_report_in(scope=root, user=reporters[0], incident=incident,
                                            note="已到现场处置，正在跟进。")
            else:
                services.incident_close(scope=root, user=admin, incident=incident,
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
        made += 1
    return {"incidents": made}
