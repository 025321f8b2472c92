"""A bulk change needs a second approver."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from fangxian.core.scope import Scope
from fangxian.returnees import services
from fangxian.returnees.models import BulkReview, Registration
from tests.factories import DwellingFactory
from tests.returnees.conftest import register

# Reads the date or the hour: .ci/run runs it again at 03:00 and at 23:59 Asia/Shanghai.
pytestmark = pytest.mark.clock_sensitive


def test_it_waits_for_a_second_approver(two_grids):
    bob, carol = two_grids.users["bob"], two_grids.users["carol"]
    regs = [register(two_grids.community, DwellingFactory(building=two_grids.building_b), from_province="广东省")
            for _ in range(3)]
    bulk = services.bulk_review_request(scope=Scope.for_user(bob), user=bob, registrations=regs,
                                        decision="approve", reason="核实无误")
    assert set(Registration.objects.values_list("status", flat=True)) == {"pending"}
    with pytest.raises(ValidationError):  # not the one who asked
        services.bulk_review_confirm(scope=Scope.for_user(bob), user=bob, bulk=bulk)
    with pytest.raises(PermissionDenied):  # alice cannot write grid B
        services.bulk_review_confirm(scope=Scope.for_user(two_grids.users["alice"]), user=two_grids.users["alice"],
                                     bulk=bulk)
    services.bulk_review_confirm(scope=Scope.for_user(carol), user=carol, bulk=bulk)
    assert set(Registration.objects.values_list("status", flat=True)) == {"approved_occupied"}
    assert all(r.slips.count() == 1 for r in Registration.objects.all())
    bulk.refresh_from_db()
    assert bulk.status == BulkReview.Status.DONE and bulk.approved_by == carol
    with pytest.raises(ValidationError):  # once only
        services.bulk_review_confirm(scope=Scope.for_user(two_grids.users["root"]), user=two_grids.users["root"],
                                     bulk=bulk)


def test_it_asks_and_confirms_on_the_queue_page(client, two_grids):
    regs = [register(two_grids.community, DwellingFactory(building=two_grids.building_b), from_province="广东省")
            for _ in range(2)]
    client.force_login(two_grids.users["bob"])
    client.post(reverse("returnees:bulk_request"), {"registration": [r.pk for r in regs], "decision": "reject",
                                                    "reason": "重复登记"})
    bulk = BulkReview.objects.get()
    confirm = reverse("returnees:bulk_confirm", args=[bulk.pk])
    assert confirm not in client.get(reverse("returnees:queue")).content.decode()  # not for the one who asked
    client.force_login(two_grids.users["carol"])
    assert confirm in client.get(reverse("returnees:queue")).content.decode()
    assert client.post(reverse("returnees:bulk_confirm", args=[bulk.pk])).status_code == 302
    assert set(Registration.objects.values_list("status", flat=True)) == {"rejected"}


def test_it_refuses_registrations_outside_the_area(client, two_grids):
    reg = register(two_grids.community, DwellingFactory(building=two_grids.building_b))
    client.force_login(two_grids.users["alice"])
    client.post(reverse("returnees:bulk_request"), {"registration": [reg.pk], "decision": "approve",
                                                    "reason": "越权"})
    assert not BulkReview.objects.exists()
