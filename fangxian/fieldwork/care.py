"""Care visits 关爱走访: who is under care, when each is due, who is overdue, next week's plan.

The rules of the plan:

- A person is under care if the register tags them elderly living alone, disabled, child in
  hardship or extremely poor (CareCategory), and they live in a dwelling of the community
  (the register has no "moved out" flag: a person without a dwelling is not visited).
- A rule (CareRule) says how often the people of one category of one community are visited,
  in force from `effective_from` to `effective_to` (open-ended when empty).
- The due date of a person visited last on day L is the first day D after L on which a rule
  of one of their categories is in force and at least its `every_days` have passed since L:
  D − L ≥ every_days(rule in force on D). With several tags the most frequent rule wins,
  because the earliest such day is taken. So with "every 3 days until 03-10" and "every 7
  days from 03-11", a visit on 03-05 is due again on 03-08, a visit on 03-09 on 03-16 (on
  03-12 only the weekly rule is in force, and 3 days are not 7).
- Never visited: due on the first day a rule of their categories is in force.
- "Visit sooner" (the last visit's next step): due on the earlier of that day and the rule's.
- On day T a person is overdue if the due date is before T; due on T is "due today", not
  overdue. A person with no rule in force on T or later (and no "visit sooner") has no plan:
  a rule that ended no longer asks for visits.
- Next week's plan of a visitor: the people they visit who are overdue (first), then those due
  in the 7 days from today, by day.

The computation is Python over the community's few rules and each person's last visit, which
comes with the person in the same query: a page or a figure runs a fixed number of queries.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.utils.translation import gettext_lazy as _

from fangxian.core.personal import mask_name
from fangxian.core.scope import Scope
from fangxian.registry.models import Person

from . import selectors
from .models import CareAssignment, CareCategory, CareRule, CareVisit

CATEGORIES = tuple(CareCategory.values)
OVERDUE, DUE_TODAY, UPCOMING, NO_PLAN = "overdue", "due_today", "upcoming", "no_plan"
STATE_LABELS = {
    OVERDUE: _("Overdue"),
    DUE_TODAY: _("Due today"),
    UPCOMING: _("Upcoming"),
    NO_PLAN: _("No plan"),
}
STATE_ORDER = {OVERDUE: 0, DUE_TODAY: 1, UPCOMING: 2, NO_PLAN: 3}
PLAN_DAYS = 7
UNASSIGNED = "none"  # the visitor filter's value for people nobody visits yet


# -- may I ---------------------------------------------------------------------------------


def is_care_visitor(scope: Scope) -> bool:
    return scope.user_id is not None and CareAssignment.objects.filter(visitor_id=scope.user_id).exists()


def sees_care(scope: Scope) -> bool:
    """Opens the care pages: a community's readers, grid workers, and anyone who visits someone."""
    return scope.reads_communities or bool(scope.grid_ids) or is_care_visitor(scope)


def may_record_visit(scope: Scope, person: Person) -> bool:
    """Records a visit: the person's visitor, a grid worker of the person's grid, the community's
    admins. Asks no query once the person's dwelling and assignment are loaded (a list asks it
    of every row); it is the Person's own write rule (grid_writes) plus the visitor."""
    grid_id = person.dwelling.building.grid_id if person.dwelling_id else None
    if scope.runs(person.community_id) or (grid_id is not None and grid_id in scope.grid_ids):
        return True
    assignment = getattr(person, "care_assignment", None)  # None when nobody visits them
    return scope.user_id is not None and assignment is not None and assignment.visitor_id == scope.user_id


# -- which people ----------------------------------------------------------------------------


def tagged() -> Q:
    condition = Q()
    for category in CATEGORIES:
        condition |= Q(**{category: True})
    return condition


def under_care(people: QuerySet[Person]) -> QuerySet[Person]:
    return people.filter(tagged(), dwelling__isnull=False)


def visible_people(scope: Scope) -> QuerySet[Person]:
    """The people under care the user sees: all of the communities they read, those of their
    grids, and those they visit."""
    people = under_care(Person.objects.all())
    if scope.is_superuser:
        return people
    seen = Q(pk__in=scope.filter(Person.objects.all()).values("pk"))
    if scope.user_id is not None:
        seen |= Q(care_assignment__visitor_id=scope.user_id)
    return people.filter(seen)


def with_last_visit(people: QuerySet[Person], *, until: dt.date | None = None) -> QuerySet[Person]:
    """`people` with their last visit (up to `until`): `last_visit_on`, `last_next_step`,
    `last_sooner_on`; in the same query."""
    visits = CareVisit.objects.filter(person=OuterRef("pk"))
    if until is not None:
        visits = visits.filter(visited_on__lte=until)
    last = visits.order_by("-visited_on", "-pk")
    return people.annotate(
        last_visit_on=Subquery(last.values("visited_on")[:1]),
        last_next_step=Subquery(last.values("next_step")[:1]),
        last_sooner_on=Subquery(last.values("next_visit_on")[:1]),
    )


