"""Volunteers, staff and teams for the demo community (Dongshan 东山社区, spring 2020).

`demo_volunteers(community)` builds, deterministically from a seed and the community's code:
about 300 approved volunteers (ages 18–75 in the demo year, ~30% who can lead a shift, most
with a preferred checkpoint near their residential group), 10 staff who lead shifts, 8
sign-ups waiting for approval, and three teams, among them the women's volunteer team
巾帼志愿服务队 formed on 8 March 2020, with members and activities. Run it after the
registry and the checkpoints (registry.demo, access.demo). Rows are written with
`bulk_create`. A community that already has volunteers is left as it is.
"""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from fangxian.access.models import Checkpoint
from fangxian.registry.demo import _SURNAME, GIVEN, MOBILE_PREFIXES, REFERENCE_DATE, _era
from fangxian.registry.models import Community, ResidentialGroup

from ..models import TeamActivity, TimeBand, Volunteer, VolunteerTeam
from .services import CONSENT_VERSION

APPROVED, STAFF, PENDING = 300, 10, 8
LEADER_SHARE = 0.3
# (youngest, oldest, weight) of the volunteers' ages: many of working age, a good share of
# retired people (who take day shifts) and of students home for the holidays (nights).
AGE_BANDS = ((18, 25, 14), (26, 35, 20), (36, 45, 20), (46, 59, 26), (60, 75, 20))
MORNING, AFTERNOON, EVENING, NIGHT = (TimeBand.MORNING.value, TimeBand.AFTERNOON.value, TimeBand.EVENING.value,
                                      TimeBand.NIGHT.value)

PARTY_APPLICATIONS = (
    "我是一名共产党员。疫情就是命令，防控就是责任。我志愿报名参加社区疫情防控工作，服从组织安排，"
    "不计报酬，不论生死，坚守卡口，守护好{community}的每一户居民。",
    "作为一名老党员，我请求到防控一线去。我身体健康，熟悉{group}的情况，会讲客家话和粤语，"
    "可以协助登记、测温和劝返。请组织批准！",
    "我是退役军人，也是中共党员。关键时刻党员要冲在前面，我申请参加卡口值守，夜班也可以，随叫随到。",
    "本人自愿加入{community}疫情防控党员志愿队，坚决服从指挥，哪里需要就到哪里，不获全胜决不收兵。",
)
OTHER_APPLICATIONS = (
    "我住在{group}，下班后和周末都有空，愿意为社区出一份力。",
    "公司还没复工，在家也是闲着，想来帮忙测体温、登记。",
    "我是大学生，寒假在家，可以值夜班，也会用电脑做表格。",
    "我以前在医院做护士，懂得基本的急救，可以帮忙量体温、观察身体不适的人。",
    "我有车，可以帮忙给居家隔离的住户送菜、送物资。",
    "退休在家，身体还好，白天都可以来卡口帮忙。",
    "",
    "",
)
TEAMS = (
    ("党员先锋队", dt.date(2020, 1, 26), "党员带头冲在一线：卡口值守、重点人员摸排、带班值班。", "party", (
        (dt.date(2020, 1, 26), "党员先锋队动员会", 32, "宣读请战书，分配卡口和班次。"),
        (dt.date(2020, 2, 2), "返深人员上门摸排", 28, "分片入户登记，核对出租屋住户。"),
        (dt.date(2020, 2, 16), "卡口值守经验交流", 18, "交流夜班劝返和测温中遇到的问题。"),
    )),
    ("青年突击队", dt.date(2020, 2, 3), "青年志愿者承担夜间值守、巡查和物资搬运。", "young", (
        (dt.date(2020, 2, 10), "城中村夜间巡查", 12, "巡查各村出入口，劝导未戴口罩人员。"),
        (dt.date(2020, 2, 20), "防疫物资搬运与配送", 15, "为居家隔离住户配送生活物资。"),
    )),
    ("巾帼志愿服务队", dt.date(2020, 3, 8),
     "发挥妇女在疫情防控中的作用：卡口值守、为一线人员送热饭、关爱独居老人。", "women", (
        (dt.date(2020, 3, 8), "巾帼志愿服务队成立仪式", 26, "三八妇女节当天成立，向一线女性值守人员致敬。"),
        (dt.date(2020, 3, 10), "为卡口值守人员送热饭", 12, "每天中午和晚上为各卡口送去热饭热汤。"),
        (dt.date(2020, 3, 15), "上门探访独居老人", 9, "为独居老人测体温、送口罩，登记生活需要。"),
        (dt.date(2020, 3, 22), "缝制布口罩赠送居民", 14, "缝制布口罩三百余个，赠送给村里的老人。"),
    )),
)


