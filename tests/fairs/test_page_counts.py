"""Sign-up counts on the fair page come with the page and stay current, without a tap."""

from __future__ import annotations

import pytest
import requests
from playwright.sync_api import expect

from app.accounts.schemas import Identity
from app.accounts.services import identify_seeker
from app.extensions import db
from app.live.models import SignUpSource
from app.live.signups import SignUpRequest, record_signups
from tests.fixtures.browser import PageErrors, screenshot
from tests.fixtures.realtime import seeding_app

pytestmark = [pytest.mark.browser, pytest.mark.slow]
PHONE = {"width": 390, "height": 844}


def sign_up(seeded, tmp_path, mobile: str, job_index: int = 0) -> None:
    """A sign-up made elsewhere (another person, another page) while this page is open."""
    app = seeding_app(seeded.database_url, tmp_path / "media")
    with app.app_context():
        seeker = identify_seeker(Identity(name="王五", mobile=mobile))
        record_signups(
            [SignUpRequest(seeded.fair_id, seeker.id, seeded.job_ids[job_index], SignUpSource.PAGE)]
        )
        db.session.commit()
        db.engine.dispose()


def test_counts_come_with_the_fair_page_and_stay_current(browser, live_site, tmp_path):
    seeded, server = live_site()
    sign_up(seeded, tmp_path, "13900000011")
    counts = requests.get(f"{server.url}/api/v1/fairs/{seeded.fair_id}/signups/counts").json()
    assert counts == {"counts": {seeded.job_ids[0]: 1}}

    errors = PageErrors()
    context = browser.new_context(viewport=PHONE, locale="zh-CN")
    page = errors.watch(context.new_page(), "seeker")
    page.goto(f"{server.url}/fairs/{seeded.fair_id}")
    first = page.locator(f'[data-count-for="{seeded.job_ids[0]}"]')
    expect(first).to_have_text("1")  # before anyone taps anything
    expect(page.locator(f'[data-count-for="{seeded.job_ids[1]}"]')).to_have_text("0")

    sign_up(seeded, tmp_path, "13900000012")
    # The page reads the counts again now and then, and whenever it is shown again.
    page.evaluate("document.dispatchEvent(new Event('visibilitychange'))")
    expect(first).to_have_text("2")
    screenshot(page, "phone-fair-page")
    assert errors.errors == []
    context.close()
