"""A swap in a real browser: the volunteer's schedule QR (from their page) decodes to their
link, the volunteer opens it on a phone and asks for a swap among the people the rules allow,
the admin on a desktop sees only rule-abiding candidates and approves, and both schedules show
the change."""

import datetime as dt
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from fangxian.duty.models import Assignment, RosterPlan, SwapRequest
from tests.duty.matrix_rosters import roster_community
from tests.e2e.conftest import log_in, shot

# Reads the date or the hour: .ci/run runs it again at 03:00 and at 23:59 Asia/Shanghai.
pytestmark = [pytest.mark.browser, pytest.mark.clock_sensitive]

JSQR = Path(__file__).resolve().parents[2] / "fangxian/static/vendor/jsqr/jsQR.js"
NO_EVENINGS = {str(d): ["night", "morning", "afternoon"] for d in range(7)}


@pytest.fixture
def cast(transactional_db, two_grids):
    """A published two-day roster from tomorrow: 张 08–16, 李 16–24, 钱 00–08 on the first day,
    王 00–08, 张 08–16, 李 16–24 on the second. 王 gives no evenings; 赵 may lead."""
    roster_community(two_grids)
    zhang, li, wang, zhao, qian, _sun = two_grids.roster_people
    wang.availability = NO_EVENINGS
    wang.save()
    zhao.is_shift_leader = True
    zhao.save()
    morning, evening, night = two_grids.shift_templates
    first = timezone.localdate() + dt.timedelta(days=1)
    plan = RosterPlan.objects.create(community=two_grids.community, first_day=first, days=2,
                                     status=RosterPlan.Status.PUBLISHED, seconds=3)
    second = first + dt.timedelta(days=1)
    for person, date, template in ((zhang, first, morning), (li, first, evening), (qian, first, night),
                                   (wang, second, night), (zhang, second, morning), (li, second, evening)):
        Assignment.objects.create(plan=plan, volunteer=person, date=date, checkpoint=two_grids.checkpoint,
                                  template=template, published=True)
    two_grids.evening = Assignment.objects.get(volunteer=li, date=first)
    return two_grids


def decode_qr(page, svg: str) -> str | None:
    """Draw the SVG on a canvas in the page and read it with jsQR."""
    page.set_content("<canvas id=c width=600 height=600></canvas>")
    page.add_script_tag(content=JSQR.read_text())
    return page.evaluate("""async (svg) => {
        const markup = new XMLSerializer().serializeToString(
            new DOMParser().parseFromString(svg, "text/html").querySelector("svg"));
        const img = new Image();
        img.src = "data:image/svg+xml;charset=utf-8," + encodeURIComponent(markup);
        await img.decode();
        const c = document.getElementById("c"), ctx = c.getContext("2d");
        ctx.fillStyle = "#fff"; ctx.fillRect(0, 0, 600, 600);
        ctx.drawImage(img, 20, 20, 560, 560);
        const data = ctx.getImageData(0, 0, 600, 600);
        const code = jsQR(data.data, 600, 600);
        return code ? code.data : null;
    }""", svg)


def test_a_volunteer_swaps_a_shift_from_the_qr_and_the_admin_approves(live_server, cast, phone, desktop):
    li, zhao = cast.roster_people[1], cast.roster_people[3]
    log_in(desktop, live_server, "carol", "pw-carol")
    desktop.goto(live_server.url + reverse("duty:volunteer_detail", args=[li.pk]))
    shot(desktop, "desktop-duty-volunteer-schedule-qr")
    svg = desktop.locator(".schedule-link svg").evaluate("e => e.outerHTML")
    assert "viewBox" in svg

    # The QR scales on a phone: the admin's page at 360 px shows it whole.
    log_in(phone, live_server, "carol", "pw-carol")
    phone.goto(live_server.url + reverse("duty:volunteer_detail", args=[li.pk]))
    box = phone.locator(".schedule-link svg").bounding_box()
    assert box and 100 < box["width"] <= 360 and abs(box["width"] - box["height"]) < 2
    shot(phone, "phone-duty-volunteer-schedule-qr")
    phone.context.clear_cookies()  # the volunteer's own phone: no login

    url = decode_qr(phone, svg)
    assert url == live_server.url + reverse("duty:schedule_personal", args=[li.schedule_token])
    phone.goto(url)
    shot(phone, "phone-duty-schedule-before-swap")
    phone.locator(f"a[href$='?shift={cast.evening.pk}']").click()
    picker = phone.locator("ul.picker")
    names = picker.inner_text()
    assert "赵*姐" in names and "王*年" not in names and "钱*傅" not in names and "张*班" not in names
    shot(phone, "phone-duty-swap-picker")
    phone.locator(f"input[name=to_volunteer][value='{zhao.pk}']").check()
    phone.fill("input[name=reason]", "家里有事")
    phone.locator("form.stacked button.btn").click()
    phone.wait_for_url(url)
    swap = SwapRequest.objects.get()
    assert swap.to_volunteer == zhao and swap.status == "pending"

    # The admin sees only rule-abiding candidates for that shift, and approves.
    desktop.goto(live_server.url + reverse("duty:assignment_edit", args=[cast.evening.pk]))
    candidates = desktop.locator("ul.picker").inner_text()
    assert "赵大姐" in candidates and "王青年" not in candidates and "钱师傅" not in candidates
    shot(desktop, "desktop-duty-assignment-edit")
    desktop.goto(live_server.url + reverse("duty:swap_list"))
    shot(desktop, "desktop-duty-swap-list")
    desktop.once("dialog", lambda dialog: dialog.accept())
    desktop.locator("form.inline", has=desktop.locator("input[value=approve]")).locator("button").click()
    desktop.wait_for_url("**/duty/swaps/?status=approved")
    shot(desktop, "desktop-duty-swap-approved")
    swap.refresh_from_db()
    assert swap.status == "approved"

    day = cast.evening.date.strftime("%m-%d")
    phone.goto(url)
    mine = phone.locator("section.card").all_inner_texts()
    assert not any(day in card and "16" in card and "24" in card for card in mine)  # 李's evening is gone
    shot(phone, "phone-duty-schedule-after-swap")
    phone.goto(live_server.url + reverse("duty:schedule_personal", args=[zhao.schedule_token]))
    theirs = phone.locator("section.card").all_inner_texts()
    assert any(day in card and "16–24" in card for card in theirs)
    shot(phone, "phone-duty-schedule-taker")
