"""The community admin's volunteer pages: the list (search, filters, pages, masked phones,
Excel export), approval and rejection with the audit log, details, edits, staff and the
reveal of a phone."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from fangxian.core.models import AuditEvent
from fangxian.duty.models import Volunteer
from tests.duty.matrix_volunteers import make_volunteer


@pytest.fixture
def carol(client, two_grids, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(two_grids.users["carol"])
    return client


def test_it_lists_waiting_sign_ups_first_with_masked_phones(carol, two_grids):
    make_volunteer(two_grids.community, name="阿明", phone="13811112222")
    make_volunteer(two_grids.community, name="张待批", phone="13833334444", status=Volunteer.Status.PENDING)
    page = carol.get(reverse("duty:volunteer_list")).content.decode()
    assert page.index("张待批") < page.index("阿明")
    assert '<tr class="pending">' in page and 'value="approve"' in page
    assert "138****2222" in page and "13811112222" not in page


def test_it_searches_by_name_and_last_digits_and_filters(carol, two_grids):
    make_volunteer(two_grids.community, name="陈带班", phone="13800005678", is_shift_leader=True)
    make_volunteer(two_grids.community, name="李司机", phone="13800001234", can_drive=True,
                   group=two_grids.estate.group)
    make_volunteer(two_grids.community, name="王员工", kind=Volunteer.Kind.STAFF)

    def names(**query):
        page = carol.get(reverse("duty:volunteer_list"), query).content.decode()
        return {n for n in ("陈带班", "李司机", "王员工") if n in page}

    assert names(q="5678") == {"陈带班"}
    assert names(q="司机") == {"李司机"}
    assert names(skill="is_shift_leader") == {"陈带班"}
    assert names(kind="staff") == {"王员工"}
    assert names(group=str(two_grids.estate.group_id)) == {"李司机"}
    assert "No one matches these filters" in carol.get(reverse("duty:volunteer_list"), {"q": "nobody"}).content.decode()


def test_it_pages_the_list(carol, two_grids, settings):
    settings.FANGXIAN_PAGE_SIZE = 5
    for _ in range(12):
        make_volunteer(two_grids.community)
    page = carol.get(reverse("duty:volunteer_list"), {"page": 3}).content.decode()
    assert "Page 3 of 3, 12 in all" in page


def test_it_shows_an_empty_state(carol, two_grids):
    assert "No volunteers yet" in carol.get(reverse("duty:volunteer_list")).content.decode()


def test_it_exports_the_list_to_excel_with_masked_phones(carol, two_grids):
    make_volunteer(two_grids.community, name="导出人", phone="13812345678", is_party_member=True)
    response = carol.get(reverse("duty:volunteer_export"))
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
    rows = list(load_workbook(io.BytesIO(response.content)).active.values)
    assert rows[1][0] == "导出人" and rows[1][3] == "138****5678"
    assert not any("13812345678" in str(cell) for row in rows for cell in row)
    assert AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT, target_type="duty.Volunteer").exists()


def test_it_approves_a_sign_up_and_writes_the_audit_log(carol, two_grids):
    pending = make_volunteer(two_grids.community, status=Volunteer.Status.PENDING)
    response = carol.post(reverse("duty:volunteer_decide", args=[pending.pk]),
                          {"decision": "approve", "next": reverse("duty:volunteer_list")})
    assert response.status_code == 302 and response["Location"] == reverse("duty:volunteer_list")
    pending.refresh_from_db()
    assert pending.status == Volunteer.Status.APPROVED and pending.decided_by == two_grids.users["carol"]
    event = AuditEvent.objects.get(action=AuditEvent.Action.UPDATE, target_id=str(pending.pk))
    assert (event.target_type, event.detail, event.community_id) == ("duty.Volunteer", "approved",
                                                                      two_grids.community.pk)


def test_it_rejects_a_sign_up_only_with_a_reason(carol, two_grids):
    pending = make_volunteer(two_grids.community, status=Volunteer.Status.PENDING)
    url = reverse("duty:volunteer_decide", args=[pending.pk])
    page = carol.post(url, {"decision": "reject", "reason": ""}, follow=True).content.decode()
    assert "Give a reason" in page
    pending.refresh_from_db()
    assert pending.status == Volunteer.Status.PENDING
    carol.post(url, {"decision": "reject", "reason": "不在本社区居住"})
    pending.refresh_from_db()
    assert pending.status == Volunteer.Status.REJECTED and pending.decision_reason == "不在本社区居住"
    assert AuditEvent.objects.get(target_id=str(pending.pk), action="update").reason == "不在本社区居住"
    # Deciding twice is refused.
    page = carol.post(url, {"decision": "approve"}, follow=True).content.decode()
    assert "already decided" in page
    pending.refresh_from_db()
    assert pending.status == Volunteer.Status.REJECTED


def test_it_does_not_follow_a_next_link_to_another_site(carol, two_grids):
    pending = make_volunteer(two_grids.community, status=Volunteer.Status.PENDING)
    response = carol.post(reverse("duty:volunteer_decide", args=[pending.pk]),
                          {"decision": "approve", "next": "https://evil.example/"})
    assert response["Location"] == reverse("duty:volunteer_detail", args=[pending.pk])


def test_it_shows_the_application_availability_and_teams(carol, two_grids):
    volunteer = make_volunteer(two_grids.community, application="疫情就是命令，我请求上一线。",
                               availability={"6": ["night"]}, phone="13812345678")
    page = carol.get(reverse("duty:volunteer_detail", args=[volunteer.pk])).content.decode()
    assert "疫情就是命令，我请求上一线。" in page
    assert page.count('class="on"') == 1 and "138****5678" in page and "13812345678" not in page
    assert AuditEvent.objects.filter(action="view", target_id=str(volunteer.pk)).exists()


def test_it_lets_the_admin_edit_a_volunteer(carol, two_grids):
    volunteer = make_volunteer(two_grids.community, name="改名前")
    url = reverse("duty:volunteer_edit", args=[volunteer.pk])
    assert carol.get(url).status_code == 200
    data = {"name": "改名后", "phone": volunteer.phone, "birth_year": "1970", "group": "",
            "availability": ["2:evening"], "is_shift_leader": "on", "status": "left", "application": "x"}
    assert carol.post(url, data).status_code == 302
    volunteer.refresh_from_db()
    assert (volunteer.name, volunteer.birth_year, volunteer.status) == ("改名后", 1970, Volunteer.Status.LEFT)
    assert volunteer.is_shift_leader and volunteer.availability == {"2": ["evening"]}
    bad = carol.post(url, {**data, "phone": "1", "birth_year": "2020"})
    assert bad.status_code == 400 and "A mobile number has 11 digits" in bad.content.decode()
    volunteer.refresh_from_db()
    assert volunteer.name == "改名后"


def test_it_keeps_the_phone_when_the_edit_leaves_it_blank(carol, two_grids):
    volunteer = make_volunteer(two_grids.community)
    url = reverse("duty:volunteer_edit", args=[volunteer.pk])
    page = carol.get(url).content.decode()
    assert volunteer.phone not in page and volunteer.phone_masked in page
    data = {"name": "留号码", "phone": "", "birth_year": "1970", "group": "", "availability": ["1:morning"],
            "status": "approved"}
    assert carol.post(url, data).status_code == 302
    volunteer_phone = volunteer.phone
    volunteer.refresh_from_db()
    assert volunteer.phone == volunteer_phone and volunteer.birth_year == 1970


def test_it_adds_staff_approved_at_once_who_lead_shifts(carol, two_grids):
    url = reverse("duty:volunteer_staff_add")
    page = carol.get(url).content.decode()
    assert 'name="is_shift_leader" id="id_is_shift_leader" checked' in page
    response = carol.post(url, {"name": "社区干部", "phone": "13700001111", "birth_year": "1985",
                                "availability": ["0:morning", "1:morning"], "is_shift_leader": "on"})
    staff = Volunteer.objects.get(name="社区干部")
    assert response.status_code == 302
    assert (staff.kind, staff.status, staff.is_shift_leader) == ("staff", "approved", True)
    assert AuditEvent.objects.filter(action="create", target_id=str(staff.pk)).exists()
    again = carol.post(url, {"name": "重复", "phone": "13700001111", "birth_year": "1985"})
    assert again.status_code == 400 and "already has this mobile" in again.content.decode()


def test_it_reveals_a_phone_with_a_reason_and_audits_it(carol, two_grids):
    volunteer = make_volunteer(two_grids.community, phone="13812345678")
    url = reverse("duty:volunteer_reveal", args=[volunteer.pk])
    assert carol.post(url, {"field": "phone", "reason": ""}).status_code == 400
    response = carol.post(url, {"field": "phone", "reason": "通知明天排班"})
    assert response.status_code == 200 and "13812345678" in response.content.decode()
    assert AuditEvent.objects.get(action="reveal").reason == "通知明天排班"
