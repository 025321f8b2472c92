"""The care pages as their users meet them: who sees whom, recording a visit (and what it
refuses), an incident raised from a visit, rules that overlap, assigning visitors, the export,
and a constant number of queries per list page. The clock stands at 2026-03-02 10:00."""

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from fangxian.core.personal import mask_name
from fangxian.delivery.models import Task
from fangxian.fieldwork.models import CareAssignment, CareRule, CareVisit
from fangxian.incidents.models import Incident
from tests.factories import BuildingFactory, GridFactory
from tests.fieldwork import matrix_care
from tests.i18n import zh
from tests.roles import ROLES, walk_matrix

pytestmark = pytest.mark.usefixtures("frozen_clock")


@pytest.fixture
def cast(two_grids):
    two_grids.person_b.name = "乙网格居民"
    two_grids.person_b.save(update_fields=["name"])
    two_grids.person_a.name = "甲网格居民"
    two_grids.person_a.save(update_fields=["name"])
    matrix_care.equip(two_grids)
    return two_grids



@pytest.mark.parametrize("role", ROLES)
def test_the_matrix_rows_hold(client, cast, role):
    def check(name, method, response):
        if role == "alice" and method == "get" and response.status_code == 200:
            assert mask_name("乙网格居民") not in response.content.decode(errors="ignore"), name

    wrong = walk_matrix(client, cast, role, matrix_care, check)
    assert not wrong, "\n".join(wrong)


def list_text(client, cast, user, query="") -> str:
    client.force_login(cast.users[user])
    response = client.get(reverse("fieldwork:care_list") + query)
    assert response.status_code == 200
    return response.content.decode()


def test_each_user_sees_the_people_they_should(client, cast):
    cast.person_a.is_disabled = True
    cast.person_a.save(update_fields=["is_disabled"])
    a, b = mask_name("甲网格居民"), mask_name("乙网格居民")
    carol = list_text(client, cast, "carol")
    assert a in carol and b in carol and "乙网格居民" not in carol  # masked, never in full
    frank = list_text(client, cast, "frank")
    assert b in frank and a not in frank  # only the person he visits
    bob = list_text(client, cast, "bob")
    assert b in bob and a not in bob  # only grid B
    alice = list_text(client, cast, "alice")
    assert a in alice and b not in alice


def test_the_list_shows_the_state_and_the_filters_cut_it(client, cast):
    # person_b: visited 02-27, every 3 days → due 03-02, today: "due today", not overdue.
    text = list_text(client, cast, "carol")
    assert "due_today" in text and mask_name("乙网格居民") in text
    assert mask_name("乙网格居民") not in list_text(client, cast, "carol", "?overdue=1")
    CareVisit.objects.all().delete()  # never visited: due since the rule began (02-01)
    assert mask_name("乙网格居民") in list_text(client, cast, "carol", "?overdue=1")
    assert mask_name("乙网格居民") not in list_text(client, cast, "carol", "?category=is_disabled")
    assert mask_name("乙网格居民") not in list_text(client, cast, "carol", "?visitor=none")
    assert mask_name("乙网格居民") in list_text(client, cast, "carol", f"?building={cast.building_b.pk}")
    assert mask_name("乙网格居民") not in list_text(client, cast, "carol", "?q=不存在的楼")


def test_the_export_masks_names(client, cast):
    client.force_login(cast.users["carol"])
    response = client.get(reverse("fieldwork:care_export"))
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][0] == mask_name("乙网格居民") and rows[1][6] == "frank"


def visit_url(cast):
    return reverse("fieldwork:care_visit", args=[cast.person_b.pk])


def test_frank_records_a_visit_and_a_future_day_is_refused(client, cast):
    client.force_login(cast.users["frank"])
    page = client.get(visit_url(cast)).content.decode()
    assert 'value="2026-03-02"' in page and "身体尚可" in page  # today by default; the history
    refused = client.post(visit_url(cast), {"visited_on": "2026-03-03", "situation": "很好", "next_step": "none"})
    assert refused.status_code == 400
    assert zh("The day of the visit cannot be in the future.") in refused.content.decode()
    assert CareVisit.objects.count() == 1
    done = client.post(visit_url(cast), {"visited_on": "2026-03-02", "situation": "很好", "needs": "",
                                         "next_step": "none"})
    assert done.status_code == 302
    visit = CareVisit.objects.latest("pk")
    assert visit.visitor == cast.users["frank"] and visit.visited_on.isoformat() == "2026-03-02"


def test_visit_sooner_needs_a_later_day(client, cast):
    client.force_login(cast.users["bob"])
    for day in ("", "2026-03-01"):
        response = client.post(visit_url(cast), {"visited_on": "2026-03-02", "situation": "咳嗽",
                                                 "next_step": "sooner", "next_visit_on": day})
        assert response.status_code == 400
    assert CareVisit.objects.count() == 1
    client.post(visit_url(cast), {"visited_on": "2026-03-02", "situation": "咳嗽", "next_step": "sooner",
                                  "next_visit_on": "2026-03-03"})
    assert CareVisit.objects.latest("pk").next_visit_on.isoformat() == "2026-03-03"


