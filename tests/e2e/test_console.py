"""The checkpoint console in a phone's browser: offline scans, an offline reload, the sync.

Debian's Chromium through Playwright at 360 × 740. The scanner is the text a USB scanner
types (the QR text and Enter); the camera is not used here.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import time

import pytest
import segno
from cryptography.hazmat.primitives.asymmetric import ec
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from fangxian.access import passcodec, services
from fangxian.access.models import FeverAlert, Pass, Scan
from fangxian.access.passes import passes_restore, passes_suspend
from fangxian.accounts.models import Role
from fangxian.core.scope import Scope
from fangxian.returnees import services as returnees
from tests.access.conftest import make_checkpoint
from tests.e2e.conftest import CHROMIUM, PHONE, close_when_idle, log_in, new_context, shot
from tests.e2e.qr import console_scan, open_console
from tests.factories import BuildingFactory, CommunityFactory, DwellingFactory, EstateFactory, PersonFactory, make_user
from tests.returnees.conftest import register

# Reads the date or the hour: .ci/run runs it again at 03:00 and at 23:59 Asia/Shanghai.
pytestmark = [pytest.mark.browser, pytest.mark.clock_sensitive, pytest.mark.django_db(transaction=True),
              pytest.mark.usefixtures("frozen_clock_or_ci_clock")]

PASSES = 20


@pytest.fixture
def gate(transactional_db):
    community = CommunityFactory()
    estate = EstateFactory(community=community, name="海景花园")
    building = BuildingFactory(estate=estate, name="3栋")
    carol = make_user("carol", Role.COMMUNITY_ADMIN, community)
    erin = make_user("erin", Role.CHECKPOINT_VOLUNTEER, community)
    checkpoint = make_checkpoint(estate, name="东门")
    people = [PersonFactory(dwelling=DwellingFactory(building=building, room=f"{101 + i}")) for i in range(PASSES + 2)]
    passes = [services.pass_issue(person=person, user=carol) for person in people]
    revoked = passes.pop()
    services.pass_revoke(pass_=revoked, reason=Pass.RevokeReason.MOVED_OUT, user=carol)
    feverish = passes.pop()
    return type("Gate", (), dict(community=community, estate=estate, checkpoint=checkpoint, carol=carol, erin=erin,
                                 passes=passes, revoked=revoked, feverish=feverish))


def _context(browser, **extra):
    return new_context(browser, viewport=PHONE, locale="zh-CN", device_scale_factor=1, **extra)


def _open_console(page, live_server, gate):
    return open_console(page, live_server, gate.checkpoint)


def _wait_until_kept_for_offline(page, url):
    """The service worker controls the page and holds a copy of it."""
    page.wait_for_function("navigator.serviceWorker.controller !== null", timeout=15000)
    page.wait_for_function(
        """async (url) => {
             const cache = await caches.open("fx-console-pages");
             return !!(await cache.match(new URL(url).pathname));
           }""",
        arg=url, timeout=15000,
    )


def _scan(page, text: str, expected_count: int) -> dict:
    return console_scan(page, text, expected_count)


def _unsent(page) -> int:
    return int(page.get_attribute("#outbox", "data-count"))


def test_it_scans_offline_survives_a_reload_and_sends_everything_once(browser, live_server, gate):
    context = _context(browser)
    page = context.new_page()
    try:
        log_in(page, live_server, "erin", "pw-erin")
        url = _open_console(page, live_server, gate)
        _wait_until_kept_for_offline(page, url)
        shot(page, "console-phone-ready")

        context.set_offline(True)
        page.wait_for_selector("#net[data-state='offline']")
        count = 0
        for pass_ in gate.passes:
            count += 1
            seen = _scan(page, services.pass_qr_text(pass_), count)
            assert seen["verdict"] == "green", (pass_.pk, seen)
        shot(page, "console-phone-green")

        count += 1
        seen = _scan(page, services.pass_qr_text(gate.revoked), count)
        assert (seen["verdict"], seen["reason"]) == ("red", "revoked")
        shot(page, "console-phone-revoked")
        page.click("#verdict-close")

        for key in "38.1":
            page.click(f"#pad button[data-key='{key}']")
        assert page.inner_text("#temp-value") == "38.1"
        count += 1
        seen = _scan(page, services.pass_qr_text(gate.feverish), count)
        assert (seen["verdict"], seen["reason"]) == ("red", "fever")
        shot(page, "console-phone-fever")
        page.click("#verdict-close")

        assert _unsent(page) == PASSES + 2
        assert Scan.objects.count() == 0, "nothing reached the server while offline"

        # A reload without network: the service worker serves the page, IndexedDB the events.
        response = page.reload()
        assert response is not None and response.from_service_worker
        page.wait_for_selector("body[data-ready='1']")
        assert page.get_attribute("body", "data-bundle"), "the bundle survives the reload"
        assert _unsent(page) == PASSES + 2
        shot(page, "console-phone-offline-reload")

        context.set_offline(False)
        page.wait_for_function("document.querySelector('#outbox').dataset.count === '0'", timeout=30000)
        # A second round of sending has nothing left to send and changes nothing.
        page.evaluate("window.fxConsole.sync()")
    finally:
        close_when_idle(context)

    assert Scan.objects.count() == PASSES + 2
    assert Scan.objects.values("event_id").distinct().count() == PASSES + 2
    per_pass = dict(Scan.objects.values_list("pass_obj").annotate(n=Count("pk")))
    assert per_pass == {p.pk: 1 for p in [*gate.passes, gate.revoked, gate.feverish]}
    green = Scan.objects.filter(pass_obj__in=gate.passes)
    assert set(green.values_list("device_verdict", "server_verdict", "disagreement")) == {("green", "green", False)}
    assert list(green.order_by("device_seq").values_list("device_seq", flat=True)) == list(range(1, PASSES + 1))
    revoked = Scan.objects.get(pass_obj=gate.revoked)
    assert (revoked.device_verdict, revoked.server_verdict, revoked.server_reason) == ("red", "red", "revoked")
    alert = FeverAlert.objects.get()
    assert str(alert.temperature) == "38.1" and alert.checkpoint == gate.checkpoint
    assert alert.scan.pass_obj == gate.feverish and alert.scan.device_verdict == "red"

    # The duty officer (the community admin) sees the alert.
    context = _context(browser)
    page = context.new_page()
    try:
        log_in(page, live_server, "carol", "pw-carol")
        page.goto(live_server.url + reverse("access:fever_alert_list"))
        card = page.locator(f"#alert-{alert.pk}")
        assert card.count() == 1
        assert "38.1" in card.inner_text() and gate.checkpoint.name in card.inner_text()
        shot(page, "console-fever-alert-seen")
    finally:
        close_when_idle(context)


def test_it_turns_away_registers_a_visitor_and_admits_by_hand_after_a_lookup(browser, live_server, gate):
    resident = gate.passes[0].person
    context = _context(browser)
    page = context.new_page()
    try:
        log_in(page, live_server, "erin", "pw-erin")
        _open_console(page, live_server, gate)

        # No camera on this machine: the console says so and the scanner input still works.
        page.click("#camera-toggle")
        page.wait_for_selector("#notice:not([hidden])")
        assert page.is_hidden("#camera")

        # An impossible temperature stops the scan, and keeps the code for a second try.
        page.click("#pad button[data-key='5']")
        text = services.pass_qr_text(gate.passes[1])
        page.fill("#scan-input", text)
        page.press("#scan-input", "Enter")
        page.wait_for_function("document.querySelector('#notice').textContent.includes('34.0')")
        assert page.input_value("#scan-input") == text and page.get_attribute("body", "data-recorded") is None
        page.click("#pad button[data-key='back']")
        page.fill("#scan-input", "")

        page.click("[data-direction='out']")
        page.click("#open-refusal")
        page.check("#refusal input[name='reason'][value='']")
        page.fill("#refusal input[name='reason_other']", "快递员要求进入")
        page.click("#visitor summary")
        page.fill("#refusal input[name='visitor_name']", "李四")
        page.fill("#refusal input[name='visitor_phone']", "1390000")
        shot(page, "console-phone-refusal")
        page.click("#refusal button[type=submit]")
        assert "11" in page.inner_text("#refusal-error"), "a bad mobile number is refused in the form"
        page.fill("#refusal input[name='visitor_phone']", "13900001111")
        page.fill("#refusal input[name='visitor_visiting']", "3栋101")
        page.fill("#refusal input[name='visitor_why']", "送快递")
        page.click("#refusal button[type=submit]")
        page.wait_for_function("document.body.dataset.recorded === '1'")
        assert page.get_attribute("#verdict", "data-verdict") == "red"
        assert "快递员要求进入" in page.inner_text("#verdict-reason")
        page.click("#verdict-close")

        page.click("[data-direction='in']")
        page.click("#open-lookup")
        page.fill("#lookup input[name='building']", resident.dwelling.building.name)
        page.fill("#lookup input[name='room']", resident.dwelling.room)
        page.click("#lookup-form button[type=submit]")
        page.wait_for_selector("#lookup-results button.result")
        listed = page.inner_text("#lookup-results")
        assert resident.name not in listed and resident.name[0] in listed  # masked
        assert resident.phone not in listed and resident.national_id not in listed
        shot(page, "console-phone-lookup")
        page.click("#lookup-results button.result")
        page.fill("#manual-form input[name='reason']", "忘带通行证")
        page.click("#manual-form button[type=submit]")
        page.wait_for_function("document.body.dataset.recorded === '2'")
        assert page.get_attribute("#verdict", "data-verdict") == "green"
        page.wait_for_function("document.querySelector('#outbox').dataset.count === '0'", timeout=20000)
    finally:
        close_when_idle(context)

    refusal = Scan.objects.get(kind="refusal")
    assert (refusal.direction, refusal.reason, refusal.device_verdict) == ("out", "快递员要求进入", "red")
    assert (refusal.visitor_name, refusal.visitor_phone, refusal.visitor_visiting, refusal.visitor_why) == (
        "李四", "13900001111", "3栋101", "送快递")
    manual = Scan.objects.get(kind="manual")
    assert (manual.direction, manual.person, manual.reason) == ("in", resident, "忘带通行证")
    assert (manual.device_verdict, manual.server_verdict) == ("green", "green")


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_it_reads_in_sunlight_and_at_night(browser, live_server, gate, scheme):
    context = _context(browser, color_scheme=scheme)
    page = context.new_page()
    try:
        log_in(page, live_server, "erin", "pw-erin")
        _open_console(page, live_server, gate)
        background = page.evaluate("getComputedStyle(document.body).backgroundColor")
        assert background == ("rgb(0, 0, 0)" if scheme == "dark" else "rgb(255, 255, 255)")
        shot(page, f"console-phone-{scheme}")
        _scan(page, services.pass_qr_text(gate.passes[0]), 1)
        shot(page, f"console-phone-{scheme}-green")
        page.click("#verdict-close")
        _scan(page, "FX1:NOT-A-PASS", 2)
        assert page.get_attribute("#verdict", "data-reason") == "unreadable"
        shot(page, f"console-phone-{scheme}-red")
        page.click("#verdict-close")
        # The toggle overrides the system's choice, and is remembered.
        page.click("#theme")
        flipped = page.evaluate("getComputedStyle(document.body).backgroundColor")
        assert flipped != background
        page.reload()
        page.wait_for_selector("body[data-ready='1']")
        assert page.evaluate("getComputedStyle(document.body).backgroundColor") == flipped
        # Nothing on the page is wider than the phone.
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    finally:
        close_when_idle(context)


# -- the bundle: trust, age ----------------------------------------------------------------

def _server_bundle_body(checkpoint) -> dict:
    """The body (claim -70002) of the bundle the server makes now."""
    real = services.bundle_build(checkpoint=checkpoint)
    keys = services.verification_keys(checkpoint.community_id, timezone.now())
    claims = passcodec.decode(real["bundle"], prefix="FXB1:", keys=keys, now=timezone.now())
    return dict(claims[-70002])


def _signed_bundle(body: dict, private_key, *, iat: int | None = None) -> dict:
    iat = int(timezone.now().timestamp()) if iat is None else iat
    text = passcodec.encode({6: iat, 4: iat + body["max_age"], -70002: body}, prefix="FXB1:",
                            private_key=private_key, kid=passcodec.key_id(private_key))
    return {"bundle": text, "version": body["version"], "max_age": body["max_age"]}


def _key_entry(private_key) -> dict:
    return {"kid": passcodec.key_id(private_key), "alg": -7, "jwk": passcodec.public_key_jwk(private_key)}


def _serve_bundle(page, answer: dict | None):
    """From now on the console's bundle requests get `answer` (None: the network fails)."""
    page.unroute("**/api/v1/access/bundle*")
    if answer is None:
        page.route("**/api/v1/access/bundle*", lambda route: route.abort())
    else:
        page.route("**/api/v1/access/bundle*", lambda route: route.fulfill(json=answer))


