"""Returnees for the demo: 30 days of people coming back after the Spring Festival, the
registrations they filed, the home quarantines that followed and their twice-daily check-ins.

The registry marks some dwellings 居家隔离 (home quarantine). Each of them gets its returnee:
a registration reviewed as home quarantine and an open quarantine for the household (every
member, the same dates) that started in the last 14 days, so it ends between today and two
weeks from now; and no other dwelling has an open one, so the registry and the quarantine
list agree. Earlier returnees sent home for 14 days have been
released (their dwelling is occupied again), so the quarantine level rises and falls. The
others moved in (approved), and a few wait in today's queue.

The rows are written with `bulk_create` (the review service revokes passes, writes audit
events and dwelling history one registration at a time: too slow for a month of arrivals),
then dated back; a few check-ins are missed. Deterministic from the seed and the community.
"""

from __future__ import annotations

import datetime as dt
import math
import random
import uuid
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from fangxian.registry.models import Community, Dwelling, Person

from .models import CheckIn, Measure, Quarantine, Registration
from .services import CONSENT_VERSION

HISTORY_DAYS = 30
QUARANTINE_DAYS = 14
RETURN_SHARE = 0.06  # of the people of occupied dwellings, registered on their return this month
PEAK_DAY = 11  # the return peak, days after the first day of the story (the end of the holiday)
RELEASED_SHARE = 0.12  # of the returnees of the first half of the month, sent home for 14 days
PENDING_TODAY = 4
MISSED_CHECKINS = 0.04
ORIGINS = (
    ("广东省", "梅州市", "梅县区"), ("广东省", "揭阳市", "普宁市"), ("广东省", "汕头市", "潮阳区"),
    ("湖南省", "衡阳市", "耒阳市"), ("广西壮族自治区", "玉林市", "博白县"), ("江西省", "赣州市", "于都县"),
    ("湖北省", "黄冈市", "麻城市"), ("四川省", "南充市", "仪陇县"), ("河南省", "信阳市", "固始县"),
)
TRANSPORT = ("自驾", "高铁", "长途大巴", "飞机", "顺风车")
QUARANTINE_REASON = "自重点地区返深，居家隔离14天。"


def _arrival_weights(days: int) -> list[float]:
    """How many come back on each day of the story: a base and a peak after the holiday."""
    return [0.25 + math.exp(-((day - PEAK_DAY) ** 2) / (2 * 5.0 ** 2)) for day in range(days)]


def _at(rng: random.Random, day: dt.date, first_hour: int, last_hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(
        day, dt.time(rng.randint(first_hour, last_hour), rng.randrange(60), rng.randrange(60))))


