"""The demo community and the `demo` and `createadmin` commands.

Dongshan is built once for the module (about a second) inside a transaction that is rolled
back at the end; each test runs in a savepoint inside it. Once built it is there for every
later test of the module, so the createadmin tests do not assume an empty user table.
"""

from __future__ import annotations

import collections
import datetime as dt
import hashlib
import io
import re
import sys

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import transaction
from django.http import HttpRequest

from fangxian.accounts.models import Membership, Role
from fangxian.core.validators import id_birth_date, id_sex, normalise_mobile, normalise_name, normalise_national_id
from fangxian.registry import models as m
from fangxian.registry.demo import DEMO_COMMUNITY_CODE, DemoExists, demo_build


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        with transaction.atomic():
            summary = demo_build()
            yield summary
            transaction.set_rollback(True)


@pytest.fixture
def dongshan(demo, db):
    return m.Community.objects.get(code=DEMO_COMMUNITY_CODE)


def _people(community):
    return m.Person.objects.filter(community=community)


def _fingerprint(community) -> str:
    """A hash of everything a build decides about a community's people and places."""
    rows = sorted(
        _people(community).values_list(
            "national_id", "name", "sex", "birth_date", "phone", "kind", "no_smartphone", "is_elderly_alone",
            "is_disabled", "is_child_in_hardship", "is_extremely_poor", "is_party_member",
            "dwelling__room", "dwelling__status", "dwelling__building__name", "dwelling__building__estate__name",
            "dwelling__building__grid__code",
        )
    )
    rows += sorted(m.GridTeamMember.objects.filter(grid__community=community)
                   .values_list("grid__code", "role", "name", "phone"))
    rows += sorted(m.Entrance.objects.filter(estate__community=community)
                   .values_list("estate__name", "estate__kind", "name"))
    return hashlib.sha256(repr(rows).encode()).hexdigest()


def _delete_everything() -> None:
    m.GridTeamMember.objects.all().delete()
    m.Person.objects.all().delete()
    m.Dwelling.objects.all().delete()
    m.Building.objects.all().delete()
    m.Entrance.objects.all().delete()
    m.Estate.objects.all().delete()
    m.ResidentialGroup.objects.all().delete()
    m.Grid.objects.all().delete()
    Membership.objects.all().delete()
    m.Community.objects.all().delete()
    m.Subdistrict.objects.all().delete()


def test_it_builds_a_community_of_the_right_size(dongshan, demo):
    people = _people(dongshan).count()
    dwellings = m.Dwelling.objects.filter(building__community=dongshan).count()
    buildings = dongshan.buildings.count()
    assert 7_500 <= people <= 8_500
    assert 2_800 <= dwellings <= 3_200
    assert 35 <= buildings <= 45
    assert dongshan.groups.count() == 6
    assert (demo.communities, demo.people, demo.dwellings, demo.buildings) == (1, people, dwellings, buildings)
    assert dongshan.name == "东山社区" and dongshan.subdistrict.name == "南澳街道"
    kinds = set(dongshan.estates.values_list("kind", flat=True))
    assert kinds == {m.Estate.Kind.URBAN_VILLAGE, m.Estate.Kind.ESTATE}
    for estate in dongshan.estates.all():
        assert 1 <= estate.entrances.count() <= 2, estate
        assert estate.group.community_id == dongshan.pk
    # Nobody lives nowhere, and no dwelling is empty.
    assert not _people(dongshan).filter(dwelling=None).exists()
    assert not m.Dwelling.objects.filter(building__community=dongshan, people=None).exists()


def test_it_gives_everyone_a_valid_id_number_matching_birth_date_and_sex(dongshan):
    rows = list(_people(dongshan).values_list("national_id", "birth_date", "sex", "name"))
    for national_id, birth_date, sex, name in rows:
        assert normalise_national_id(national_id) == national_id
        assert id_birth_date(national_id) == birth_date
        assert id_sex(national_id) == sex
        # Guangdong, or Xinjiang for the Uyghur and Kazakh names.
        assert national_id[:2] == ("65" if "·" in name else "44"), (national_id, name)
    assert len({row[0] for row in rows}) == len(rows)


def test_it_gives_valid_mobiles_and_leaves_some_elderly_without_one(dongshan):
    phones = list(_people(dongshan).exclude(phone="").values_list("phone", flat=True))
    assert all(normalise_mobile(phone) == phone for phone in phones)
    assert len(set(phones)) == len(phones)
    no_phone = _people(dongshan).filter(phone="", no_smartphone=True)
    assert no_phone.exists()
    assert all(person.age_on(dt.date(2020, 3, 1)) >= 60 for person in no_phone)