def _bundle_version(page) -> int:
    page.evaluate("window.fxConsole.refreshBundle()")
    return int(page.get_attribute("body", "data-bundle") or 0)


def test_it_takes_bundles_only_from_keys_it_already_trusts(browser, live_server, gate):
    current = services.private_key_of(services.signing_key_current(community=gate.community))
    context = _context(browser)
    page = context.new_page()
    try:
        log_in(page, live_server, "erin", "pw-erin")
        _open_console(page, live_server, gate)
        body = _server_bundle_body(gate.checkpoint)
        pinned = int(page.get_attribute("body", "data-bundle"))
        assert pinned == body["version"]

        # A bundle signed by a stranger's key, however new, is refused; it cannot clear the
        # revocations either.
        stranger = ec.generate_private_key(ec.SECP256R1())
        forged = {**body, "version": pinned + 100, "revoked": [], "keys": [_key_entry(stranger)]}
        _serve_bundle(page, _signed_bundle(forged, stranger))
        assert _bundle_version(page) == pinned
        assert page.is_visible("#notice") and page.is_hidden("#retrust")  # erin is no admin
        assert _scan(page, services.pass_qr_text(gate.revoked), 1)["reason"] == "revoked"
        page.click("#verdict-close")

        # An older bundle, even rightly signed, is refused.
        _serve_bundle(page, _signed_bundle({**body, "version": pinned - 1}, current))
        assert _bundle_version(page) == pinned

        # A rotation: the bundle signed with the trusted key lists the old and the new key;
        # then a bundle signed by the new key alone is taken, and so are its passes.
        new = ec.generate_private_key(ec.SECP256R1())
        _serve_bundle(page, _signed_bundle(
            {**body, "version": pinned + 1, "keys": [*body["keys"], _key_entry(new)]}, current))
        assert _bundle_version(page) == pinned + 1
        _serve_bundle(page, _signed_bundle({**body, "version": pinned + 2, "keys": [_key_entry(new)]}, new))
        assert _bundle_version(page) == pinned + 2
        fresh_pass = passcodec.encode(
            passcodec.pass_claims(cti=bytes(range(16)), iat=timezone.now(), exp=timezone.now() + dt.timedelta(days=1),
                                  estate=gate.estate.pk, kind="resident"),
            prefix="FX1:", private_key=new, kid=passcodec.key_id(new))
        assert _scan(page, fresh_pass, 2)["verdict"] == "green"
        page.click("#verdict-close")
        # The old key is no longer trusted once a bundle leaves it out.
        assert _scan(page, services.pass_qr_text(gate.passes[0]), 3)["reason"] == "signature"
    finally:
        close_when_idle(context)


