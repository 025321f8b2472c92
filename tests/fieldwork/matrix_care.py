"""Care visits' part of the scope matrix and of the list-page query counts.

The matrix person is person_b (grid B), tagged elderly living alone, visited by frank (a
delivery volunteer with no registry role: he sees the people he visits, nobody else).
Readers (carol, dave) see all of the community, bob (grid B) grid B's people, alice (grid A)
none of them; olga, admin of the other community, opens the pages and sees her own community
(where nobody is under care); erin and gina (no registry, visit nobody) are refused. A visit is
recorded by the visitor, the grid worker or an admin, never by an officer (dave reads only).
Rules: everyone who opens the care pages reads them, the admins of the community add and delete.
"""

import datetime as dt

from fangxian.fieldwork.models import CareAssignment, CareRule, CareVisit
from tests.factories import DwellingFactory, PersonFactory
from tests.fieldwork.cast import fieldwork_cast
from tests.roles import ADMIN_OF_CAROL, ADMIN_ONLY, DENY, LOGIN, OK, row

CARE_READERS = row(LOGIN, OK, OK, OK, OK, DENY, OK, OK, OK, gina=DENY)
CARE_RECORD_B = row(LOGIN, DENY, OK, OK, DENY, DENY, OK, DENY, OK, gina=DENY)

PAGES: dict = {
    "fieldwork:care_list": ("get", None, CARE_READERS),
    "fieldwork:care_export": ("get", None, CARE_READERS),
    "fieldwork:care_plan": ("get", None, CARE_READERS),
    "fieldwork:care_visit": ("get", lambda c: c.person_b.pk, CARE_RECORD_B),
    "fieldwork:care_rules": ("get", None, CARE_READERS),
    "fieldwork:care_rule_add": ("post", lambda c: c.community.pk, ADMIN_OF_CAROL),
    "fieldwork:care_rule_delete": ("post", lambda c: c.future_rule.pk, ADMIN_OF_CAROL),
    "fieldwork:care_assign": ("get", None, ADMIN_ONLY),
}
POST_DATA: dict = {
    "fieldwork:care_rule_add": {"category": "is_extremely_poor", "every_days": "5", "effective_from": "2026-03-20"},
}
API: dict = {}
LIST_CASES: dict = {
    "fieldwork:care_list": ("carol", "dave", "bob"),
    "fieldwork:care_plan": ("carol", "dave", "bob"),
    "fieldwork:care_assign": ("carol",),
}


def equip(cast) -> None:
    """person_b under care (elderly living alone, every 3 days), visited by frank on 02-27; a
    rule for the disabled that starts in April (not started: it may be deleted)."""
    fieldwork_cast(cast)
    if getattr(cast, "care_rule", None) is not None:
        return
    cast.person_b.is_elderly_alone = True
    cast.person_b.save(update_fields=["is_elderly_alone"])
    carol, frank = cast.users["carol"], cast.users["frank"]
    cast.care_rule = CareRule.objects.create(community=cast.community, category="is_elderly_alone", every_days=3,
                                             effective_from=dt.date(2026, 2, 1), set_by=carol)
    cast.future_rule = CareRule.objects.create(community=cast.community, category="is_disabled", every_days=7,
                                               effective_from=dt.date(2026, 4, 1), set_by=carol)
    CareAssignment.objects.create(person=cast.person_b, visitor=frank, assigned_by=carol)
    CareVisit.objects.create(person=cast.person_b, visitor=frank, visited_on=dt.date(2026, 2, 27),
                             situation="身体尚可", needs="降压药")


def grow(cast, building, i: int) -> None:
    """Two people under care in the new building: one visited by frank (a delivery needed or a
    sooner visit), one nobody visits yet."""
    equip(cast)
    frank = cast.users["frank"]
    visited = PersonFactory(dwelling=DwellingFactory(building=building), is_elderly_alone=True,
                            is_disabled=bool(i % 2))
    CareAssignment.objects.create(person=visited, visitor=frank)
    CareVisit.objects.create(person=visited, visitor=frank, visited_on=dt.date(2026, 2, 20 + i % 8),
                             situation="正常", next_step="deliver" if i % 2 else "sooner",
                             next_visit_on=None if i % 2 else dt.date(2026, 3, 1 + i % 8))
    PersonFactory(dwelling=DwellingFactory(building=building), is_extremely_poor=True)
