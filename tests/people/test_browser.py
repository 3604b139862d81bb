"""In Chromium on a phone: a seeker signs in on /login with the code from the outbox, lands on
"Me", verifies their ID number; another browser typing the same number gets nothing."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from app.validators import id_check_char
from tests.fixtures.browser import PageErrors, screenshot
from tests.fixtures.people import sign_in_on_page
from tests.fixtures.realtime import rows

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PHONE = {"width": 390, "height": 844}


def test_a_seeker_signs_in_by_code_and_verifies_their_id(browser, live_site):
    seeded, server = live_site()
    errors = PageErrors()
    page = errors.watch(browser.new_context(viewport=PHONE, locale="zh-CN").new_page(), "seeker")
    page.goto(f"{server.url}/login")
    sign_in_on_page(page, seeded.database_url, "13812345678", "周杰", scope="#seeker-sign-in")
    page.wait_for_url(f"{server.url}/me")
    expect(page.locator("#me-profile")).to_contain_text("13812345678")
    expect(page.locator("#me-profile h2")).to_have_text("周杰")
    body = "35058219900101123"
    page.fill("#real-name-form input[name=name]", "周杰")
    page.fill("#real-name-form input[name=id_number]", body + id_check_char(body))
    page.click("#real-name-form button[type=submit]")
    expect(page.locator("#real-name-level")).to_have_text("身份证号已校验")
    screenshot(page, "me-page-phone")

    # Another phone types the same number: no name, no page, until it has a fresh code.
    other = errors.watch(browser.new_context(viewport=PHONE).new_page(), "stranger")
    other.goto(f"{server.url}/me")
    assert "/login" in other.url
    assert "周杰" not in other.content()
    form = other.locator("#seeker-sign-in [data-phone-sign-in]")
    form.locator('[data-field="mobile"]').fill("13812345678")
    form.locator('[data-field="code"]').fill("000000")
    form.locator('[data-field="consent"]').check()
    form.locator("button[type=submit]").click()
    expect(form.locator("[data-error]")).not_to_be_empty()
    assert "周杰" not in other.content()
    assert rows(seeded.database_url, "select count(*) from sms_messages") == [(1,)]
    unexpected = [e for e in errors.errors if "status of 401" not in e]
    assert unexpected == []
