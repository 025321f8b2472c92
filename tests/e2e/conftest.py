"""Browser tests: Playwright driving Debian's Chromium (never a downloaded browser)."""

import os
from pathlib import Path

import pytest
import time_machine
from django.utils import timezone

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 860}

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
# between page actions are still plain synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make test`, which installs Debian's chromium.")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield browser
        browser.close()


def close_when_idle(context) -> None:
    """Close a browser context once its pages have no request in flight: a request still being
    served when the test ends holds the in-memory test database while it is flushed
    ("database table is locked")."""
    for page in context.pages:
        try:
            page.wait_for_load_state("networkidle", timeout=5000)
        except Exception:  # a page that keeps polling: close it anyway after 5 s
            pass
    context.close()


def new_context(browser, **options):
    """A browser context whose clock stands where the server's does.

    The console checks passes and bundles against the device's own clock, as a phone at the
    gate does. When a test moves the server's clock (frozen_clock, the CI clocks of .ci/run),
    the browser's would still read the real time and every pass would look expired or not yet
    valid; so the page's clock starts at the server's moment and runs on from there."""
    context = browser.new_context(**options)
    if time_machine.escape_hatch.is_travelling():
        context.clock.install(time=timezone.now())
    return context


@pytest.fixture
def phone(browser):
    context = new_context(browser, viewport=PHONE, locale="zh-CN", device_scale_factor=1)
    page = context.new_page()
    yield page
    close_when_idle(context)


@pytest.fixture
def desktop(browser):
    context = new_context(browser, viewport=DESKTOP, locale="zh-CN")
    page = context.new_page()
    yield page
    close_when_idle(context)


def shot(page, name: str) -> Path:
    """A full-page screenshot under test-artifacts/, for people to look at."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def log_in(page, live_server, username: str, password: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")


def no_overflow(page) -> None:
    """The page fits the phone's width: nothing to scroll sideways."""
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], page.url


@pytest.fixture
def staff(browser, live_server):
    """Log a member of the cast in on a phone of their own: staff("frank") → page (password pw-frank)."""
    contexts = []

    def open_as(username):
        context = new_context(browser, viewport=PHONE, locale="zh-CN", device_scale_factor=1)
        contexts.append(context)
        page = context.new_page()
        log_in(page, live_server, username, f"pw-{username}")
        return page

    yield open_as
    for context in contexts:
        close_when_idle(context)
