"""The wall dashboard's tiles and clock in a real browser: a four-digit figure fits its tile on
a 1920×1080 wall and on a phone, and the clock tells the community's time (Asia/Shanghai)
whatever time zone the screen is set to."""

import datetime as dt
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from fangxian.access.models import Scan
from tests.access.conftest import make_checkpoint
from tests.e2e.conftest import PHONE, close_when_idle, log_in, new_context, shot

# The moment matters (passages "today", the clock's reading): frozen at 10:00 Shanghai.
pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("frozen_clock")]
WALL = {"width": 1920, "height": 1080}
PASSAGES = 7940  # the figure that was cut on the demo's wall


@pytest.fixture
def cast(transactional_db, two_grids):
    gate = make_checkpoint(two_grids.estate, "东门")
    midnight = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    Scan.objects.bulk_create(
        Scan(event_id=uuid.uuid4(), device_id="wall", device_seq=n, batch=uuid.uuid4(), checkpoint=gate,
             community=two_grids.community, kind="scan", direction="in", device_verdict="green",
             server_verdict="green", occurred_at=midnight + dt.timedelta(seconds=4 * n),
             received_at=midnight + dt.timedelta(seconds=4 * n))
        for n in range(PASSAGES))
    return two_grids


@pytest.mark.parametrize("viewport", [WALL, PHONE], ids=["wall-1920", "phone-360"])
def test_every_figure_fits_its_tile(live_server, cast, browser, viewport):
    context = new_context(browser, viewport=viewport, locale="zh-CN", device_scale_factor=1)
    page = context.new_page()
    log_in(page, live_server, "carol", "pw-carol")
    page.goto(live_server.url + reverse("reports:dashboard"))
    page.wait_for_selector("#chart-trend canvas")
    assert page.locator("[data-figure=passages_today]").inner_text() == "7,940"
    cut = page.eval_on_selector_all(
        "[data-figure]", "els => els.filter(el => el.scrollWidth > el.clientWidth).map(el => el.dataset.figure)")
    shot(page, f"wall-figures-{viewport['width']}")
    assert cut == []
    close_when_idle(context)


def test_the_clock_tells_the_communitys_time_on_a_screen_set_to_paris(live_server, cast, browser):
    # 10:00 in Shanghai is 03:00 in Paris: the wall must say 10:00, like its "last updated".
    context = new_context(browser, viewport=WALL, locale="zh-CN", timezone_id="Europe/Paris")
    page = context.new_page()
    log_in(page, live_server, "carol", "pw-carol")
    page.goto(live_server.url + reverse("reports:dashboard"))
    page.wait_for_function("document.getElementById('wall-clock').textContent !== ''")
    assert page.evaluate("new Date().getHours()") == 3  # the screen really is in Paris
    assert page.inner_text("#wall-clock").startswith("10:0")
    assert page.inner_text("#wall-updated").startswith("10:0")
    close_when_idle(context)
