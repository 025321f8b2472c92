"""Home delivery for the demo: the community's part of the 30-day return peak, consistent with
the returnees' home quarantines (returnees.demo runs first).

- Two dated meal rules: three meals (08:00 / 12:00 / 18:00, requests within 24 h) from the
  first day of the peak, breakfast by 08:30 from a week ago (the rules page has a history).
- Standing couriers: the buildings with quarantined households, given round robin to the
  community's delivery volunteers; the building with the fewest households in quarantine today
  is left without one, so that "requested, nobody assigned" shows (its past meals were given
  by hand each morning).
- A delivery profile for each household served: a few dietary notes, some phones shared.
- Every meal of every past day of each quarantine (the days [starts_on, ended_on or planned_end)
  before today), delivered a little before it was due, mostly without contact, confirmed by
  most households; one lunch of the last two days failed (无人应答，电话未接通) and stays flagged.
  Written with `bulk_create`, as the nightly job and the couriers' phones would have left them.
- Today's meals made by `meals.meals_generate` as the nightly job made them last night; those
  already due are delivered.
- A few errands of the last days through the real services (services, ledger): shopping runs
  repaid in cash or by transfer, one still owing (the office reimbursed the courier), one with
  a mistyped receipt reversed and entered again; medicine; garbage pickups; one medicine
  request open today and one garbage pickup late.

A community without a delivery volunteer gets its rules, profiles and meals (delivered by a
team with no login: no courier on the task) and no errands. Deterministic from the seed and the
community; a community that has a delivery rule already is left alone.
"""

from __future__ import annotations

import base64
import datetime as dt
import random
import uuid
from collections import defaultdict

from django.db import transaction
from django.utils import timezone

from fangxian.accounts.selectors import members_of
from fangxian.core.scope import Role, Scope
from fangxian.registry.models import Building, Community, Dwelling
from fangxian.returnees.models import Quarantine

from . import ledger, meals, selectors, services
from .models import Assignment, DeliveryRule, Household, LedgerEntry, Meal, Task, TaskEvent

HISTORY_DAYS = 30  # the return peak of returnees.demo
RULE_CHANGE_DAYS = 7  # breakfast by 08:30 from a week ago
DIETARY = ("清真", "软食", "素食", "低糖")
DIETARY_SHARE = 0.12
PHONE_SHARED_SHARE = 0.4
CONFIRMING_SHARE = 0.85  # of the households, confirm receipt on their link
CONTACT_FREE_SHARE = 0.9
FAILURE_REASON = "无人应答，电话未接通"
NIGHTLY = dt.time(21, 30)  # when the nightly job made the next day's meals
BATCH_SIZE = 2000
OPEN = selectors.OPEN_QUARANTINE
S = Task.Status
Step = TaskEvent.Step

NOTHING = {"delivery_rules": 0, "delivery_assignments": 0, "delivery_households": 0, "meals": 0, "requests": 0,
           "ledger_entries": 0, "shopping_runs": 0, "repaid": 0, "owing": 0, "failed": 0}


def demo_delivery(*, community: Community, seed: int = 2020, now: dt.datetime | None = None) -> dict:
    """The community's month of home delivery; returns the counts (NOTHING's keys). A
    community with a delivery rule already is left alone."""
    if DeliveryRule.objects.filter(community=community).exists():
        return dict(NOTHING)
    return _Story(community, seed, now or timezone.now()).build()


def _aware(day: dt.date, time: dt.time) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, time))


