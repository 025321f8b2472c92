"""The supply requests' part of the scope matrix and of the list-page query counts.

The list is opened by the office (carol), the officers (dave), olga (who sees only her own
community's, none), root and erin (her checkpoints' requests); a request is read by those who
see it (olga: 404 on carol's), decided and issued by carol and root (erin and dave: 403), acknowledged
and cancelled by whoever may ask for its checkpoint (carol, erin, root). The walk posts each
URL once per role: a second decision, an acknowledgement of what was acknowledged, a cancel of
what was decided are told with a message and a redirect, still an answer (OK), never a 4xx.

Objects: erin's waiting request for 500 masks (cast.gate_request: read, decided, cancelled); erin's
approved request for 10 bottles of disinfectant (cast.approved_request: issued 2 at a time); erin's
request for 20 masks, issued in full (cast.issued_request: acknowledged).
"""

from fangxian.core.scope import Scope
from fangxian.supplies import services
from tests.access.conftest import make_checkpoint
from tests.roles import ADMIN_OF_CAROL, DENY, LOGIN, OK, row
from tests.supplies.cast import supplies_cast

REQUEST_LIST = row(LOGIN, DENY, DENY, OK, OK, OK, DENY, OK, OK, gina=DENY)
REQUEST_ASK = row(LOGIN, DENY, DENY, OK, DENY, OK, DENY, DENY, OK, gina=DENY)
REQUEST_READ = row(LOGIN, DENY, DENY, OK, OK, OK, DENY, DENY, OK, gina=DENY)
REQUEST_ANSWER = row(LOGIN, DENY, DENY, OK, DENY, OK, DENY, DENY, OK, gina=DENY)

PAGES: dict = {
    "supplies:request_list": ("get", None, REQUEST_LIST),
    "supplies:request_add": ("post", None, REQUEST_ASK),
    "supplies:request_detail": ("get", lambda c: c.gate_request.pk, REQUEST_READ),
    "supplies:request_decide": ("post", lambda c: c.gate_request.pk, ADMIN_OF_CAROL),
    "supplies:request_issue": ("post", lambda c: c.approved_request.pk, ADMIN_OF_CAROL),
    "supplies:request_acknowledge": ("post", lambda c: c.issued_request.pk, REQUEST_ANSWER),
    "supplies:request_cancel": ("post", lambda c: c.gate_request.pk, REQUEST_ANSWER),
}
POST_DATA: dict = {
    "supplies:request_add": {"place": "", "item": "", "quantity": "5", "people": "2", "note": "矩阵测试"},
    "supplies:request_decide": {"decision": "approve"},
    "supplies:request_issue": {"quantity": "2"},
}
API: dict = {}
LIST_CASES: dict = {
    "supplies:request_list": ("carol", "dave"),
}


def equip(cast) -> None:
    supplies_cast(cast)
    if getattr(cast, "approved_request", None) is None:
        carol, erin = cast.users["carol"], cast.users["erin"]
        office, gate = Scope.for_user(carol), Scope.for_user(erin)
        cast.approved_request = services.request_make(scope=gate, user=erin, item=cast.disinfectant,
                                                      place=cast.gate_place, quantity=10, people=3, note="消毒")
        services.request_decide(scope=office, user=carol, request=cast.approved_request, approve=True)
        cast.issued_request = services.request_make(scope=gate, user=erin, item=cast.masks, place=cast.gate_place,
                                                    quantity=20, people=6)
        services.request_decide(scope=office, user=carol, request=cast.issued_request, approve=True)
        services.request_issue(scope=office, user=carol, request=cast.issued_request, quantity=20)
    POST_DATA["supplies:request_add"].update(place=str(cast.gate_place.pk), item=str(cast.masks.pk))


def grow(cast, building, i: int) -> None:
    """A new checkpoint at the estate, whose place asks four times: one request waiting, one
    approved and issued in part, one received, one refused."""
    equip(cast)
    carol = cast.users["carol"]
    office = Scope.for_user(carol)
    checkpoint = make_checkpoint(cast.estate, name=f"需{building.pk}-{i}")
    services.places_ensure(cast.community)
    place = checkpoint.supply_place
    made = [services.request_make(scope=office, user=carol, item=cast.masks, place=place, quantity=5 + i,
                                  people=i % 4, note=f"增长{i}") for _n in range(4)]
    services.request_decide(scope=office, user=carol, request=made[1], approve=True)
    services.request_issue(scope=office, user=carol, request=made[1], quantity=1)
    services.request_decide(scope=office, user=carol, request=made[2], approve=True)
    services.request_issue(scope=office, user=carol, request=made[2], quantity=5 + i)
    services.request_acknowledge(scope=office, user=carol, request=made[2])
    services.request_decide(scope=office, user=carol, request=made[3], approve=False, note="库存不足")
