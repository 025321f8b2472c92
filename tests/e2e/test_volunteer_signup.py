"""A resident signs up to volunteer on a phone (360 × 740), ticking the availability grid;
the community admin then finds the waiting sign-up, highlighted, and approves it. And every
volunteer page, at phone width and on a desktop, fits the screen."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.urls import reverse

from fangxian.duty.models import Volunteer
from tests.access.conftest import make_checkpoint
from tests.duty.matrix_volunteers import PAGES, equip
from tests.e2e.conftest import PHONE, log_in, new_context, shot

pytestmark = pytest.mark.browser


@pytest.fixture
def cast(transactional_db, two_grids):
    cache.clear()  # the sign-up's rate limit
    two_grids.checkpoint = make_checkpoint(two_grids.estate, name="东门")
    equip(two_grids)
    return two_grids


def _overflow(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def test_a_resident_signs_up_on_a_phone_and_the_admin_sees_it(browser, live_server, cast, phone):
    phone.goto(live_server.url + reverse("duty:signup", args=[cast.community.code]))
    assert _overflow(phone) <= 0
    phone.fill("#id_name", "黄秀英")
    phone.fill("#id_phone", "13912345678")
    phone.fill("#id_birth_year", "1968")
    phone.select_option("#id_group", str(cast.estate.group_id))
    # Monday and Saturday mornings, Sunday night: three taps on the grid.
    for value in ("0:morning", "5:morning", "6:night"):
        box = phone.locator(f"input[name=availability][value='{value}']")
        box.scroll_into_view_if_needed()
        box.click()
        assert box.is_checked(), value
    box = phone.locator("input[name=availability][value='0:morning']").bounding_box()
    assert box["width"] >= 22 and box["height"] >= 22, "tick boxes big enough for a thumb"
    phone.select_option("#id_preferred_checkpoint", str(cast.checkpoint.pk))
    phone.check("#id_is_party_member")
    phone.check("#id_has_first_aid")
    phone.fill("#id_application", "我是一名共产党员，疫情就是命令，我自愿报名参加卡口值守。")
    phone.check("#id_consent")
    shot(phone, "volunteer-signup-1-filled")
    phone.click("form.stacked button.btn:not([type=button])")
    phone.wait_for_selector("h1")
    assert "感谢" in phone.inner_text("main") or "Thank you" in phone.inner_text("main")
    shot(phone, "volunteer-signup-2-done")
    volunteer = Volunteer.objects.get(phone="13912345678")
    assert volunteer.status == Volunteer.Status.PENDING
    assert volunteer.availability == {"0": ["morning"], "5": ["morning"], "6": ["night"]}
    assert volunteer.is_party_member and volunteer.has_first_aid and volunteer.preferred_checkpoint == cast.checkpoint

    context = new_context(browser, viewport=PHONE, locale="zh-CN", device_scale_factor=1)
    admin = context.new_page()
    try:
        log_in(admin, live_server, "carol", "pw-carol")
        admin.goto(live_server.url + reverse("duty:volunteer_list"))
        row = admin.locator("tr.pending:not(.decide-row)", has_text="黄秀英")
        assert row.count() == 1 and "139****5678" in row.inner_text()
        # The approve button is on the screen without scrolling the table sideways.
        approve = row.locator("xpath=following-sibling::tr[1]").get_by_role("button", name="通过", exact=True)
        box = approve.bounding_box()
        assert box and box["x"] + box["width"] <= PHONE["width"], box
        shot(admin, "volunteer-signup-3-admin-list")
        admin.click(f"a[href='{reverse('duty:volunteer_detail', args=[volunteer.pk])}']")
        assert "疫情就是命令" in admin.inner_text("main")
        assert admin.locator("table.availability td.on").count() == 3
        admin.go_back()
        admin.once("dialog", lambda dialog: dialog.accept())
        approve.click()
        admin.wait_for_selector(".messages")
        volunteer.refresh_from_db()
        assert volunteer.status == Volunteer.Status.APPROVED
        assert admin.locator("tr.pending:not(.decide-row)", has_text="黄秀英").count() == 0
        shot(admin, "volunteer-signup-4-approved")
    finally:
        context.close()


@pytest.mark.parametrize("width", ["phone", "desktop"])
def test_it_fits_every_volunteer_page_on_the_screen(request, live_server, cast, width):
    page = request.getfixturevalue(width)
    log_in(page, live_server, "carol", "pw-carol")
    for name, (method, pk_of, _expected) in PAGES.items():
        url = reverse(name, args=[pk_of(cast)] if pk_of else [])
        if method != "get" or url.endswith((".pdf", ".xlsx")):
            continue
        response = page.goto(live_server.url + url)
        assert response.status == 200, name
        shot(page, f"{width}-{name.replace(':', '-')}")
        assert _overflow(page) <= 0, f"{name} is wider than the {width} screen"