def test_it_shows_amber_on_missing_or_old_data(browser, live_server, gate):
    current = services.private_key_of(services.signing_key_current(community=gate.community))
    context = _context(browser)
    page = context.new_page()
    try:
        log_in(page, live_server, "erin", "pw-erin")
        page.route("**/api/v1/access/bundle*", lambda route: route.abort())
        page.goto(live_server.url + reverse("access:console", args=[gate.checkpoint.pk]))
        page.wait_for_selector("body[data-ready='1']")
        assert page.get_attribute("#bundle", "data-state") == "none"
        seen = _scan(page, services.pass_qr_text(gate.passes[0]), 1)
        assert (seen["verdict"], seen["reason"]) == ("amber", "no_bundle")
        page.click("#verdict-close")

        body = _server_bundle_body(gate.checkpoint)
        _serve_bundle(page, _signed_bundle(body, current))
        assert _bundle_version(page) == body["version"]
        assert _scan(page, services.pass_qr_text(gate.passes[0]), 2)["verdict"] == "green"
        page.click("#verdict-close")

        # A bundle made longer ago than its maximum age: never green, but red stays red.
        old = int(timezone.now().timestamp()) - 2 * body["max_age"]
        _serve_bundle(page, _signed_bundle({**body, "version": body["version"] + 1}, current, iat=old))
        assert _bundle_version(page) == body["version"] + 1
        assert page.get_attribute("#bundle", "data-state") == "stale"
        seen = _scan(page, services.pass_qr_text(gate.passes[1]), 3)
        assert (seen["verdict"], seen["reason"]) == ("amber", "stale")
        shot(page, "console-phone-stale")
        page.click("#verdict-close")
        assert _scan(page, services.pass_qr_text(gate.revoked), 4)["verdict"] == "red"
    finally:
        close_when_idle(context)


