"""An incident from the report to its closure: the duty officer is told, the times are kept,
the first response is the assignee's first report-in, and each decision is audited."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import override

from fangxian.core.models import AuditEvent
from fangxian.incidents import services
from fangxian.incidents.models import Incident, IncidentUpdate
from tests.incidents.conftest import report, scope_of_user
from tests.returnees.conftest import PNG


def test_it_tells_the_duty_officer_at_once_and_records_the_times(two_grids, clock, monkeypatch,
                                                                   django_capture_on_commit_callbacks):
    sent = []
    monkeypatch.setattr(services, "notify", lambda kind, **kw: sent.append((kind, kw)))
    carol, bob = two_grids.users["carol"], two_grids.users["bob"]
    reported_at = clock.now
    with django_capture_on_commit_callbacks(execute=True):
        incident = report(two_grids, "alice", urgency="critical", title="有人翻越围挡")
    assert len(sent) == 1
    kind, details = sent[0]
    assert kind == "incident" and details["community"] == two_grids.community
    assert details["url"] == f"/incidents/{incident.pk}/"
    assert "有人翻越围挡" not in details["text"]  # free text may name people: it stays inside
    assert incident.status == Incident.Status.NEW and incident.reported_at == reported_at

    clock.advance(minutes=4)
    services.incident_assign(scope=scope_of_user(carol), user=carol, incident=incident, assignee=bob,
                             department="派出所")
    incident.refresh_from_db()
    assert incident.status == Incident.Status.ASSIGNED
    assert incident.assigned_at == reported_at + dt.timedelta(minutes=4)
    assert incident.assignee_label == "bob · 派出所"

    # carol's note is not the assignee's: no first response yet.
    clock.advance(minutes=2)
    services.incident_report_in(scope=scope_of_user(carol), user=carol, incident=incident, note="已电话联系派出所")
    incident.refresh_from_db()
    assert incident.first_response_at is None

    clock.advance(minutes=9)
    services.incident_report_in(scope=scope_of_user(bob), user=bob, incident=incident, note="已到现场")
    clock.advance(minutes=30)
    services.incident_report_in(scope=scope_of_user(bob), user=bob, incident=incident, note="人员已劝离")
    incident.refresh_from_db()
    assert incident.status == Incident.Status.IN_PROGRESS
    assert incident.response_time == dt.timedelta(minutes=15)

    clock.advance(minutes=5)
    services.incident_close(scope=scope_of_user(carol), user=carol, incident=incident, outcome="resolved",
                            note="已处置")
    incident.refresh_from_db()
    assert incident.status == Incident.Status.CLOSED and incident.closed_by == carol
    assert incident.closure_time == dt.timedelta(minutes=50)
    assert list(incident.updates.values_list("kind", flat=True)) == [
        "reported", "assigned", "note", "note", "note", "closed"]
    audited = set(AuditEvent.objects.filter(target_type="incidents.Incident", target_id=str(incident.pk))
                  .values_list("action", "field"))
    assert audited == {("create", ""), ("update", "assigned_to"), ("update", "outcome")}

    with pytest.raises(ValidationError):
        services.incident_report_in(scope=scope_of_user(bob), user=bob, incident=incident, note="再补充")
    with pytest.raises(ValidationError):
        services.incident_assign(scope=scope_of_user(carol), user=carol, incident=incident, department="物业")


def test_it_counts_a_department_report_in_as_the_first_response(two_grids, clock):
    carol = two_grids.users["carol"]
    incident = report(two_grids, "erin")
    clock.advance(minutes=3)
    services.incident_assign(scope=scope_of_user(carol), user=carol, incident=incident, department="社康")
    clock.advance(minutes=7)
    services.incident_report_in(scope=scope_of_user(carol), user=carol, incident=incident, note="社康已出车")
    incident.refresh_from_db()
    assert incident.response_time == dt.timedelta(minutes=10)


def test_it_refuses_a_bad_assignment_and_changes_nothing(two_grids):
    carol, olga = two_grids.users["carol"], two_grids.users["olga"]
    incident = report(two_grids)
    with pytest.raises(ValidationError) as error:
        services.incident_assign(scope=scope_of_user(carol), user=carol, incident=incident)
    assert "assignee" in error.value.message_dict
    with pytest.raises(ValidationError):  # olga is of another community
        services.incident_assign(scope=scope_of_user(carol), user=carol, incident=incident, assignee=olga)
    with pytest.raises(PermissionDenied):  # olga does not manage carol's community
        services.incident_assign(scope=scope_of_user(olga), user=olga, incident=incident, department="物业")
    with pytest.raises(PermissionDenied):  # dave reads, never writes
        services.incident_close(scope=scope_of_user(two_grids.users["dave"]), user=two_grids.users["dave"],
                                incident=incident, outcome="resolved")
    with pytest.raises(ValidationError):
        services.incident_close(scope=scope_of_user(carol), user=carol, incident=incident, outcome="other")
    incident.refresh_from_db()
    assert incident.status == Incident.Status.NEW and incident.assigned_to is None and incident.closed_at is None
    assert incident.updates.count() == 1


def test_it_lets_only_members_report_in_their_own_community(two_grids):
    with pytest.raises(PermissionDenied):
        report(two_grids, "dave")  # an officer's subdistrict is not a community membership
    with pytest.raises(PermissionDenied):
        report(two_grids, "alice", community=two_grids.other)
    for name in ("alice", "erin", "frank", "gina", "carol"):
        assert report(two_grids, name).reported_by == two_grids.users[name]


def test_it_needs_what_and_where(two_grids):
    with pytest.raises(ValidationError) as error:
        report(two_grids, title="  ", location="", urgency="extreme")
    assert {"title", "location", "urgency"} <= set(error.value.message_dict)
    assert not Incident.objects.exists()
    incident = report(two_grids, location="", building=two_grids.building_b)
    assert incident.estate == two_grids.estate and two_grids.building_b.name in incident.location


def test_it_refuses_a_building_of_another_community(two_grids):
    other_building = two_grids.outsider.dwelling.building
    with pytest.raises(ValidationError) as error:
        report(two_grids, building=other_building)
    assert "estate" in error.value.message_dict
    assert not Incident.objects.exists()


@override("en")
def test_it_keeps_a_photo_and_refuses_what_is_not_one(two_grids, settings, tmp_path, monkeypatch):
    settings.MEDIA_ROOT = tmp_path
    incident = report(two_grids, photo=ContentFile(PNG, name="x.png"))
    assert incident.photo.name.endswith(".png") and incident.photo.read() == PNG
    with pytest.raises(ValidationError) as error:
        report(two_grids, photo=ContentFile(b"%PDF-1.4 not an image", name="photo.jpg"))
    assert "JPEG, PNG or GIF" in error.value.message_dict["photo"][0]
    monkeypatch.setattr(services, "PHOTO_MAX_BYTES", 10)
    with pytest.raises(ValidationError) as error:
        report(two_grids, photo=ContentFile(PNG, name="big.png"))
    assert "too large" in error.value.message_dict["photo"][0]
    assert Incident.objects.count() == 1 and IncidentUpdate.objects.count() == 1
