"""Home quarantine as a household measure (issue 13, finding 3): one resident of a room of three
is put into home quarantine; all three passes are held back ("in home quarantine", not
revoked), the room shows 居家隔离, and on release the same three cards admit again. With the
community's rule at "0" only the returnee is covered. The building's pass figures add up."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from fangxian.access.models import Pass
from fangxian.access.services import pass_issue, pass_revoke, rule_set
from fangxian.core.scope import Scope
from fangxian.registry.models import Dwelling, Person
from fangxian.returnees import services
from fangxian.returnees.models import DoorSeal, Quarantine
from tests.factories import DwellingFactory, PersonFactory
from tests.returnees.conftest import register

pytestmark = pytest.mark.usefixtures("frozen_clock")


def statuses(passes) -> list[str]:
    now = timezone.now()
    for pass_ in passes:
        pass_.refresh_from_db()
    return [p.status_at(now) for p in passes]


def room_of_three(cast):
    """Room in grid B with three residents, each with a valid pass."""
    dwelling = DwellingFactory(building=cast.building_b)
    people = [PersonFactory(dwelling=dwelling) for _ in range(3)]
    passes = [pass_issue(person=p, user=cast.users["carol"]) for p in people]
    return dwelling, people, passes


def quarantine_first(cast, dwelling, person, *, days=14):
    """The first resident comes back from a risk area and is sent into home quarantine by bob."""
    bob = cast.users["bob"]
    registration = register(cast.community, dwelling, name=person.name, national_id=person.national_id,
                            arrival_date=timezone.localdate())
    return services.registration_review(scope=Scope.for_user(bob), user=bob, registration=registration,
                                        decision="home_quarantine", reason="来自高风险地区", days=days)


def test_it_holds_back_every_pass_of_the_household_and_restores_them_on_release(client, two_grids):
    dwelling, people, passes = room_of_three(two_grids)
    quarantine_first(two_grids, dwelling, people[0])

    quarantines = list(Quarantine.objects.filter(dwelling=dwelling).order_by("person_id"))
    assert [q.person_id for q in quarantines] == [p.pk for p in people]
    assert len({(q.starts_on, q.planned_end, q.household) for q in quarantines}) == 1
    assert statuses(passes) == ["suspended"] * 3  # a co-resident's pass no longer scans green
    assert {p.revoked_at for p in passes} == {None}
    assert {p.suspended_until for p in passes} == {quarantines[0].planned_end}
    dwelling.refresh_from_db()
    assert dwelling.status == Dwelling.Status.QUARANTINE
    client.force_login(two_grids.users["bob"])
    board = client.get(reverse("returnees:building_board", args=[two_grids.building_b.pk])).content.decode()
    assert re.search(rf'data-room="{dwelling.room}" data-status="quarantine"', board)

    # Released on the planned end, from any member's page: all three, with the same cards.
    bob = two_grids.users["bob"]
    services.quarantine_release(scope=Scope.for_user(bob), user=bob, quarantine=quarantines[2], reason="期满",
                                today=quarantines[0].planned_end)
    assert set(Quarantine.objects.filter(dwelling=dwelling).values_list("status", flat=True)) == {"released"}
    assert statuses(passes) == ["valid"] * 3
    assert Pass.objects.filter(person__in=people).count() == 3  # no new card was needed
    dwelling.refresh_from_db()
    assert dwelling.status == Dwelling.Status.OCCUPIED


def test_it_extends_the_household_together_and_moves_the_end_shown_at_the_gate(two_grids):
    dwelling, people, passes = room_of_three(two_grids)
    registration = quarantine_first(two_grids, dwelling, people[0])
    carol = two_grids.users["carol"]
    first = registration.quarantines.get(person=people[0])
    services.quarantine_extend(scope=Scope.for_user(carol), user=carol, quarantine=first, days=7, reason="复查")
    end = registration.arrival_date + dt.timedelta(days=21)
    assert set(Quarantine.objects.filter(dwelling=dwelling).values_list("planned_end", flat=True)) == {end}
    for pass_ in passes:
        pass_.refresh_from_db()
    assert {p.suspended_until for p in passes} == {end}


def test_it_covers_only_the_person_when_the_rule_says_so(two_grids):
    rule_set(user=two_grids.users["carol"], community=two_grids.community, key="quarantine_household", value="0")
    dwelling, people, passes = room_of_three(two_grids)
    quarantine_first(two_grids, dwelling, people[0])
    assert list(Quarantine.objects.filter(dwelling=dwelling).values_list("person_id", flat=True)) == [people[0].pk]
    assert statuses(passes) == ["suspended", "valid", "valid"]


def test_it_still_releases_a_quarantine_made_before_households_with_a_new_pass(two_grids):
    """Before issue 13 a quarantine revoked the person's passes: its release issues a new one."""
    carol = two_grids.users["carol"]
    person = two_grids.person_b
    old = pass_issue(person=person, user=carol)
    pass_revoke(pass_=old, reason=Pass.RevokeReason.HOME_QUARANTINE, user=carol)
    Dwelling.objects.filter(pk=person.dwelling_id).update(status=Dwelling.Status.QUARANTINE)
    today = timezone.localdate()
    quarantine = Quarantine.objects.create(person=person, dwelling=person.dwelling, reason="旧数据",
                                           starts_on=today - dt.timedelta(days=14), planned_end=today)
    services.quarantine_release(scope=Scope.for_user(carol), user=carol, quarantine=quarantine, reason="期满")
    assert Pass.objects.valid_now().filter(person=person).exclude(pk=old.pk).count() == 1
    assert Dwelling.objects.get(pk=person.dwelling_id).status == Dwelling.Status.OCCUPIED


