"""Swaps and manual edits judged by the roster rules (the solver's checker), the take-over
picker, and reaching volunteers: the schedule link on the volunteer's page, its QR and slip,
and a message per person when a roster is published or re-planned."""

import datetime as dt
import logging
import subprocess

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from fangxian.core import notify
from fangxian.core.models import AuditEvent
from fangxian.duty.models import Assignment, RosterPlan, ShiftRequest, SwapRequest, Volunteer, VolunteerTeam
from fangxian.duty.rosters import services, swaps
from tests.duty.matrix_rosters import roster_community

NO_EVENINGS = {str(d): ["night", "morning", "afternoon"] for d in range(7)}
FIRST_DAY = dt.date(2026, 3, 3)  # the day after the frozen clock's


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def week(two_grids, frozen_clock):
    """A published two-day roster from tomorrow. 03-03: 张 08–16, 李 16–24, 钱 00–08;
    03-04: 王 00–08, 张 08–16, 李 16–24. 王 gives no evenings."""
    cast = roster_community(two_grids)
    zhang, li, wang, _zhao, qian, _sun = cast.roster_people
    wang.availability = NO_EVENINGS
    wang.save()
    morning, evening, night = cast.shift_templates
    cast.plan = RosterPlan.objects.create(community=cast.community, first_day=FIRST_DAY, days=2,
                                          status=RosterPlan.Status.PUBLISHED, seconds=3)
    day2 = FIRST_DAY + dt.timedelta(days=1)
    for person, date, template in ((zhang, FIRST_DAY, morning), (li, FIRST_DAY, evening), (qian, FIRST_DAY, night),
                                   (wang, day2, night), (zhang, day2, morning), (li, day2, evening)):
        Assignment.objects.create(plan=cast.plan, volunteer=person, date=date, checkpoint=cast.checkpoint,
                                  template=template, published=True)
    cast.evening = Assignment.objects.get(volunteer=li, date=FIRST_DAY)  # 12-09 16–24 of the issue
    return cast


def _swap(cast, to):
    a = cast.evening
    return SwapRequest.objects.create(assignment=a, from_volunteer=a.volunteer, to_volunteer=to)


def test_approving_a_swap_that_breaks_rest_and_availability_is_refused_naming_them(client, week):
    wang = week.roster_people[2]
    swap = _swap(week, wang)  # 王 works 03-04 00–08 and gives no evenings
    client.force_login(week.users["carol"])
    page = client.post(reverse("duty:swap_decide", args=[swap.pk]), {"decision": "approve"}, follow=True)
    text = page.content.decode()
    assert "Needs rest after the previous shift: 王青年" in text
    assert "Not available at that time: 王青年" in text
    assert "give a reason for overriding the rules" in text
    swap.refresh_from_db()
    week.evening.refresh_from_db()
    assert swap.status == "pending" and week.evening.volunteer == week.roster_people[1]  # nothing changed


def test_an_admin_may_override_the_rules_only_with_a_recorded_reason(client, week):
    wang = week.roster_people[2]
    swap = _swap(week, wang)
    client.force_login(week.users["carol"])
    client.post(reverse("duty:swap_decide", args=[swap.pk]), {"decision": "approve", "override_reason": " "})
    swap.refresh_from_db()
    assert swap.status == "pending"
    client.post(reverse("duty:swap_decide", args=[swap.pk]), {"decision": "approve",
                                                              "override_reason": "无人可替，本人同意"})
    swap.refresh_from_db()
    week.evening.refresh_from_db()
    assert swap.status == "approved" and week.evening.volunteer == wang
    assert swap.override_reason == "无人可替，本人同意" and {"rest", "not_available_time"} <= set(swap.overridden)
    event = AuditEvent.objects.filter(target_type="duty.SwapRequest", target_id=str(swap.pk)).latest("pk")
    assert event.reason == "无人可替，本人同意" and "overriding" in event.detail and "rest" in event.detail
    listed = client.get(reverse("duty:swap_list") + "?status=approved").content.decode()
    assert "无人可替" in listed and reverse("duty:schedule_personal", args=[wang.schedule_token]) in listed


def test_a_volunteer_is_offered_only_people_the_rules_allow(client, week):
    li, wang, qian = week.roster_people[1], week.roster_people[2], week.roster_people[4]
    url = reverse("duty:swap_request_create", args=[li.schedule_token])
    form = client.get(url + f"?shift={week.evening.pk}").content.decode()
    # 王: rest and evenings; 张 works that day; 赵 and 孙 cannot lead; 钱 works 00–08 that day.
    assert "王*年" not in form and "张*班" not in form and "赵*姐" not in form and "钱*傅" not in form
    assert "Nobody can take this shift without breaking a roster rule." in form
    client.post(url, {"shift": week.evening.pk, "to_volunteer": wang.pk})
    assert not SwapRequest.objects.exists()
    week.roster_people[3].is_shift_leader = True  # 赵 may lead now
    week.roster_people[3].save()
    form = client.get(url + f"?shift={week.evening.pk}").content.decode()
    assert "赵*姐" in form and "赵大姐" not in form and qian.name not in form


