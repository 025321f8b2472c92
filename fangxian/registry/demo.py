"""The demo community: Dongshan 东山社区 in Nan'ao subdistrict 南澳街道, spring 2020.

`demo_build()` builds, deterministically from a seed, a community modelled on the report in
`seed/`: six residential groups, urban villages (城中村) full of tenants and estates (小区)
with one or two entrances each, about 40 buildings, 3,000 dwellings and 8,000 people with
realistic names and valid (fictional) ID numbers, eight grids with their teams, and one
demo login per role. `scale=N` builds N such communities in the same subdistrict (N = 100
gives about 800,000 people) for benchmarks and load tests; `neighbours=True` adds the four
smaller real neighbours (南渔, 南隆, 东涌, 西涌: 600–1,500 people each) that `fangxian demo`
tells the 30-day return peak in beside Dongshan.

Everything comes from `random.Random`: the same seed gives the same names, ID numbers and
phones on every machine. Each community has its own generator (seeded by the seed and its
position), so Dongshan is the same whatever the scale. Rows are made in memory and written
with `bulk_create`; nothing is saved one row at a time.
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import os
import random
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TextIO

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import check_password, make_password
from django.db import transaction
from django.utils.translation import gettext as _

from fangxian.accounts.models import ROLE_PLACE, Membership, Role
from fangxian.core.validators import id_check_char
from fangxian.registry import models as m

SUBDISTRICT_CODE = "NANAO"
SUBDISTRICT_NAME = "南澳街道"
DEMO_COMMUNITY_CODE = "DONGSHAN"
# The day the demo describes: the return peak of spring 2020. Ages are counted from it.
REFERENCE_DATE = dt.date(2020, 3, 1)
BATCH_SIZE = 2000


class DemoExists(ValueError):
    """The registry already holds the demo community."""


@dataclass
class DemoSummary:
    communities: int = 0
    buildings: int = 0
    dwellings: int = 0
    people: int = 0
    users: list[tuple[str, str, str]] = field(default_factory=list)  # (username, password, role label)
    groups: int = 0
    estates: int = 0
    entrances: int = 0
    grids: int = 0
    team_members: int = 0
    skipped_users: list[str] = field(default_factory=list)  # usernames that existed already


# ---------------------------------------------------------------------------------------
# Names
# ---------------------------------------------------------------------------------------

# Surnames with rough relative frequencies, leaning towards Guangdong (陈, 李, 黄, 梁, 何, 钟,
# 曾, 赖, 温 ...), and a few two-character surnames (司徒 and 欧阳 are Cantonese classics).
SURNAMES = (
    ("陈", 9.0), ("李", 6.5), ("黄", 6.0), ("张", 5.0), ("林", 4.0), ("刘", 4.0), ("梁", 3.5),
    ("何", 3.0), ("吴", 3.0), ("王", 3.0), ("郑", 2.5), ("罗", 2.5), ("杨", 2.5), ("周", 2.0),
    ("钟", 2.0), ("曾", 2.0), ("谢", 1.8), ("叶", 1.8), ("邓", 1.8), ("蔡", 1.5), ("许", 1.5),
    ("朱", 1.4), ("赖", 1.3), ("彭", 1.2), ("冯", 1.2), ("温", 1.2), ("卢", 1.1), ("徐", 1.1),
    ("苏", 1.0), ("邱", 1.0), ("方", 0.9), ("江", 0.9), ("余", 0.9), ("廖", 0.9), ("潘", 0.8),
    ("赵", 0.8), ("胡", 0.8), ("孙", 0.7), ("马", 0.7), ("郭", 0.7), ("高", 0.7), ("肖", 0.7),
    ("唐", 0.6), ("莫", 0.6), ("黎", 0.5), ("宋", 0.5), ("严", 0.5), ("范", 0.5), ("袁", 0.5),
    ("杜", 0.5), ("丘", 0.4), ("古", 0.4), ("汤", 0.4), ("姚", 0.4), ("龙", 0.4), ("韦", 0.4),
    ("欧", 0.4), ("麦", 0.4), ("戴", 0.4), ("石", 0.4), ("韩", 0.4), ("魏", 0.4), ("沈", 0.4),
    ("蒋", 0.4), ("田", 0.4), ("董", 0.4), ("程", 0.4), ("庄", 0.4), ("熊", 0.4), ("冼", 0.3),
    ("简", 0.3), ("邝", 0.3), ("翁", 0.3), ("巫", 0.3), ("丁", 0.3), ("任", 0.3), ("贺", 0.3),
    ("覃", 0.3), ("柯", 0.3), ("詹", 0.3), ("利", 0.2), ("崔", 0.2), ("孔", 0.2), ("向", 0.2),
    ("骆", 0.2), ("秦", 0.2), ("植", 0.1),
    ("欧阳", 0.15), ("司徒", 0.12), ("上官", 0.03), ("司马", 0.03), ("诸葛", 0.02), ("东方", 0.02),
)

# Characters of given names by sex and by the decade people were born in: a grandmother is
# 秀英 or 桂兰, her granddaughter 梓涵 or 欣怡.
GIVEN = {
    ("M", 0): "德福贵财荣华明国建志永有金水根生发强海林树文武才忠义庆春山祥清昌炳锦添伯",
    ("M", 1): "伟军勇平刚建国华明强辉斌波红卫东兵林峰涛亮杰文新志雄彬俊敏光锋",
    ("M", 2): "伟磊杰涛鹏超浩宇俊鑫帅晨斌凯龙飞洋健亮锋阳旭振昊博瑞嘉文豪智",
    ("M", 3): "子轩浩宇梓睿铭泽俊熙博文晨航一辰逸宸沐锦言奕皓天佑承宇嘉乐",
    ("F", 0): "秀英桂兰玉珍凤金梅芳娣妹花莲淑琼翠银群娥彩雪素",
    ("F", 1): "丽红艳芳霞燕萍华敏玲娟梅静琴英云凤洁莉红美",
    ("F", 2): "婷静敏丽娜慧颖雪琳倩洁佳欣怡晶莹蕾薇丹婧露璐",
    ("F", 3): "欣怡梓涵雨萱诗琪可馨一诺若汐语彤悦思佳沐晴芷",
}

# Uyghur and Kazakh names are written with a middle dot between a person's name and their
# father's: 阿卜杜拉·艾买提.
MINORITY_GIVEN = {
    "M": ("阿卜杜拉", "买买提", "艾尔肯", "努尔兰", "艾力", "玉苏甫", "阿里木", "吾买尔"),
    "F": ("古丽努尔", "热依拉", "迪丽努尔", "阿依古丽", "帕提古丽", "祖丽皮亚", "米热古丽"),
}
MINORITY_FATHER = ("艾买提", "吐尔逊", "阿不都", "哈斯木", "卡德尔", "依明", "托合提", "肉孜", "吐尔洪", "阿不力孜")

# Characters that break systems which assume every character fits in two bytes: 䶮 (CJK
# Extension A, the given name of the founder of the Southern Han in Guangzhou) and 𠮷
# (Extension B, outside the Basic Multilingual Plane), beside rarer BMP ones.
RARE_CHARS = ("䶮", "𠮷", "堃", "喆", "燊", "珺")

# ---------------------------------------------------------------------------------------
# ID numbers and phones
# ---------------------------------------------------------------------------------------

# Administrative division codes (GB/T 2260). Dapeng New District has no code of its own:
# its residents' IDs carry Longgang's, 440307.
REGION_LOCAL = "440307"
REGIONS_SHENZHEN = ("440303", "440304", "440305", "440306", "440307", "440308", "440309", "440310")
REGIONS_GUANGDONG = (
    "441302", "441303", "441322", "441323", "441424", "441426", "441481", "441502", "441521",
    "441581", "445202", "445222", "445281", "440513", "440514", "440982", "440981", "440882",
    "441781", "445381", "440606", "442000", "441900", "440402", "440703", "440781", "441224",
    "441622", "441625", "440104", "440106",
)
REGIONS_XINJIANG = ("650102", "653101", "652901", "654002")

MOBILE_PREFIXES = (
    "130", "131", "132", "133", "134", "135", "136", "137", "138", "139", "147", "150", "151",
    "152", "153", "155", "156", "157", "158", "159", "166", "170", "173", "175", "176", "177",
    "178", "180", "181", "182", "183", "184", "185", "186", "187", "188", "189", "191", "198", "199",
)

# ---------------------------------------------------------------------------------------
# Places
# ---------------------------------------------------------------------------------------

# Dongshan: (group name, [(estate name, kind, entrances)]).
V, E = m.Estate.Kind.URBAN_VILLAGE, m.Estate.Kind.ESTATE


@dataclass(frozen=True)
class _Size:
    """How big a community is built: buildings and dwellings (ranges drawn from), grids."""
    buildings: tuple[int, int] = (38, 42)
    dwellings: tuple[int, int] = (2920, 3080)
    grids: int = 8
    tolerance: int = 30  # dwellings off the target drawn, at most



DONGSHAN = (
    ("东山居民小组", (("东山村", V, ("东门", "北门")), ("东山花园", E, ("南门",)))),
    ("东渔居民小组", (("东渔村", V, ("东门",)),)),
    ("新屋居民小组", (("新屋村", V, ("北门", "西门")), ("海滨苑", E, ("东门",)))),
    ("水头沙居民小组", (("水头沙村", V, ("南门",)),)),
    ("墟镇居民小组", (("南澳墟镇", V, ("东门", "西门")), ("金沙湾花园", E, ("北门",)))),
    ("大坑居民小组", (("大坑村", V, ("北门",)), ("鹏海苑", E, ("东门", "南门")))),
)
# The story's neighbours of Dongshan in Nan'ao (`fangxian demo` at scale 1): smaller
# communities with their own villages and estates, so that the officer's view has several
# communities, totals over them and one that has not reported. (code, name, layout, size.)
NEIGHBOURS = (
    ("NANYU", "南渔社区", (
        ("渔民新村居民小组", (("渔民新村", V, ("东门",)),)),
        ("南渔居民小组", (("南渔村", V, ("北门",)), ("海湾花园", E, ("南门",)))),
        ("沙埔居民小组", (("沙埔村", V, ("西门",)),)),
    ), _Size((9, 11), (420, 480), 3, 8)),
    ("NANLONG", "南隆社区", (
        ("南隆居民小组", (("南隆村", V, ("东门", "北门")),)),
        ("新围居民小组", (("新围村", V, ("南门",)),)),
        ("海景居民小组", (("海景花园", E, ("东门",)),)),
    ), _Size((7, 8), (320, 370), 2, 8)),
    ("DONGCHONG", "东涌社区", (
        ("东涌居民小组", (("东涌村", V, ("东门", "南门")),)),
        ("和平居民小组", (("和平村", V, ("北门",)),)),
        ("上水居民小组", (("上水村", V, ("西门",)),)),
    ), _Size((6, 7), (220, 260), 2, 8)),
    ("XICHONG", "西涌社区", (
        ("沙岗居民小组", (("沙岗村", V, ("东门",)),)),
        ("鹤薮居民小组", (("鹤薮村", V, ("北门",)),)),
        ("芽山居民小组", (("芽山村", V, ("南门",)),)),
        ("西贡居民小组", (("西贡村", V, ("东门",)), ("西涌湾花园", E, ("西门",)))),
    ), _Size((10, 12), (480, 540), 3, 8)),
)
# The neighbour that has not filed today's report: 未报 before the deadline, 逾期未报 after it.
UNREPORTED_TODAY_CODE = "XICHONG"
# The other communities of a scaled build: the real neighbours first, then made-up names.
COMMUNITY_NAMES = ("东山社区", "南渔社区", "南隆社区", "东涌社区", "西涌社区", "新东社区", "半天云社区", "水头沙社区")
NAME_HEADS = "海沙岭湾鹏澳港渔鹤龙"
NAME_TAILS = ("湾", "岭", "头", "坑", "田", "围", "塘", "滨", "岗", "坪")
VILLAGE_STEMS = (
    "上围", "下围", "老围", "新围", "田心", "坑尾", "岭背", "塘头", "沙岗", "石龙", "鹤薮", "南坑",
    "海边", "禾坪", "西山", "长湾", "大湾", "径心", "水贝", "官湖",
)
ESTATE_NAMES = (
    "海景花园", "碧海华庭", "金沙湾花园", "鹏海苑", "海滨苑", "南澳雅苑", "山海居", "观海台",
    "怡海花园", "翠湾豪庭", "银滩小区", "鹏城花园", "半岛豪苑", "海韵嘉园",
)
GATES = ("东门", "北门", "南门", "西门")
CN_DIGITS = "零一二三四五六七八九十"

# The shares behind the numbers: kinds of household by kind of place, what they look like,
# and what became of their home in the spring of 2020.
HOUSEHOLD_KINDS = {
    V: ((m.Person.Kind.REGISTERED, 22), (m.Person.Kind.TENANT, 60), (m.Person.Kind.FLOATING, 15),
        (m.Person.Kind.PERMANENT, 3)),
    E: ((m.Person.Kind.PERMANENT, 58), (m.Person.Kind.REGISTERED, 8), (m.Person.Kind.TENANT, 29),
        (m.Person.Kind.FLOATING, 5)),
}
# (shape, weight): single, couple, family1/2 (couple with one or two children), three (three
# generations), elders (elderly couple), alone (elderly living alone), shared (workers sharing).
HOUSEHOLD_SHAPES = {
    m.Person.Kind.REGISTERED: (("three", 28), ("family1", 17), ("family2", 14), ("elders", 14),
                               ("alone", 17), ("couple", 8), ("single", 5)),
    m.Person.Kind.PERMANENT: (("family1", 30), ("family2", 19), ("three", 16), ("couple", 13),
                              ("single", 7), ("elders", 8), ("alone", 9)),
    m.Person.Kind.TENANT: (("single", 24), ("couple", 22), ("family1", 23), ("family2", 14),
                           ("shared", 16), ("alone", 2)),
    m.Person.Kind.FLOATING: (("single", 40), ("couple", 22), ("shared", 28), ("family1", 10)),
}
# Probability that a household had not come back by March 2020; of those, the share whose
# door was sealed (封条); the probability of home quarantine for those who did come back.
NOT_RETURNED = {"registered": 0.04, "permanent": 0.07, "tenant": 0.22, "floating": 0.18}
SEALED_SHARE = 0.45
QUARANTINE = {"registered": 0.005, "permanent": 0.01, "tenant": 0.035, "floating": 0.05}


def _cumulative(pairs):
    values = [value for value, _weight in pairs]
    return values, list(itertools.accumulate(weight for _value, weight in pairs))


class _Chooser:
    """A weighted choice that costs one random number."""

    def __init__(self, pairs):
        self.values, self.cum = _cumulative(pairs)
        self.total = self.cum[-1]

    def __call__(self, rng: random.Random):
        return self.values[bisect.bisect_right(self.cum, rng.random() * self.total)]


_SURNAME = _Chooser(SURNAMES)
_KIND = {kind: _Chooser(pairs) for kind, pairs in HOUSEHOLD_KINDS.items()}
_SHAPE = {kind: _Chooser(pairs) for kind, pairs in HOUSEHOLD_SHAPES.items()}


def _cn_number(n: int) -> str:
    """1 → 一, 12 → 十二, 20 → 二十, 123 → 123 (only what group and grid names need)."""
    if n <= 10:
        return CN_DIGITS[n]
    if n < 20:
        return "十" + CN_DIGITS[n - 10]
    if n < 100:
        return CN_DIGITS[n // 10] + "十" + (CN_DIGITS[n % 10] if n % 10 else "")
    return str(n)


def _era(birth_year: int) -> int:
    return 0 if birth_year < 1960 else 1 if birth_year < 1980 else 2 if birth_year < 2000 else 3


class _Identities:
    """ID numbers and phones for a whole build, unique within the subdistrict.

    An ID number is region (6) + birth date (8) + order code (3) + check character; the
    order code's last digit is odd for men and even for women, so each (region, birth date,
    sex) has 500 order codes. A per-subdistrict counter hands them out, skipping any number
    already in the registry, which guarantees uniqueness across every community built.
    """

    def __init__(self, used_ids: set[str]):
        self.used_ids = used_ids
        self.next_order: dict[str, list[int]] = {}
        self.used_phones: set[str] = set()

    def national_id(self, rng: random.Random, region: str, born: dt.date, sex: str) -> str:
        male = 1 if sex == "M" else 0
        for attempt_region in itertools.chain((region,), REGIONS_GUANGDONG):
            key = f"{attempt_region}{born:%Y%m%d}{male}"
            state = self.next_order.get(key)
            if state is None:
                start = rng.randrange(60)  # order codes are handed out from the low end
                state = self.next_order[key] = [start, 0]
            while state[1] < 500:
                order = state[0] % 500
                state[0] += 1
                state[1] += 1
                first17 = f"{attempt_region}{born:%Y%m%d}{2 * order + male:03d}"
                number = first17 + id_check_char(first17)
                if number not in self.used_ids:
                    self.used_ids.add(number)
                    return number
        raise RuntimeError("No ID number left for this birth date")  # 500 × 32 regions: unreachable

    def phone(self, rng: random.Random) -> str:
        while True:
            number = MOBILE_PREFIXES[rng.randrange(len(MOBILE_PREFIXES))] + f"{rng.randrange(10 ** 8):08d}"
            if number not in self.used_phones:
                self.used_phones.add(number)
                return number


# ---------------------------------------------------------------------------------------
# One community
# ---------------------------------------------------------------------------------------


@dataclass
class _Member:
    surname: str
    sex: str
    age: int
    kind: str
    region: str
    alone: bool = False
    minority: bool = False


@dataclass
class _Counts:
    groups: int = 0
    estates: int = 0
    entrances: int = 0
    grids: int = 0
    buildings: int = 0
    dwellings: int = 0
    people: int = 0
    team_members: int = 0


class _CommunityBuilder:
    def __init__(self, *, rng: random.Random, identities: _Identities, subdistrict: m.Subdistrict,
                 index: int, code: str, name: str, layout=None, size: _Size = _Size()):
        self.rng = rng
        self.ids = identities
        self.subdistrict = subdistrict
        self.index = index
        self.code = code
        self.name = name
        self.fixed_layout = layout
        self.size = size

    # -- the places -------------------------------------------------------------------

    def layout(self):
        """[(group name, [(estate name, kind, entrances)])]: Dongshan's, or a made-up one."""
        if self.fixed_layout is not None:
            return self.fixed_layout
        if self.index == 0:
            return DONGSHAN
        rng = self.rng
        stems = rng.sample(VILLAGE_STEMS, 6)
        estate_names = rng.sample(ESTATE_NAMES, 4)
        with_estate = sorted(rng.sample(range(6), 4))
        layout = []
        for number in range(6):
            estates = [(f"{stems[number]}村", V, self._gates())]
            if number in with_estate:
                estates.append((estate_names.pop(), E, self._gates()))
            layout.append((f"第{_cn_number(number + 1)}居民小组", tuple(estates)))
        return tuple(layout)

    def _gates(self) -> tuple[str, ...]:
        # The report: every enclosure keeps one way in; the larger ones two.
        count = 2 if self.rng.random() < 0.3 else 1
        return tuple(sorted(self.rng.sample(GATES, count), key=GATES.index))

    def _building_specs(self, estates):
        """[(estate index, building name, floors, rooms per floor)] for about 40 buildings
        and 3,000 dwellings: urban-village 'handshake' blocks of 6-9 floors with small rental
        rooms, and estate towers of 18-32 floors."""
        rng = self.rng
        total = rng.randint(*self.size.buildings)
        weights = [1.0 if kind == V else 0.6 for _name, kind in estates]
        counts = [2] * len(estates)
        for _extra in range(total - sum(counts)):
            counts[rng.choices(range(len(estates)), weights)[0]] += 1
        specs = []
        for estate_index, ((_name, kind), count) in enumerate(zip(estates, counts)):
            number = 0
            for _building in range(count):
                if kind == V:
                    number += rng.choice((1, 1, 1, 2, 3))  # village house numbers have gaps
                    specs.append([estate_index, f"{number}号", rng.randint(6, 9), rng.randint(5, 8)])
                else:
                    number += 1
                    specs.append([estate_index, f"{number}栋", rng.randint(18, 32), rng.choice((2, 4, 4, 6))])
        # Nudge rooms per floor until the community has about 3,000 dwellings.
        target = rng.randint(*self.size.dwellings)
        dwellings = sum(floors * rooms for _e, _n, floors, rooms in specs)
        while abs(dwellings - target) > self.size.tolerance:
            spec = specs[rng.randrange(len(specs))]
            if dwellings > target and spec[3] > 2:
                spec[3] -= 1
                dwellings -= spec[2]
            elif dwellings < target and spec[3] < 10:
                spec[3] += 1
                dwellings += spec[2]
        return specs

    # -- the people -------------------------------------------------------------------

    def household(self, place_kind: str, clan: tuple[str, ...]) -> list[_Member]:
        rng = self.rng
        kind = _KIND[place_kind](rng)
        shape = _SHAPE[kind](rng)
        region = self._region(kind)

        def surname() -> str:
            if kind == m.Person.Kind.REGISTERED and clan and rng.random() < 0.6:
                return clan[rng.randrange(len(clan))]  # the village's clans
            return _SURNAME(rng)

        def member(family: str, sex: str, age: int, **extra) -> _Member:
            own_region = region if rng.random() < 0.85 else self._region(kind)
            return _Member(family, sex, max(0, age), kind, own_region, **extra)

        def couple(low: int, high: int) -> list[_Member]:
            husband_age = rng.randint(low, high)
            family = surname()
            return [member(family, "M", husband_age),
                    member(_SURNAME(rng), "F", max(20, husband_age - rng.randint(-2, 6)))]

        def children(parents: list[_Member], count: int) -> list[_Member]:
            youngest_parent = min(p.age for p in parents)
            family = parents[0].surname if rng.random() < 0.95 else parents[1].surname
            return [member(family, "M" if rng.random() < 0.53 else "F",
                           rng.randint(0, max(0, min(17, youngest_parent - 21))))
                    for _ in range(count)]

        if shape == "single":
            sex = "M" if rng.random() < 0.6 else "F"
            if kind in (m.Person.Kind.TENANT, m.Person.Kind.FLOATING) and rng.random() < 0.02:
                return [_Member("", sex, rng.randint(20, 40), kind, rng.choice(REGIONS_XINJIANG), minority=True)]
            return [member(surname(), sex, rng.randint(19, 45))]
        if shape == "shared":
            return [member(_SURNAME(rng), "M" if rng.random() < 0.7 else "F", rng.randint(18, 45))
                    for _ in range(rng.randint(2, 4))]
        if shape == "couple":
            return couple(23, 55)
        if shape in ("family1", "family2"):
            parents = couple(26, 50)
            return parents + children(parents, 1 if shape == "family1" else 2)
        if shape == "three":
            parents = couple(28, 52)
            elders_age = max(p.age for p in parents) + rng.randint(22, 32)
            elders = [member(parents[0].surname, "M", elders_age),
                      member(_SURNAME(rng), "F", elders_age - rng.randint(0, 5))]
            if rng.random() < 0.35:  # a widowed grandparent
                elders.pop(0 if rng.random() < 0.6 else 1)
            return elders + parents + children(parents, rng.choice((1, 1, 2, 2, 3)))
        if shape == "elders":
            return couple(60, 86)
        # alone: an elderly person living alone, more often a widow
        sex = "F" if rng.random() < 0.62 else "M"
        return [member(surname(), sex, rng.randint(68, 95), alone=True)]

    def _region(self, kind: str) -> str:
        rng = self.rng
        if kind == m.Person.Kind.REGISTERED:
            return REGION_LOCAL if rng.random() < 0.9 else REGIONS_SHENZHEN[rng.randrange(len(REGIONS_SHENZHEN))]
        if kind == m.Person.Kind.PERMANENT and rng.random() < 0.5:
            return REGIONS_SHENZHEN[rng.randrange(len(REGIONS_SHENZHEN))]
        return REGIONS_GUANGDONG[rng.randrange(len(REGIONS_GUANGDONG))]

    def person_name(self, person: _Member, born: dt.date) -> str:
        rng = self.rng
        if person.minority:
            return f"{rng.choice(MINORITY_GIVEN[person.sex])}·{rng.choice(MINORITY_FATHER)}"
        chars = GIVEN[(person.sex, _era(born.year))]
        first = chars[rng.randrange(len(chars))]
        roll = rng.random()
        if roll < 0.16:
            given = first
        elif roll < 0.19 and person.sex == "F":
            given = first + first  # 婷婷, 丽丽
        else:
            second = chars[rng.randrange(len(chars))]
            while second == first:
                second = chars[rng.randrange(len(chars))]
            given = first + second
        return person.surname + given

    # -- building it ------------------------------------------------------------------

    def build(self) -> _Counts:
        rng = self.rng
        counts = _Counts()
        community = m.Community.objects.create(subdistrict=self.subdistrict, code=self.code, name=self.name)
        layout = self.layout()

        groups = m.ResidentialGroup.objects.bulk_create(
            [m.ResidentialGroup(community=community, number=n, name=name)
             for n, (name, _estates) in enumerate(layout, 1)]
        )
        estate_rows, estate_specs = [], []
        for group, (_name, estates) in zip(groups, layout):
            for estate_name, kind, gates in estates:
                estate_rows.append(m.Estate(community=community, group=group, name=estate_name, kind=kind))
                estate_specs.append((estate_name, kind, gates))
        estates = m.Estate.objects.bulk_create(estate_rows)
        entrances = m.Entrance.objects.bulk_create(
            [m.Entrance(estate=estate, name=gate)
             for estate, (_n, _k, gates) in zip(estates, estate_specs) for gate in gates]
        )

        specs = self._building_specs([(name, kind) for name, kind, _gates in estate_specs])
        grid_count = self.size.grids
        grids = m.Grid.objects.bulk_create(
            [m.Grid(community=community, code=f"G{n:02d}", name=f"第{_cn_number(n)}网格")
             for n in range(1, grid_count + 1)]
        )
        # Consecutive buildings (so, whole estates where possible) share a grid.
        per_grid = len(specs) / grid_count
        buildings = m.Building.objects.bulk_create(
            [
                m.Building(community=community, estate=estates[estate_index], grid=grids[int(i / per_grid)],
                           name=name, floors=floors)
                for i, (estate_index, name, floors, _rooms) in enumerate(specs)
            ],
            batch_size=BATCH_SIZE,
        )

        # Households first: a dwelling's status depends on who lives there.
        clans = {i: tuple(rng.sample([s for s, w in SURNAMES if w >= 1.0], 2))
                 for i, (_n, kind, _g) in enumerate(estate_specs) if kind == V}
        dwelling_rows, households = [], []
        for building, (estate_index, _name, floors, rooms) in zip(buildings, specs):
            place_kind = estate_specs[estate_index][1]
            for floor in range(1, floors + 1):
                for room in range(1, rooms + 1):
                    members = self.household(place_kind, clans.get(estate_index, ()))
                    kind = members[0].kind
                    if rng.random() < NOT_RETURNED[kind]:
                        status = (m.Dwelling.Status.SEALED if rng.random() < SEALED_SHARE
                                  else m.Dwelling.Status.NOT_RETURNED)
                    elif rng.random() < QUARANTINE[kind]:
                        status = m.Dwelling.Status.QUARANTINE
                    else:
                        status = m.Dwelling.Status.OCCUPIED
                    dwelling_rows.append(m.Dwelling(building_id=building.pk, room=f"{floor}{room:02d}", status=status))
                    households.append(members)
        dwellings = m.Dwelling.objects.bulk_create(dwelling_rows, batch_size=BATCH_SIZE)

        people, heads_by_building, party_by_grid = self._people(community, buildings, dwellings, households)
        m.Person.objects.bulk_create(people, batch_size=BATCH_SIZE)

        team = []
        for grid in grids:
            team.append(m.GridTeamMember(grid=grid, role=m.GridTeamMember.Role.GRID_WORKER,
                                         name=self._staff_name(), phone=self.ids.phone(rng)))
            candidates = party_by_grid.get(grid.pk, [])
            for name, phone in rng.sample(candidates, min(len(candidates), rng.randint(2, 3))):
                team.append(m.GridTeamMember(grid=grid, role=m.GridTeamMember.Role.PARTY_MEMBER, name=name,
                                             phone=phone))
        for building in buildings:
            candidates = heads_by_building.get(building.pk) or [(self._staff_name(), self.ids.phone(rng))]
            name, phone = candidates[rng.randrange(len(candidates))]
            team.append(m.GridTeamMember(grid_id=building.grid_id, role=m.GridTeamMember.Role.BUILDING_HEAD,
                                         name=name, phone=phone, building=building))
        m.GridTeamMember.objects.bulk_create(team, batch_size=BATCH_SIZE)

        counts.groups, counts.estates, counts.entrances, counts.grids = (
            len(groups), len(estates), len(entrances), len(grids))
        counts.buildings, counts.dwellings, counts.people = len(buildings), len(dwellings), len(people)
        counts.team_members = len(team)
        self.community, self.grids = community, grids
        return counts

    def _staff_name(self) -> str:
        rng = self.rng
        born = REFERENCE_DATE.replace(year=REFERENCE_DATE.year - rng.randint(25, 50))
        return self.person_name(_Member(_SURNAME(rng), "M" if rng.random() < 0.5 else "F", 0, "", ""), born)

    def _people(self, community, buildings, dwellings, households):
        rng = self.rng
        ids = self.ids
        grid_of = {b.pk: b.grid_id for b in buildings}
        subdistrict_id, community_id = self.subdistrict.pk, community.pk
        people, heads_by_building, party_by_grid = [], {}, {}
        for dwelling, members in zip(dwellings, households):
            building_id = dwelling.building_id
            for person in members:
                age = person.age
                born = REFERENCE_DATE - dt.timedelta(days=int(age * 365.2425) + rng.randrange(365))
                name = self.person_name(person, born)
                elderly = age >= 60
                if elderly and rng.random() < 0.08:
                    phone, no_smartphone = "", True  # no phone at all: reached at the door
                elif age < 12 or (age < 18 and rng.random() < 0.4):
                    phone, no_smartphone = "", False
                else:
                    phone, no_smartphone = ids.phone(rng), False
                disabled = rng.random() < (0.06 if elderly else 0.011)
                poor = rng.random() < (0.06 if person.alone else 0.05 if disabled else 0.0032)
                party = age >= 18 and rng.random() < (
                    0.10 if person.kind == m.Person.Kind.REGISTERED
                    else 0.035 if person.kind == m.Person.Kind.FLOATING
                    else 0.068
                )
                child_hardship = age < 18 and rng.random() < 0.012
                people.append(m.Person(
                    subdistrict_id=subdistrict_id, community_id=community_id, dwelling_id=dwelling.pk,
                    name=name, sex=person.sex, birth_date=born,
                    national_id=ids.national_id(rng, person.region, born, person.sex),
                    phone=phone, kind=person.kind, no_smartphone=no_smartphone,
                    is_elderly_alone=person.alone, is_disabled=disabled, is_child_in_hardship=child_hardship,
                    is_extremely_poor=poor, is_party_member=party,
                ))
                if phone and 28 <= age <= 65 and person.kind in (m.Person.Kind.REGISTERED, m.Person.Kind.PERMANENT):
                    heads_by_building.setdefault(building_id, []).append((name, phone))
                if party and phone:
                    party_by_grid.setdefault(grid_of[building_id], []).append((name, phone))
        # One or two people whose names hold rare characters.
        ordinary = [p for p in people if "·" not in p.name and len(p.name) >= 3]
        for person, char in zip(rng.sample(ordinary, 2), rng.sample(RARE_CHARS[:2], 2)):
            person.name = person.name[:-1] + char
        return people, heads_by_building, party_by_grid