def test_an_incident_next_step_reports_an_incident(client, cast):
    client.force_login(cast.users["frank"])
    response = client.post(visit_url(cast), {"visited_on": "2026-03-02", "situation": "家中断水",
                                             "needs": "需要送水上门", "next_step": "incident"})
    assert response.status_code == 302
    visit = CareVisit.objects.latest("pk")
    incident = Incident.objects.get(pk=visit.incident_id)
    assert incident.title == "需要送水上门" and incident.building == cast.building_b
    assert incident.reported_by == cast.users["frank"]


def test_an_incident_without_needs_is_refused(client, cast):
    client.force_login(cast.users["carol"])
    response = client.post(visit_url(cast), {"visited_on": "2026-03-02", "situation": "家中断水",
                                             "next_step": "incident"})
    assert response.status_code == 400
    assert not Incident.objects.exists() and CareVisit.objects.count() == 1


def test_deliver_asks_the_delivery_team_and_shows_delivery_needed(client, cast):
    client.force_login(cast.users["frank"])
    client.post(visit_url(cast), {"visited_on": "2026-03-02", "situation": "行动不便", "needs": "买菜",
                                  "next_step": "deliver"})
    visit = CareVisit.objects.latest("pk")
    task = Task.objects.get(pk=visit.delivery_task_id)
    assert (task.dwelling, task.items, task.source, task.status) == (cast.person_b.dwelling, "买菜", "care_visit",
                                                                     "requested")
    assert zh("Delivery needed") in list_text(client, cast, "frank")


def test_deliver_without_needs_is_refused(client, cast):
    client.force_login(cast.users["carol"])
    response = client.post(visit_url(cast), {"visited_on": "2026-03-02", "situation": "行动不便",
                                             "next_step": "deliver"})
    assert response.status_code == 400
    assert not Task.objects.exists() and CareVisit.objects.count() == 1


def add_rule(client, cast, **data):
    return client.post(reverse("fieldwork:care_rule_add", args=[cast.community.pk]), data)


def test_a_new_rule_ends_the_one_in_force_once_confirmed(client, cast):
    client.force_login(cast.users["carol"])
    data = {"category": "is_elderly_alone", "every_days": "7", "effective_from": "2026-03-11"}
    asked = add_rule(client, cast, **data)
    assert asked.status_code == 400 and 'name="confirm"' in asked.content.decode()
    assert CareRule.objects.filter(category="is_elderly_alone").count() == 1
    assert add_rule(client, cast, **data, confirm="on").status_code == 302
    old, new = CareRule.objects.filter(category="is_elderly_alone").order_by("effective_from")
    assert old.effective_to.isoformat() == "2026-03-10" and old.every_days == 3
    assert new.every_days == 7 and new.effective_to is None


def test_rules_refused_with_a_message(client, cast):
    client.force_login(cast.users["carol"])
    for data in ({"category": "is_disabled", "every_days": "7", "effective_from": "2026-02-01"},  # in the past
                 {"category": "is_disabled", "every_days": "91", "effective_from": "2026-03-05"},
                 {"category": "is_disabled", "every_days": "7", "effective_from": "2026-04-10"}):  # cuts a future rule
        assert add_rule(client, cast, **data).status_code == 400
    assert CareRule.objects.count() == 2
    started = client.post(reverse("fieldwork:care_rule_delete", args=[cast.care_rule.pk]))
    assert started.status_code == 302 and CareRule.objects.filter(pk=cast.care_rule.pk).exists()
    client.post(reverse("fieldwork:care_rule_delete", args=[cast.future_rule.pk]))
    assert not CareRule.objects.filter(pk=cast.future_rule.pk).exists()


def test_carol_assigns_visitors(client, cast):
    cast.person_a.is_extremely_poor = True
    cast.person_a.save(update_fields=["is_extremely_poor"])
    client.force_login(cast.users["carol"])
    page = client.get(reverse("fieldwork:care_assign")).content.decode()
    assert mask_name("甲网格居民") in page
    response = client.post(reverse("fieldwork:care_assign"), {
        "people": [cast.person_a.pk, cast.person_b.pk], "visitor": cast.users["alice"].pk})
    assert response.status_code == 302
    assert set(CareAssignment.objects.values_list("visitor__username", flat=True)) == {"alice"}
    # Olga's community is not carol's: a visitor from there is refused.
    refused = client.post(reverse("fieldwork:care_assign"), {"people": [cast.person_a.pk],
                                                             "visitor": cast.users["olga"].pk})
    assert refused.status_code == 400


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize(("name", "user"), [(n, u) for n, users in matrix_care.LIST_CASES.items() for u in users])
def test_list_pages_run_a_constant_number_of_queries(client, cast, name, user):
    client.force_login(cast.users[user])

    def grow(start, n):
        for i in range(start, start + n):
            matrix_care.grow(cast, BuildingFactory(estate=cast.estate, grid=GridFactory(community=cast.community)), i)
    grow(0, 2)
    few = count_queries(client, reverse(name))
    grow(2, 6)
    assert count_queries(client, reverse(name)) == few
