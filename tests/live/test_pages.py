"""The room page and the host's cockpit side by side in real Chromium."""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import expect
from sqlalchemy import create_engine, text

from tests.fixtures.browser import PageErrors, screenshot, sign_in
from tests.fixtures.people import sign_in_on_page
from tests.fixtures.realtime import start_server
from tests.fixtures.values import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.slow]

XSS = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=1</script>'


@pytest.fixture
def site(live_site, tmp_path):
    return (*live_site(), tmp_path)


def test_cockpit_and_viewer_side_by_side_with_a_restart(browser, site):
    seeded, server, tmp_path = site
    errors = PageErrors()
    host = errors.watch(browser.new_page(), "host")
    viewer_context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
    viewer = errors.watch(viewer_context.new_page(), "viewer")
    sign_in(host, server.url, seeded.host_username, PASSWORD)
    host.goto(f"{server.url}/rooms/{seeded.room_id}/cockpit")
    viewer.goto(f"{server.url}/rooms/{seeded.room_id}")
    host.wait_for_selector("#jobs li button.push")
    expect(viewer.locator("#viewers")).to_have_text("1")

    started = time.monotonic()
    host.locator("#jobs li button.push").first.click()
    viewer.wait_for_selector("#pinned .job-card", timeout=1000)  # within a second
    assert time.monotonic() - started < 2
    assert "Job 0" in viewer.inner_text("#pinned")

    viewer.click("#pinned button.signup")
    sign_in_on_page(viewer, seeded.database_url, "139 1234 5678", "王小明", scope="#identity")
    viewer.wait_for_selector("#pinned button.signup.done")
    expect(host.locator("#pinned [data-count-for]")).to_have_text("1")
    expect(viewer.locator("#pinned [data-count-for]")).to_have_text("1")

    server.stop(kill=True)
    viewer.wait_for_selector("#connection:not([hidden])")
    restarted = start_server(seeded.database_url, tmp_path, port=server.port)
    try:
        # Both pages reconnect on their own and redraw from the server (no reload).
        viewer.wait_for_selector("#connection", state="hidden", timeout=15000)
        host.wait_for_selector("#connection", state="hidden", timeout=15000)
        host.locator("#jobs li button.push").nth(1).click()
        expect(viewer.locator("#pinned h3")).to_have_text("Job 1", timeout=5000)
        assert viewer.locator("#history .job-card").count() == 2
        assert host.inner_text("#pushed").count("Job") == 2
        screenshot(viewer, "room-viewer-after-restart")
        screenshot(host, "room-cockpit-after-restart")
    finally:
        restarted.stop()
    assert errors.errors == []


def test_user_text_is_inert(browser, site):
    seeded, server, _tmp = site
    engine = create_engine(seeded.database_url)
    with engine.begin() as connection:
        connection.execute(text("update jobs set title = :t, requirements = :t"), {"t": XSS})
    engine.dispose()
    host = browser.new_page()
    sign_in(host, server.url, seeded.host_username, PASSWORD)
    host.goto(f"{server.url}/rooms/{seeded.room_id}/cockpit")
    viewer = browser.new_page()
    viewer.goto(f"{server.url}/rooms/{seeded.room_id}")
    host.wait_for_selector("#jobs li button.push")
    host.locator("#jobs li button.push").first.click()
    viewer.wait_for_selector("#pinned .job-card")
    viewer.click("#pinned button.signup")
    sign_in_on_page(viewer, seeded.database_url, "13912345678", XSS[:50], scope="#identity")
    viewer.wait_for_selector("#pinned button.signup.done")
    viewer.fill("#chat-text", XSS[:200])
    viewer.click("#chat-form button[type=submit]")
    host.wait_for_selector("#chat-list li")
    fair_page = browser.new_page()
    fair_page.goto(f"{server.url}/fairs/{seeded.fair_id}")
    for page in (host, viewer, fair_page):
        page.wait_for_timeout(300)
        assert page.evaluate("window.__pwned") is None
        assert page.locator("#pinned img, #chat-list img, #history img, .job-card img").count() == 0
    assert XSS in viewer.inner_text("#pinned")  # shown as text
    assert "<img" in host.inner_text("#chat-list")
