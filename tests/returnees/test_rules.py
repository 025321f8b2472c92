"""Risk areas as dated data: the measure for a place on a day."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from fangxian.core.scope import Scope
from fangxian.returnees import services
from fangxian.returnees.models import RiskArea
from tests.returnees.conftest import root_scope

D = dt.date(2026, 2, 1)


def area(cast, user="root", **data):
    values = {"province": "湖北省", "city": "", "district": "", "level": "high", "measure": "home_quarantine",
              "quarantine_days": 14, "effective_from": D}
    values.update(data)
    scope = root_scope(cast) if user == "root" else Scope.for_user(cast.users[user])
    return services.area_set(scope=scope, user=cast.users[user], subdistrict=cast.community.subdistrict, data=values)


def measure(cast, province="湖北省", city="武汉市", district="江汉区", on=D):
    return services.measure_for(province, city, district, on, subdistrict_id=cast.community.subdistrict_id)


def test_it_applies_an_area_from_its_date_to_its_end(two_grids):
    area(two_grids, effective_from=D, effective_to=D + dt.timedelta(days=9))
    assert measure(two_grids, on=D - dt.timedelta(days=1)).measure == "none"
    assert measure(two_grids, on=D).measure == "home_quarantine"
    assert measure(two_grids, on=D + dt.timedelta(days=9)).days == 14
    assert measure(two_grids, on=D + dt.timedelta(days=10)).measure == "none"
    assert measure(two_grids, province="广东省").area is None


def test_it_picks_the_most_specific_area_then_the_highest_level(two_grids):
    area(two_grids, level="medium", quarantine_days=7)  # the province
    area(two_grids, city="武汉市", district="江汉区", level="high", measure="central_quarantine", quarantine_days=0)
    area(two_grids, city="武汉市", level="low", measure="none", quarantine_days=0)
    assert measure(two_grids).measure == "central_quarantine"  # the district beats the city and province
    assert measure(two_grids, district="武昌区").measure == "none"  # the city beats the province
    assert measure(two_grids, city="宜昌市", district="").days == 7  # only the province covers it
    # Two overlapping areas just as specific (another office's entry): the higher level wins.
    RiskArea.objects.create(subdistrict=two_grids.community.subdistrict, province="湖北省", city="宜昌市",
                            level="low", measure="none", effective_from=D)
    RiskArea.objects.create(subdistrict=two_grids.community.subdistrict, province="湖北省", city="宜昌市",
                            level="high", measure="home_quarantine", quarantine_days=21, effective_from=D)
    assert measure(two_grids, city="宜昌市", district="").days == 21


def test_it_raises_and_lowers_a_level_from_a_date(two_grids):
    area(two_grids, city="武汉市", level="medium", quarantine_days=7, effective_from=D)
    area(two_grids, city="武汉市", level="high", quarantine_days=14, effective_from=D + dt.timedelta(days=10))
    area(two_grids, city="武汉市", level="low", measure="none", quarantine_days=0,
         effective_from=D + dt.timedelta(days=40))
    assert measure(two_grids, on=D + dt.timedelta(days=9)).days == 7
    assert measure(two_grids, on=D + dt.timedelta(days=10)).days == 14
    assert measure(two_grids, on=D + dt.timedelta(days=39)).measure == "home_quarantine"
    assert measure(two_grids, on=D + dt.timedelta(days=40)).measure == "none"
    ends = list(RiskArea.objects.order_by("effective_from").values_list("effective_to", flat=True))
    assert ends == [D + dt.timedelta(days=9), D + dt.timedelta(days=39), None]  # the history stays


def test_it_lets_officers_and_admins_set_areas_but_not_grid_workers(two_grids):
    area(two_grids, user="dave")
    area(two_grids, user="carol", city="武汉市")
    with pytest.raises(PermissionDenied):
        area(two_grids, user="alice")


def test_it_refuses_an_incomplete_area(two_grids):
    with pytest.raises(ValidationError) as error:
        area(two_grids, quarantine_days=0, district="江汉区")
    assert {"quarantine_days", "city"} <= set(error.value.message_dict)


def test_it_maintains_areas_on_the_page(client, two_grids):
    from django.urls import reverse

    client.force_login(two_grids.users["dave"])
    url = reverse("returnees:area_list")
    response = client.post(url, {"province": "湖北省", "level": "high", "measure": "home_quarantine",
                                 "quarantine_days": "14", "effective_from": "2026-02-01"})
    assert response.status_code == 302
    assert "湖北省" in client.get(url).content.decode()
    client.force_login(two_grids.users["alice"])
    assert client.post(url, {"province": "湖南省", "level": "high", "measure": "none",
                             "effective_from": "2026-02-01"}).status_code == 403
