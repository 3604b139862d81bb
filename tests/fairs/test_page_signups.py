"""Signing up from the public fair page in Chromium, with the inline name-and-number form."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.fixtures.browser import PageErrors, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_a_visitor_signs_up_from_the_fair_page(browser, live_site):
    seeded, server = live_site()
    from tests.fixtures.realtime import rows

    errors = PageErrors()
    page = errors.watch(
        browser.new_context(viewport={"width": 390, "height": 844}).new_page(), "visitor"
    )
    page.goto(f"{server.url}/fairs/{seeded.fair_id}")
    buttons = page.locator("button.signup[data-job-id]")
    expect(buttons).to_have_count(3)
    buttons.first.click()
    page.fill("#identity-name", "赵敏")
    page.fill("#identity-mobile", "13712345678")
    page.click("#identity-form button[type=submit]")
    expect(buttons.first).to_have_class("primary signup done")
    page.reload()
    expect(page.locator("button.signup.done")).to_have_count(1)  # remembered
    screenshot(page, "fair-page-signed-up")
    assert rows(seeded.database_url, "select source from signups") == [("page",)]
    assert errors.errors == []
