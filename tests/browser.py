"""Real Chromium (Debian's package) driven by Playwright, for tests of the pages."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("FAIRCAST_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--use-fake-device-for-media-stream",
    "--use-fake-ui-for-media-stream",
    "--autoplay-policy=no-user-gesture-required",
]
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
# Shared machines are noisy: give pages time before calling something missing.
EXPECT_TIMEOUT_MS = 15_000


def require_chromium() -> None:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"Chromium is not installed at {CHROMIUM} (scripts/setup.sh dev installs it)")


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the whole run."""
    require_chromium()
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=EXPECT_TIMEOUT_MS)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class PageErrors:
    """Collects JavaScript errors of pages, so a test can assert there were none.

    Failed network connections (a server being restarted on purpose) and the browser's note of
    a 4xx answer (a refusal the page shows the user) are not page errors; a 5xx is.
    """

    def __init__(self):
        self.errors: list[str] = []

    def watch(self, page, name: str):
        page.on("pageerror", lambda error: self.errors.append(f"{name}: {error}"))
        page.on("console", lambda message: self._console(name, message))
        return page

    def _console(self, name: str, message) -> None:
        expected = "net::ERR_" in message.text or re.search(r"status of 4\d\d", message.text)
        if message.type == "error" and not expected:
            self.errors.append(f"{name} console: {message.text}")


def screenshot(page, name: str) -> Path:
    """Keep a screenshot as a test artifact."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def sign_in(page, base_url: str, username: str, password: str) -> None:
    page.goto(base_url + "/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("form button[type=submit]")
    page.wait_for_load_state()
