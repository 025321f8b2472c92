"""A returnee's whole way on a phone (360 × 740), through the real pages: the resident's pass
on the phone page, decoded from a screenshot, scans green; self-registration
with a companion; the grid worker puts them into home quarantine, with the household; every
member's pass is red "in home quarantine until …" at the checkpoint console (not "revoked");
two check-ins through the person's link; the grid worker asks for an early release, the
community admin approves it after a confirmation; the same cards are green again, and the
companion, who had none, gets a new one.

Set-up only (not the flow): a checkpoint at an entrance of the estate; the returnee is a
resident of a grid-B dwelling who already holds a pass, and so does a co-resident.
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from fangxian.access import services as access
from fangxian.access.models import Pass
from fangxian.registry.models import Dwelling
from fangxian.returnees.models import CheckIn, Quarantine, Registration
from tests.access.conftest import make_checkpoint
from tests.e2e.conftest import PHONE, close_when_idle, log_in, new_context, shot
from tests.e2e.qr import decode_qr_png, screenshot_qr
from tests.factories import PersonFactory, make_national_id

# Reads the date or the hour: .ci/run runs it again at 03:00 and at 23:59 Asia/Shanghai.
pytestmark = [pytest.mark.browser, pytest.mark.clock_sensitive, pytest.mark.usefixtures("frozen_clock_or_ci_clock")]

COMPANION_NAME = "李同行"


@pytest.fixture
def flow(transactional_db, two_grids):
    carol = two_grids.users["carol"]
    two_grids.checkpoint = make_checkpoint(two_grids.estate, name="东门")
    two_grids.returnee = two_grids.person_b
    two_grids.old_pass = access.pass_issue(person=two_grids.returnee, user=carol)
    two_grids.old_pass_text = access.pass_qr_text(two_grids.old_pass)
    two_grids.co_resident = PersonFactory(dwelling=two_grids.returnee.dwelling)
    two_grids.co_pass = access.pass_issue(person=two_grids.co_resident, user=carol)
    two_grids.companion_id = make_national_id(sex="F")
    return two_grids


def _staff_page(browser, live_server, username):
    context = new_context(browser, viewport=PHONE, locale="zh-CN", device_scale_factor=1)
    page = context.new_page()
    log_in(page, live_server, username, f"pw-{username}")
    return context, page


def _open_console(page, live_server, checkpoint):
    page.goto(live_server.url + reverse("access:console", args=[checkpoint.pk]))
    page.wait_for_selector("body[data-ready='1']")
    page.wait_for_function("document.body.dataset.bundle !== undefined && document.body.dataset.bundle !== ''")


def _scan(page, text: str) -> dict:
    before = page.get_attribute("body", "data-recorded")
    page.fill("#scan-input", text)
    page.press("#scan-input", "Enter")
    page.wait_for_function("(before) => (document.body.dataset.recorded ?? null) !== before", arg=before)
    verdict = page.locator("#verdict")
    return {"verdict": verdict.get_attribute("data-verdict"), "reason": verdict.get_attribute("data-reason"),
            "visible": verdict.is_visible(), "word": page.inner_text("#verdict-word"),
            "text": page.inner_text("#verdict-reason")}


def _no_overflow(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], page.url


def test_a_returnee_registers_is_quarantined_checks_in_and_is_released(browser, live_server, flow, phone):
    returnee, dwelling = flow.returnee, flow.returnee.dwelling
    assert Pass.objects.filter(person=returnee, revoked_at__isnull=True).count() == 1

    # 0. The resident's pass on their phone: read from a screenshot with the console's own
    # decoder, it scans green at the gate. This text is the one scanned again below.
    phone.goto(live_server.url + reverse("access:pass_phone", args=[flow.old_pass.phone_token]))
    on_screen = decode_qr_png(browser, screenshot_qr(phone, ".qr-big svg"))
    assert on_screen and on_screen.startswith(access.PASS_PREFIX), "the phone pass decodes"
    flow.old_pass_text = on_screen
    erin_context, erin = _staff_page(browser, live_server, "erin")
    try:
        _open_console(erin, live_server, flow.checkpoint)
        seen = _scan(erin, on_screen)
        assert (seen["verdict"], seen["reason"]) == ("green", "ok"), seen
    finally:
        close_when_idle(erin_context)

    # 1. The returnee registers on the public page, with one companion, and consents.
    phone.goto(live_server.url + reverse("returnees:register", args=[flow.community.code]))
    _no_overflow(phone)
    phone.fill("#id_name", returnee.name)
    phone.fill("#id_national_id", returnee.national_id)
    phone.fill("#id_phone", "13912340000")
    phone.select_option("#id_building", str(flow.building_b.pk))
    phone.fill("#id_room", dwelling.room)
    phone.fill("#id_from_province", "湖北省")
    phone.fill("#id_from_city", "武汉市")
    phone.fill("#id_from_district", "江汉区")
    phone.fill("#id_route", "武汉→深圳")
    phone.fill("#id_transport", "G1001")
    phone.fill("#id_arrival_date", timezone.localdate().isoformat())
    phone.fill("#id_temperature", "36.4")
    phone.fill("#id_companion_0_name", COMPANION_NAME)
    phone.fill("#id_companion_0_national_id", flow.companion_id)
    phone.fill("#id_companion_0_relation", "配偶")
    assert phone.is_hidden("#id_companion_1_name"), "one companion row is shown, the others on demand"
    phone.check("#id_consent")
    shot(phone, "returnee-flow-1-register")
    phone.click("form.stacked button.btn:not([type=button])")
    phone.wait_for_selector("h1")
    done = phone.inner_text("main") if phone.locator("main").count() else phone.inner_text("body")
    assert "谢谢" in done or "Thank you" in done, done
    assert flow.community.name in done and "1" in done
    shot(phone, "returnee-flow-2-registered")
    registration = Registration.objects.get()
    assert (registration.status, registration.national_id, registration.dwelling) == (
        Registration.Status.PENDING, returnee.national_id, dwelling)
    assert list(registration.companions.values_list("name", flat=True)) == [COMPANION_NAME]
    assert registration.consent_version and registration.consent_at

    # 2. Bob, the grid worker of grid B, finds it in the queue and decides home quarantine.
    bob_context, bob = _staff_page(browser, live_server, "bob")
    try:
        bob.goto(live_server.url + reverse("returnees:queue"))
        _no_overflow(bob)
        bob.click(f"a[href='{reverse('returnees:registration_detail', args=[registration.pk])}']")
        bob.wait_for_selector("input[name=decision][value=home_quarantine]")
        assert COMPANION_NAME in bob.inner_text("body")
        bob.check("input[name=decision][value=home_quarantine]")
        bob.fill("#id_days", "14")
        bob.fill("#id_reason", "来自高风险地区，居家隔离")
        shot(bob, "returnee-flow-3-review")
        bob.click("form[action$='/review/'] button")
        bob.wait_for_selector(".messages")
        registration.refresh_from_db()
        assert registration.status == Registration.Status.HOME_QUARANTINE
        assert registration.person == returnee
        quarantines = {q.person.name: q for q in Quarantine.objects.select_related("person")}
        assert set(quarantines) == {returnee.name, COMPANION_NAME, flow.co_resident.name}  # the household
        assert {q.status for q in quarantines.values()} == {Quarantine.Status.ACTIVE}
        mine = quarantines[returnee.name]
        assert f"{mine.starts_on:%Y-%m-%d} – {mine.planned_end:%Y-%m-%d}" in bob.inner_text("body")
        assert registration.get_status_display() in bob.inner_text("h1")
        dwelling.refresh_from_db()
        assert dwelling.status == Dwelling.Status.QUARANTINE
        for pass_ in (flow.old_pass, flow.co_pass):  # held back, not revoked
            pass_.refresh_from_db()
            assert (pass_.revoked_at, pass_.status) == (None, "suspended")
        shot(bob, "returnee-flow-4-reviewed")

        # Bob opens the quarantine page: it shows the check-in link he sends to the person.
        bob.click(f"a[href='{reverse('returnees:quarantine_detail', args=[mine.pk])}']")
        link = bob.get_attribute("input[readonly][value*='/returnees/c/']", "value")
        assert link == live_server.url + reverse("returnees:checkin", args=[mine.checkin_token])

        # 3. At the checkpoint console every member's pass is red: in home quarantine, with the end.
        erin_context, erin = _staff_page(browser, live_server, "erin")
        try:
            _open_console(erin, live_server, flow.checkpoint)
            for text in (flow.old_pass_text, access.pass_qr_text(flow.co_pass)):
                seen = _scan(erin, text)
                assert (seen["verdict"], seen["reason"], seen["visible"]) == ("red", "quarantine", True), seen
                assert "禁止通行" in seen["word"] and f"{mine.planned_end:%Y-%m-%d}" in seen["text"], seen
                assert "作废" not in seen["text"], seen  # not "revoked": the volunteer tells it from a move-out
                shot(erin, "returnee-flow-5-console-red")
                erin.click("#verdict-close")

            # 4. The person checks in twice through the link, on their own phone (no login).
            for temperature in ("36.5", "36.7"):
                phone.goto(link)
                _no_overflow(phone)
                phone.fill("#id_temperature", temperature)
                phone.click("form.stacked button.btn")
                phone.wait_for_selector("[role=status]")
                assert temperature in phone.inner_text("body")
            shot(phone, "returnee-flow-6-checked-in")
            checkins = CheckIn.objects.filter(quarantine=mine)
            assert checkins.count() == 2
            assert sorted(str(c.temperature) for c in checkins) == ["36.5", "36.7"]
            assert all(c.by_person and not c.alert for c in checkins)

            # 5. Bob asks for an early release (two negative tests); carol, the admin, approves it.
            bob.goto(live_server.url + reverse("returnees:quarantine_detail", args=[mine.pk]))
            ask = bob.locator("form[action$='/change/']")
            ask.locator("input[name=kind][value=early_release]").check()
            ask.locator("input[name=reason]").fill("两次核酸阴性，申请提前解除")
            ask.locator("button").click()
            bob.wait_for_selector("#pending-change")
            assert Quarantine.objects.filter(status=Quarantine.Status.ACTIVE).count() == 3  # nothing yet
            shot(bob, "returnee-flow-7-early-release-asked")
            carol_context, carol = _staff_page(browser, live_server, "carol")
            try:
                carol.goto(live_server.url + reverse("returnees:quarantine_detail", args=[mine.pk]))
                _no_overflow(carol)
                asked = []
                carol.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
                carol.locator("#pending-change form.inline button").click()
                carol.wait_for_selector(".messages")
                assert len(asked) == 1, "approving asks first"
                shot(carol, "returnee-flow-8-released")
            finally:
                carol_context.close()
            today = timezone.localdate()
            assert set(Quarantine.objects.values_list("status", "ended_on")) == {
                (Quarantine.Status.RELEASED, today)}
            dwelling.refresh_from_db()
            assert dwelling.status == Dwelling.Status.OCCUPIED

            # 6. The same cards are green again (reloaded: a fresh bundle); the companion's new one too.
            [companion_pass] = Pass.objects.filter(person__name=COMPANION_NAME)
            erin.reload()
            erin.wait_for_selector("body[data-ready='1']")
            erin.wait_for_function("document.body.dataset.bundle !== undefined && document.body.dataset.bundle !== ''")
            for pass_ in (flow.old_pass, flow.co_pass, companion_pass):
                seen = _scan(erin, access.pass_qr_text(pass_))
                assert (seen["verdict"], seen["visible"]) == ("green", True), seen
                assert "放行" in seen["word"] and "有效" in seen["text"], seen  # "pass", "pass valid"
                shot(erin, "returnee-flow-9-console-green")
                erin.click("#verdict-close")
        finally:
            erin_context.close()
    finally:
        bob_context.close()

    registration.refresh_from_db()
    assert registration.status == Registration.Status.HOME_QUARANTINE
    assert CheckIn.objects.filter(quarantine__person=returnee).count() == 2
    assert Dwelling.objects.get(pk=dwelling.pk).status == Dwelling.Status.OCCUPIED
