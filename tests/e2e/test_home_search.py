"""The home page's search box: its hint is not cut and its button stays beside it, on a
phone (360 px) and on a laptop (1366 px)."""

import pytest

from tests.e2e.conftest import close_when_idle, log_in, new_context, shot

pytestmark = pytest.mark.browser

WIDTHS = {"phone": {"width": 360, "height": 740}, "laptop": {"width": 1366, "height": 768}}


@pytest.mark.parametrize("screen", WIDTHS)
def test_it_keeps_the_search_button_beside_a_whole_hint(live_server, two_grids, browser, screen):
    context = new_context(browser, viewport=WIDTHS[screen], locale="zh-CN")
    page = context.new_page()
    try:
        log_in(page, live_server, "carol", "pw-carol")
        form = page.locator("form[role=search]")
        box = form.locator("input[type=search]")
        button = form.get_by_role("button", name="搜索")
        shot(page, f"home-search-{screen}")
        field, knob = box.bounding_box(), button.bounding_box()
        # Same line: the button's middle lies within the input's height, to its right.
        middle = knob["y"] + knob["height"] / 2
        assert field["y"] <= middle <= field["y"] + field["height"], (field, knob)
        assert knob["x"] >= field["x"] + field["width"] - 1
        assert knob["x"] + knob["width"] <= WIDTHS[screen]["width"]
        hint = box.get_attribute("placeholder")
        assert hint
        # The whole hint shows: typed into the box, the same words do not make it scroll.
        overflow = box.evaluate("""el => {
            const typed = el.value;
            el.value = el.placeholder;
            const overflow = el.scrollWidth - el.clientWidth;
            el.value = typed;
            return overflow;
        }""")
        assert overflow <= 0, f"the hint {hint!r} is {overflow} px wider than the box"
    finally:
        close_when_idle(context)
