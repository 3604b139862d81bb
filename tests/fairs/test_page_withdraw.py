"""On the fair page a sign-up is confirmed like a live one, and the person can take it back."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.fixtures.browser import PageErrors, screenshot
from tests.fixtures.people import sign_in_on_page
from tests.fixtures.realtime import rows

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_a_visitor_signs_up_then_withdraws(browser, live_site):
    seeded, server = live_site()
    errors = PageErrors()
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
    page = errors.watch(context.new_page(), "visitor")
    page.goto(f"{server.url}/fairs/{seeded.fair_id}")
    job = seeded.job_ids[0]
    page.click(f'button.signup[data-job-id="{job}"]')
    sign_in_on_page(page, seeded.database_url, "13712345679", "赵敏", scope="#identity")
    expect(page.locator(f'button.signup[data-job-id="{job}"]')).to_have_class("primary signup done")
    expect(page.locator("#notice")).to_contain_text("报名成功")  # as in the live room
    expect(page.locator(f'[data-count-for="{job}"]')).to_have_text("1")
    withdraw = page.locator(f'button.withdraw[data-job-id="{job}"]')
    expect(withdraw).to_be_visible()
    screenshot(page, "phone-fair-signed-up")

    withdraw.click()
    expect(page.locator(f'button.signup[data-job-id="{job}"]')).to_have_class("primary signup")
    expect(withdraw).to_be_hidden()
    expect(page.locator(f'[data-count-for="{job}"]')).to_have_text("0")
    expect(page.locator("#notice")).to_contain_text("已撤回报名")
    withdrawn = rows(seeded.database_url, "select withdrawn_at is not null from signups")
    assert withdrawn == [(1,)]
    page.reload()
    expect(page.locator("button.signup.done")).to_have_count(0)
    assert errors.errors == []
    context.close()