# -- rules and due dates -----------------------------------------------------------------------


def rules_of(community_ids) -> dict[int, dict[str, list[CareRule]]]:
    """{community id: {category: [rules, oldest first]}}; one query."""
    result: dict[int, dict[str, list[CareRule]]] = defaultdict(lambda: defaultdict(list))
    for rule in CareRule.objects.filter(community_id__in=list(community_ids)).order_by("effective_from", "pk"):
        result[rule.community_id][rule.category].append(rule)
    return result


def in_force(rule: CareRule, day: dt.date) -> bool:
    return rule.effective_from <= day and (rule.effective_to is None or day <= rule.effective_to)


def rule_on(rules: list[CareRule], day: dt.date) -> CareRule | None:
    """The most frequent of `rules` in force on `day`."""
    return min((r for r in rules if in_force(r, day)), key=lambda r: r.every_days, default=None)


def due_date(rules: list[CareRule], last_visit: dt.date | None, sooner: dt.date | None = None) -> dt.date | None:
    """The first day D > last_visit with D − last_visit ≥ every_days of a rule in force on D
    (the first day under a rule if never visited), or `sooner` if earlier. For each rule the
    earliest such day is the later of last_visit + every_days and its first day, if the rule
    is still in force then."""
    candidates = [sooner] if sooner is not None else []
    for rule in rules:
        day = rule.effective_from if last_visit is None else max(
            last_visit + dt.timedelta(days=rule.every_days), rule.effective_from)
        if rule.effective_to is None or day <= rule.effective_to:
            candidates.append(day)
    return min(candidates, default=None)


def state_on(rules: list[CareRule], due: dt.date | None, sooner: dt.date | None, day: dt.date) -> str:
    planned = sooner is not None or any(r.effective_to is None or r.effective_to >= day for r in rules)
    if due is None or not planned:
        return NO_PLAN
    if due < day:
        return OVERDUE
    return DUE_TODAY if due == day else UPCOMING


def categories_of(person) -> list[str]:
    return [c for c in CATEGORIES if getattr(person, c)]


@dataclass
class CareRow:
    person: Person
    categories: list[str]
    due: dt.date | None
    state: str
    rule: CareRule | None  # the most frequent rule in force on the day asked about
    days_late: int = 0

    @property
    def visitor(self):
        assignment = getattr(self.person, "care_assignment", None)
        return assignment.visitor if assignment is not None else None

    @property
    def name(self) -> str:
        return mask_name(self.person.name)

    @property
    def category_labels(self) -> list[str]:
        return [str(CareCategory(c).label) for c in self.categories]

    @property
    def state_label(self) -> str:
        return str(STATE_LABELS[self.state])

    @property
    def delivery_needed(self) -> bool:
        return self.person.last_next_step == CareVisit.NextStep.DELIVER


def care_rows(people: QuerySet[Person], day: dt.date) -> list[CareRow]:
    """Each of `people` (annotated by with_last_visit) with due date and state on `day`, in the
    queryset's order; the people's query and one for the rules."""
    people = list(people)
    rules = rules_of({p.community_id for p in people})
    rows = []
    for person in people:
        categories = categories_of(person)
        mine = [r for c in categories for r in rules[person.community_id][c]]
        sooner = person.last_sooner_on if person.last_next_step == CareVisit.NextStep.SOONER else None
        due = due_date(mine, person.last_visit_on, sooner)
        state = state_on(mine, due, sooner, day)
        rows.append(CareRow(person=person, categories=categories, due=due, state=state, rule=rule_on(mine, day),
                            days_late=(day - due).days if state == OVERDUE else 0))
    return rows


def by_urgency(rows: list[CareRow]) -> list[CareRow]:
    """Overdue first (the longest late first), then due today, upcoming by day, no plan."""
    return sorted(rows, key=lambda r: (STATE_ORDER[r.state], r.due or dt.date.max))


# -- the list's filters ------------------------------------------------------------------------


@dataclass
class Filters:
    q: str = ""
    category: str = ""
    visitor: str = ""  # a user id, UNASSIGNED, or empty
    group: int | None = None
    building: int | None = None
    overdue: bool = False

    @classmethod
    def from_query(cls, query) -> "Filters":
        def number(name):
            value = str(query.get(name, "")).strip()
            return int(value) if value.isdigit() else None

        category = query.get("category", "")
        visitor = str(query.get("visitor", "")).strip()
        return cls(
            q=selectors.search_text(query),
            category=category if category in CATEGORIES else "",
            visitor=visitor if visitor == UNASSIGNED or visitor.isdigit() else "",
            group=number("group"), building=number("building"),
            overdue=query.get("overdue") in ("1", "on", "true"),
        )

    @property
    def active(self) -> bool:
        return bool(self.q or self.category or self.visitor or self.group or self.building or self.overdue)