def _age(rng: random.Random) -> int:
    roll = rng.random() * sum(w for _lo, _hi, w in AGE_BANDS)
    for low, high, weight in AGE_BANDS:
        if roll < weight:
            return rng.randint(low, high)
        roll -= weight
    return rng.randint(26, 59)


def _name(rng: random.Random, sex: str, birth_year: int, taken: set[str]) -> str:
    while True:
        chars = GIVEN[(sex, _era(birth_year))]
        given = chars[rng.randrange(len(chars))]
        if rng.random() > 0.15:
            given += chars[rng.randrange(len(chars))]
        name = _SURNAME(rng) + given
        if name not in taken and len(set(given)) == len(given):
            taken.add(name)
            return name


def _phone(rng: random.Random, taken: set[str]) -> str:
    while True:
        number = MOBILE_PREFIXES[rng.randrange(len(MOBILE_PREFIXES))] + f"{rng.randrange(10 ** 8):08d}"
        if number not in taken:
            taken.add(number)
            return number


def _availability(rng: random.Random, age: int, *, staff: bool = False) -> dict[str, list[str]]:
    """When someone can help, from how their week looks: retired people in the day, people
    at work in the evenings and at weekends, students in the evenings and at night, and some
    (out of work while everything is closed) at any time."""
    if staff:
        pattern = {day: [MORNING, AFTERNOON, EVENING] + ([NIGHT] if rng.random() < 0.4 else []) for day in range(7)}
    else:
        roll = rng.random()
        if age >= 60:
            pattern = {day: [MORNING, AFTERNOON] for day in range(7)}
        elif roll < 0.25:  # anytime
            pattern = {day: [MORNING, AFTERNOON, EVENING, NIGHT] for day in range(7)}
        elif age <= 30 and roll < 0.7:  # students, young workers without work
            pattern = {day: [EVENING, NIGHT] + ([AFTERNOON] if day >= 5 else []) for day in range(7)}
        else:  # at work on weekdays
            pattern = {day: [EVENING] if day < 5 else [MORNING, AFTERNOON, EVENING] for day in range(7)}
            if rng.random() < 0.35:
                for day in range(7):
                    pattern[day].append(NIGHT)
    ticked = {str(day): [band for band in TimeBand.values if band in bands and rng.random() > 0.12]
              for day, bands in pattern.items()}
    ticked = {day: bands for day, bands in ticked.items() if bands}
    return ticked or {"5": [MORNING, AFTERNOON], "6": [MORNING, AFTERNOON]}