def demo_returnees(*, community: Community, days: int = HISTORY_DAYS, seed: int = 2020,
                   now: dt.datetime | None = None) -> dict:
    """The community's month of returnees; returns the counts. A community that has
    registrations already is left alone."""
    if Registration.objects.filter(community=community).exists():
        return {"registrations": 0, "quarantines": 0, "checkins": 0}
    now = now or timezone.now()
    today = timezone.localdate(now)
    first = today - dt.timedelta(days=days - 1)
    rng = random.Random(f"returnees-{seed}-{community.code}")
    reviewer = get_user_model().objects.filter(username="admin").first()
    people = list(Person.objects.filter(community=community).exclude(phone="")
                  .order_by("pk").values_list("pk", "dwelling_id", "dwelling__status", "name", "national_id", "phone"))
    by_dwelling: dict[int, list[tuple]] = {}
    for row in people:
        by_dwelling.setdefault(row[1], []).append(row)
    occupied = [row for row in people if row[2] == Dwelling.Status.OCCUPIED]
    quarantined = sorted(Dwelling.objects.filter(building__community=community, status=Dwelling.Status.QUARANTINE)
                         .values_list("pk", flat=True))
    weights = _arrival_weights(days)
    plan = []  # (person row, arrival day, status)
    # Every dwelling marked 居家隔离: its returnee arrived in the last 14 days, so the quarantine
    # ends between today (to be released today) and two weeks from now.
    recent = list(range(days - 1 - QUARANTINE_DAYS, days))
    for dwelling_id in quarantined:
        members = by_dwelling.get(dwelling_id) or list(
            Person.objects.filter(dwelling_id=dwelling_id).order_by("pk")
            .values_list("pk", "dwelling_id", "dwelling__status", "name", "national_id", "phone"))
        if not members:
            continue
        day = rng.choices(recent, [weights[d] for d in recent])[0]
        plan.append((members[rng.randrange(len(members))], day, Registration.Status.HOME_QUARANTINE))
    count = min(len(occupied), round(len(occupied) * RETURN_SHARE))
    for row in rng.sample(occupied, count):
        day = rng.choices(range(days), weights)[0]
        released = day < days - 1 - QUARANTINE_DAYS and rng.random() < RELEASED_SHARE  # ended before today
        plan.append((row, day, Registration.Status.HOME_QUARANTINE if released else Registration.Status.APPROVED))
    for index in range(min(PENDING_TODAY, len(plan))):
        row, _day, status = plan[-1 - index]
        if status == Registration.Status.APPROVED:
            plan[-1 - index] = (row, days - 1, Registration.Status.PENDING)

    registrations = []
    for (person_id, dwelling_id, _status, name, national_id, phone), day_index, status in plan:
        day = first + dt.timedelta(days=day_index)
        created = min(_at(rng, day, 8, 21), now - dt.timedelta(minutes=rng.randint(5, 90)))
        province, city, district = ORIGINS[rng.randrange(len(ORIGINS))]
        home = status == Registration.Status.HOME_QUARANTINE
        registration = Registration(
            community=community, dwelling_id=dwelling_id, person_id=person_id, name=name, national_id=national_id,
            phone=phone, from_province=province, from_city=city, from_district=district,
            transport=TRANSPORT[rng.randrange(len(TRANSPORT))], arrival_date=day,
            temperature=Decimal(f"36.{rng.randrange(2, 9)}"), consent_version=CONSENT_VERSION, consent_at=created,
            status=status, suggested_measure=Measure.HOME_QUARANTINE if home else Measure.NONE,
            suggestion_reason=QUARANTINE_REASON if home else "",
        )
        if status != Registration.Status.PENDING:
            registration.reviewed_by = reviewer
            registration.reviewed_at = min(created + dt.timedelta(minutes=rng.randint(20, 180)), now)
        registration.created_at = registration.updated_at = created
        registrations.append(registration)
    filed_at = [registration.created_at for registration in registrations]
    Registration.objects.bulk_create(registrations, batch_size=1000)
    # auto_now_add stamped them now: date them back to when they were filed.
    for registration, created in zip(registrations, filed_at):
        registration.created_at = registration.updated_at = created
    Registration.objects.bulk_update(registrations, ["created_at", "updated_at"], batch_size=1000)

    quarantines = []
    home = [r for r in registrations if r.status == Registration.Status.HOME_QUARANTINE]
    # A home quarantine covers the household (the rule's default): everyone living there.
    households: dict[int, list[int]] = {}
    for person_id, dwelling_id in (Person.objects.filter(dwelling_id__in={r.dwelling_id for r in home})
                                   .order_by("pk").values_list("pk", "dwelling_id")):
        households.setdefault(dwelling_id, []).append(person_id)
    covered = {r.person_id for r in home}  # each returnee has their own; a co-resident joins one household
    for registration in home:
        starts = registration.arrival_date
        end = starts + dt.timedelta(days=QUARANTINE_DAYS)
        done = end < today
        members = [registration.person_id] + [pk for pk in households.get(registration.dwelling_id, [])
                                              if pk not in covered]
        covered.update(members)
        household = uuid.UUID(int=rng.getrandbits(128), version=4) if len(members) > 1 else None
        for person_id in members:
            quarantines.append(Quarantine(
                person_id=person_id, dwelling_id=registration.dwelling_id, registration=registration,
                reason=QUARANTINE_REASON, starts_on=starts, planned_end=end, ended_on=end if done else None,
                status=Quarantine.Status.RELEASED if done else Quarantine.Status.ACTIVE, household=household,
                released_by=reviewer if done else None, checkin_token=uuid.UUID(int=rng.getrandbits(128)).hex,
            ))
    Quarantine.objects.bulk_create(quarantines, batch_size=1000)
    checkins = _checkins(rng, quarantines, today, now)
    return {"registrations": len(registrations), "quarantines": len(quarantines), "checkins": checkins}


def _checkins(rng: random.Random, quarantines: list[Quarantine], today: dt.date, now: dt.datetime) -> int:
    """Morning and evening check-ins of every quarantine day so far; a few missed."""
    rows = []
    for quarantine in quarantines:
        day = quarantine.starts_on
        last = min(quarantine.ended_on - dt.timedelta(days=1) if quarantine.ended_on else today, today)
        while day <= last:
            for slot, hours in ((CheckIn.Slot.MORNING, (7, 10)), (CheckIn.Slot.EVENING, (18, 21))):
                at = _at(rng, day, *hours)
                if at > now or rng.random() < MISSED_CHECKINS:
                    continue
                rows.append(CheckIn(quarantine=quarantine, at=at, slot=slot,
                                    temperature=Decimal(f"36.{rng.randrange(1, 9)}"),
                                    event_id=uuid.UUID(int=rng.getrandbits(128), version=4)))
            day += dt.timedelta(days=1)
    CheckIn.objects.bulk_create(rows, batch_size=2000)
    return len(rows)
