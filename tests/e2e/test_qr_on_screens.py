"""The QR codes shown on screens scan with the checkpoint console's own decoder.

The pass page (/access/passes/<id>/), the resident's phone pass (/access/p/<token>/) and the
phone move-in slip (/returnees/s/<code>/), at a phone's 360 px (at 1× and at a phone's 3×
pixel ratio) and a desktop's 1366 px: a screenshot of the code is read with the vendored jsQR
as the console reads a camera frame, and must give exactly the text the server signs.
Before the codes had a viewBox, CSS cut them off at 360 px and none of them decoded.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from fangxian.access import passcodec, services
from fangxian.accounts.models import Role
from fangxian.core.scope import Scope
from fangxian.returnees import services as returnees
from tests.e2e.conftest import ARTIFACTS, close_when_idle, log_in, new_context
from tests.e2e.qr import decode_qr_png, screenshot_qr
from tests.factories import BuildingFactory, CommunityFactory, DwellingFactory, EstateFactory, make_user
from tests.returnees.conftest import register

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENS = {
    "phone-1x": ({"width": 360, "height": 740}, 1),
    "phone-3x": ({"width": 360, "height": 740}, 3),
    "desktop": ({"width": 1366, "height": 900}, 1),
}
MIN_PHONE_SIZE = 200  # CSS px: smaller, and a phone camera at arm's length misses modules


@pytest.fixture
def codes(transactional_db, frozen_clock):
    community = CommunityFactory()
    estate = EstateFactory(community=community, name="海景花园")
    building = BuildingFactory(estate=estate, name="11号")
    carol = make_user("carol", Role.COMMUNITY_ADMIN, community)
    registration = register(community, DwellingFactory(building=building, room="101"), from_province="广东省",
                            from_city="广州市", from_district="")
    approved = returnees.registration_review(scope=Scope.everything(), user=carol,
                                             registration=registration, decision="approve", reason="核实无误")
    slip = approved.slips.get()
    pass_ = services.pass_issue(person=slip.person, user=carol)
    return type("Codes", (), dict(community=community, carol=carol, pass_=pass_, slip=slip))


PAGES = {
    "pass-page": lambda c: reverse("access:pass_detail", args=[c.pass_.pk]),
    "phone-pass": lambda c: reverse("access:pass_phone", args=[c.pass_.phone_token]),
    "phone-slip": lambda c: reverse("returnees:slip_phone", args=[c.slip.code]),
}


@pytest.fixture
def served(monkeypatch):
    """Every QR text the server makes while the test runs (an ECDSA signature differs on each
    call, so the text on a page is the one made for that page, not a fresh one)."""
    texts: list[str] = []

    def spy(real):
        def wrapper(*args, **kwargs):
            texts.append(real(*args, **kwargs))
            return texts[-1]
        return wrapper

    monkeypatch.setattr(services, "pass_qr_text", spy(services.pass_qr_text))
    monkeypatch.setattr(returnees, "slip_qr_text", spy(returnees.slip_qr_text))
    return texts


def _verified(text: str, c) -> dict:
    prefix = "FXS1:" if text.startswith("FXS1:") else "FX1:"
    keys = services.verification_keys(c.community.pk, c.pass_.issued_at)
    return passcodec.decode(text, prefix=prefix, keys=keys, now=c.pass_.issued_at)


@pytest.mark.parametrize("screen", list(SCREENS))
@pytest.mark.parametrize("page_name", list(PAGES))
def test_it_decodes_the_code_on_the_screen(browser, live_server, codes, served, page_name, screen):
    viewport, ratio = SCREENS[screen]
    context = new_context(browser, viewport=viewport, device_scale_factor=ratio, locale="zh-CN")
    page = context.new_page()
    try:
        if page_name == "pass-page":
            log_in(page, live_server, "carol", "pw-carol")
        served.clear()
        page.goto(live_server.url + PAGES[page_name](codes))
        [shown] = served  # the page asked for its code once
        assert shown.startswith("FXS1:" if page_name == "phone-slip" else "FX1:")
        svg = page.locator("svg.qr")
        box = svg.bounding_box()
        assert box is not None and abs(box["width"] - box["height"]) < 1, box
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"], "wider than the screen"
        if page_name != "pass-page" or screen != "desktop":
            assert box["width"] >= MIN_PHONE_SIZE, box
        if page_name == "phone-pass" and screen == "desktop":
            # Centred at a size a phone camera reads across a desk, not a corner of the page.
            middle = box["x"] + box["width"] / 2
            assert abs(middle - viewport["width"] / 2) < 0.2 * viewport["width"], box
            assert box["width"] >= 280, box
        # The whole code is drawn in its box: the viewBox covers the quiet zone too.
        assert page.evaluate("""() => {
            const s = document.querySelector('svg.qr');
            const v = s.viewBox.baseVal; return v && v.width > 0 && v.width === v.height;
        }""")
        png = screenshot_qr(page, "svg.qr")
        ARTIFACTS.mkdir(exist_ok=True)
        (ARTIFACTS / f"qr-{page_name}-{screen}.png").write_bytes(png)
        page.screenshot(path=str(ARTIFACTS / f"qr-{page_name}-{screen}-page.png"), full_page=True)
        decoded = decode_qr_png(browser, png)
        assert decoded is not None, f"jsQR cannot read the code of {page_name} at {screen}"
        assert decoded == shown
        assert _verified(decoded, codes)  # and it verifies with the community's key
    finally:
        close_when_idle(context)

