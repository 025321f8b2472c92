"""The care plan under a frozen clock: due dates, overdue sets day by day across a rule change,
"visit sooner", several tags, no rule, next week's plan per visitor, the report's figures.

The rules of Dongshan's scenario, for the elderly living alone: every 3 days from 02-20 until
03-10 (closed management), every 7 days from 03-11; for the disabled every 2 days from 02-20.
Each person's due dates are worked out by hand beside their visits in SCENARIO.
"""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from fangxian.core.scope import Scope
from fangxian.fieldwork import care
from fangxian.fieldwork.care_demo import care_demo
from fangxian.fieldwork.models import CareAssignment, CareRule, CareVisit
from fangxian.incidents.models import Incident
from fangxian.registry.models import Person
from tests.factories import BuildingFactory, DwellingFactory, EstateFactory, PersonFactory

pytestmark = pytest.mark.usefixtures("frozen_clock")


def d(month_day: str) -> dt.date:
    month, day = month_day.split("-")
    return dt.date(2026, int(month), int(day))


# name: (tags, visits as (day, sooner day or None)). Due dates by hand:
SCENARIO = {
    # 03-02 → due 03-05; 03-05 → 03-08; 03-09 → 03-12 is past the 3-day rule's last day and
    # on 03-12 only the weekly rule is in force (3 < 7 days): due 03-16.
    "P1": (("is_elderly_alone",), [("03-02", None), ("03-05", None), ("03-09", None)]),
    # 03-02 → 03-05; 03-04 → 03-07, never visited again: overdue from 03-08 on.
    "P2": (("is_elderly_alone",), [("03-02", None), ("03-04", None)]),
    # 03-02 → 03-05 (overdue on 03-06); 03-07 → 03-10, the 3-day rule's last day: overdue from 03-11.
    "P3": (("is_elderly_alone",), [("03-02", None), ("03-07", None)]),
    # Elderly and disabled: the 2-day rule wins. 03-02 → 03-04; 03-05 → 03-07.
    "P4": (("is_elderly_alone", "is_disabled"), [("03-02", None), ("03-05", None)]),
    # A child in hardship: no rule for the category, no plan at all.
    "P5": (("is_child_in_hardship",), []),
    # 03-02 → 03-05; 03-05 → 03-08; 03-09 with "visit sooner" on 03-11: min(03-11, 03-16) = 03-11.
    "P6": (("is_elderly_alone",), [("03-02", None), ("03-05", None), ("03-09", "03-11")]),
    # Never visited: due on the first day of the rule, 02-20.
    "P7": (("is_elderly_alone",), []),
}

# Day → the people overdue that day, its visits made (due < day).
OVERDUE_ON = {
    "03-04": {"P7"},  # P4 is due today (03-04), not overdue
    "03-06": {"P3", "P7"},
    "03-08": {"P2", "P4", "P7"},  # P1 and P6 due today
    "03-11": {"P2", "P3", "P4", "P7"},  # P6 due today (sooner)
    "03-13": {"P2", "P3", "P4", "P6", "P7"},  # P1 not: the weekly rule took over (due 03-16)
    "03-17": {"P1", "P2", "P3", "P4", "P6", "P7"},
}


@pytest.fixture
def scenario(two_grids):
    cast = two_grids
    community, carol = cast.community, cast.users["carol"]
    CareRule.objects.create(community=community, category="is_elderly_alone", every_days=3,
                            effective_from=d("02-20"), effective_to=d("03-10"), set_by=carol)
    CareRule.objects.create(community=community, category="is_elderly_alone", every_days=7,
                            effective_from=d("03-11"), set_by=carol)
    CareRule.objects.create(community=community, category="is_disabled", every_days=2,
                            effective_from=d("02-20"), set_by=carol)
    # P6 lives in an estate of another residential group, for the group filter.
    other_building = BuildingFactory(estate=EstateFactory(community=community), grid=cast.grid_b)
    people = {}
    for name, (tags, visits) in SCENARIO.items():
        building = other_building if name == "P6" else cast.building_b
        person = PersonFactory(dwelling=DwellingFactory(building=building), name=f"关爱{name}",
                               **dict.fromkeys(tags, True))
        for day, sooner in visits:
            CareVisit.objects.create(person=person, visitor=cast.users["frank"], visited_on=d(day), situation="好",
                                     next_step="sooner" if sooner else "none",
                                     next_visit_on=d(sooner) if sooner else None)
        people[name] = person
    for name in ("P1", "P2", "P3", "P6"):
        CareAssignment.objects.create(person=people[name], visitor=cast.users["frank"])
    CareAssignment.objects.create(person=people["P4"], visitor=cast.users["bob"])
    cast.people, cast.other_building = people, other_building
    return cast


def rows_on(day: dt.date, people=None) -> dict[str, care.CareRow]:
    """Each scenario person's row on `day`, counting only the visits made by then."""
    people = people if people is not None else care.under_care(Person.objects.filter(name__startswith="关爱"))
    return {row.person.name[2:]: row for row in care.care_rows(care.with_last_visit(people, until=day), day)}


@pytest.mark.parametrize("day", OVERDUE_ON)
def test_the_overdue_day_by_day_across_a_rule_change(scenario, day):
    rows = rows_on(d(day))
    assert {name for name, row in rows.items() if row.state == care.OVERDUE} == OVERDUE_ON[day]