# ---------------------------------------------------------------------------------------
# The build
# ---------------------------------------------------------------------------------------

# (username, password, role): each role user is a member of Dongshan, its subdistrict or its
# first grid (ROLE_PLACE); the role None is the superuser.
DEMO_USERS = (
    ("admin", "fangxian-admin", Role.COMMUNITY_ADMIN),
    ("officer", "fangxian-officer", Role.SUBDISTRICT_OFFICER),
    ("grid1", "fangxian-grid1", Role.GRID_WORKER),
    ("gate", "fangxian-gate", Role.CHECKPOINT_VOLUNTEER),
    ("courier", "fangxian-courier", Role.DELIVERY_VOLUNTEER),
    ("group1", "fangxian-group1", Role.GROUP_LEADER),
    ("root", "fangxian-root", None),  # superuser
)


def _community_codes_and_names(scale: int, taken_codes: set[str]):
    names = list(COMMUNITY_NAMES)
    names += [f"{head}{tail}社区" for head in NAME_HEADS for tail in NAME_TAILS if f"{head}{tail}社区" not in names]
    codes, n = [DEMO_COMMUNITY_CODE], 2
    while len(codes) < scale:
        code = f"C{n:03d}"
        if code not in taken_codes:
            codes.append(code)
        n += 1
    return [(code, names[i] if i < len(names) else f"第{i + 1}社区") for i, code in enumerate(codes)]