def test_it_lets_an_admin_trust_replaced_keys(browser, live_server, gate):
    context = _context(browser)
    page = context.new_page()
    try:
        log_in(page, live_server, "carol", "pw-carol")
        _open_console(page, live_server, gate)
        body = _server_bundle_body(gate.checkpoint)
        replaced = ec.generate_private_key(ec.SECP256R1())
        _serve_bundle(page, _signed_bundle({**body, "version": body["version"] + 1, "keys": [_key_entry(replaced)]},
                                           replaced))
        assert _bundle_version(page) == body["version"]
        page.wait_for_selector("#retrust:not([hidden])")
        page.once("dialog", lambda dialog: dialog.accept())
        page.click("#retrust")
        page.wait_for_function("(v) => document.body.dataset.bundle === String(v)", arg=body["version"] + 1)
        assert page.is_hidden("#retrust")
    finally:
        close_when_idle(context)


# During a rotation's overlap services.bundle_build signs with the oldest key in force (which
# the console trusts) and lists the new one: the console follows the rotation by itself.
def test_it_follows_a_key_rotation_on_the_server(browser, live_server, gate):
    context = _context(browser)
    page = context.new_page()
    try:
        log_in(page, live_server, "erin", "pw-erin")
        _open_console(page, live_server, gate)
        pinned = int(page.get_attribute("body", "data-bundle"))
        services.signing_key_rotate(community=gate.community, user=gate.carol)
        time.sleep(1.1)  # bundle_build works in whole seconds: let the new key be in force
        assert _bundle_version(page) > pinned
    finally:
        close_when_idle(context)


