"""Closed management's office pages in a real browser: the readiness checklist on a phone, a
pass revoked through its confirm dialog, the phone pass, the passages chart."""

import pytest
from django.urls import reverse

from fangxian.access.models import READINESS_KEYS, Pass, ReadinessCheck
from tests.e2e.conftest import log_in, shot

pytestmark = pytest.mark.browser


@pytest.fixture
def cast(transactional_db, two_grids):
    from tests.core.test_scope_matrix import cast as matrix_cast

    return matrix_cast.__wrapped__(two_grids)


def test_it_ticks_the_readiness_checklist_on_a_phone(live_server, cast, phone):
    log_in(phone, live_server, "carol", "pw-carol")
    phone.goto(live_server.url + reverse("access:checkpoint_list"))
    phone.get_by_text("勾选今日检查清单").click()
    for key in READINESS_KEYS:
        phone.check(f"input[name=items][value={key}]")
    shot(phone, "phone-access-readiness-ticking")
    phone.click("form.checklist button")
    phone.wait_for_selector(".messages .success")
    assert phone.locator("p.ok").count() == 1
    shot(phone, "phone-access-readiness-done")
    assert ReadinessCheck.objects.get().complete


def test_it_revokes_a_pass_after_the_confirm_dialog(live_server, cast, desktop):
    log_in(desktop, live_server, "carol", "pw-carol")
    desktop.goto(live_server.url + reverse("access:pass_detail", args=[cast.pass_a.pk]))
    assert desktop.locator(".qr-box svg").count() == 1
    desktop.get_by_text("作废此通行证").click()
    desktop.select_option("select[name=reason]", "moved_out")
    dialogs = []
    desktop.once("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.accept()))
    desktop.get_by_role("button", name="作废", exact=True).click()
    desktop.wait_for_selector(".messages .success")
    assert dialogs and Pass.objects.get(pk=cast.pass_a.pk).revoke_reason == "moved_out"
    assert desktop.locator(".qr-box svg").count() == 0
    shot(desktop, "desktop-access-pass-revoked")


def test_it_shows_the_phone_pass_big_on_a_phone(live_server, cast, phone):
    phone.goto(live_server.url + reverse("access:pass_phone", args=[cast.pass_a.phone_token]))
    box = phone.locator(".qr-big svg").bounding_box()
    assert box["width"] >= 280 and box["x"] >= 0 and box["x"] + box["width"] <= 360
    assert phone.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    shot(phone, "phone-access-pass-phone-anonymous")


def test_it_draws_the_passages_chart(live_server, cast, desktop):
    log_in(desktop, live_server, "dave", "pw-dave")
    desktop.goto(live_server.url + reverse("access:passage_list"))
    desktop.wait_for_selector("#chart canvas")
    shot(desktop, "desktop-access-passages-chart-officer")
