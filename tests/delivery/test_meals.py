"""Standard meals made from the dated rule: they follow the quarantine's start, its extension,
its release (on time or early, approved) and its shortening, and a change of rule; a second
run makes nothing more. The clock stands at 2026-03-02 10:00 (Asia/Shanghai).

The delivery cast: grid B's household (the returnee and a companion, halal) and another
household of building B are both in home quarantine until today, not yet released (overdue
from tomorrow: they keep getting meals); frank is building B's standing courier, building A
has none; today's lunch of grid B's household exists already, assigned to frank."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from fangxian.core.scope import Scope
from fangxian.delivery import meals, services, signals
from fangxian.delivery.models import Task, TaskEvent
from fangxian.returnees import quarantine_changes, quarantines
from tests.conftest import FROZEN_AT
from tests.delivery.cast import delivery_cast
from tests.factories import DwellingFactory, PersonFactory
from tests.i18n import zh
from tests.returnees.conftest import root_scope

pytestmark = pytest.mark.usefixtures("frozen_clock")

SHANGHAI = ZoneInfo("Asia/Shanghai")
TODAY = FROZEN_AT.date()
TOMORROW = TODAY + dt.timedelta(days=1)
THREE = {"breakfast", "lunch", "dinner"}


@pytest.fixture
def cast(two_grids):
    signals.connect()
    return delivery_cast(two_grids)



ENDED = "The household's home quarantine has ended: no meal is needed."
NOT_SERVED = "The meal rule in force no longer serves this meal."


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=SHANGHAI)


def meals_of(dwelling, day) -> dict[str, Task]:
    return {t.meal: t for t in Task.objects.filter(dwelling=dwelling, day=day, kind=Task.Kind.MEAL)}


def start(cast, *, starts_on: dt.date, days: int, building=None):
    """A new household of one person in home quarantine (building A by default: no courier)."""
    person = PersonFactory(dwelling=DwellingFactory(building=building or cast.building_a))
    quarantine, = quarantines.quarantine_start(scope=root_scope(cast), user=cast.users["carol"], person=person,
                                               reason="来自高风险地区", starts_on=starts_on, days=days)
    return quarantine


def test_it_serves_a_quarantine_from_its_first_day(cast):
    quarantine = start(cast, starts_on=TOMORROW, days=14)
    meals.meals_generate(day=TODAY)
    assert meals_of(quarantine.dwelling, TODAY) == {}  # the day before: nothing
    meals.meals_generate(day=TOMORROW)
    made = meals_of(quarantine.dwelling, TOMORROW)
    assert set(made) == THREE
    # The default rule (none set): breakfast by 8, lunch by 12, dinner by 18, local time.
    assert [made[m].due_by for m in ("breakfast", "lunch", "dinner")] == [
        at(TOMORROW, 8), at(TOMORROW, 12), at(TOMORROW, 18)]
    for task in made.values():
        assert (task.people, task.dietary, task.courier_id, task.status) == (1, "", None, Task.Status.REQUESTED)
        assert task.source == Task.Source.GENERATED and task.kind == Task.Kind.MEAL


def test_it_counts_the_people_copies_the_dietary_notes_and_gives_the_standing_courier(cast):
    meals.meals_generate(day=TOMORROW)
    frank = cast.users["frank"]
    household = meals_of(cast.household_b, TOMORROW)
    assert set(household) == THREE
    in_quarantine = len([cast.quarantine_b, cast.quarantine_b_companion])  # the returnee and the companion
    for task in household.values():
        assert task.people == in_quarantine and task.dietary == "清真"
        assert task.courier == frank and task.status == Task.Status.ASSIGNED
        assert task.assigned_at == task.created_at and abs(task.created_at - FROZEN_AT) < dt.timedelta(minutes=5)
    alone = meals_of(cast.quarantine_b2.dwelling, TOMORROW)
    assert {(t.people, t.dietary, t.courier_id) for t in alone.values()} == {(1, "", frank.pk)}


def test_running_twice_makes_nothing_more(cast):
    households = 2  # grid B's household and the one living alone, both overdue and not released
    first = meals.meals_generate(day=TOMORROW)
    assert (first.made, first.cancelled, first.kept) == (3 * households, 0, 0)
    count = Task.objects.count()
    second = meals.meals_generate(day=TOMORROW)
    assert (second.made, second.cancelled, second.kept) == (0, 0, 3 * households)
    assert Task.objects.count() == count
    today = meals.meals_generate(day=TODAY)  # today's lunch of grid B's household was there already
    assert (today.made, today.kept) == (3 * households - 1, 1)
    assert meals_of(cast.household_b, TODAY)["lunch"].pk == cast.lunch_b.pk


def test_an_extension_gives_the_later_days_meals(cast):
    quarantine = start(cast, starts_on=TODAY, days=2)  # planned end 03-04: meals on 03-02 and 03-03
    for day in (TODAY, TOMORROW, TODAY + dt.timedelta(days=2)):
        meals.meals_generate(day=day)
    assert set(meals_of(quarantine.dwelling, TOMORROW)) == THREE
    assert meals_of(quarantine.dwelling, TODAY + dt.timedelta(days=2)) == {}
    quarantines.quarantine_extend(scope=root_scope(cast), user=cast.users["carol"], quarantine=quarantine, days=3,
                                  reason="复查阳性")  # planned end 03-07
    for offset in (2, 4, 5):
        meals.meals_generate(day=TODAY + dt.timedelta(days=offset))
    assert set(meals_of(quarantine.dwelling, TODAY + dt.timedelta(days=2))) == THREE
    assert set(meals_of(quarantine.dwelling, TODAY + dt.timedelta(days=4))) == THREE
    assert meals_of(quarantine.dwelling, TODAY + dt.timedelta(days=5)) == {}  # the new planned end
    assert all(t.status == Task.Status.REQUESTED for t in meals_of(quarantine.dwelling, TOMORROW).values())


def cancelled_steps(task: Task) -> list[TaskEvent]:
    return list(TaskEvent.objects.filter(task=task, step=TaskEvent.Step.CANCELLED))


def test_a_release_cancels_the_meals_not_yet_on_their_way(cast):
    meals.meals_generate(day=TOMORROW)
    frank = cast.users["frank"]
    breakfast = meals_of(cast.household_b, TOMORROW)["breakfast"]
    services.task_step(task=breakfast, step="picked_up", user=frank, scope=Scope.for_user(frank))
    quarantines.quarantine_release(scope=root_scope(cast), user=cast.users["carol"], quarantine=cast.quarantine_b,
                                   reason="期满解除")
    tomorrow = meals_of(cast.household_b, TOMORROW)
    assert tomorrow["breakfast"].status == Task.Status.PICKED_UP  # on its way: untouched
    assert tomorrow["lunch"].status == tomorrow["dinner"].status == Task.Status.CANCELLED
    lunch_today = Task.objects.get(pk=cast.lunch_b.pk)
    assert lunch_today.status == Task.Status.CANCELLED
    for task in (tomorrow["lunch"], tomorrow["dinner"], lunch_today):
        step, = cancelled_steps(task)
        assert step.by is None and step.note == zh(ENDED) and task.note == zh(ENDED)
    assert not cancelled_steps(tomorrow["breakfast"])
    # The other household of the building is still in quarantine: its meals stand.
    assert {t.status for t in meals_of(cast.quarantine_b2.dwelling, TOMORROW).values()} == {Task.Status.ASSIGNED}


def test_an_approved_early_release_cancels_today_and_tomorrow(cast):
    quarantine = start(cast, starts_on=TODAY - dt.timedelta(days=3), days=14)
    for day in (TODAY, TOMORROW):
        meals.meals_generate(day=day)
    alice, carol = cast.users["alice"], cast.users["carol"]
    change = quarantine_changes.change_request(scope=Scope.for_user(alice), user=alice, quarantine=quarantine,
                                               kind="early_release", reason="核酸阴性，提前解除")
    waiting = [t.status for day in (TODAY, TOMORROW) for t in meals_of(quarantine.dwelling, day).values()]
    assert waiting == [Task.Status.REQUESTED] * 6  # asked, not yet approved: nothing changes
    quarantine_changes.change_decide(scope=Scope.for_user(carol), user=carol, change=change, approve=True)
    after = [t.status for day in (TODAY, TOMORROW) for t in meals_of(quarantine.dwelling, day).values()]
    assert after == [Task.Status.CANCELLED] * 6


def test_a_shortening_cancels_the_days_after_the_new_end(cast):
    quarantine = start(cast, starts_on=TODAY - dt.timedelta(days=3), days=14)
    for day in (TODAY, TOMORROW):
        meals.meals_generate(day=day)
    carol = cast.users["carol"]
    quarantine_changes.change_request(scope=Scope.for_user(carol), user=carol, quarantine=quarantine, kind="shorten",
                                      new_end=TOMORROW, reason="规则调整")  # an admin's: approved at once
    assert {t.status for t in meals_of(quarantine.dwelling, TODAY).values()} == {Task.Status.REQUESTED}
    assert {t.status for t in meals_of(quarantine.dwelling, TOMORROW).values()} == {Task.Status.CANCELLED}
    assert meals.meals_generate(day=TOMORROW).made == 0  # and the nightly run does not make them again


def test_a_new_rule_cancels_the_meals_it_no_longer_serves_and_moves_the_times(cast):
    meals.meals_generate(day=TOMORROW)
    carol, frank = cast.users["carol"], cast.users["frank"]
    picked = meals_of(cast.quarantine_b2.dwelling, TOMORROW)["breakfast"]
    services.task_step(task=picked, step="picked_up", user=frank, scope=Scope.for_user(frank))
    meals.rule_add(scope=Scope.for_user(carol), user=carol, community=cast.community, effective_from=TOMORROW,
                   breakfast_by=None, lunch_by=dt.time(11, 30), dinner_by=dt.time(17, 30), request_hours=24)
    run = meals.meals_generate(day=TOMORROW)
    assert (run.made, run.cancelled) == (0, 1)  # grid B's breakfast; the other is already picked up
    household = meals_of(cast.household_b, TOMORROW)
    assert household["breakfast"].status == Task.Status.CANCELLED
    assert cancelled_steps(household["breakfast"])[0].note == zh(NOT_SERVED)
    assert (household["lunch"].due_by, household["dinner"].due_by) == (at(TOMORROW, 11, 30), at(TOMORROW, 17, 30))
    assert household["lunch"].status == Task.Status.ASSIGNED
    assert Task.objects.get(pk=picked.pk).status == Task.Status.PICKED_UP
    # A household served from tomorrow on gets only lunch and dinner, at the new times.
    newcomer = start(cast, starts_on=TOMORROW, days=14)
    meals.meals_generate(day=TOMORROW)
    assert {m: t.due_by for m, t in meals_of(newcomer.dwelling, TOMORROW).items()} == {
        "lunch": at(TOMORROW, 11, 30), "dinner": at(TOMORROW, 17, 30)}
    # Today still follows the rule in force today: breakfast too.
    meals.meals_generate(day=TODAY)
    assert set(meals_of(cast.household_b, TODAY)) == THREE


def test_the_nightly_run_makes_tomorrow_for_every_community(cast):
    outsider = quarantines.quarantine_start(scope=root_scope(cast), user=cast.users["root"], person=cast.outsider,
                                            reason="来自高风险地区", starts_on=TODAY, days=14)[0]
    run = meals.nightly_meals()
    assert run.made == 3 * 3  # two households of carol's community and one of the other
    assert set(meals_of(outsider.dwelling, TOMORROW)) == THREE
    assert not Task.objects.filter(day=TOMORROW + dt.timedelta(days=1)).exists()
    assert meals.nightly_meals().made == 0  # every hour: nothing twice


def test_it_generates_for_the_communities_asked_only(cast):
    outsider = quarantines.quarantine_start(scope=root_scope(cast), user=cast.users["root"], person=cast.outsider,
                                            reason="来自高风险地区", starts_on=TODAY, days=14)[0]
    run = meals.meals_generate(day=TOMORROW, community_ids=[cast.other.pk])
    assert run.made == 3
    assert set(Task.objects.filter(day=TOMORROW).values_list("dwelling_id", flat=True)) == {outsider.dwelling_id}
