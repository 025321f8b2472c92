"""The registry in a real browser, at phone width and on a desktop."""

import pytest
from django.urls import reverse

from fangxian.core.models import AuditEvent
from tests.core.test_scope_matrix import PAGES, _url
from tests.e2e.conftest import log_in, shot

pytestmark = pytest.mark.browser


@pytest.fixture
def cast(transactional_db, two_grids):
    from tests.core.test_scope_matrix import cast as matrix_cast

    return matrix_cast.__wrapped__(two_grids)


NOT_PAGES = {"api:*", "admin:*", "healthz"}


def is_html_page(page, url: str) -> bool:
    """Files and documents (PDF, Excel, JSON, photos) are not pages to look at on a screen."""
    return page.request.get(url).headers.get("content-type", "").startswith("text/html")


def page_width_overflow(page) -> int:
    """How many pixels the page is wider than the window (tables scroll inside their box)."""
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


@pytest.mark.parametrize("width", ["phone", "desktop"])
def test_it_fits_every_page_on_the_screen(request, live_server, cast, width):
    page = request.getfixturevalue(width)
    log_in(page, live_server, "carol", "pw-carol")
    for name, (method, pk_of, _expected) in PAGES.items():
        url = _url(name, cast, pk_of)
        if method != "get" or name in NOT_PAGES or not is_html_page(page, live_server.url + url):
            continue
        response = page.goto(live_server.url + url)
        assert response.status == 200, name
        shot(page, f"{width}-{name.replace(':', '-')}")
        assert page_width_overflow(page) <= 0, f"{name} is wider than the {width} screen"


def test_it_lets_a_grid_worker_find_and_reveal_a_phone_on_a_phone(live_server, cast, phone):
    log_in(phone, live_server, "bob", "pw-bob")
    person = cast.person_b
    phone.fill("input[name=q]", person.phone[-4:])
    phone.keyboard.press("Enter")
    phone.get_by_role("link", name=person.name).click()
    assert person.phone_masked in phone.content()
    assert person.phone not in phone.content()
    phone.get_by_text("完整查看身份证号或手机号").click()
    phone.select_option("select[name=field]", "phone")
    phone.fill("input[name=reason]", "通知居家隔离")
    phone.get_by_role("button", name="查看").click()
    phone.wait_for_selector(".revealed")
    assert phone.text_content(".revealed") == person.phone
    shot(phone, "phone-person-revealed")
    event = AuditEvent.objects.get(action="reveal")
    assert (event.actor.username, event.field, event.reason) == ("bob", "phone", "通知居家隔离")


def test_it_switches_to_english_and_back(live_server, cast, phone):
    log_in(phone, live_server, "carol", "pw-carol")
    phone.goto(live_server.url + reverse("registry:person_list"))
    assert "人员" in phone.text_content("h1")
    phone.get_by_role("button", name="English").click()
    phone.wait_for_selector("h1:has-text('People')")
    assert phone.text_content("h1") == "People"
    phone.get_by_role("button", name="中文").click()
    phone.wait_for_selector("h1:has-text('人员')")