def _figures(page: str) -> dict[str, int]:
    return {name: int(value) for name, value in
            re.findall(r'data-figure="(\w+)"><b>(\d+)</b>', page)}


def test_the_building_figures_add_up_to_the_people_registered(client, two_grids):
    carol = two_grids.users["carol"]
    building = two_grids.building_b
    dwelling, people, _passes = room_of_three(two_grids)  # a household in quarantine
    quarantine_first(two_grids, dwelling, people[0])
    occupied = DwellingFactory(building=building)
    for person in [PersonFactory(dwelling=occupied) for _ in range(2)]:
        pass_issue(person=person, user=carol)
    PersonFactory(dwelling=occupied)  # no pass yet
    # A sealed room whose resident still holds a valid pass: counted once, not twice.
    sealed = DwellingFactory(building=building, status=Dwelling.Status.SEALED)
    DoorSeal.objects.create(dwelling=sealed, sealed_at=timezone.now(), sealed_by=carol)
    pass_issue(person=PersonFactory(dwelling=sealed), user=carol)
    PersonFactory(dwelling=sealed)
    PersonFactory(dwelling=DwellingFactory(building=building, status=Dwelling.Status.NOT_RETURNED))

    client.force_login(carol)
    page = client.get(reverse("access:building_passes", args=[building.pk])).content.decode()
    figures = _figures(page)

    # The same figures counted one person at a time.
    now = timezone.now()
    expected = {"with_pass": 0, "held": 0, "not_present": 0, "no_pass": 0}
    residents = list(Person.objects.filter(dwelling__building=building).select_related("dwelling"))
    for person in residents:
        states = {p.status_at(now) for p in Pass.objects.filter(person=person, estate_id=building.estate_id)}
        if "valid" in states:
            expected["with_pass"] += 1
        elif "suspended" in states or person.dwelling.status == Dwelling.Status.QUARANTINE:
            expected["held"] += 1
        elif person.dwelling.status in (Dwelling.Status.SEALED, Dwelling.Status.NOT_RETURNED):
            expected["not_present"] += 1
        else:
            expected["no_pass"] += 1
    assert figures == {**expected, "people": len(residents)}
    assert sum(expected.values()) == len(residents) == 9 + 1  # person_b lives in grid B's building too
    assert expected == {"with_pass": 3, "held": 3, "not_present": 2, "no_pass": 2}
    assert (f"{expected['with_pass']} + {expected['held']} + {expected['not_present']} + {expected['no_pass']}"
            f" = {len(residents)}") in page
