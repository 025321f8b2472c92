"""The incident pages: who sees which incidents, the report form with its photo, the list's
filters, search, pagination and export, the badge in the menu, and the officer's actions."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from fangxian.core.scope import Scope
from fangxian.incidents import services
from fangxian.incidents.models import Incident
from tests.incidents.conftest import report, scope_of_user
from tests.returnees.conftest import PNG


def titles(response) -> set[str]:
    return {i.title for i in response.context["page"]}


@pytest.fixture
def incidents(two_grids):
    """By alice (open), by bob (given to alice), by erin (closed), and one in olga's community."""
    carol, olga = two_grids.users["carol"], two_grids.users["olga"]
    c = two_grids
    c.by_alice = report(c, "alice", title="甲报告")
    c.by_bob = report(c, "bob", title="乙报告", urgency="critical")
    services.incident_assign(scope=scope_of_user(carol), user=carol, incident=c.by_bob, assignee=c.users["alice"])
    c.by_erin = report(c, "erin", title="卡口报告", urgency="low")
    services.incident_close(scope=scope_of_user(carol), user=carol, incident=c.by_erin, outcome="no_action")
    c.elsewhere = report(c, olga, community=c.other, title="别处报告")
    return c


@pytest.mark.parametrize(("user", "expected"), [
    ("carol", {"甲报告", "乙报告", "卡口报告"}),  # manages her community
    ("dave", {"甲报告", "乙报告", "卡口报告", "别处报告"}),  # reads his subdistrict
    ("alice", {"甲报告", "乙报告"}),  # reported one, was given the other
    ("bob", {"乙报告"}),
    ("erin", {"卡口报告"}),
    ("frank", set()),
    ("gina", set()),
    ("olga", {"别处报告"}),
    ("root", {"甲报告", "乙报告", "卡口报告", "别处报告"}),
])
def test_it_shows_each_user_their_incidents(client, incidents, user, expected):
    client.force_login(incidents.users[user])
    response = client.get(reverse("incidents:list"), {"state": "all"})
    assert titles(response) == expected


def test_it_hides_the_detail_from_those_who_may_not_see_it(client, incidents):
    url = reverse("incidents:detail", args=[incidents.by_bob.pk])
    for user, status in (("alice", 200), ("bob", 200), ("dave", 200), ("erin", 404), ("olga", 404)):
        client.force_login(incidents.users[user])
        assert client.get(url).status_code == status, user


def test_it_reports_from_the_phone_form_with_a_photo(client, two_grids, settings, tmp_path,
                                                     django_capture_on_commit_callbacks, monkeypatch):
    settings.MEDIA_ROOT = tmp_path
    sent = []
    monkeypatch.setattr(services, "notify", lambda kind, **kw: sent.append(kind))
    client.force_login(two_grids.users["erin"])
    page = client.get(reverse("incidents:create"))
    assert 'type="hidden" name="community"' in page.content.decode()  # one community: nothing to choose
    photo = io.BytesIO(PNG)
    photo.name = "door.png"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("incidents:create"), {
            "community": two_grids.community.pk, "title": "东门有人聚集", "location": "东门", "urgency": "critical",
            "estate": two_grids.estate.pk, "photo": photo})
    incident = Incident.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("incidents:detail", args=[incident.pk])
    assert sent == ["incident"] and incident.reported_by == two_grids.users["erin"]
    detail = client.get(response["Location"])
    assert "东门有人聚集" in detail.content.decode()
    image = client.get(reverse("incidents:photo", args=[incident.pk]))
    assert image["Content-Type"] == "image/png" and b"".join(image.streaming_content) == PNG


