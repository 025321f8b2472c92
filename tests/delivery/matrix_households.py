"""The household pages' part of the scope matrix and of the list-page query counts.

The matrix household is grid B's household in home quarantine (`cast.household_b`, served by
frank). Whoever sees the office's delivery pages opens the list (alice and olga see their own
households, none of grid B's); a household's page is for those who see its dwelling (bob, the
community's readers); requests, the profile, repayments and a new link for those who may edit
the household (bob, carol), never an officer (dave reads only). Couriers (frank), checkpoint
volunteers (erin) and group leaders (gina) open none of them. The household's phone link is
public: the link is the key.
"""

from decimal import Decimal

from fangxian.core.scope import Scope
from fangxian.delivery import ledger, services
from fangxian.delivery.models import Household, Task
from fangxian.returnees.models import Quarantine
from tests.conftest import FROZEN_AT
from tests.delivery.cast import delivery_cast
from tests.factories import DwellingFactory, PersonFactory
from tests.roles import DENY, LOGIN, OK, PUBLIC, row

OFFICE_LIST = row(LOGIN, OK, OK, OK, OK, DENY, DENY, OK, OK, gina=DENY)
HOUSEHOLD_READ_B = row(LOGIN, DENY, OK, OK, OK, DENY, DENY, DENY, OK, gina=DENY)
HOUSEHOLD_WRITE_B = row(LOGIN, DENY, OK, OK, DENY, DENY, DENY, DENY, OK, gina=DENY)


def _b(cast):
    return cast.household_b.pk


PAGES: dict = {
    "delivery:household_list": ("get", None, OFFICE_LIST),
    "delivery:household_detail": ("get", _b, HOUSEHOLD_READ_B),
    "delivery:household_request": ("post", _b, HOUSEHOLD_WRITE_B),
    "delivery:household_profile": ("post", _b, HOUSEHOLD_WRITE_B),
    "delivery:household_repayment": ("post", _b, HOUSEHOLD_WRITE_B),
    # Last of the household's rows: the link below is read from the profile after it.
    "delivery:household_new_link": ("post", _b, HOUSEHOLD_WRITE_B),
    "delivery:link": ("get", lambda c: Household.objects.get(dwelling=c.household_b).token, PUBLIC),
}
POST_DATA: dict = {
    "delivery:household_request": {"kind": "garbage"},
    "delivery:household_profile": {"dietary": "清真", "phone_shared": ""},
    "delivery:household_repayment": {"amount": "1", "method": "cash", "payee": "me"},
}
API: dict = {}
LIST_CASES: dict = {
    "delivery:household_list": ("carol", "dave", "bob"),
}


def equip(cast) -> None:
    delivery_cast(cast)


def grow(cast, building, i: int) -> None:
    """A household in home quarantine in the new building with a profile and an open shopping
    request, bought (a receipt) and partly paid back; and a household with only an open
    garbage pickup (no quarantine). Rooms named "H…" never meet the factory's numbered ones."""
    equip(cast)
    root = cast.users["root"]
    scope = Scope.for_user(root)
    person = PersonFactory(dwelling=DwellingFactory(building=building, room=f"H{i + 1}01"))
    today = FROZEN_AT.date()
    Quarantine.objects.create(person=person, dwelling=person.dwelling, reason="增长", starts_on=today,
                              planned_end=today.replace(day=14), status=Quarantine.Status.ACTIVE)
    Household.objects.create(dwelling=person.dwelling, dietary="素食" if i % 2 else "", phone_shared=bool(i % 2))
    shopping = services.request_make(dwelling=person.dwelling, kind=Task.Kind.SHOPPING, items="米", budget="50",
                                     user=root, scope=scope)
    ledger.purchase_record(scope=scope, user=root, task=shopping, amount=Decimal("20"))
    ledger.repayment_record(scope=scope, user=root, dwelling=person.dwelling, amount="5", method="cash", payee=root)
    other = PersonFactory(dwelling=DwellingFactory(building=building, room=f"H{i + 1}02"))
    services.request_make(dwelling=other.dwelling, kind=Task.Kind.GARBAGE, user=root, scope=scope)