def test_an_admin_gives_a_shift_to_someone_else_by_the_same_rules(client, week):
    wang, zhao = week.roster_people[2], week.roster_people[3]
    zhao.is_shift_leader = True
    zhao.save()
    url = reverse("duty:assignment_edit", args=[week.evening.pk])
    client.force_login(week.users["carol"])
    page = client.get(url).content.decode()
    assert "赵大姐" in page and "王青年" not in page
    broken = client.get(url + "?broken=1").content.decode()
    assert "王青年" in broken and "Needs rest after the previous shift" in broken
    client.post(url, {"to_volunteer": wang.pk, "reason": ""})
    week.evening.refresh_from_db()
    assert week.evening.volunteer == week.roster_people[1]  # refused without a reason
    response = client.post(url, {"to_volunteer": wang.pk, "reason": "临时调整，已电话确认"})
    assert response.status_code == 302
    week.evening.refresh_from_db()
    assert week.evening.volunteer == wang
    event = AuditEvent.objects.filter(target_type="duty.Assignment", target_id=str(week.evening.pk)).latest("pk")
    assert event.reason == "临时调整，已电话确认" and "rest" in event.detail and "王" not in event.detail
    client.force_login(week.users["dave"])  # an officer reads rosters but edits none
    assert client.get(url).status_code == 404


def test_the_picker_searches_ranks_and_caps(client, week):
    li = week.roster_people[1]
    for i in range(25):
        Volunteer.objects.create(community=week.community, name=f"周志{i:02d}", phone="13911112222", birth_year=1990,
                                 status="approved", is_shift_leader=True, group=week.estate.group,
                                 preferred_checkpoint=week.checkpoint if i == 7 else None)
    ShiftRequest.objects.create(volunteer=Volunteer.objects.get(name="周志00"), date=FIRST_DAY,
                                template=week.evening.template, want=False)
    team = VolunteerTeam.objects.create(community=week.community, name="巾帼志愿服务队", formed_on=FIRST_DAY)
    team.members.add(Volunteer.objects.get(name="周志01"))
    picker = swaps.takeover_candidates(week.evening)
    names = [c.volunteer.name for c in picker.rows]
    assert picker.total == 25 and len(names) == swaps.PICKER_LIMIT and len(set(names)) == len(names)
    assert names[0] == "周志07"  # at their preferred checkpoint
    assert "周志00" not in names  # asked not to work it: last, beyond the first 20
    assert "巾帼志愿服务队" in picker.rows[1].groups and week.estate.group.name in picker.rows[1].groups
    page = client.get(reverse("duty:swap_request_create", args=[li.schedule_token])
                      + f"?shift={week.evening.pk}").content.decode()
    assert "周**7" in page and "周志07" not in page and "The best 20 of 25 are shown" in page
    searched = client.get(reverse("duty:swap_request_create", args=[li.schedule_token])
                          + f"?shift={week.evening.pk}&q=周志00").content.decode()
    assert "asked not to work it" in searched and searched.count('name="to_volunteer"') == 1


def _page_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_picker_pages_run_the_same_queries_for_3_or_30_people(client, week):
    li = week.roster_people[1]
    public = reverse("duty:swap_request_create", args=[li.schedule_token]) + f"?shift={week.evening.pk}"
    edit = reverse("duty:assignment_edit", args=[week.evening.pk])
    client.force_login(week.users["carol"])

    def more(n, start):
        for i in range(n):
            v = Volunteer.objects.create(community=week.community, name=f"吴{start + i}", phone="13911113333",
                                         birth_year=1990, status="approved", is_shift_leader=True,
                                         group=week.estate.group)
            VolunteerTeam.objects.get_or_create(community=week.community, name=f"队{i % 3}",
                                                defaults={"formed_on": FIRST_DAY})[0].members.add(v)

    more(3, 0)
    few = (_page_queries(client, public), _page_queries(client, edit), _page_queries(client, edit + "?broken=1"))
    more(27, 3)
    assert (_page_queries(client, public), _page_queries(client, edit), _page_queries(client, edit + "?broken=1")) \
        == few


# -- reaching volunteers ---------------------------------------------------------------------------


class Recorder:
    sent: list = []

    def __init__(self, **_options):
        pass

    def send_message(self, kind, *, to_phone, recipient_id, text, url):
        Recorder.sent.append({"kind": kind, "to": to_phone, "id": recipient_id, "text": text, "url": url})


