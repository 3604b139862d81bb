"""The main pages on a 390×844 phone in Chromium (zh-CN): nothing runs off the side, the staff
navigation is one line, icons are drawn (not emoji), contact numbers can be tapped; the report
prints on A4 and an empty session's chart says nobody watched. Screenshots of each page are kept
in test-artifacts/ for review."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.fixtures.browser import PageErrors, screenshot, sign_in
from tests.fixtures.values import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.slow]
PHONE = {"width": 390, "height": 844}
EMOJI = re.compile("[\U0001f300-\U0001faff\u260e\u25b6]")
OVERFLOW = "() => document.scrollingElement.scrollWidth - window.innerWidth"


def check(page, name: str) -> None:
    """The page fits the phone's width and shows no emoji; a screenshot is kept."""
    page.wait_for_load_state("networkidle")
    assert page.evaluate(OVERFLOW) <= 1, f"{name} is wider than the phone"
    text = page.locator("body").inner_text()
    assert not EMOJI.search(text), f"{name} shows emoji: {EMOJI.findall(text)}"
    screenshot(page, f"phone-{name}")


def test_main_pages_on_a_phone(browser, live_site):
    seeded, server = live_site()
    errors = PageErrors()
    context = browser.new_context(viewport=PHONE, locale="zh-CN", has_touch=True, is_mobile=True)
    page = errors.watch(context.new_page(), "phone")
    base = server.url

    page.goto(base + "/")
    check(page, "fairs")
    page.goto(f"{base}/fairs/{seeded.fair_id}")
    tel = page.locator('.job-card .contact a[href^="tel:"]').first
    expect(tel).to_have_attribute("href", "tel:05951234567")
    assert page.locator(".icon").count() >= 1
    check(page, "fair")
    page.goto(f"{base}/rooms/{seeded.room_id}")
    expect(page.locator(".room-bar .viewers svg.icon")).to_be_visible()
    check(page, "room")
    page.goto(base + "/login")
    check(page, "login")

    sign_in(page, base, "organiser", PASSWORD)
    nav = page.locator("header.topbar")
    box = nav.bounding_box()
    assert box["height"] < 64, f"the staff header takes {box['height']}px"
    assert page.evaluate(OVERFLOW) <= 1
    for name, path in (
        ("manage", "/organiser/fairs"),
        ("editor", f"/organiser/fairs/{seeded.fair_id}"),
        ("jobs", "/host/jobs"),
        ("checkin", f"/fairs/{seeded.fair_id}/checkin"),
        ("report", f"/fairs/{seeded.fair_id}/report"),
        ("dashboard", "/organiser/dashboard"),
        ("cockpit", f"/rooms/{seeded.room_id}/cockpit"),
    ):
        page.goto(base + path)
        check(page, name)
        if name == "editor":
            # Cancelling is never the first button under a thumb.
            buttons = page.locator("#status form button").all_inner_texts()
            assert buttons and "已取消" not in buttons[0], buttons
    assert errors.errors == []
    context.close()


def test_the_printed_report_fits_a4(browser, live_site):
    seeded, server = live_site(jobs=6)
    context = browser.new_context(viewport={"width": 794, "height": 1123}, locale="zh-CN")
    page = context.new_page()
    sign_in(page, server.url, "organiser", PASSWORD)
    page.goto(f"{server.url}/fairs/{seeded.fair_id}/report/print")
    # A session nobody watched says so (no axis of "08:00 08:00 …").
    expect(page.locator(".no-viewers")).to_have_text("这场直播还没有人观看。")
    page.emulate_media(media="print")
    overflow = page.locator("#jobs-table table").evaluate(
        "(table) => table.scrollWidth - table.parentElement.clientWidth"
    )
    assert overflow <= 1, f"the jobs table runs {overflow}px past its box on A4"
    screenshot(page, "report-print-a4")
    context.close()
