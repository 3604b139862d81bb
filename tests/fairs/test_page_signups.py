"""Signing up from the public fair page in Chromium, signing in with a code the first time."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.fixtures.browser import PageErrors, screenshot
from tests.fixtures.people import sign_in_on_page

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
    sign_in_on_page(page, seeded.database_url, "13712345678", "赵敏", scope="#identity")
    expect(buttons.first).to_have_class("primary signup done")
    page.reload()
    expect(page.locator("button.signup.done")).to_have_count(1)  # remembered
    screenshot(page, "fair-page-signed-up")
    assert rows(seeded.database_url, "select source from signups") == [("page",)]
    assert errors.errors == []