@pytest.fixture
def gateway(settings, monkeypatch):
    Recorder.sent = []
    monkeypatch.setitem(notify.BACKENDS, "fake", Recorder)
    settings.FANGXIAN_NOTIFIERS = [{"backend": "fake"}, {"backend": "log"}]
    return Recorder.sent


def _solved(cast, rows, *, replaces=None):
    plan = RosterPlan.objects.create(community=cast.community, first_day=FIRST_DAY, days=2, seconds=3,
                                     status=RosterPlan.Status.SOLVED, replaces=replaces)
    for person, day, template in rows:
        Assignment.objects.create(plan=plan, volunteer=person, date=FIRST_DAY + dt.timedelta(days=day),
                                  checkpoint=cast.checkpoint, template=template)
    return plan


def test_publishing_messages_each_person_their_shifts_with_their_link(week, gateway, caplog,
                                                                      django_capture_on_commit_callbacks):
    zhang, li = week.roster_people[:2]
    morning, evening, _night = week.shift_templates
    plan = _solved(week, [(zhang, 0, morning), (zhang, 1, morning), (li, 1, evening)])
    with caplog.at_level(logging.INFO, logger="fangxian.notify"), \
            django_capture_on_commit_callbacks(execute=True):
        services.plan_publish(user=week.users["carol"], plan=plan, site="https://fx.example/")
    by = {m["id"]: m for m in gateway}
    assert set(by) == {zhang.pk, li.pk} and by[zhang.pk]["to"] == zhang.phone
    link = "https://fx.example" + reverse("duty:schedule_personal", args=[zhang.schedule_token])
    assert by[zhang.pk]["url"] == link and link in by[zhang.pk]["text"]
    assert "03-03" in by[zhang.pk]["text"] and "03-04" in by[zhang.pk]["text"] and "08–16" in by[zhang.pk]["text"]
    assert "16–24" not in by[zhang.pk]["text"] and zhang.name not in by[zhang.pk]["text"]
    logged = [r.getMessage() for r in caplog.records if r.name == "fangxian.notify"]
    assert f"message roster_published recipient={zhang.pk}" in logged
    assert not any(zhang.phone in line or "08–16" in line or zhang.schedule_token in line for line in logged)


def test_a_replan_messages_only_the_people_it_changes_with_only_their_changes(week, gateway,
                                                                              django_capture_on_commit_callbacks):
    zhang, li, wang = week.roster_people[:3]
    morning, evening, night = week.shift_templates
    published = week.plan
    # 李 drops out of 03-04 16–24; 王 takes it over instead of his 00–08, which 钱 takes.
    qian = week.roster_people[4]
    new = _solved(week, [(zhang, 0, morning), (li, 0, evening), (qian, 0, night),
                         (qian, 1, night), (zhang, 1, morning), (wang, 1, evening)], replaces=published)
    with django_capture_on_commit_callbacks(execute=True):
        services.plan_publish(user=week.users["carol"], plan=new)
    by = {m["id"]: m for m in gateway}
    assert set(by) == {li.pk, wang.pk, qian.pk}  # 张 keeps his shifts: no message
    assert all(m["kind"] == "roster_changed" for m in gateway)
    assert "no longer" in by[li.pk]["text"] and "16–24" in by[li.pk]["text"] and "03-03" not in by[li.pk]["text"]
    assert "new" in by[wang.pk]["text"] and "16–24" in by[wang.pk]["text"] and "00–08" in by[wang.pk]["text"]
    assert by[qian.pk]["url"] == reverse("duty:schedule_personal", args=[qian.schedule_token])


def test_the_volunteer_page_shows_the_schedule_link_as_a_qr_and_a_slip(client, week, tmp_path):
    zhang = week.roster_people[0]
    client.force_login(week.users["carol"])
    page = client.get(reverse("duty:volunteer_detail", args=[zhang.pk])).content.decode()
    link = "http://testserver" + reverse("duty:schedule_personal", args=[zhang.schedule_token])
    assert link in page and '<svg viewBox="0 0 ' in page and reverse("duty:schedule_slip", args=[zhang.pk]) in page
    slip = client.get(reverse("duty:schedule_slip", args=[zhang.pk]))
    assert slip.status_code == 200 and slip["Content-Type"] == "application/pdf"
    (tmp_path / "slip.pdf").write_bytes(slip.content)
    size = subprocess.run(["pdfinfo", str(tmp_path / "slip.pdf")], capture_output=True, text=True).stdout
    assert "297.638 x 419.528 pts" in size  # A6
    client.force_login(week.users["dave"])  # an officer reads the volunteer, not their key
    page = client.get(reverse("duty:volunteer_detail", args=[zhang.pk])).content.decode()
    assert zhang.schedule_token not in page
    assert client.get(reverse("duty:schedule_slip", args=[zhang.pk])).status_code == 404