def test_due_dates_by_hand(scenario):
    rows = rows_on(d("03-11"))
    assert rows["P1"].due == d("03-16")  # not 03-12: the weekly rule is in force then
    assert rows["P2"].due == d("03-07")
    assert rows["P3"].due == d("03-10")
    assert rows["P4"].due == d("03-07")  # the disabled's 2-day rule beats the elderly's
    assert rows["P6"].due == d("03-11") and rows["P6"].state == care.DUE_TODAY  # sooner
    assert rows["P7"].due == d("02-20") and rows["P7"].days_late == 19
    assert rows["P5"].due is None and rows["P5"].state == care.NO_PLAN


def test_a_visit_due_today_is_not_overdue_and_a_rule_that_ended_asks_for_nothing(scenario):
    assert rows_on(d("03-08"))["P1"].state == care.DUE_TODAY
    CareRule.objects.filter(category="is_elderly_alone", effective_from=d("03-11")).delete()
    # Only the closed-management rule, ended 03-10: on 03-17 nobody elderly is asked to be visited.
    rows = rows_on(d("03-17"))
    assert rows["P1"].state == rows["P2"].state == rows["P7"].state == care.NO_PLAN
    assert rows["P4"].state == care.OVERDUE  # still disabled, every 2 days


def test_sooner_only_counts_on_the_last_visit(scenario):
    p6 = scenario.people["P6"]
    CareVisit.objects.create(person=p6, visitor=scenario.users["frank"], visited_on=d("03-10"), situation="好")
    # The later visit has no "sooner": due 03-10 + 7 (weekly rule in force on 03-17) = 03-17.
    assert rows_on(d("03-12"))["P6"].due == d("03-17")


def test_next_weeks_plan_for_frank_holds_exactly_his_people_by_day(scenario):
    today = d("03-11")
    mine = care.under_care(Person.objects.filter(care_assignment__visitor=scenario.users["frank"]))
    plans = care.week_plan(list(rows_on(today, mine).values()), today)
    assert len(plans) == 1 and plans[0].visitor == scenario.users["frank"]
    plan = plans[0]
    assert [r.person.name for r in plan.overdue] == ["关爱P2", "关爱P3"]  # the longest late first
    assert [(day, [r.person.name for r in rows]) for day, rows in plan.days] == [
        (d("03-11"), ["关爱P6"]), (d("03-16"), ["关爱P1"])]


def test_the_plan_filtered_by_residential_group(scenario):
    today = d("03-11")
    group = scenario.other_building.estate.group_id
    people = care.filtered(care.under_care(Person.objects.filter(name__startswith="关爱")),
                           care.Filters(group=group))
    plans = care.week_plan(list(rows_on(today, people).values()), today)
    assert [[r.person.name for _day, rows in p.days for r in rows] + [r.person.name for r in p.overdue]
            for p in plans] == [["关爱P6"]]


def test_the_plan_leaves_out_who_is_due_after_the_week(scenario):
    plans = care.week_plan(list(rows_on(d("03-09")).values()), d("03-09"))
    names = {r.person.name for p in plans for r in p.overdue + [r for _d, rows in p.days for r in rows]}
    assert "关爱P1" not in names  # due 03-16, the week ends 03-15
    assert "关爱P5" not in names  # no plan


def test_the_figures_of_a_day_in_three_queries(scenario):
    cid = scenario.community.pk
    with CaptureQueriesContext(connection) as queries:
        figures = care.care_figures([cid, scenario.other.pk], d("03-08"))
    assert len(queries) == 3
    # At the end of 03-08 (no visit that day): due on or before 03-08 and not visited.
    assert figures[cid] == {"visits": 0, "overdue": 5, "people": 7}  # P1, P2, P4, P6, P7
    assert figures[scenario.other.pk] == {"visits": 0, "overdue": 0, "people": 0}
    assert care.care_figures([cid], d("03-09"))[cid]["visits"] == 2  # P1 and P6


def test_the_demo_has_a_few_overdue_and_is_the_same_each_time(two_grids):
    for n in range(12):
        PersonFactory(dwelling=DwellingFactory(building=(two_grids.building_a, two_grids.building_b)[n % 2]),
                      is_elderly_alone=True, is_disabled=n % 3 == 0)
    today = d("03-02")
    made = care_demo(two_grids.community, today)
    figures = care.care_figures([two_grids.community.pk], today - dt.timedelta(days=1))[two_grids.community.pk]
    assert 3 <= made["care_overdue"] <= 6 and figures["people"] == 12
    rows = care.care_rows(care.listed(care.visible_people(Scope.everything())), today)
    assert sum(r.state == care.OVERDUE for r in rows) == made["care_overdue"]
    # Each grid's worker visits the people of their grid.
    assert set(CareAssignment.objects.values_list("person__dwelling__building_id", "visitor__username")) == {
        (two_grids.building_a.pk, "alice"), (two_grids.building_b.pk, "bob")}
    assert CareVisit.objects.filter(next_step="sooner").count() == 1 and Incident.objects.count() == 1
    first = list(CareVisit.objects.order_by("person_id", "visited_on").values_list("visited_on", "situation"))
    CareVisit.objects.all().delete()
    CareRule.objects.all().delete()
    CareAssignment.objects.all().delete()
    care_demo(two_grids.community, today)
    assert list(CareVisit.objects.order_by("person_id", "visited_on").values_list("visited_on", "situation")) == first