class _Story:
    def __init__(self, community: Community, seed: int, now: dt.datetime) -> None:
        self.community, self.now = community, now
        self.today = timezone.localdate(now)
        self.first = self.today - dt.timedelta(days=HISTORY_DAYS - 1)
        self.rng = random.Random(f"delivery-{seed}-{community.code}")
        self.couriers = list(members_of(community.pk, roles=[Role.DELIVERY_VOLUNTEER]))
        self.admin = members_of(community.pk, roles=[Role.COMMUNITY_ADMIN]).first()
        self.scope = Scope.everything()
        self.counts = dict(NOTHING)
        self.by_hand: set[uuid.UUID] = set()  # the event ids of the tasks an admin gave by hand

    def new_id(self) -> uuid.UUID:
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)

    def minutes(self, low: int, high: int) -> dt.timedelta:
        return dt.timedelta(minutes=self.rng.randint(low, high), seconds=self.rng.randrange(60))

    # -- the build ---------------------------------------------------------------------------

    def build(self) -> dict:
        with transaction.atomic():
            self.rules = self._rules()
            self._load_quarantines()
            self._assign()
            self._households()
            self._past_meals()
            self._todays_meals()
            if self.couriers and self.courier_of:
                self._errands()
        entries = LedgerEntry.objects.filter(community=self.community)
        balances = ledger.balances(entries)
        self.counts["ledger_entries"] = entries.count()
        self.counts["repaid"] = sum(1 for owed in balances.households.values() if owed == 0)
        self.counts["owing"] = sum(1 for owed in balances.households.values() if owed > 0)
        return self.counts

    def _rules(self) -> list[DeliveryRule]:
        change = max(self.first, self.today - dt.timedelta(days=RULE_CHANGE_DAYS))
        rules = DeliveryRule.objects.bulk_create([
            DeliveryRule(community=self.community, effective_from=self.first, breakfast_by=dt.time(8, 0),
                         lunch_by=dt.time(12, 0), dinner_by=dt.time(18, 0), request_hours=24, set_by=self.admin),
            DeliveryRule(community=self.community, effective_from=change, breakfast_by=dt.time(8, 30),
                         lunch_by=dt.time(12, 0), dinner_by=dt.time(18, 0), request_hours=24, set_by=self.admin),
        ])
        for rule, set_on in zip(rules, (self.first - dt.timedelta(days=1), change - dt.timedelta(days=1))):
            DeliveryRule.objects.filter(pk=rule.pk).update(created_at=_aware(set_on, dt.time(17, 40)))
        self.counts["delivery_rules"] = len(rules)
        return rules

    def _load_quarantines(self) -> None:
        """served: {dwelling id: {past day: people in quarantine there}}; today's households
        as the nightly job saw them last night: {dwelling id: open quarantines}."""
        self.served: dict[int, dict[dt.date, int]] = defaultdict(lambda: defaultdict(int))
        self.tonight: dict[int, int] = defaultdict(int)
        last_night = timezone.localdate(self._nightly(self.today))
        rows = (Quarantine.objects.filter(dwelling__building__community=self.community)
                .order_by("pk").values_list("dwelling_id", "starts_on", "planned_end", "ended_on", "status"))
        for dwelling_id, starts_on, planned_end, ended_on, status in rows:
            is_open = status in OPEN
            # An open quarantine is served every day until it is released, even when overdue.
            end = self.today if is_open else min(ended_on or planned_end, self.today)
            day = max(starts_on, self.first)
            while day < end:
                self.served[dwelling_id][day] += 1
                day += dt.timedelta(days=1)
            if is_open and meals.serves(starts_on, planned_end, self.today, last_night):
                self.tonight[dwelling_id] += 1
        self.dwellings = {d.pk: d for d in Dwelling.objects.filter(pk__in=set(self.served) | set(self.tonight))
                          .select_related("building")}

    def _assign(self) -> None:
        """Standing couriers, round robin, for the buildings with households in quarantine;
        the building with the fewest of them today keeps none (its tasks are given by hand)."""
        self.courier_of: dict[int, object] = {}
        self.unassigned: int | None = None
        if not self.couriers:
            return
        building_ids = {d.building_id for d in self.dwellings.values()}
        buildings = list(Building.objects.filter(pk__in=building_ids).order_by("estate__name", "name", "pk"))
        today_count: dict[int, int] = defaultdict(int)
        for dwelling_id in self.tonight:
            today_count[self.dwellings[dwelling_id].building_id] += 1
        if len(today_count) >= 2:
            self.unassigned = min(today_count, key=lambda pk: (today_count[pk], pk))
        assignments = []
        for building in buildings:
            if building.pk == self.unassigned:
                continue
            courier = self.couriers[len(assignments) % len(self.couriers)]
            self.courier_of[building.pk] = courier
            assignments.append(Assignment(building=building, courier=courier, assigned_by=self.admin))
        Assignment.objects.bulk_create(assignments, batch_size=BATCH_SIZE)
        # assigned_at is stamped now (auto_now): the team was formed on the first day of the peak.
        Assignment.objects.filter(pk__in=[a.pk for a in assignments]).update(
            assigned_at=_aware(self.first, dt.time(9, 0)))
        self.counts["delivery_assignments"] = len(assignments)

    def _households(self) -> None:
        ids = sorted(self.dwellings)
        dietary = set(self.rng.sample(ids, min(len(ids), max(4, round(len(ids) * DIETARY_SHARE)))))
        shared = set(self.rng.sample(ids, min(len(ids), max(1, round(len(ids) * PHONE_SHARED_SHARE)))))
        self.confirming = {pk for pk in ids if self.rng.random() < CONFIRMING_SHARE}
        self.dietary = {pk: DIETARY[n % len(DIETARY)] for n, pk in enumerate(sorted(dietary))}
        profiles, made_on = [], []
        for pk in ids:
            token = base64.urlsafe_b64encode(self.rng.getrandbits(192).to_bytes(24, "big")).decode()
            profiles.append(Household(dwelling_id=pk, dietary=self.dietary.get(pk, ""), phone_shared=pk in shared,
                                      token=token))
            days = self.served.get(pk)
            made_on.append(min(days) if days else self.today)
        Household.objects.bulk_create(profiles, batch_size=BATCH_SIZE)
        for profile, day in zip(profiles, made_on):  # auto_now_add stamped them now
            profile.created_at = self._nightly(day) - dt.timedelta(hours=1)
        Household.objects.bulk_update(profiles, ["created_at"], batch_size=BATCH_SIZE)
        self.counts["delivery_households"] = len(profiles)

    def _nightly(self, day: dt.date) -> dt.datetime:
        """When the nightly job made `day`'s meals: the evening before."""
        return min(_aware(day - dt.timedelta(days=1), NIGHTLY), self.now)

    def _courier(self, dwelling_id: int, n: int):
        """(courier, by hand): the building's standing courier, or one given by hand."""
        standing = self.courier_of.get(self.dwellings[dwelling_id].building_id)
        if standing is not None or not self.couriers:
            return standing, False
        return self.couriers[n % len(self.couriers)], True

    # -- meals -------------------------------------------------------------------------------

    def _past_meals(self) -> None:
        failed_key = self._failure()
        tasks: list[Task] = []
        for dwelling_id in sorted(self.served):
            for day in sorted(self.served[dwelling_id]):
                rule = selectors.rule_on(self.rules, day)
                for meal, time in rule.meal_times().items():
                    task = Task(dwelling_id=dwelling_id, kind=Task.Kind.MEAL, meal=meal, day=day,
                                due_by=_aware(day, time), people=self.served[dwelling_id][day],
                                dietary=self.dietary.get(dwelling_id, ""), source=Task.Source.GENERATED,
                                created_at=self._nightly(day) + self.minutes(0, 5), event_id=self.new_id())
                    courier, by_hand = self._courier(dwelling_id, len(tasks))
                    if courier is not None:
                        task.courier = courier
                        task.assigned_at = _aware(day, dt.time(6, 30)) + self.minutes(0, 20) if by_hand \
                            else task.created_at
                        if by_hand:
                            self.by_hand.add(task.event_id)
                    if (dwelling_id, day, meal) == failed_key:
                        task.picked_up_at = task.due_by - self.minutes(30, 50)
                        task.status, task.failed_at = S.FAILED, task.due_by - self.minutes(5, 15)
                        task.failure_reason = FAILURE_REASON
                        self.counts["failed"] += 1
                    else:
                        self._delivered(task)
                    tasks.append(task)
        Task.objects.bulk_create(tasks, batch_size=BATCH_SIZE)
        TaskEvent.objects.bulk_create([e for t in tasks for e in self._events(t)], batch_size=BATCH_SIZE)
        self.counts["meals"] += len(tasks)

    def _failure(self) -> tuple | None:
        """The one lunch of the last two days that failed: at a door with a courier."""
        days = {self.today - dt.timedelta(days=2), self.today - dt.timedelta(days=1)}
        candidates = [(pk, day, Meal.LUNCH) for pk in sorted(self.served) for day in sorted(self.served[pk])
                      if day in days and self._courier(pk, 0)[0] is not None
                      and Meal.LUNCH in selectors.rule_on(self.rules, day).meal_times()]
        return self.rng.choice(candidates) if candidates else None

    def _delivered(self, task: Task) -> None:
        """Delivered a little before it was due (never after now), confirmed by most households."""
        task.status = S.DELIVERED
        delivered = min(task.due_by - self.minutes(3, 20), self.now)
        if task.courier is not None:
            task.picked_up_at = min(delivered - self.minutes(10, 30), self.now)
        task.delivered_at = delivered
        task.contact_free = self.rng.random() < CONTACT_FREE_SHARE
        if task.dwelling_id in self.confirming and self.rng.random() < 0.9:
            confirmed = delivered + self.minutes(3, 90)
            task.confirmed_at = confirmed if confirmed <= self.now else None

    def _events(self, task: Task) -> list[TaskEvent]:
        """The steps the task took, as they were sent."""
        courier = task.courier

        def event(step, at, by=None, note=""):
            return TaskEvent(task=task, step=step, at=at, by=by, note=note, event_id=self.new_id())

        events = []
        if task.assigned_at is not None and courier is not None:
            # By hand: the admin gave it in the morning; else the nightly job, to the standing courier.
            events.append(event(Step.ASSIGNED, task.assigned_at, self.admin if task.event_id in self.by_hand else None))
        if task.picked_up_at is not None:
            events.append(event(Step.PICKED_UP, task.picked_up_at, courier))
        if task.status == S.FAILED:
            events.append(event(Step.FAILED, task.failed_at, courier, task.failure_reason))
        if task.delivered_at is not None:
            events.append(event(Step.DELIVERED, task.delivered_at, courier))
        if task.confirmed_at is not None:
            events.append(event(Step.CONFIRMED, task.confirmed_at))
        return events

    def _todays_meals(self) -> None:
        """Today's meals as the nightly job made them last night (meals.meals_generate); those
        due by now delivered, the ones of the building without a courier given by hand first."""
        run = meals.meals_generate(day=self.today, community_ids=[self.community.pk], now=self._nightly(self.today))
        due = list(Task.objects.filter(dwelling__building__community=self.community, kind=Task.Kind.MEAL,
                                       day=self.today, due_by__lte=self.now, status__in=(S.REQUESTED, S.ASSIGNED))
                   .select_related("courier").order_by("dwelling_id", "due_by", "pk"))
        for n, task in enumerate(due):
            if task.courier is None and self.couriers:  # given by hand in the morning
                task.courier = self._courier(task.dwelling_id, n)[0]
                task.assigned_at = min(_aware(self.today, dt.time(6, 30)) + self.minutes(0, 20), self.now)
                self.by_hand.add(task.event_id)
            self._delivered(task)
        Task.objects.bulk_update(due, ["status", "courier", "assigned_at", "picked_up_at", "delivered_at",
                                       "contact_free", "confirmed_at"], batch_size=BATCH_SIZE)
        TaskEvent.objects.bulk_create([e for t in due for e in self._events(t)], batch_size=BATCH_SIZE)
        self.counts["meals"] += run.made

    # -- errands, through the services -----------------------------------------------------

    def _errands(self) -> None:
        self.used: set[int] = set()
        ago = [self.today - dt.timedelta(days=n) for n in range(5)]
        # Shopping runs: repaid by transfer, repaid in cash at the door (no smartphone: a worker
        # entered it), a mistyped receipt corrected, one still owing (the office reimbursed the courier).
        self._shopping(ago[3], dt.time(9, 10), "大米 5斤\n鸡蛋 12个\n青菜 2斤\n食用油 1桶", "150", ["123.50"],
                       repay="transfer")
        self._shopping(ago[2], dt.time(10, 20), "牛奶 1箱\n苹果 2斤\n面包 2袋", "60", ["46.80"], repay="cash",
                       by_worker=True)
        self._shopping(ago[1], dt.time(9, 30), "猪肉 1斤\n西红柿 2斤\n土豆 3个\n酱油 1瓶", "80",
                       ["68.30", "63.80"], repay="transfer")
        owing = self._shopping(ago[1], dt.time(15, 0), "水果 3斤\n酸奶 6盒\n纸巾 1提", "50", ["35.60"], repay=None)
        self._shopping(ago[2], dt.time(16, 0), "布洛芬缓释胶囊 1盒\n医用口罩 1包", None, ["28.00"], repay="transfer",
                       kind=Task.Kind.MEDICINE)
        if owing is not None and self.admin is not None:
            ledger.reimbursement_record(scope=self.scope, user=self.admin, community_id=self.community.pk,
                                        courier=owing.courier, amount="35.60", method=LedgerEntry.Method.CASH,
                                        note="垫付款报销", event_id=self.new_id(),
                                        at=_aware(ago[1], dt.time(19, 30)))
        for day, hour in ((ago[4], 8), (ago[3], 9), (ago[2], 8), (ago[1], 10), (ago[1], 16)):
            self._garbage(day, hour)
        self._open_today()

    def _dwelling(self, day: dt.date, *, covered: bool = True, fresh: bool = True) -> Dwelling | None:
        """A household in quarantine from `day` to now (with a standing courier, if `covered`),
        not used by another errand when `fresh`."""
        candidates = [pk for pk in sorted(self.tonight) if day in self.served.get(pk, {}) or day == self.today]
        candidates = [pk for pk in candidates
                      if (self.dwellings[pk].building_id in self.courier_of) == covered
                      and not (fresh and pk in self.used)]
        if not candidates:
            return None
        pk = self.rng.choice(candidates)
        self.used.add(pk)
        return self.dwellings[pk]

    def _request(self, dwelling: Dwelling, kind: str, at: dt.datetime, items: str = "", budget=None,
                 by_worker: bool = False) -> Task:
        user = self.admin if by_worker else None
        return services.request_make(dwelling=dwelling, kind=kind, items=items, budget=budget, user=user,
                                     scope=self.scope if user is not None else None, event_id=self.new_id(), now=at)

    def _step(self, task: Task, step: str, at: dt.datetime, user=None, **extra) -> None:
        services.task_step(task=task, step=step, user=user, scope=self.scope if user is not None else None,
                           event_id=self.new_id(), at=at, **extra)

    def _shopping(self, day: dt.date, time: dt.time, items: str, budget, receipts: list[str], *, repay,
                  by_worker: bool = False, kind: str = Task.Kind.SHOPPING) -> Task | None:
        """A run: asked, picked up, bought (a first receipt mistyped and reversed when there are
        two), delivered, confirmed (not by a household without a smartphone), repaid."""
        dwelling = self._dwelling(day)
        if dwelling is None:
            return None
        at = _aware(day, time)
        task = self._request(dwelling, kind, at, items, budget, by_worker=by_worker and self.admin is not None)
        courier = task.courier
        at += self.minutes(40, 70)
        self._step(task, Step.PICKED_UP, at, courier)
        entry = None
        for n, amount in enumerate(receipts):
            at += self.minutes(10, 25)
            if entry is not None:
                ledger.entry_reverse(scope=self.scope, user=courier, entry=entry, event_id=self.new_id(), at=at,
                                     reason=f"小票金额录错，应为 {amount} 元")
                at += self.minutes(1, 3)
            entry = ledger.purchase_record(scope=self.scope, user=courier, task=task, amount=amount, at=at,
                                           note="社区超市" if kind == Task.Kind.SHOPPING else "社区药店",
                                           event_id=self.new_id())
        at += self.minutes(20, 40)
        self._step(task, Step.DELIVERED, at, courier, contact_free=repay != "cash")
        if not by_worker:
            at += self.minutes(5, 30)
            self._step(task, Step.CONFIRMED, at)
        if repay is not None:
            ledger.repayment_record(scope=self.scope, user=courier, dwelling=dwelling, task=task, amount=receipts[-1],
                                    method=repay, payee=courier, event_id=self.new_id(),
                                    note="上门时付现金" if repay == "cash" else "微信转账",
                                    at=at if repay == "cash" else at + self.minutes(5, 30))
        self.counts["requests"] += 1
        self.counts["shopping_runs"] += kind == Task.Kind.SHOPPING
        return task

    def _garbage(self, day: dt.date, hour: int) -> None:
        dwelling = self._dwelling(day, fresh=False)
        if dwelling is None:
            return
        at = _aware(day, dt.time(hour, 0)) + self.minutes(0, 30)
        task = self._request(dwelling, Task.Kind.GARBAGE, at)
        at += self.minutes(60, 150)
        self._step(task, Step.DELIVERED, at, task.courier)
        if dwelling.pk in self.confirming:
            self._step(task, Step.CONFIRMED, at + self.minutes(5, 40))
        self.counts["requests"] += 1

    def _open_today(self) -> None:
        """A medicine request of this morning, with its courier; a garbage pickup asked
        yesterday morning and due by now, nobody has taken (late)."""
        midnight = _aware(self.today, dt.time(0, 0))
        dwelling = self._dwelling(self.today, fresh=False)
        if dwelling is not None:
            at = self.now - min(dt.timedelta(minutes=75), (self.now - midnight) / 2)
            self._request(dwelling, Task.Kind.MEDICINE, at, "感冒灵颗粒 1盒\n维生素C 1瓶")
            self.counts["requests"] += 1
        yesterday = self.today - dt.timedelta(days=1)
        dwelling = self._dwelling(yesterday, covered=False, fresh=False) or self._dwelling(yesterday, fresh=False)
        if dwelling is not None:
            self._request(dwelling, Task.Kind.GARBAGE, _aware(yesterday, dt.time(8, 10)))
            self.counts["requests"] += 1
