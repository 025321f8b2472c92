"""One allowed range for the length of a home quarantine, and reasons refused (never cut) when
too long (issue 13, findings 5 and 8): a risk-area rule, the review, the extension and the
shortening all say "from 1 to 60 days"; a 5,000-character reason is told the limit of 200."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from fangxian.core.scope import Scope
from fangxian.registry.models import Dwelling
from fangxian.returnees import quarantine_changes, services
from fangxian.returnees.models import Quarantine, Registration, RiskArea
from tests.conftest import FROZEN_AT
from tests.factories import DwellingFactory
from tests.returnees.conftest import register, root_scope

pytestmark = pytest.mark.usefixtures("frozen_clock")
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
RANGE = "Give a number of days from 1 to 60."
LONG = "理" * 5000


def area_data(**overrides) -> dict:
    data = {"province": "湖北省", "city": "", "district": "", "level": "high", "measure": "home_quarantine",
            "quarantine_days": "14", "effective_from": FROZEN_AT.date().isoformat(), "effective_to": ""}
    data.update(overrides)
    return data


def test_a_risk_area_of_99999_days_is_refused_with_the_range(client, two_grids):
    client.force_login(two_grids.users["carol"])
    for days in ("99999", "61"):
        page = client.post(reverse("returnees:area_list"), area_data(quarantine_days=days), **EN).content.decode()
        assert RANGE in page, days
    assert not RiskArea.objects.exists()
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        services.area_set(scope=root_scope(two_grids), user=two_grids.users["root"],
                          subdistrict=two_grids.community.subdistrict,
                          data={**area_data(), "quarantine_days": 61, "effective_from": FROZEN_AT.date()})
    assert caught.value.message_dict["quarantine_days"] == [RANGE]
    assert not RiskArea.objects.exists()


def test_the_review_and_the_extension_use_the_same_range(client, returnees):
    bob = returnees.users["bob"]
    client.force_login(bob)
    url = reverse("returnees:registration_review", args=[returnees.registration_b.pk])
    response = client.post(url, {"decision": "home_quarantine", "days": "61", "reason": "高风险"}, **EN)
    assert response.status_code == 400 and RANGE in response.content.decode()
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        services.registration_review(scope=Scope.for_user(bob), user=bob, registration=returnees.registration_b,
                                     decision="home_quarantine", reason="高风险", days=61)
    assert caught.value.message_dict["days"] == [RANGE]
    assert Registration.objects.get(pk=returnees.registration_b.pk).status == "pending"

    quarantine = returnees.quarantine_b
    response = client.post(reverse("returnees:quarantine_extend", args=[quarantine.pk]),
                           {"days": "61", "reason": "复查"}, **EN)
    assert response.status_code == 400 and RANGE in response.content.decode()
    # 14 days and 50 more would be 64 in all: over the range too.
    response = client.post(reverse("returnees:quarantine_extend", args=[quarantine.pk]),
                           {"days": "50", "reason": "复查"}, **EN)
    assert response.status_code == 400 and "1 to 60 days in all: this one would last 64" in response.content.decode()
    assert Quarantine.objects.get(pk=quarantine.pk).planned_end == quarantine.planned_end


def test_a_reason_too_long_is_refused_naming_the_limit_and_nothing_changes(client, returnees):
    bob = returnees.users["bob"]
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        services.registration_review(scope=Scope.for_user(bob), user=bob, registration=returnees.registration_b,
                                     decision="approve", reason=LONG)
    assert "at most 200 characters" in caught.value.message_dict["reason"][0]
    assert Registration.objects.get(pk=returnees.registration_b.pk).status == "pending"

    client.force_login(bob)
    detail = client.get(reverse("returnees:quarantine_detail", args=[returnees.quarantine_b2.pk])).content.decode()
    release_form = detail.split("/release/")[1].split("</form>")[0]
    assert 'name="reason"' in release_form and "maxlength" not in release_form  # the browser would cut it silently
    response = client.post(reverse("returnees:quarantine_release", args=[returnees.quarantine_b2.pk]),
                           {"reason": LONG}, **EN)
    assert response.status_code == 400 and "200" in response.content.decode()
    assert Quarantine.objects.get(pk=returnees.quarantine_b2.pk).is_open
    response = client.post(reverse("returnees:quarantine_extend", args=[returnees.quarantine_b.pk]),
                           {"days": "3", "reason": LONG}, **EN)
    assert response.status_code == 400 and "200" in response.content.decode()

    # Marking rooms not returned: told, and the room stays as it was.
    room = DwellingFactory(building=returnees.building_b)
    response = client.post(reverse("returnees:board_mark_not_returned", args=[returnees.building_b.pk]),
                           {"dwelling": [room.pk], "reason": LONG}, follow=True, **EN)
    assert "at most 200 characters" in response.content.decode()
    assert Dwelling.objects.get(pk=room.pk).status == Dwelling.Status.OCCUPIED


def test_the_pages_link_the_poster_and_confirm_before_release_and_marking(client, returnees):
    client.force_login(returnees.users["bob"])
    poster = reverse("returnees:poster", args=[returnees.community.pk])
    for name in ("returnees:queue", "returnees:area_list"):
        assert f'href="{poster}"' in client.get(reverse(name)).content.decode(), name
    assert client.get(poster).content[:5] == b"%PDF-"

    detail = client.get(reverse("returnees:quarantine_detail", args=[returnees.quarantine_b2.pk])).content.decode()
    release = detail.split(f'action="{reverse("returnees:quarantine_release", args=[returnees.quarantine_b2.pk])}"')
    assert len(release) == 2 and "data-confirm=\"" in release[1].split(">")[0]
    board = client.get(reverse("returnees:building_board", args=[returnees.building_b.pk])).content.decode()
    mark = board.split(f'action="{reverse("returnees:board_mark_not_returned", args=[returnees.building_b.pk])}"')
    assert len(mark) == 2 and "data-confirm=\"" in mark[1].split(">")[0]


def test_the_quarantine_list_reads_changes_and_rule_offers_in_a_fixed_number_of_queries(client, two_grids):
    cast, bob = two_grids, two_grids.users["bob"]
    services.area_set(scope=root_scope(cast), user=cast.users["root"], subdistrict=cast.community.subdistrict,
                      data={"province": "湖北省", "level": "high", "measure": "home_quarantine", "quarantine_days": 14,
                            "effective_from": FROZEN_AT.date() - dt.timedelta(days=20)})

    def grow(n):
        for _ in range(n):
            registration = register(cast.community, DwellingFactory(building=cast.building_b),
                                    arrival_date=FROZEN_AT.date() - dt.timedelta(days=2))
            registration = services.registration_review(scope=root_scope(cast), user=cast.users["carol"],
                                                        registration=registration, decision="home_quarantine",
                                                        reason="高风险")
            quarantine_changes.change_request(scope=Scope.for_user(bob), user=bob,
                                              quarantine=registration.quarantines.get(), kind="early_release",
                                              reason="阴性")
            register(cast.community, DwellingFactory(building=cast.building_b),
                     arrival_date=FROZEN_AT.date() - dt.timedelta(days=1))

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("returnees:quarantine_list") + "?show=pending").status_code == 200
        return len(queries)

    client.force_login(bob)
    grow(2)
    services.area_set(scope=root_scope(cast), user=cast.users["root"], subdistrict=cast.community.subdistrict,
                      data={"province": "湖北省", "level": "medium", "measure": "home_quarantine",
                            "quarantine_days": 7, "effective_from": FROZEN_AT.date()})
    few = count()
    grow(4)
    assert count() == few