def demo_build(*, scale: int = 1, seed: int = 2020, stdout: TextIO | None = None,
               neighbours: bool = False) -> DemoSummary:
    """Build the demo subdistrict: `scale` communities of Dongshan's size, Dongshan first, and
    the demo logins; with neighbours=True also Dongshan's smaller neighbours (NEIGHBOURS), the
    story's subdistrict. Benchmarks build `scale` full-size communities, without neighbours.

    Raises DemoExists (a ValueError) if Dongshan is already in the registry.
    """
    if scale < 1:
        raise ValueError(_("The scale is the number of communities to build: 1 or more."))
    if m.Community.objects.filter(code=DEMO_COMMUNITY_CODE).exists():
        raise DemoExists(
            _("The demo community (%(code)s) is already in the registry; nothing was built.")
            % {"code": DEMO_COMMUNITY_CODE}
        )
    summary = DemoSummary()
    with transaction.atomic():
        subdistrict, _created = m.Subdistrict.objects.get_or_create(
            code=SUBDISTRICT_CODE, defaults={"name": SUBDISTRICT_NAME}
        )
        used_ids = set(m.Person.objects.filter(subdistrict=subdistrict).values_list("national_id", flat=True))
        identities = _Identities(used_ids)
        taken = set(m.Community.objects.values_list("code", flat=True))
        first = None
        plan = [(index, code, name, None, _Size(), f"fangxian-demo:{seed}:{index}")
                for index, (code, name) in enumerate(_community_codes_and_names(scale, taken))]
        if neighbours:
            # Seeded apart from the scaled communities: Dongshan is the same with or without them.
            plan += [(scale + n, code, name, layout, size, f"fangxian-demo:{seed}:{code}")
                     for n, (code, name, layout, size) in enumerate(NEIGHBOURS) if code not in taken]
        for index, code, name, layout, size, rng_seed in plan:
            builder = _CommunityBuilder(
                rng=random.Random(rng_seed), identities=identities, subdistrict=subdistrict, index=index,
                code=code, name=name, layout=layout, size=size,
            )
            counts = builder.build()
            first = first or builder
            summary.communities += 1
            for attr in ("buildings", "dwellings", "people", "groups", "estates", "entrances", "grids", "team_members"):
                setattr(summary, attr, getattr(summary, attr) + getattr(counts, attr))
            if stdout is not None and (scale <= 10 or (index + 1) % 10 == 0 or index + 1 >= scale):
                stdout.write(
                    _("Built %(name)s (%(code)s): %(buildings)d buildings, %(dwellings)d dwellings, %(people)d people.")
                    % {"name": name, "code": code, "buildings": counts.buildings, "dwellings": counts.dwellings,
                       "people": counts.people}
                    + "\n"
                )
        _demo_users(first, subdistrict, summary)
    return summary


