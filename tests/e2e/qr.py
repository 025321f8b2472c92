"""Browser helpers shared by the tests that read QR codes off screens and scan them at the console.

- `decode_qr_png(browser, png)`: the text of the QR code in a PNG (a Playwright screenshot),
  as the checkpoint console's camera decoder reads it (the vendored jsQR, with the console's
  options), or None when it cannot read one.
- `screenshot_qr(page, selector)`: a screenshot of the element that holds a code, as PNG bytes.
- `open_console(page, live_server, checkpoint)`: the console page of a checkpoint, ready, with
  its bundle.
- `console_scan(page, text, expected_count)`: type a code into the console as a USB scanner
  does and read the verdict shown (verdict, reason, word, text, detail).
"""

from __future__ import annotations

import base64

from django.contrib.staticfiles import finders
from django.urls import reverse

DECODER_ORIGIN = "http://localhost/qr-decoder"

# The console's own call (static/access/console.js, `frame`): it never tries inverted codes,
# and it reads frames at most 640 px wide.
_DECODE = """async ([dataUrl, maxWidth]) => {
  const img = new Image();
  img.src = dataUrl;
  await img.decode();
  const w = Math.min(img.naturalWidth, maxWidth);
  const h = Math.round(img.naturalHeight * (w / img.naturalWidth));
  const canvas = document.createElement("canvas");
  canvas.width = w; canvas.height = h;
  const ctx = canvas.getContext("2d", { willReadFrequently: true });
  ctx.drawImage(img, 0, 0, w, h);
  const code = window.jsQR(ctx.getImageData(0, 0, w, h).data, w, h, { inversionAttempts: "dontInvert" });
  return code ? code.data : null;
}"""


def _decoder_page(browser):
    page = browser.new_page()
    page.route(DECODER_ORIGIN, lambda route: route.fulfill(status=200, content_type="text/html",
                                                            body="<!doctype html><title>decoder</title>"))
    page.goto(DECODER_ORIGIN)
    page.add_script_tag(path=finders.find("vendor/jsqr/jsQR.js"))
    return page


def decode_qr_png(browser, png: bytes, *, max_width: int = 640) -> str | None:
    """The text of the QR code in `png`, read with the console's jsQR as the console reads a
    camera frame (scaled down to `max_width` px at most), or None."""
    page = _decoder_page(browser)
    try:
        url = "data:image/png;base64," + base64.b64encode(png).decode()
        return page.evaluate(_DECODE, [url, max_width])
    finally:
        page.close()


def screenshot_qr(page, selector: str, *, margin: int = 16) -> bytes:
    """A screenshot of the element at `selector` and `margin` px of the page around it (what a
    camera held over the code sees), as PNG bytes."""
    element = page.locator(selector)
    element.scroll_into_view_if_needed()
    box = element.bounding_box()
    assert box is not None, f"{selector} is not shown"
    return page.screenshot(clip={"x": max(box["x"] - margin, 0), "y": max(box["y"] - margin, 0),
                                 "width": box["width"] + 2 * margin, "height": box["height"] + 2 * margin})


def open_console(page, live_server, checkpoint) -> str:
    """Open the checkpoint's console and wait until it holds a bundle; returns its address."""
    url = live_server.url + reverse("access:console", args=[checkpoint.pk])
    page.goto(url)
    page.wait_for_selector("body[data-ready='1']")
    page.wait_for_function("document.body.dataset.bundle !== undefined && document.body.dataset.bundle !== ''")
    return url


def console_scan(page, text: str, expected_count: int) -> dict:
    """Scan `text` at the open console (typed and Enter, as a USB scanner does), wait until it
    is the `expected_count`-th event recorded by this page, and read the verdict screen."""
    page.fill("#scan-input", text)
    page.press("#scan-input", "Enter")
    page.wait_for_function("(n) => document.body.dataset.recorded === String(n)", arg=expected_count)
    verdict = page.locator("#verdict")
    return {"verdict": verdict.get_attribute("data-verdict"), "reason": verdict.get_attribute("data-reason"),
            "word": page.inner_text("#verdict-word"), "text": page.inner_text("#verdict-reason"),
            "detail": page.inner_text("#verdict-detail")}