def test_it_refuses_a_form_without_where_or_with_a_bad_photo(client, two_grids, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(two_grids.users["alice"])
    fake = io.BytesIO(b"MZ not an image")
    fake.name = "photo.jpg"
    response = client.post(reverse("incidents:create"), {
        "community": two_grids.community.pk, "title": "东门有人聚集", "urgency": "high", "photo": fake},
        HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert set(errors) == {"location", "photo"}
    assert not Incident.objects.exists()


def test_it_shows_the_badge_of_open_incidents_to_the_duty_officer(client, incidents):
    client.force_login(incidents.users["carol"])
    nav = client.get(reverse("home")).context["nav_items"]
    entry = next(item for item in nav if item.url == reverse("incidents:list"))
    assert entry.badge == 2  # alice's and bob's; erin's is closed
    client.force_login(incidents.users["dave"])
    nav = client.get(reverse("home")).context["nav_items"]
    assert next(item for item in nav if item.url == reverse("incidents:list")).badge == 3
    assert reverse("incidents:create") not in [item.url for item in nav]  # dave does not report


def test_it_filters_searches_and_pages_the_list(client, incidents, settings):
    client.force_login(incidents.users["carol"])
    url = reverse("incidents:list")
    assert titles(client.get(url)) == {"甲报告", "乙报告"}
    assert titles(client.get(url, {"state": "closed"})) == {"卡口报告"}
    assert titles(client.get(url, {"state": "all", "urgency": "critical"})) == {"乙报告"}
    assert titles(client.get(url, {"state": "all", "q": "卡口"})) == {"卡口报告"}
    assert titles(client.get(url, {"state": "all", "q": f"#{incidents.by_alice.pk}"})) == {"甲报告"}
    empty = client.get(url, {"q": "没有这个"}, HTTP_ACCEPT_LANGUAGE="en")
    assert "No incidents match these filters." in empty.content.decode()
    settings.FANGXIAN_PAGE_SIZE = 2
    second = client.get(url, {"state": "all", "page": 2})
    assert len(second.context["page"]) == 1 and second.context["page"].paginator.count == 3


def test_it_exports_what_the_list_shows(client, clock, incidents):
    carol = incidents.users["carol"]
    clock.advance(minutes=12)
    services.incident_report_in(scope=scope_of_user(incidents.users["alice"]), user=incidents.users["alice"],
                                incident=incidents.by_bob, note="已到现场")
    client.force_login(carol)
    response = client.get(reverse("incidents:export"), {"state": "all"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 4
    by_title = {row[5]: row for row in rows[1:]}
    assert set(by_title) == {"甲报告", "乙报告", "卡口报告"}
    assert by_title["乙报告"][8] == "alice" and by_title["乙报告"][10] == 12  # minutes to the first response


def test_it_lets_the_officer_assign_and_close_from_the_page(client, incidents):
    client.force_login(incidents.users["carol"])
    incident = incidents.by_alice
    response = client.post(reverse("incidents:assign", args=[incident.pk]),
                           {"assignee": incidents.users["bob"].pk, "department": "物业"})
    assert response.status_code == 302
    bad = client.post(reverse("incidents:assign", args=[incident.pk]), {"assignee": incidents.users["olga"].pk})
    assert bad.status_code == 400  # olga is not of this community
    client.force_login(incidents.users["bob"])
    assert client.post(reverse("incidents:report_in", args=[incident.pk]), {"note": "已清理"}).status_code == 302
    client.force_login(incidents.users["carol"])
    assert client.post(reverse("incidents:close", args=[incident.pk]), {"outcome": "resolved"}).status_code == 302
    incident.refresh_from_db()
    assert (incident.assigned_to, incident.department, incident.outcome) == (incidents.users["bob"], "物业", "resolved")
    assert incident.first_response_at is not None and incident.closed_at is not None
    page = client.get(reverse("incidents:detail", args=[incident.pk])).content.decode()
    assert "已清理" in page and 'action="/incidents/%d/close/"' % incident.pk not in page  # closed: no more actions


def test_it_refuses_a_get_on_the_actions(client, incidents):
    client.force_login(incidents.users["carol"])
    assert client.get(reverse("incidents:close", args=[incidents.by_alice.pk])).status_code == 405


def test_it_lets_a_superuser_report_anywhere(incidents):
    root = incidents.users["root"]
    incident = services.incident_report(scope=Scope.for_user(root), user=root, community=incidents.other,
                                        title="街道巡查发现", location="路口", urgency="low")
    assert incident.community == incidents.other
