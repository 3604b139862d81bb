"""The fair page filters its jobs by town, pay unit, work type and shift, and links the venue
to a map."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from playwright.sync_api import expect

from app.extensions import db
from app.jobs.models import Job, PayUnit, WorkType
from tests.fixtures.browser import PageErrors, screenshot
from tests.fixtures.realtime import seeding_app

pytestmark = [pytest.mark.browser, pytest.mark.slow]
PHONE = {"width": 390, "height": 844}


def vary_jobs(seeded, tmp_path) -> None:
    app = seeding_app(seeded.database_url, tmp_path / "media")
    with app.app_context():
        first, second, third = (db.session.get(Job, i) for i in seeded.job_ids)
        first.district, first.work_type, first.pay_unit = "东园镇", WorkType.GIG, PayUnit.DAY
        second.district, second.work_type, second.shift = "洛阳镇", WorkType.FULL_TIME, "夜班"
        third.district, third.work_type = "东园镇", WorkType.PART_TIME
        db.session.commit()
        db.engine.dispose()


def test_filters_and_the_map_link(browser, live_site, tmp_path):
    seeded, server = live_site()
    vary_jobs(seeded, tmp_path)
    errors = PageErrors()
    context = browser.new_context(viewport=PHONE, locale="zh-CN")
    page = errors.watch(context.new_page(), "seeker")
    page.goto(f"{server.url}/fairs/{seeded.fair_id}")
    cards = page.locator("#jobs .job-card")
    visible = page.locator("#jobs .job-card:visible")
    expect(cards).to_have_count(3)

    page.select_option("#job-filters select[name=district]", "东园镇")
    expect(visible).to_have_count(2)
    page.select_option("#job-filters select[name=work_type]", "part_time")
    expect(visible).to_have_count(1)
    expect(visible.first.locator("h4")).to_have_text("Job 2")
    page.select_option("#job-filters select[name=district]", "洛阳镇")
    expect(visible).to_have_count(0)
    expect(page.locator("#no-matching-jobs")).to_be_visible()
    page.select_option("#job-filters select[name=work_type]", "")
    page.select_option("#job-filters select[name=shift]", "夜班")
    expect(visible).to_have_count(1)
    page.select_option("#job-filters select[name=shift]", "")
    page.select_option("#job-filters select[name=district]", "")
    page.select_option("#job-filters select[name=pay_unit]", "day")
    expect(visible).to_have_count(1)
    options = page.locator("#job-filters select[name=work_type] option").all_inner_texts()
    assert sorted(options) == sorted(["全部", "零工", "兼职", "全职"])  # labels, not codes
    screenshot(page, "phone-fair-filters")

    link = page.locator("#map-link")
    assert link.get_attribute("href").endswith(quote("Hall"))
    assert link.get_attribute("rel") == "noopener"
    assert errors.errors == []
    context.close()
