"""The personal schedule link and swap requests with approval."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from fangxian.duty.models import Assignment, SwapRequest
from fangxian.duty.rosters import services
from tests.duty.matrix_rosters import published_plan, roster_community

# Reads the date or the hour: .ci/run runs it again at 03:00 and at 23:59 Asia/Shanghai.
pytestmark = [pytest.mark.clock_sensitive, pytest.mark.usefixtures("frozen_clock_or_ci_clock")]


@pytest.fixture(autouse=True)
def english(settings):
    """The texts below are the English ones (Chinese is the default)."""
    settings.LANGUAGE_CODE = "en"



@pytest.fixture
def week(two_grids):
    roster_community(two_grids)
    two_grids.plan = published_plan(two_grids, first_day=timezone.localdate() + dt.timedelta(days=1))
    return two_grids


def test_it_shows_a_person_only_their_own_shifts_without_login(client, week):
    zhang, li = week.roster_people[:2]
    page = client.get(reverse("duty:schedule_personal", args=[zhang.schedule_token])).content.decode()
    assert page.count("08–16") == 3 and "16–24" not in page  # 张 works the mornings, 李 the evenings
    assert "张*班" in page and "张带班" not in page and "李组长" not in page and "13900000" not in page
    assert "swap" in page
    assert client.get(reverse("duty:schedule_personal", args=["x" * 32])).status_code == 404
    assert client.get(reverse("duty:schedule_personal", args=["short"])).status_code == 404


def test_it_hides_unpublished_and_past_shifts(client, week):
    zhang = week.roster_people[0]
    Assignment.objects.filter(volunteer=zhang).update(published=False)
    page = client.get(reverse("duty:schedule_personal", args=[zhang.schedule_token])).content.decode()
    assert "08–16" not in page


def test_it_swaps_a_shift_after_approval(client, week):
    zhang, li, _wang, _zhao, qian = week.roster_people[:5]
    shift = Assignment.objects.filter(volunteer=zhang).order_by("date").first()
    url = reverse("duty:swap_request_create", args=[zhang.schedule_token])
    form = client.get(url + f"?shift={shift.pk}").content.decode()
    # 李 works that day, 赵 and 孙 cannot lead the shift, which needs a leader: only 钱 is offered.
    assert "钱*傅" in form and "李*长" not in form and "赵*姐" not in form and "孙*妹" not in form
    client.post(url, {"shift": shift.pk, "to_volunteer": li.pk, "reason": "x"})
    assert not SwapRequest.objects.exists()  # refused: 李 is busy that day
    response = client.post(url, {"shift": shift.pk, "to_volunteer": qian.pk, "reason": "家里有事"})
    assert response.status_code == 302
    swap = SwapRequest.objects.get()
    assert swap.status == "pending"

    client.force_login(week.users["carol"])
    assert "家里有事" in client.get(reverse("duty:swap_list")).content.decode()
    client.post(reverse("duty:swap_decide", args=[swap.pk]), {"decision": "approve"})
    shift.refresh_from_db()
    swap.refresh_from_db()
    assert shift.volunteer == qian and swap.status == "approved" and swap.decided_by == week.users["carol"]
    page = client.get(reverse("duty:schedule_personal", args=[qian.schedule_token])).content.decode()
    assert shift.date.strftime("%m-%d") in page


def test_it_refuses_a_swap_once_the_taker_got_a_shift_that_day(week):
    zhang, qian = week.roster_people[0], week.roster_people[4]
    shift = Assignment.objects.filter(volunteer=zhang).order_by("date").first()
    swap = services.swap_request_create(assignment=shift, to_volunteer=qian)
    Assignment.objects.create(plan=week.plan, volunteer=qian, date=shift.date, checkpoint=week.checkpoint,
                              template=week.shift_templates[1], published=True)
    with pytest.raises(Exception, match="Already has a shift that day"):
        services.swap_decide(user=week.users["carol"], swap=swap, approve=True)
    with pytest.raises(Exception, match="Already has a shift that day"):  # never, whatever the reason
        services.swap_decide(user=week.users["carol"], swap=swap, approve=True, override_reason="急需")
    shift.refresh_from_db()
    assert shift.volunteer == zhang


def test_it_lets_only_admins_decide_swaps(client, week):
    zhang, zhao = week.roster_people[0], week.roster_people[4]
    shift = Assignment.objects.filter(volunteer=zhang).first()
    swap = services.swap_request_create(assignment=shift, to_volunteer=zhao)
    client.force_login(week.users["dave"])
    assert client.post(reverse("duty:swap_decide", args=[swap.pk]), {"decision": "approve"}).status_code == 404
    swap.refresh_from_db()
    assert swap.status == "pending"