def filtered(people: QuerySet[Person], filters: Filters) -> QuerySet[Person]:
    """The database part of the filters (all but "overdue only", which needs the due dates)."""
    if filters.category:
        people = people.filter(**{filters.category: True})
    if filters.visitor == UNASSIGNED:
        people = people.filter(care_assignment__isnull=True)
    elif filters.visitor:
        people = people.filter(care_assignment__visitor_id=int(filters.visitor))
    if filters.group:
        people = people.filter(dwelling__building__estate__group_id=filters.group)
    if filters.building:
        people = people.filter(dwelling__building_id=filters.building)
    for word in filters.q.split():
        people = people.filter(Q(dwelling__room__icontains=word) | Q(dwelling__building__name__icontains=word)
                               | Q(dwelling__building__estate__name__icontains=word))
    return people


def listed(people: QuerySet[Person]) -> QuerySet[Person]:
    """What a row shows, in one query: place, visitor, last visit."""
    return with_last_visit(people.select_related(
        "dwelling__building__estate__group", "care_assignment__visitor")).order_by(
        "dwelling__building__estate__name", "dwelling__building__name", "dwelling__room", "pk")


def list_rows(people: QuerySet[Person], filters: Filters, day: dt.date) -> list[CareRow]:
    rows = by_urgency(care_rows(listed(filtered(people, filters)), day))
    return [r for r in rows if r.state == OVERDUE] if filters.overdue else rows


# -- next week's plan ----------------------------------------------------------------------------


@dataclass
class VisitorPlan:
    visitor: object | None  # a user, or None for the people nobody visits yet
    overdue: list[CareRow] = field(default_factory=list)
    days: list[tuple[dt.date, list[CareRow]]] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.overdue) + sum(len(rows) for _day, rows in self.days)


def week_plan(rows: list[CareRow], today: dt.date) -> list[VisitorPlan]:
    """Per visitor (by name; the unassigned last): the overdue, then each of the 7 days from
    today with the people due that day. Visitors with nothing to do are left out."""
    last = today + dt.timedelta(days=PLAN_DAYS - 1)
    plans: dict[int | None, VisitorPlan] = {}
    for row in by_urgency(rows):
        if row.state not in (OVERDUE, DUE_TODAY, UPCOMING) or row.due > last:
            continue
        visitor = row.visitor
        plan = plans.setdefault(getattr(visitor, "pk", None), VisitorPlan(visitor=visitor))
        if row.state == OVERDUE:
            plan.overdue.append(row)
        elif plan.days and plan.days[-1][0] == row.due:
            plan.days[-1][1].append(row)
        else:
            plan.days.append((row.due, [row]))
    return sorted(plans.values(), key=lambda p: (p.visitor is None, p.visitor.get_username() if p.visitor else ""))


def visitors_among(people: QuerySet[Person]):
    """The users who visit some of `people`, by name (the visitor filter's choices)."""
    return (CareAssignment.objects.filter(person__in=people).values_list("visitor_id", "visitor__username")
            .distinct().order_by("visitor__username"))


def history(person: Person, limit: int = 10) -> QuerySet[CareVisit]:
    return person.care_visits.select_related("visitor")[:limit]


def overlapping_rules(community_id: int, category: str, effective_from: dt.date,
                      effective_to: dt.date | None) -> list[CareRule]:
    """The rules of the category that are in force on some day of [effective_from, effective_to]."""
    rules = CareRule.objects.filter(community_id=community_id, category=category).filter(
        Q(effective_to__isnull=True) | Q(effective_to__gte=effective_from))
    if effective_to is not None:
        rules = rules.filter(effective_from__lte=effective_to)
    return list(rules.order_by("effective_from", "pk"))


# -- figures for the daily report -----------------------------------------------------------------


def care_figures(community_ids, day: dt.date) -> dict[int, dict[str, int]]:
    """{community id: {"visits": visits made on `day`, "overdue": people overdue at the end of
    `day` (counting its visits), "people": people under care}}; three queries whatever the
    number of communities."""
    community_ids = list(community_ids)
    figures = {c: {"visits": 0, "overdue": 0, "people": 0} for c in community_ids}
    for community_id, n in (CareVisit.objects.filter(person__community_id__in=community_ids, visited_on=day)
                            .values("person__community_id").annotate(n=Count("pk"))
                            .values_list("person__community_id", "n")):
        figures[community_id]["visits"] = n
    rules = rules_of(community_ids)
    people = with_last_visit(under_care(Person.objects.filter(community_id__in=community_ids)), until=day)
    end_of_day = day + dt.timedelta(days=1)
    for values in people.values("community_id", "last_visit_on", "last_next_step", "last_sooner_on", *CATEGORIES):
        counts = figures[values["community_id"]]
        counts["people"] += 1
        mine = [r for c in CATEGORIES if values[c] for r in rules[values["community_id"]][c]]
        sooner = values["last_sooner_on"] if values["last_next_step"] == CareVisit.NextStep.SOONER else None
        if state_on(mine, due_date(mine, values["last_visit_on"], sooner), sooner, end_of_day) == OVERDUE:
            counts["overdue"] += 1
    return figures
