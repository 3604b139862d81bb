"""In the live room, the person who signed up can take it back."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.fixtures.browser import PageErrors, screenshot, sign_in
from tests.fixtures.people import sign_in_on_page
from tests.fixtures.realtime import rows
from tests.fixtures.values import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_a_viewer_withdraws_a_live_sign_up(browser, live_site):
    seeded, server = live_site()
    errors = PageErrors()
    host = errors.watch(browser.new_page(), "host")
    sign_in(host, server.url, seeded.host_username, PASSWORD)
    host.goto(f"{server.url}/rooms/{seeded.room_id}/cockpit")
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
    viewer = errors.watch(context.new_page(), "viewer")
    viewer.goto(f"{server.url}/rooms/{seeded.room_id}")
    host.locator("#jobs li button.push").first.click()
    pinned = viewer.locator("#pinned")
    pinned.locator("button.signup").click()
    sign_in_on_page(viewer, seeded.database_url, "13712345670", "钱七", scope="#identity")
    expect(pinned.locator("button.signup.done")).to_be_visible()
    expect(pinned.locator(".count")).to_have_text("1")
    screenshot(viewer, "phone-room-signed-up")

    pinned.locator("button.withdraw").click()
    expect(pinned.locator("button.signup.done")).to_have_count(0)
    expect(pinned.locator("button.withdraw")).to_have_count(0)
    expect(pinned.locator(".count")).to_have_text("0")
    expect(viewer.locator("#notice")).to_contain_text("已撤回报名")
    assert rows(seeded.database_url, "select withdrawn_at is not null from signups") == [(1,)]
    assert errors.errors == []
    context.close()