@transaction.atomic
def demo_volunteers(community: Community, *, seed: int = 2020, reference_year: int | None = None,
                    approved_count: int = APPROVED) -> dict:
    """Build the demo volunteers (`approved_count` of them), staff, sign-ups and teams of `community`;
    returns the counts. Ages are counted from `reference_year` (the demo's year, 2020, by default)."""
    if Volunteer.objects.filter(community=community).exists():
        return {"volunteers": 0, "staff": 0, "pending": 0, "teams": 0}
    rng = random.Random(f"volunteers-{seed}-{community.code}")
    year = reference_year or REFERENCE_DATE.year
    groups = list(ResidentialGroup.objects.filter(community=community).order_by("number"))
    checkpoints = list(Checkpoint.objects.filter(community=community, active=True)
                       .select_related("entrance__estate").order_by("name", "pk"))
    near = {g.pk: [c for c in checkpoints if c.entrance.estate.group_id == g.pk] for g in groups}
    names, phones = set(Volunteer.objects.values_list("name", flat=True)), set()
    decided_at = timezone.make_aware(dt.datetime(year, 2, 1, 9, 0))
    consent_at = timezone.make_aware(dt.datetime(year, 1, 28, 20, 0))
    rows, sexes = [], []

    def person(*, kind: str, status: str, age: int | None = None, leader: bool | None = None) -> Volunteer:
        age = age if age is not None else _age(rng)
        sex = "F" if rng.random() < 0.45 else "M"
        group = groups[rng.randrange(len(groups))] if groups and kind == Volunteer.Kind.VOLUNTEER else None
        party = rng.random() < (0.6 if kind == Volunteer.Kind.STAFF else 0.3 if age >= 30 else 0.12)
        if leader is None:  # shift leaders: mostly party members of working age
            leader = rng.random() < (0.32 if party and 28 <= age <= 62 else 0.08)
        nearby = near.get(group.pk, []) if group else []
        preferred = None
        if checkpoints and rng.random() < 0.7:
            pool = nearby if nearby and rng.random() < 0.8 else checkpoints
            preferred = pool[rng.randrange(len(pool))]
        texts = PARTY_APPLICATIONS if party else OTHER_APPLICATIONS
        application = "" if kind == Volunteer.Kind.STAFF else texts[rng.randrange(len(texts))].format(
            community=community.name, group=group.name if group else community.name)
        volunteer = Volunteer(
            community=community, kind=kind, status=status, name=_name(rng, sex, year - age, names),
            phone=_phone(rng, phones), birth_year=year - age, group=group,
            availability=_availability(rng, age, staff=kind == Volunteer.Kind.STAFF), preferred_checkpoint=preferred,
            is_party_member=party, is_shift_leader=leader, has_first_aid=rng.random() < 0.12,
            can_drive=rng.random() < (0.45 if sex == "M" else 0.25) and age <= 65, application=application,
            consent_version="" if kind == Volunteer.Kind.STAFF else CONSENT_VERSION,
            consent_at=None if kind == Volunteer.Kind.STAFF else consent_at,
            decided_at=decided_at if status != Volunteer.Status.PENDING else None,
        )
        rows.append(volunteer)
        sexes.append(sex)
        return volunteer

    for _ in range(approved_count):
        person(kind=Volunteer.Kind.VOLUNTEER, status=Volunteer.Status.APPROVED)
    # About 30% of the approved volunteers lead shifts, whatever the draw gave: with a leader
    # on every shift at 14 gates, fewer leave many shifts without one.
    leaders = [v for v in rows if v.is_shift_leader]
    others = [v for v in rows if not v.is_shift_leader and 25 <= v.age_in(year) <= 65]
    rng.shuffle(others)
    for volunteer in others[:max(0, round(approved_count * LEADER_SHARE) - len(leaders))]:
        volunteer.is_shift_leader = True
    for _ in range(STAFF):
        person(kind=Volunteer.Kind.STAFF, status=Volunteer.Status.APPROVED, age=rng.randint(25, 55), leader=True)
    for _ in range(PENDING):
        person(kind=Volunteer.Kind.VOLUNTEER, status=Volunteer.Status.PENDING, leader=False)
    Volunteer.objects.bulk_create(rows, batch_size=500)

    approved = [(v, sex) for v, sex in zip(rows, sexes) if v.status == Volunteer.Status.APPROVED]
    members_of = {
        "party": [v for v, _sex in approved if v.is_party_member][:40],
        "young": [v for v, _sex in approved if v.kind == Volunteer.Kind.VOLUNTEER and v.age_in(year) <= 35][:24],
        "women": [v for v, sex in approved if sex == "F" and v.kind == Volunteer.Kind.VOLUNTEER][:30],
    }
    teams = VolunteerTeam.objects.bulk_create([
        VolunteerTeam(community=community, name=name, formed_on=formed_on, purpose=purpose)
        for name, formed_on, purpose, _who, _activities in TEAMS])
    Through = VolunteerTeam.members.through
    Through.objects.bulk_create([Through(volunteerteam_id=team.pk, volunteer_id=v.pk)
                                 for team, (_n, _f, _p, who, _a) in zip(teams, TEAMS) for v in members_of[who]])
    TeamActivity.objects.bulk_create([
        TeamActivity(team=team, held_on=held_on, title=title, participants=count, note=note)
        for team, (_n, _f, _p, _who, activities) in zip(teams, TEAMS) for held_on, title, count, note in activities])
    return {"volunteers": approved_count, "staff": STAFF, "pending": PENDING, "teams": len(teams)}
