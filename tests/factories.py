"""Factories for tests: a small, valid registry in a few lines."""

from __future__ import annotations

import datetime as dt
import itertools

import factory
from django.contrib.auth import get_user_model

from fangxian.accounts.models import Membership, Role
from fangxian.core.validators import id_check_char
from fangxian.registry import models as m

_serial = itertools.count(1)


def make_national_id(born: dt.date = dt.date(1980, 5, 17), *, sex: str = "M", region: str | None = None) -> str:
    """A valid (fictional) ID number, unique within a test run: 500 order codes per region,
    and the region code (4403xx) moves on when they are used up."""
    serial = next(_serial)
    order = serial % 500
    region = region or f"4403{(serial // 500) % 100:02d}"
    digit = 2 * (order % 5) + (1 if sex == "M" else 0)  # odd for men, even for women
    first17 = f"{region}{born:%Y%m%d}{order // 5:02d}{digit}"
    return first17 + id_check_char(first17)


def make_phone() -> str:
    return f"139{next(_serial):08d}"


class SubdistrictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Subdistrict

    code = factory.Sequence(lambda n: f"SD{n:03d}")
    name = factory.Sequence(lambda n: f"南澳{n}街道")


class CommunityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Community

    subdistrict = factory.SubFactory(SubdistrictFactory)
    code = factory.Sequence(lambda n: f"C{n:04d}")
    name = factory.Sequence(lambda n: f"东山{n}社区")


class GroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.ResidentialGroup

    community = factory.SubFactory(CommunityFactory)
    number = factory.Sequence(lambda n: n + 1)
    name = factory.LazyAttribute(lambda o: f"第{o.number}居民小组")


class EstateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Estate

    community = factory.SubFactory(CommunityFactory)
    group = factory.LazyAttribute(lambda o: GroupFactory(community=o.community))
    name = factory.Sequence(lambda n: f"海景{n}花园")


class GridFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Grid

    community = factory.SubFactory(CommunityFactory)
    code = factory.Sequence(lambda n: f"G{n:03d}")
    name = factory.Sequence(lambda n: f"第{n}网格")


class BuildingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Building

    estate = factory.SubFactory(EstateFactory)
    community = factory.LazyAttribute(lambda o: o.estate.community)
    grid = factory.LazyAttribute(lambda o: GridFactory(community=o.estate.community))
    name = factory.Sequence(lambda n: f"{n}栋")
    floors = 6


class DwellingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Dwelling

    building = factory.SubFactory(BuildingFactory)
    room = factory.Sequence(lambda n: f"{100 + n}")


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Person

    dwelling = factory.SubFactory(DwellingFactory)
    community = factory.LazyAttribute(lambda o: o.dwelling.building.community)
    subdistrict = factory.LazyAttribute(lambda o: o.community.subdistrict)
    name = factory.Sequence(lambda n: f"张{'伟芳娜秀英敏静丽强磊军洋'[n % 12]}{'一二三四五六七八九十'[n % 10]}")
    sex = "M"
    birth_date = dt.date(1980, 5, 17)
    national_id = factory.LazyAttribute(lambda o: make_national_id(o.birth_date, sex=o.sex))
    phone = factory.LazyFunction(make_phone)
    kind = m.Person.Kind.PERMANENT


def make_user(username: str, role: str | None = None, place=None, *, superuser: bool = False):
    """A user with one membership: make_user("alice", Role.GRID_WORKER, grid)."""
    User = get_user_model()
    user = User.objects.create_user(username=username, password="pw-" + username, is_superuser=superuser,
                                    is_staff=superuser)
    if role is not None:
        membership = Membership(user=user, role=role, **{_place_field(role): place})
        membership.clean()
        membership.save()
    return user


def _place_field(role: str) -> str:
    from fangxian.accounts.models import ROLE_PLACE

    return ROLE_PLACE[Role(role)]