def test_it_gives_realistic_names(dongshan):
    names = list(_people(dongshan).values_list("name", flat=True))
    assert all(normalise_name(name) == name for name in names)
    assert any("·" in name for name in names)  # 阿卜杜拉·艾买提
    assert any(name[:2] in ("欧阳", "司徒", "上官", "司马", "诸葛", "东方") for name in names)
    assert any(ord(char) > 0xFFFF for name in names for char in name)  # outside the BMP
    surnames = collections.Counter(name[0] for name in names)
    assert surnames.most_common(1)[0][0] == "陈"  # the commonest surname of Guangdong
    assert len(surnames) > 60
    # Not all the same few names: most names are borne by one or two people.
    assert len(set(names)) > 0.6 * len(names)


def test_it_tags_people_and_dwellings_in_plausible_shares(dongshan):
    people = _people(dongshan)
    total = people.count()
    share = {field: people.filter(**{field: True}).count() / total for field, _label in m.PERSON_TAGS}
    assert 0.01 <= share["is_elderly_alone"] <= 0.03
    assert 0.008 <= share["is_disabled"] <= 0.025
    assert 0.001 <= share["is_child_in_hardship"] <= 0.006
    assert 0.002 <= share["is_extremely_poor"] <= 0.01
    assert 0.035 <= share["is_party_member"] <= 0.07
    kinds = collections.Counter(people.values_list("kind", flat=True))
    assert set(kinds) == set(m.Person.Kind.values)
    assert kinds[m.Person.Kind.TENANT] > kinds[m.Person.Kind.FLOATING]
    statuses = collections.Counter(
        m.Dwelling.objects.filter(building__community=dongshan).values_list("status", flat=True))
    assert set(statuses) == set(m.Dwelling.Status.values)
    assert statuses[m.Dwelling.Status.OCCUPIED] > 0.75 * sum(statuses.values())


def test_it_puts_every_building_in_a_grid_with_a_team(dongshan):
    assert not dongshan.buildings.filter(grid=None).exists()
    grids = list(dongshan.grids.all())
    assert 6 <= len(grids) <= 10
    for grid in grids:
        roles = collections.Counter(grid.team.values_list("role", flat=True))
        assert roles[m.GridTeamMember.Role.GRID_WORKER] == 1, grid
        assert 2 <= roles[m.GridTeamMember.Role.PARTY_MEMBER] <= 3, grid
        assert grid.buildings.exists()
        for member in grid.team.all():
            assert normalise_mobile(member.phone) == member.phone
    for building in dongshan.buildings.all():
        heads = list(building.heads.all())
        assert len(heads) == 1 and heads[0].grid_id == building.grid_id, building


def test_it_makes_demo_users_who_can_log_in_with_their_roles(dongshan, demo, client):
    logins = {username: (password, role) for username, password, role in demo.users}
    assert set(logins) == {"admin", "officer", "grid1", "gate", "courier", "group1", "root"}
    for username, (password, _role) in logins.items():
        assert client.login(request=HttpRequest(), username=username, password=password), username
        client.logout()

    def membership(username):
        (only,) = Membership.objects.filter(user__username=username)
        return only

    assert membership("admin").role == Role.COMMUNITY_ADMIN and membership("admin").community == dongshan
    assert membership("officer").role == Role.SUBDISTRICT_OFFICER
    assert membership("officer").subdistrict == dongshan.subdistrict
    grid1 = membership("grid1")
    assert grid1.role == Role.GRID_WORKER and grid1.grid == dongshan.grids.get(code="G01")
    assert grid1.user.first_name == grid1.grid.team.get(role=m.GridTeamMember.Role.GRID_WORKER).name
    assert membership("gate").role == Role.CHECKPOINT_VOLUNTEER and membership("gate").community == dongshan
    assert membership("courier").role == Role.DELIVERY_VOLUNTEER and membership("courier").community == dongshan
    group1 = membership("group1")
    assert group1.role == Role.GROUP_LEADER and group1.group.number == 1 and group1.community == dongshan
    root = get_user_model().objects.get(username="root")
    assert root.is_superuser and root.is_staff and not root.memberships.exists()
    assert not get_user_model().objects.filter(is_superuser=True).exclude(username="root").exists()


