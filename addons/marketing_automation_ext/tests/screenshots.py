"""Screenshots of the suite's main screens, taken in Chromium for the documentation.

The tests that use this run only on demand (`make screenshots`): they are tagged ``-standard``.
They write PNG files into the directory named by the environment variable ``SCREENSHOTS_DIR``
(the make target sets it to ``docs/screenshots/``), else into Odoo's screenshots directory.
marketing_ops has the same helper: this addon does not depend on it."""

import base64
import json
import os
import pathlib

from odoo import tools
from odoo.tests import HttpCase, get_db_name
from odoo.tests.common import TEST_CURSOR_COOKIE_NAME, ChromeBrowser

# what a screen must show before its picture is taken: no request running, no blocked UI
SETTLED = """(() => {
    const selector = %s;
    return Boolean(document.querySelector(selector))
        && !document.querySelector(".o_loading_indicator, .o_blockUI, .o_view_sample_data");
})()"""

# a moment for fonts, images and animations (dropdowns, progress bars) to finish
SETTLE_DELAY = (
    """document.fonts.ready.then(() => new Promise((resolve) => setTimeout(resolve, 800)))"""
)


class ScreenshotCase(HttpCase):
    """Takes the pictures: ``self.screenshot(name, url, selector)`` opens ``url`` as ``login``,
    waits until ``selector`` is on the page and every request has returned, and saves
    ``<name>.png``."""

    browser_size = "1280x800"

    @classmethod
    def screenshots_dir(cls):
        directory = os.environ.get("SCREENSHOTS_DIR") or os.path.join(
            tools.config["screenshots"], get_db_name(), "docs"
        )
        path = pathlib.Path(directory)
        path.mkdir(parents=True, exist_ok=True)
        return path

    def screenshot(
        self, name, url, selector, login="admin", style=None, scroll_to=None, full_page=False
    ):
        """Save the picture of ``url`` as ``<name>.png`` and return its path. ``style`` is CSS
        added to the page before the picture (e.g. to outline labels); ``scroll_to`` a selector
        of what the picture must show first; ``full_page`` takes the whole height of the page
        instead of the window."""
        browser = ChromeBrowser(self)
        key = self.http_request_key
        try:
            self.http_request_key = f"{self.canonical_tag}_screenshot"
            self.authenticate(login, login, browser=browser)
            browser.navigate_to(f"{self.base_url()}{url}", wait_stop=True)
            ready = browser._wait_ready(SETTLED % json.dumps(selector), timeout=60)
            self.assertTrue(ready, f"{url}: {selector} never showed up")
            if style:
                browser._websocket_request(
                    "Runtime.evaluate",
                    params={
                        "expression": "document.head.insertAdjacentHTML('beforeend', "
                        f"{json.dumps(f'<style>{style}</style>')})"
                    },
                )
            if scroll_to:
                browser._websocket_request(
                    "Runtime.evaluate",
                    params={
                        "expression": f"document.querySelector({json.dumps(scroll_to)})"
                        ".scrollIntoView({block: 'start'})"
                    },
                )
            browser._websocket_request(
                "Runtime.evaluate", params={"expression": SETTLE_DELAY, "awaitPromise": True}
            )
            params = {"format": "png"}
            if full_page:
                size = browser._websocket_request(
                    "Runtime.evaluate",
                    params={
                        "expression": "JSON.stringify([document.documentElement.scrollWidth, "
                        "document.documentElement.scrollHeight])"
                    },
                )
                width, height = json.loads(size["result"]["value"])
                params.update(
                    captureBeyondViewport=True,
                    clip={"x": 0, "y": 0, "width": width, "height": height, "scale": 1},
                )
            result = browser._websocket_request("Page.captureScreenshot", params=params, timeout=30)
            self.assertFalse(
                browser._result.done() and browser._result.exception(),
                f"{url}: the page failed",
            )
            path = self.screenshots_dir() / f"{name}.png"
            path.write_bytes(base64.b64decode(result["data"]))
            self._logger.info("Screenshot %s", path)
            return path
        finally:
            browser.stop()
            self._wait_remaining_requests()
            self.http_request_key = key
            self.opener.cookies[TEST_CURSOR_COOKIE_NAME] = key
