"""Supplies for the demo: the community's part of the 30-day return peak, after the
checkpoints (access.demo), the volunteer teams (duty) and home delivery.

- Six items: 口罩 (只, key), 医用手套 (双), 消毒液 (瓶), 额温枪 (把, key), 帐篷 (顶), 方便面 (箱);
  the office store and a place for each active checkpoint (`services.places_ensure`).
- A month of donations (`services.donation_record`): enterprises named publicly, residents
  some named and some not, party members, one anonymous donor; about two thirds in the first
  two weeks of the peak, one today. What the checkpoints use, in proportion to their number.
- Each week the office takes masks, gloves and disinfectant out to every checkpoint (a tent
  and a thermometer in the first days); every day each checkpoint uses about a mask per
  volunteer on duty (three shifts of two) and a pair of gloves per shift, a bottle of
  disinfectant every third day; one thermometer breaks (a loss, with its reason).
- Issues to the delivery team every five days, instant noodles to quarantined households,
  masks and noodles to the women's volunteer team 巾帼志愿服务队 when duty's demo made it.
- Front-line requests (`services.request_*`): one received, one issued and waiting to be
  acknowledged, one approved, one waiting, one refused, a team's received, and a request for
  thermometers the store cannot cover, waiting for days (a long-unmet shortage).

Every movement goes through `stock.movements_write` (or the services that call it), which
never takes a stock below zero; the times are set to the day each happened, never after now.
Deterministic from the seed and the community; a community that keeps items already is left
alone. A community without an admin is served by the superuser; with no user at all, nothing.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from collections import defaultdict

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from fangxian.accounts.selectors import members_of
from fangxian.core.scope import Role, Scope
from fangxian.duty.models import TeamActivity, VolunteerTeam
from fangxian.registry.models import Community

from . import services, stock
from .models import Donation, Item, Movement, Place, SupplyRequest

HISTORY_DAYS = 30  # the return peak of returnees.demo
K = Movement.Kind
DK, N = Donation.DonorKind, Donation.Naming
# (name, unit, key, low-stock threshold at a place)
ITEMS = (("口罩", "只", True, 30), ("医用手套", "双", False, 10), ("消毒液", "瓶", False, 2),
         ("额温枪", "把", True, 0), ("帐篷", "顶", False, 0), ("方便面", "箱", False, 5))
# (kind, name, phone, naming, display name, {item: quantity}, value in yuan); the masks,
# gloves and disinfectant of an enterprise or an organisation are multiplied by the
# community's checkpoints / 4 (at least 1).
DONORS = (
    (DK.ENTERPRISE, "海景实业有限公司", "0755-25550101", N.NAMED, "", {"口罩": 2000, "消毒液": 40}, "4600"),
    (DK.ENTERPRISE, "深圳市康宁医疗器械有限公司", "0755-25550202", N.NAMED, "",
     {"额温枪": "checkpoints+1", "医用手套": 300}, "5200"),
    (DK.PARTY_MEMBER, "陈建国", "13902390001", N.NAMED, "", {"口罩": 200}, ""),
    (DK.RESIDENT, "林秀英", "13602360002", N.NOT_NAMED, "", {"口罩": 100, "消毒液": 4}, ""),
    (DK.ENTERPRISE, "盐田港物流有限公司", "0755-25550303", N.NAMED, "", {"帐篷": "checkpoints+1", "方便面": 30},
     "6800"),
    (DK.RESIDENT, "黄志强", "13802380003", N.DISPLAY, "热心居民黄先生", {"方便面": 10}, ""),
    (DK.ORGANISATION, "沙头角商会", "", N.NAMED, "", {"口罩": 1500, "医用手套": 200}, "3800"),
    (DK.ANONYMOUS, "", "", N.NOT_NAMED, "", {"口罩": 500}, ""),
    (DK.PARTY_MEMBER, "李红梅", "13502350004", N.NAMED, "", {"消毒液": 10}, ""),
    (DK.RESIDENT, "张伟", "13702370005", N.NOT_NAMED, "", {"口罩": 50}, ""),
    (DK.ENTERPRISE, "东和超市", "0755-25550404", N.NAMED, "", {"方便面": 40}, "2400"),
    (DK.RESIDENT, "王丽华", "13902390006", N.NAMED, "", {"口罩": 120, "医用手套": 50}, ""),
    (DK.PARTY_MEMBER, "刘国华", "13602360007", N.NAMED, "", {"口罩": 300}, ""),
    (DK.ENTERPRISE, "华强电子科技有限公司", "0755-25550505", N.NAMED, "", {"口罩": 2000}, "3000"),
    (DK.RESIDENT, "赵敏", "13802380008", N.NOT_NAMED, "", {"消毒液": 6}, ""),
    (DK.ORGANISATION, "南澳街道志愿者协会", "", N.NAMED, "", {"医用手套": 200, "消毒液": 30}, ""),
    (DK.RESIDENT, "周海燕", "13502350009", N.DISPLAY, "一位老党员的女儿", {"口罩": 200}, ""),
    (DK.ENTERPRISE, "金港餐饮管理有限公司", "0755-25550606", N.NAMED, "", {"方便面": 25}, "1500"),
    (DK.PARTY_MEMBER, "吴志明", "13702370010", N.NAMED, "", {"口罩": 150, "消毒液": 5}, ""),
    (DK.RESIDENT, "孙静", "13902390011", N.NOT_NAMED, "", {"口罩": 80}, ""),
    (DK.ENTERPRISE, "海景实业有限公司", "0755-25550101", N.NAMED, "", {"口罩": 1500, "医用手套": 200}, "3100"),
    (DK.RESIDENT, "郑小龙", "13602360012", N.NAMED, "", {"方便面": 5}, ""),
    (DK.PARTY_MEMBER, "何丽", "13802380013", N.NAMED, "", {"口罩": 100}, ""),
    (DK.ORGANISATION, "沙头角商会", "", N.NAMED, "", {"口罩": 1000, "消毒液": 30}, "2600"),
    (DK.RESIDENT, "冯春燕", "13502350014", N.NOT_NAMED, "", {"口罩": 60}, ""),  # today
)
EARLY_DONATIONS = 17  # of the first two weeks
WEEKLY = {"口罩": 70, "医用手套": 25, "消毒液": 3}  # taken to each checkpoint every week
SHIFTS, ON_DUTY = 3, 2  # shifts a day at a checkpoint, volunteers on each
WOMEN_TEAM = "巾帼志愿服务队"
BROKEN = "额温枪摔坏，无法使用。"

NOTHING = {"items": 0, "places": 0, "donations": 0, "movements": 0, "requests": 0}


def demo_supplies(*, community: Community, seed: int = 2020, now: dt.datetime | None = None) -> dict:
    """The community's month of supplies; returns the counts (NOTHING's keys). A community
    that keeps items already is left alone."""
    if Item.objects.filter(community=community).exists():
        return dict(NOTHING)
    actor = (members_of(community.pk, roles=[Role.COMMUNITY_ADMIN]).first()
             or get_user_model().objects.filter(is_superuser=True, is_active=True).order_by("pk").first())
    if actor is None:
        return dict(NOTHING)
    return _Story(community, seed, now or timezone.now(), actor).build()


class _Story:
    def __init__(self, community: Community, seed: int, now: dt.datetime, actor) -> None:
        self.community, self.now, self.actor = community, now, actor
        self.today = timezone.localdate(now)
        self.first = self.today - dt.timedelta(days=HISTORY_DAYS - 1)
        self.rng = random.Random(f"supplies-{seed}-{community.code}")
        self.scope = Scope.everything()
        self.gate = members_of(community.pk, roles=[Role.CHECKPOINT_VOLUNTEER]).first() or actor
        self.levels: dict[tuple[int, int], int] = defaultdict(int)
        self.requests = 0

    def new_id(self) -> uuid.UUID:
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)

    def when(self, day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
        """That time of the day, or a little before now if it has not come yet."""
        at = timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))
        return min(at, self.now - dt.timedelta(minutes=1))

    def day(self, offset: int) -> dt.date:
        return self.first + dt.timedelta(days=offset)

    # -- the build ---------------------------------------------------------------------------

    def build(self) -> dict:
        with transaction.atomic():
            self.items = {name: Item.objects.create(community=self.community, name=name, unit=unit, key=key,
                                                    low_stock=low) for name, unit, key, low in ITEMS}
            self.store = services.places_ensure(self.community)
            self.gates = list(Place.objects.filter(community=self.community, kind=Place.Kind.CHECKPOINT)
                              .order_by("pk"))
            self.team = VolunteerTeam.objects.filter(community=self.community, name=WOMEN_TEAM).first()
            donations = self._donation_days()
            for offset in range(HISTORY_DAYS):
                day = self.day(offset)
                for index in donations.get(offset, []):
                    self._donation(index, day)
                self._transfers(offset, day)
                self._issues(offset, day)
                self._requests(offset, day)
                self._use(offset, day)
        return {"items": len(self.items), "places": 1 + len(self.gates),
                "donations": Donation.objects.filter(community=self.community).count(),
                "movements": Movement.objects.filter(community=self.community).count(), "requests": self.requests}

    def _donation_days(self) -> dict[int, list[int]]:
        """{day offset: donor indexes}: the first two on the first day, EARLY_DONATIONS in the
        first two weeks, the others later."""
        last = len(DONORS) - 1
        early = sorted([0, 0] + [self.rng.randint(0, 13) for _ in range(EARLY_DONATIONS - 2)])
        late = sorted(self.rng.randint(14, HISTORY_DAYS - 2) for _ in range(last - EARLY_DONATIONS))
        days: dict[int, list[int]] = defaultdict(list)
        for index, offset in enumerate(early + late):
            days[offset].append(index)
        # The last today, once the office is open (before nine, it came in yesterday).
        days[HISTORY_DAYS - 1 if timezone.localtime(self.now).hour >= 9 else HISTORY_DAYS - 2].append(last)
        return days

    def _quantity(self, quantity) -> int:
        if quantity == "checkpoints+1":
            return len(self.gates) + 1
        return quantity

    def _donation(self, index: int, day: dt.date) -> None:
        kind, name, phone, naming, display, lines, value = DONORS[index]
        scale = max(1, len(self.gates) // 4) if kind in (DK.ENTERPRISE, DK.ORGANISATION) else 1
        wanted = [(self.items[item], self._quantity(q) * (scale if item in WEEKLY else 1))
                  for item, q in lines.items()]
        donation = services.donation_record(
            scope=self.scope, user=self.actor, community=self.community, donor_kind=kind, donor_name=name,
            donor_phone=phone, naming=naming, display_name=display, received_on=day, value=value or None,
            lines=wanted, place=self.store, event_id=self.new_id())
        at = self.when(day, 9 + index % 3, self.rng.randrange(60))
        Donation.objects.filter(pk=donation.pk).update(created_at=at)
        Movement.objects.filter(donation=donation).update(at=at)
        for item, quantity in wanted:
            self.levels[(item.pk, self.store.pk)] += quantity

    def _write(self, rows: list[stock.Row], day: dt.date, at: dt.datetime) -> None:
        rows = [row for row in rows if row.change]
        if not rows:
            return
        stock.movements_write(rows, user=self.actor, event_id=self.new_id(), at=at, day=day)
        for row in rows:
            self.levels[(row.item.pk, row.place.pk)] += row.change

    def _out(self, item: str, place: Place, wanted: int) -> int:
        """As much of `wanted` as the place holds."""
        return min(wanted, self.levels[(self.items[item].pk, place.pk)])

    def _transfers(self, offset: int, day: dt.date) -> None:
        weekly = offset % 7 == 0
        for gate in self.gates:  # one act for each checkpoint: a transfer is reversed whole
            wanted = dict(WEEKLY) if weekly else {}
            for name in ("帐篷", "额温枪"):  # one each, as soon as the store has them, in the first days
                if offset <= 2 and not self.levels[(self.items[name].pk, gate.pk)]:
                    wanted[name] = 1
            rows = []
            for name, quantity in wanted.items():
                item, moved = self.items[name], self._out(name, self.store, quantity)
                if moved:
                    rows += [stock.Row(item, self.store, K.TRANSFER_OUT, -moved, {"other_place": gate}),
                             stock.Row(item, gate, K.TRANSFER_IN, moved, {"other_place": self.store})]
            self._write(rows, day, self.when(day, 14, self.rng.randrange(30)))

    def _issue(self, day: dt.date, hour: int, lines: dict[str, int], **extra) -> None:
        rows = [stock.Row(self.items[name], self.store, K.ISSUE, -self._out(name, self.store, q), dict(extra))
                for name, q in lines.items()]
        self._write(rows, day, self.when(day, hour, self.rng.randrange(60)))

    def _issues(self, offset: int, day: dt.date) -> None:
        if offset % 5 == 1:
            self._issue(day, 15, {"口罩": 100, "医用手套": 20, "消毒液": 2},
                        recipient=Movement.Recipient.DELIVERY, note="配送组领用")
        if offset % 7 == 3:
            self._issue(day, 16, {"方便面": 4}, recipient=Movement.Recipient.HOUSEHOLD, note="居家隔离户生活物资")
        if self.team is not None and offset in (9, 19):
            activity = (TeamActivity.objects.filter(team=self.team, held_on=day).first()
                        if self.first <= day <= self.today else None)
            self._issue(day, 10, {"口罩": 200, "方便面": 3}, recipient=Movement.Recipient.TEAM, team=self.team,
                        activity=activity, note="巾帼志愿服务队：为卡口值守人员送热饭、探访独居老人")

    def _use(self, offset: int, day: dt.date) -> None:
        if day == self.today:
            at = self.now - dt.timedelta(minutes=1)
            shifts = 1 + timezone.localtime(self.now).hour // 8  # the shifts begun by now
        else:
            at, shifts = self.when(day, 23, 30), SHIFTS
        rows = []  # one act: the evening's tally of the checkpoints' use
        for number, gate in enumerate(self.gates):
            masks = shifts * ON_DUTY + self.rng.randint(0, shifts)  # and a few for passers-by without one
            for name, quantity in (("口罩", masks), ("医用手套", shifts),
                                   ("消毒液", 1 if (offset + number) % 3 == 0 and day != self.today else 0)):
                used = self._out(name, gate, quantity)
                if used:
                    rows.append(stock.Row(self.items[name], gate, K.USE, -used, {"note": "卡口执勤使用"}))
            if offset == HISTORY_DAYS - 6 and number == 0 and self._out("额温枪", gate, 1):
                rows.append(stock.Row(self.items["额温枪"], gate, K.LOSS, -1, {"note": BROKEN}))
        self._write(rows, day, at)

    # -- requests from the front line ----------------------------------------------------------

    def _ask(self, day: dt.date, hour: int, item: str, quantity: int, *, place: Place | None = None,
             team: VolunteerTeam | None = None, people: int = 0, note: str = "") -> SupplyRequest:
        request = services.request_make(scope=self.scope, user=self.gate if place else self.actor,
                                        item=self.items[item], quantity=quantity, place=place, team=team,
                                        people=people, note=note, event_id=self.new_id())
        SupplyRequest.objects.filter(pk=request.pk).update(asked_at=self.when(day, hour))
        self.requests += 1
        return request

    def _decide(self, request: SupplyRequest, day: dt.date, hour: int, approve: bool = True, note: str = "") -> None:
        services.request_decide(scope=self.scope, user=self.actor, request=request, approve=approve, note=note)
        SupplyRequest.objects.filter(pk=request.pk).update(decided_at=self.when(day, hour))

    def _issue_request(self, request: SupplyRequest, day: dt.date, hour: int) -> None:
        quantity = self._out(request.item.name, self.store, request.quantity)
        if not quantity:
            return
        before = set(Movement.objects.filter(request=request).values_list("pk", flat=True))
        services.request_issue(scope=self.scope, user=self.actor, request=request, quantity=quantity,
                               source=self.store, event_id=self.new_id())
        Movement.objects.filter(request=request).exclude(pk__in=before).update(at=self.when(day, hour), day=day)
        self.levels[(request.item_id, self.store.pk)] -= quantity
        if request.place_id:
            self.levels[(request.item_id, request.place_id)] += quantity

    def _receive(self, request: SupplyRequest, day: dt.date, hour: int) -> None:
        request.refresh_from_db()
        if request.status != SupplyRequest.Status.ISSUED:
            return
        user = self.gate if request.place_id else self.actor
        services.request_acknowledge(scope=self.scope, user=user, request=request)
        SupplyRequest.objects.filter(pk=request.pk).update(received_at=self.when(day, hour))

    def _requests(self, offset: int, day: dt.date) -> None:
        back = HISTORY_DAYS - 1 - offset  # days before today
        gates = self.gates
        if back == 8 and gates:
            refused = self._ask(day, 9, "帐篷", 2, place=gates[0], people=4, note="夜里风大，想多要两顶帐篷")
            self._decide(refused, day, 11, approve=False, note="每个卡口一顶帐篷，已足够；可加挡风布。")
        if back == 6 and self.team is not None:
            asked = self._ask(day, 9, "方便面", 3, team=self.team, people=12, note="为卡口值守人员准备夜宵")
            self._decide(asked, day, 10)
            self._issue_request(asked, day, 11)
            self._receive(asked, day, 15)
        if back == 4 and gates:
            # One thermometer broke two days ago; the store holds one, the gate asks for two.
            self.shortage = self._ask(day, 10, "额温枪", 2, place=gates[0], people=6,
                                      note="原有额温枪摔坏，现只能用水银体温计，排队很长")
            self._decide(self.shortage, day, 14)
        if back == 3 and gates:
            done = self._ask(day, 9, "口罩", 100, place=gates[-1], people=6, note="夜班口罩不够")
            self._decide(done, day, 10)
            self._issue_request(done, day, 11)
            self._receive(done, day, 16)
        if back == 1 and gates:
            issued = self._ask(day, 15, "消毒液", 4, place=gates[1 % len(gates)], people=6, note="消毒喷壶需补充")
            self._decide(issued, day, 17)
            self._issue_request(issued, day, 17)
        if back == 0 and gates:
            approved = self._ask(day, 8, "医用手套", 30, place=gates[2 % len(gates)], people=6, note="测温时使用")
            self._decide(approved, day, 9)
            self._ask(day, 9, "口罩", 200, place=gates[-1], people=8, note="新增夜间执勤人员")
