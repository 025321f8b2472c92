"""Care visits for the demo: the dated rules of closed management (every 3 days from 30 days
ago until 10 days ahead, weekly after), each person under care given to the grid worker of
their grid (a demo login) or to a volunteer, and a month of visits, mostly on time, with a few
people overdue, one "visit sooner", a few deliveries needed and one incident raised."""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction

from fangxian.accounts.selectors import members_of
from fangxian.core.scope import Role, Scope
from fangxian.incidents import services as incident_services
from fangxian.incidents.models import Incident
from fangxian.registry.models import Community, Person

from . import care
from .models import CareAssignment, CareCategory, CareRule, CareVisit

HISTORY_DAYS = 30
CLOSED_UNTIL_DAYS = 10  # closed management ends this many days after today
SITUATIONS = (
    "身体状况良好，情绪稳定", "血压偏高，已提醒按时服药", "家中物资充足，无特殊需求", "腿脚不便，行动需要照顾",
    "情绪有些低落，陪同聊天半小时", "子女在外地，每天电话联系", "按时测量体温，无发热",
)
NEEDS = ("", "", "", "代买蔬菜", "代购常用药", "大米和食用油")
HELP = ("", "", "讲解防疫政策", "帮忙预约社区医生", "送去口罩和消毒液")
# Visit a day early, on the day, or a day late: mostly on the day.
JITTER = (-1, 0, 0, 0, 0, 0, 1)


def care_demo(community: Community, today: dt.date) -> dict:
    """The care part of the demo for `community`, as of `today`. Deterministic; does nothing
    if the community already has care rules."""
    if CareRule.objects.filter(community=community).exists():
        return {"care_rules": 0, "care_assignments": 0, "care_visits": 0, "care_overdue": 0}
    rng = random.Random(f"fangxian-care:{community.code}")
    start, closed_until = today - dt.timedelta(days=HISTORY_DAYS), today + dt.timedelta(days=CLOSED_UNTIL_DAYS)
    with transaction.atomic():
        rules = CareRule.objects.bulk_create(
            [CareRule(community=community, category=c, every_days=3, effective_from=start, effective_to=closed_until)
             for c in CareCategory.values]
            + [CareRule(community=community, category=c, every_days=7,
                        effective_from=closed_until + dt.timedelta(days=1)) for c in CareCategory.values])
        by_category: dict[str, list[CareRule]] = {}
        for rule in rules:
            by_category.setdefault(rule.category, []).append(rule)
        people = list(care.under_care(Person.objects.filter(community=community))
                      .select_related("dwelling__building").order_by("pk"))
        visitor_of = _visitors(community, people)
        CareAssignment.objects.bulk_create([CareAssignment(person=p, visitor=visitor_of[p.pk])
                                            for p in people if visitor_of.get(p.pk)])
        overdue = set(rng.sample([p.pk for p in people], min(len(people), rng.randint(3, 6))))
        visits: list[CareVisit] = []
        for person in people:
            mine = [r for c in care.categories_of(person) for r in by_category[c]]
            cutoff = today - dt.timedelta(days=rng.randint(4, 9)) if person.pk in overdue else today
            visits += _month_of_visits(rng, person, mine, start, cutoff, visitor_of.get(person.pk))
        _last_steps(rng, visits, today)
        CareVisit.objects.bulk_create(visits)
        _one_incident(visits, today)
    return {"care_rules": len(rules), "care_assignments": sum(1 for p in people if visitor_of.get(p.pk)),
            "care_visits": len(visits), "care_overdue": len(overdue)}


def _visitors(community: Community, people: list[Person]) -> dict[int, object]:
    """{person id: user}: the grid worker login of the person's grid, else a volunteer, else an admin."""
    grid_user = {}
    for user in members_of(community.pk, roles=[Role.GRID_WORKER]):
        for grid_id in Scope.for_user(user).grid_ids:
            grid_user.setdefault(grid_id, user)
    others = (list(members_of(community.pk, roles=[Role.DELIVERY_VOLUNTEER]))
              or list(members_of(community.pk, roles=[Role.COMMUNITY_ADMIN])))
    result = {}
    for n, person in enumerate(people):
        user = grid_user.get(person.dwelling.building.grid_id)
        result[person.pk] = user or (others[n % len(others)] if others else None)
    return result


def _month_of_visits(rng: random.Random, person: Person, rules: list[CareRule], start: dt.date,
                     until: dt.date, visitor) -> list[CareVisit]:
    """Visits from `start` to `until`, each on (or a day around) the due date of the last."""
    visits = []
    day = start + dt.timedelta(days=rng.randint(0, 2))
    while day <= until:
        visits.append(CareVisit(person=person, visitor=visitor, visited_on=day, situation=rng.choice(SITUATIONS),
                                needs=rng.choice(NEEDS), help_given=rng.choice(HELP)))
        due = care.due_date(rules, day)
        if due is None:
            break
        day = max(day + dt.timedelta(days=1), due + dt.timedelta(days=rng.choice(JITTER)))
    return visits


def _last_steps(rng: random.Random, visits: list[CareVisit], today: dt.date) -> None:
    """A few of the last visits ask for a delivery; the latest other one asks to come back sooner."""
    last: dict[int, CareVisit] = {}
    for visit in visits:
        last[visit.person.pk] = visit
    recent = [v for v in last.values() if v.visited_on >= today - dt.timedelta(days=2)]
    for visit in rng.sample(recent, min(len(recent), 4)):
        visit.next_step, visit.needs = CareVisit.NextStep.DELIVER, visit.needs or "代买蔬菜"
    # The latest of them that asks for nothing else (yesterday's, as a rule).
    plain = sorted((v for v in recent if v.next_step == CareVisit.NextStep.NONE),
                   key=lambda v: (v.visited_on, v.person.pk), reverse=True)
    if plain:
        sooner = plain[0]
        sooner.next_step, sooner.next_visit_on = CareVisit.NextStep.SOONER, today + dt.timedelta(days=1)
        sooner.situation = "咳嗽两天，已提醒就医，明天再来看看"


def _one_incident(visits: list[CareVisit], today: dt.date) -> None:
    """A recent visit found a leaking pipe: an incident at the person's building."""
    for visit in reversed(visits):
        if visit.visitor is not None and visit.next_step == CareVisit.NextStep.NONE and visit.visited_on < today:
            incident = incident_services.incident_report(
                scope=Scope.everything(), user=visit.visitor, community=visit.person.community,
                title="独居老人家中水管漏水，需要维修", location="", urgency=Incident.Urgency.HIGH,
                description="走访时发现，老人无法自行处理", building=visit.person.dwelling.building)
            CareVisit.objects.filter(pk=visit.pk).update(next_step=CareVisit.NextStep.INCIDENT,
                                                         needs="维修水管", incident_id=incident.pk)
            return