def _demo_users(dongshan: _CommunityBuilder, subdistrict: m.Subdistrict, summary: DemoSummary) -> None:
    User = get_user_model()
    existing = set(User.objects.filter(username__in=[u for u, _p, _r in DEMO_USERS]).values_list("username", flat=True))
    wanted = [(u, p, r) for u, p, r in DEMO_USERS if u not in existing]
    summary.skipped_users = [u for u, _p, _r in DEMO_USERS if u in existing]
    # Password hashing is deliberately slow; hashlib releases the GIL, so hash in parallel.
    with ThreadPoolExecutor(max_workers=max(1, min(len(wanted), os.cpu_count() or 1))) as pool:
        hashes = list(pool.map(make_password, [p for _u, p, _r in wanted]))
    grid = dongshan.grids[0]
    grid_worker = m.GridTeamMember.objects.filter(grid=grid, role=m.GridTeamMember.Role.GRID_WORKER).first()
    group = m.ResidentialGroup.objects.filter(community=dongshan.community).order_by("number").first()
    places = {"subdistrict": subdistrict, "community": dongshan.community, "grid": grid, "group": group}
    for (username, password, role), hashed in zip(wanted, hashes):
        superuser = role is None
        user = User(username=username, password=hashed, is_superuser=superuser, is_staff=superuser)
        if role == Role.GRID_WORKER and grid_worker is not None:
            user.first_name = grid_worker.name
        user.save()
        if role is not None:
            place = ROLE_PLACE[role]
            membership = Membership(user=user, role=role, **{place: places[place]})
            membership.clean()
            membership.save()
        summary.users.append((username, password, str(role.label) if role else _("Superuser")))


def story_communities() -> list[m.Community]:
    """The communities `fangxian demo` tells the return peak in: Dongshan, then its
    neighbours that are in the registry."""
    codes = [DEMO_COMMUNITY_CODE] + [code for code, _name, _layout, _size in NEIGHBOURS]
    found = {c.code: c for c in m.Community.objects.filter(code__in=codes).select_related("subdistrict")}
    return [found[code] for code in codes if code in found]


def demo_logins() -> list[tuple[str, str, str]]:
    """The demo logins that exist and still open with their demo password, as
    (username, password, role label): what `make run` shows on every start."""
    User = get_user_model()
    users = {u.username: u
             for u in User.objects.filter(username__in=[name for name, _p, _r in DEMO_USERS], is_active=True)}
    candidates = [(users[name], password, role) for name, password, role in DEMO_USERS if name in users]
    with ThreadPoolExecutor(max_workers=max(1, min(len(candidates), os.cpu_count() or 1))) as pool:
        valid = list(pool.map(lambda row: check_password(row[1], row[0].password), candidates))
    return [
        (user.username, password, str(role.label) if role else _("Superuser"))
        for (user, password, role), ok in zip(candidates, valid) if ok
    ]
