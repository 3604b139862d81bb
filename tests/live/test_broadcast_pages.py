"""Going live from the cockpit's (fake) camera; the viewer plays it; the replay keeps the card."""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import expect

from tests.fixtures.browser import PageErrors, screenshot, sign_in
from tests.fixtures.values import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture
def site(live_site):
    return live_site()


def current_time(page) -> float:
    return page.evaluate("document.getElementById('player').currentTime")


def test_camera_to_viewer_to_replay(browser, site):
    seeded, server = site
    errors = PageErrors()
    host_context = browser.new_context(permissions=["camera", "microphone"])
    host = errors.watch(host_context.new_page(), "host")
    viewer = errors.watch(browser.new_page(), "viewer")
    sign_in(host, server.url, seeded.host_username, PASSWORD)
    host.goto(f"{server.url}/rooms/{seeded.room_id}/cockpit")
    viewer.goto(f"{server.url}/rooms/{seeded.room_id}")
    host.wait_for_selector("#jobs li button.push")
    expect(viewer.locator("#stream-state")).to_have_attribute("data-state", "scheduled")

    host.click("#go-camera")
    expect(viewer.locator("#stream-state")).to_be_hidden(timeout=30000)  # live
    viewer.wait_for_function(
        "() => document.getElementById('player').currentTime > 1", timeout=20000
    )
    before = current_time(viewer)
    time.sleep(2)
    assert current_time(viewer) > before + 1, "the viewer's video is not advancing"

    host.locator("#jobs li button.push").first.click()
    viewer.wait_for_selector("#pinned .job-card", timeout=15000)
    assert "Job 0" in viewer.inner_text("#pinned")
    screenshot(viewer, "broadcast-viewer-live")
    time.sleep(2)

    host.click("#end-broadcast")
    expect(viewer.locator("#stream-state")).to_have_attribute("data-state", "ended", timeout=20000)
    expect(viewer.locator("#replay-link")).to_be_visible(timeout=20000)
    viewer.click("#replay-link a")
    expect(viewer.locator("#timeline li")).to_have_count(1)
    viewer.wait_for_function(
        "() => document.getElementById('player').currentTime > 1", timeout=20000
    )
    viewer.evaluate("document.getElementById('player').currentTime = 30")  # past the card
    viewer.wait_for_selector("#pinned .job-card", timeout=10000)
    assert "Job 0" in viewer.inner_text("#pinned")
    screenshot(viewer, "broadcast-replay")
    assert errors.errors == []