# -- the camera ------------------------------------------------------------------------------

def _qr_video(path, text: str, width: int = 640, height: int = 480) -> None:
    """A Y4M video of a QR code, for Chromium's fake camera."""
    qr = segno.make(text, error="m")
    matrix = [list(row) for row in qr.matrix_iter(scale=1, border=4)]
    scale = min(width, height) * 9 // 10 // len(matrix)
    size = len(matrix) * scale
    left, top = (width - size) // 2, (height - size) // 2
    luma = bytearray([235]) * (width * height)  # white
    for y, row in enumerate(matrix):
        for x, dark in enumerate(row):
            if dark:
                for dy in range(scale):
                    start = (top + y * scale + dy) * width + left + x * scale
                    luma[start:start + scale] = bytes([16]) * scale
    chroma = bytes([128]) * (width * height // 4)
    with open(path, "wb") as video:
        video.write(f"YUV4MPEG2 W{width} H{height} F10:1 Ip A1:1 C420jpeg\n".encode())
        for _ in range(10):
            video.write(b"FRAME\n" + bytes(luma) + chroma + chroma)


def test_it_reads_a_pass_with_the_camera(browser, live_server, gate, tmp_path):
    """No BarcodeDetector in Chromium on Linux: the vendored jsQR reads the camera's frames."""
    video = tmp_path / "pass.y4m"
    _qr_video(video, services.pass_qr_text(gate.passes[0]))
    with_camera = browser.browser_type.launch(executable_path=CHROMIUM, args=[
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
        f"--use-file-for-fake-video-capture={video}"])
    try:
        context = new_context(with_camera, viewport=PHONE, locale="zh-CN", permissions=["camera"])
        page = context.new_page()
        log_in(page, live_server, "erin", "pw-erin")
        _open_console(page, live_server, gate)
        page.click("#camera-toggle")
        page.wait_for_function("document.body.dataset.recorded === '1'", timeout=20000)
        assert page.get_attribute("#verdict", "data-verdict") == "green"
        shot(page, "console-phone-camera")
        page.click("#verdict-close")
        page.click("#camera-close")
        assert page.is_hidden("#camera")
        # The same code in front of the camera is not recorded twice in a row.
        assert page.get_attribute("body", "data-recorded") == "1"
        close_when_idle(context)
    finally:
        with_camera.close()


# -- sending: only what the server acknowledged leaves the phone ---------------------------

def test_it_deletes_only_what_the_server_acknowledged(browser, live_server, gate):
    context = _context(browser)
    page = context.new_page()
    try:
        log_in(page, live_server, "erin", "pw-erin")
        _open_console(page, live_server, gate)
        context.set_offline(True)
        texts = [services.pass_qr_text(p) for p in gate.passes[:3]]
        for n, text in enumerate(texts, 1):
            _scan(page, text, n)
        page.click("#verdict-close")

        # The answer: the first event rejected, the second stored, the third (and any retry)
        # lost on the way.
        def answer(route):
            events = json.loads(route.request.post_data)["events"]
            if len(events) < 3:
                route.fulfill(json={"acks": []})
                return
            route.fulfill(json={"acks": [
                {"event_id": events[0]["event_id"], "status": "rejected", "detail": "checkpoint: 测试拒收"},
                {"event_id": events[1]["event_id"], "status": "stored", "detail": ""},
            ]})

        page.route("**/api/v1/access/sync", answer)
        context.set_offline(False)
        page.wait_for_selector("#rejected:not([hidden])", timeout=20000)
        assert page.get_attribute("#rejected", "data-count") == "1"
        assert _unsent(page) == 1
        page.click("#rejected summary")
        assert "测试拒收" in page.inner_text("#rejected-list")
        shot(page, "console-phone-rejected")

        page.unroute("**/api/v1/access/sync")
        page.evaluate("window.fxConsole.sync()")
        page.wait_for_function("document.querySelector('#outbox').dataset.count === '0'")
    finally:
        close_when_idle(context)
    [stored] = Scan.objects.all()
    assert stored.pass_obj == gate.passes[2] and stored.device_seq == 3


def test_it_keeps_the_events_until_the_volunteer_logs_in_again(browser, live_server, gate):
    context = _context(browser)
    page = context.new_page()
    try:
        log_in(page, live_server, "erin", "pw-erin")
        url = _open_console(page, live_server, gate)
        context.set_offline(True)
        _scan(page, services.pass_qr_text(gate.passes[0]), 1)
        page.click("#verdict-close")
        context.clear_cookies()  # the session ended while the gate was offline
        context.set_offline(False)
        page.wait_for_selector("#notice a", timeout=20000)
        assert _unsent(page) == 1 and Scan.objects.count() == 0
        page.click("#notice a")
        page.fill("#id_username", "erin")
        page.fill("#id_password", "pw-erin")
        page.click("button[type=submit]")
        page.wait_for_url(url)
        page.wait_for_selector("body[data-ready='1']")
        page.wait_for_function("document.querySelector('#outbox').dataset.count === '0'", timeout=20000)
    finally:
        close_when_idle(context)
    assert Scan.objects.get().pass_obj == gate.passes[0]


# -- home quarantine, move-in slips, other estates (issue 13) --------------------------------

def test_it_tells_a_home_quarantine_from_a_revoked_pass_offline(browser, live_server, gate):
    """A pass held back by a home quarantine scans red "in home quarantine until <date>", from
    the bundle, offline; a revoked pass (moved out) still says "revoked"; released, it admits."""
    held = gate.passes[0]
    until = timezone.localdate() + dt.timedelta(days=14)
    assert passes_suspend(persons=[held.person_id], until=until, user=gate.carol, reason="居家隔离") == 1
    context = _context(browser)
    page = context.new_page()
    try:
        log_in(page, live_server, "erin", "pw-erin")
        _open_console(page, live_server, gate)
        context.set_offline(True)
        page.wait_for_selector("#net[data-state='offline']")
        quarantined = _scan(page, services.pass_qr_text(held), 1)
        assert (quarantined["verdict"], quarantined["reason"]) == ("red", "quarantine")
        assert until.isoformat() in quarantined["text"]
        shot(page, "console-phone-quarantine")
        page.click("#verdict-close")
        revoked = _scan(page, services.pass_qr_text(gate.revoked), 2)
        assert (revoked["verdict"], revoked["reason"]) == ("red", "revoked")
        assert revoked["text"] != quarantined["text"] and until.isoformat() not in revoked["text"]
        page.click("#verdict-close")

        context.set_offline(False)
        page.wait_for_function("document.querySelector('#outbox').dataset.count === '0'", timeout=20000)
        version = int(page.get_attribute("body", "data-bundle"))
        passes_restore(persons=[held.person_id], user=gate.carol, reason="解除隔离")
        assert _bundle_version(page) > version
        assert _scan(page, services.pass_qr_text(held), 3)["verdict"] == "green"
        page.wait_for_function("document.querySelector('#outbox').dataset.count === '0'", timeout=20000)
    finally:
        close_when_idle(context)
    first = Scan.objects.filter(pass_obj=held).order_by("device_seq")
    assert [(s.reason, s.server_verdict, s.server_reason) for s in first] == [
        ("quarantine", "red", "suspended"), ("ok", "green", "valid")]


@pytest.fixture
def slips(gate):
    """A move-in slip for room 201 of 5栋 in the gate's estate, and one for a dwelling of
    another estate of the community (翠苑, with its own gate)."""
    carol = gate.carol

    def slip_for(dwelling):
        registration = register(gate.community, dwelling, from_province="广东省", from_city="广州市",
                                from_district="")
        return returnees.registration_review(scope=Scope.everything(), user=carol, registration=registration,
                                             decision="approve", reason="核实无误").slips.get()

    here = slip_for(DwellingFactory(building=BuildingFactory(estate=gate.estate, name="5栋"), room="201"))
    other_estate = EstateFactory(community=gate.community, name="翠苑")
    there = slip_for(DwellingFactory(building=BuildingFactory(estate=other_estate, name="1栋"), room="102"))
    other_pass = services.pass_issue(person=there.person, user=carol)
    return type("Slips", (), dict(here=here, there=there, other_estate=other_estate, other_pass=other_pass))


def test_it_reads_a_move_in_slip_and_names_the_estate_of_a_wrong_one(browser, live_server, gate, slips):
    context = _context(browser)
    page = context.new_page()
    try:
        log_in(page, live_server, "erin", "pw-erin")
        _open_console(page, live_server, gate)
        seen = _scan(page, returnees.slip_qr_text(slips.here), 1)
        until = timezone.localtime(slips.here.issued_at + dt.timedelta(days=30)).date().isoformat()
        assert (seen["verdict"], seen["reason"]) == ("green", "move_in")
        assert seen["word"] != page.evaluate("JSON.parse(document.getElementById('fx-strings').textContent)"
                                             ".verdict_green"), "distinct from a pass's admit"
        assert "5栋 201" in seen["text"]
        assert gate.estate.name in seen["detail"] and until in seen["detail"]
        assert slips.here.person.name not in seen["text"] + seen["detail"]
        shot(page, "console-phone-move-in")
        page.click("#verdict-close")

        # Another estate's slip and pass: refused by the estate's name, never by a number.
        for n, text in enumerate([returnees.slip_qr_text(slips.there), services.pass_qr_text(slips.other_pass)], 2):
            wrong = _scan(page, text, n)
            assert (wrong["verdict"], wrong["reason"]) == ("red", "estate")
            assert "翠苑" in wrong["detail"]
            # never "小区 <id>": the id as a number of its own (a date's digits may hold it)
            assert not re.search(rf"(?<!\d){slips.other_estate.pk}(?!\d)", wrong["detail"]), wrong["detail"]
            page.click("#verdict-close")
        shot(page, "console-phone-wrong-estate")
        # The recent list keeps no room.
        assert "201" not in page.inner_text("#recent")
        page.wait_for_function("document.querySelector('#outbox').dataset.count === '0'", timeout=20000)
    finally:
        close_when_idle(context)
    stored = list(Scan.objects.order_by("device_seq").values_list("reason", "device_verdict", "server_verdict",
                                                                    "server_reason", "disagreement"))
    assert stored == [("move_in", "green", "green", "move_in", False), ("estate", "red", "red", "wrong_estate", False),
                      ("estate", "red", "red", "wrong_estate", False)]
