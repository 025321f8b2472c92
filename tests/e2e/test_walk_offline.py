"""The walk on a phone with the network cut halfway: a door knocked and sent online, two knocked
offline, a reload offline, the queue sent once the network is back, and sent again without a
second row; the newcomer found at the
door waits, masked, on the grid worker's list of people to register."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from fangxian.core.personal import mask_name
from fangxian.fieldwork.models import Knock
from fangxian.registry.models import PendingPerson
from tests.e2e.conftest import DESKTOP, PHONE, close_when_idle, log_in, new_context, shot
from tests.factories import DwellingFactory
from tests.fieldwork.cast import fieldwork_cast

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("frozen_clock")]


@pytest.fixture
def field(transactional_db, two_grids):
    cast = fieldwork_cast(two_grids)
    cast.dwelling_b.room = "301"
    cast.dwelling_b.save(update_fields=["room"])
    cast.second_b = DwellingFactory(building=cast.building_b, room="502")
    cast.first_b = DwellingFactory(building=cast.building_b, room="101")
    return cast


def zh(msgid: str, **values) -> str:
    with translation.override("zh-hans"):
        return translation.gettext(msgid) % values


def door(page, dwelling):
    return page.locator(f"#door-{dwelling.pk}")


def wait_until_kept_for_offline(page, path: str) -> None:
    """The service worker is active and holds a copy of the page. It need not control this very
    page: when it activated while the page was loading, the page stays uncontrolled until the
    next load, which is the one that must work offline."""
    page.wait_for_function("navigator.serviceWorker.ready.then((r) => !!r.active)", timeout=15000)
    page.wait_for_function("""async (path) => !!(await (await caches.open("fx-walk-pages")).match(path))""",
                           arg=path, timeout=15000)


def test_it_walks_offline_survives_a_reload_and_sends_each_knock_once(browser, live_server, field):
    walk_path = reverse("fieldwork:walk", args=[field.campaign.pk, field.building_b.pk])
    context = new_context(browser, viewport=PHONE, locale="zh-CN", device_scale_factor=1)
    page = context.new_page()
    try:
        log_in(page, live_server, "bob", "pw-bob")
        page.goto(live_server.url + reverse("fieldwork:walk_buildings", args=[field.campaign.pk]))
        assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
        shot(page, "walk-phone-buildings")
        page.click(f"a[href='{walk_path}']")
        page.wait_for_selector("body[data-ready='1']")
        wait_until_kept_for_offline(page, walk_path)
        assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
        shot(page, "walk-phone-ready")

        # Online, the first door's refusal is sent at once.
        door(page, field.first_b).locator("[data-outcome='refused']").click()
        page.wait_for_selector(f"#door-{field.first_b.pk}[data-unsent='0'][data-state='refused']", timeout=30000)
        page.wait_for_selector("#queue[data-count='0'][data-last-sent]:not([data-last-sent=''])")
        assert Knock.objects.count() == 1
        assert page.inner_text("#queue") == zh("Queued %(n)s, last sent %(time)s", n=0,
                                               time=page.get_attribute("#queue", "data-last-sent"))

        # The network is cut halfway down the stairs.
        context.set_offline(True)
        page.wait_for_selector("#net[data-state='offline']")

        door(page, field.dwelling_b).locator("[data-outcome='visited']").click()
        page.click("#visit-save")  # nothing answered: the first required question is named
        assert page.inner_text("#visit-error") == zh("%(question)s: this answer is required.",
                                                     question=zh("People at home"))
        page.fill("#q-people_home", "3")
        page.check("input[name='q-back_from_outside'][value='no']")
        page.check("input[name='q-symptoms'][value='no']")
        page.click("#add-newcomer")
        page.fill(".walk-newcomer [name=nc_name]", "张新来")
        page.fill(".walk-newcomer [name=nc_phone]", "13800001234")
        shot(page, "walk-phone-visit-sheet")
        page.click("#visit-save")
        page.wait_for_selector(f"#door-{field.dwelling_b.pk}[data-unsent='1'][data-state='covered']")

        door(page, field.second_b).locator("[data-outcome='nobody_home']").click()
        page.wait_for_selector(f"#door-{field.second_b.pk}[data-unsent='1'][data-state='revisit']")
        page.wait_for_selector("#queue[data-count='2']")
        sent_online = page.get_attribute("#queue", "data-last-sent")
        assert page.inner_text("#queue") == zh("Queued %(n)s, last sent %(time)s", n=2, time=sent_online)
        assert Knock.objects.count() == 1, "nothing more reached the server while offline"
        shot(page, "walk-phone-offline-queued")
        assert page.is_hidden("#reminder")
        # Eleven minutes on without network: a banner says what waits, and since when.
        context.clock.fast_forward("11:00")
        page.wait_for_selector("#reminder:not([hidden])")
        since = page.evaluate("""() => { const d = new Date(window.fxWalk.state().counts.oldest);
            return String(d.getHours()).padStart(2, "0") + ":" + String(d.getMinutes()).padStart(2, "0"); }""")
        assert page.inner_text("#reminder") == zh(
            "%(n)s door records waiting since %(time)s — connect to send them.", n=2, time=since)
        page.evaluate("window.scrollTo(0, 0)")
        shot(page, "walk-phone-offline-reminder")

        # A reload without network: the service worker serves the page, IndexedDB the doors and the queue.
        response = page.reload()
        assert response is not None and response.from_service_worker
        page.wait_for_selector("body[data-ready='1']")
        page.wait_for_selector(f"#door-{field.dwelling_b.pk}[data-unsent='1'][data-state='covered']")
        page.wait_for_selector(f"#door-{field.second_b.pk}[data-unsent='1'][data-state='revisit']")
        page.wait_for_selector("#queue[data-count='2']")
        # The registered resident is named, masked, so the walker knows who should be there.
        assert mask_name(field.person_b.name) in door(page, field.dwelling_b).inner_text()
        assert field.person_b.name not in page.content()
        shot(page, "walk-phone-offline-reload")
        queue = page.evaluate("window.fxWalk.outbox()")
        assert len(queue) == 2

        context.set_offline(False)
        page.click("#send")
        page.wait_for_selector("#queue[data-count='0']", timeout=30000)
        last_sent = page.get_attribute("#queue", "data-last-sent")
        assert last_sent and page.inner_text("#queue") == zh("Queued %(n)s, last sent %(time)s", n=0, time=last_sent)
        page.wait_for_selector(f"#door-{field.dwelling_b.pk}[data-unsent='0'][data-state='covered']")
        assert Knock.objects.count() == 3

        # The same queue sent again (a phone that missed the answer): acknowledged, never stored twice.
        acks = page.evaluate("""async (events) => {
            const token = document.cookie.match(/csrftoken=([^;]+)/)[1];
            const res = await fetch("/api/v1/fieldwork/sync", {method: "POST", credentials: "same-origin",
              headers: {"Content-Type": "application/json", "X-CSRFToken": token},
              body: JSON.stringify({device_id: "again", events})});
            return (await res.json()).acks.map((a) => a.status);
        }""", queue)
        assert acks == ["duplicate", "duplicate"]
        shot(page, "walk-phone-sent")
    finally:
        close_when_idle(context)

    assert Knock.objects.count() == 3
    assert sorted(Knock.objects.values_list("outcome", flat=True)) == ["nobody_home", "refused", "visited"]
    visited = Knock.objects.get(outcome="visited")
    assert visited.answers["people_home"] == 3 and visited.recorded_by == field.users["bob"]
    assert PendingPerson.objects.filter(name="张新来", dwelling=field.dwelling_b).count() == 1

    # Bob, the grid worker of grid B, finds the newcomer on his list, masked.
    context = new_context(browser, viewport=DESKTOP, locale="zh-CN")
    desk = context.new_page()
    try:
        log_in(desk, live_server, "bob", "pw-bob")
        desk.goto(live_server.url + reverse("registry:pending_list"))
        text = desk.inner_text("main")
        assert mask_name("张新来") in text and "张新来" not in text
        desk.goto(live_server.url + walk_path)
        desk.wait_for_selector("body[data-ready='1']")
        shot(desk, "walk-desktop-doors")
        desk.goto(live_server.url + reverse("fieldwork:walk_buildings", args=[field.campaign.pk]))
        shot(desk, "walk-desktop-buildings")
    finally:
        close_when_idle(context)