def test_it_is_deterministic_and_the_same_dongshan_at_any_scale(dongshan):
    before = _fingerprint(dongshan)
    _delete_everything()
    out = io.StringIO()
    call_command("demo", "--if-empty", "--scale", "2", stdout=out)  # an empty registry: it builds
    again = m.Community.objects.get(code=DEMO_COMMUNITY_CODE)
    assert _fingerprint(again) == before
    second = m.Community.objects.exclude(pk=again.pk).get()
    assert (second.code, second.subdistrict_id) == ("C002", again.subdistrict_id)
    assert 7_500 <= _people(second).count() <= 8_500
    assert _fingerprint(second) != before
    # The existing demo users were left alone, and said so.
    assert "admin" in out.getvalue()
    assert get_user_model().objects.filter(username="admin").count() == 1


def test_it_builds_other_people_from_another_seed(dongshan):
    before = _fingerprint(dongshan)
    _delete_everything()
    demo_build(seed=7)
    assert _fingerprint(m.Community.objects.get(code=DEMO_COMMUNITY_CODE)) != before


def test_it_refuses_to_build_dongshan_twice(dongshan):
    people = m.Person.objects.count()
    with pytest.raises(DemoExists, match="DONGSHAN"):
        demo_build()
    with pytest.raises(CommandError, match="DONGSHAN"):
        call_command("demo", stdout=io.StringIO())
    assert m.Person.objects.count() == people


def test_it_builds_nothing_with_if_empty_when_a_community_exists_but_shows_the_logins(dongshan):
    counts = (m.Community.objects.count(), m.Person.objects.count(), get_user_model().objects.count())
    out = io.StringIO()
    call_command("demo", "--if-empty", stdout=out)
    assert "fangxian-admin" in out.getvalue()
    assert (m.Community.objects.count(), m.Person.objects.count(), get_user_model().objects.count()) == counts


def test_it_prints_the_demo_logins(dongshan):
    out = io.StringIO()
    call_command("demo", "--logins", stdout=out)
    for username in ("admin", "officer", "grid1", "gate", "courier", "group1", "root"):
        assert re.search(rf"^\s+{username}\s+fangxian-{username}\s", out.getvalue(), re.M), out.getvalue()
    get_user_model().objects.filter(username="gate").update(password="!")
    out = io.StringIO()
    call_command("demo", "--logins", stdout=out)
    assert "fangxian-gate" not in out.getvalue() and "fangxian-admin" in out.getvalue()


def test_it_rejects_a_scale_below_one(db):
    with pytest.raises(CommandError):
        call_command("demo", "--scale", "0", stdout=io.StringIO())


# createadmin -------------------------------------------------------------------------


def test_it_creates_a_superuser(db, client):
    out = io.StringIO()
    call_command("createadmin", "boss", "--password", "Long-enough-pass-42", stdout=out)
    user = get_user_model().objects.get(username="boss")
    assert user.is_superuser and user.is_staff
    assert "boss" in out.getvalue()
    assert client.login(request=HttpRequest(), username="boss", password="Long-enough-pass-42")


def test_it_refuses_a_duplicate_username(db):
    call_command("createadmin", "boss", "--password", "Long-enough-pass-42", stdout=io.StringIO())
    for name in ("boss", "Boss"):
        with pytest.raises(CommandError, match="已存在"):
            call_command("createadmin", name, "--password", "Another-pass-4242", stdout=io.StringIO())
    (boss,) = get_user_model().objects.filter(username__iexact="boss")
    assert boss.check_password("Long-enough-pass-42")


def test_it_refuses_a_weak_password_or_a_bad_username(db):
    with pytest.raises(CommandError, match="password"):
        call_command("createadmin", "boss", "--password", "123", stdout=io.StringIO())
    with pytest.raises(CommandError, match="用户名"):
        call_command("createadmin", "bad name!", "--password", "Long-enough-pass-42", stdout=io.StringIO())
    assert not get_user_model().objects.filter(username__in=["boss", "bad name!"]).exists()


def test_it_needs_a_terminal_or_a_password(db, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    with pytest.raises(CommandError, match="--password"):
        call_command("createadmin", "boss", stdout=io.StringIO())
    assert not get_user_model().objects.filter(username__in=["boss", "bad name!"]).exists()


def test_it_asks_for_the_password_twice_on_a_terminal(db, monkeypatch):
    class Terminal(io.StringIO):
        def isatty(self):
            return True

    monkeypatch.setattr(sys, "stdin", Terminal(""))
    answers = iter(["Long-enough-pass-42", "Long-enough-pass-43"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    with pytest.raises(CommandError, match="不一致"):
        call_command("createadmin", "boss", stdout=io.StringIO())
    assert not get_user_model().objects.filter(username__in=["boss", "bad name!"]).exists()

    answers = iter(["Long-enough-pass-42", "Long-enough-pass-42"])
    call_command("createadmin", "boss", stdout=io.StringIO())
    assert get_user_model().objects.get(username="boss").check_password("Long-enough-pass-42")
