"""The report and dashboard pages in real Chromium against a real server: the charts are drawn."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.fixtures.browser import PageErrors, screenshot, sign_in
from tests.fixtures.realtime import migrated_copy, start_server
from tests.fixtures.reports import seed_report
from tests.fixtures.values import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# How much of each canvas is painted: the share of pixels that are neither blank nor white.
PAINTED = """(canvas) => {
  const { width, height } = canvas;
  const data = canvas.getContext("2d").getImageData(0, 0, width, height).data;
  let painted = 0;
  for (let i = 0; i < data.length; i += 4) {
    const white = data[i] > 245 && data[i + 1] > 245 && data[i + 2] > 245;
    if (data[i + 3] > 0 && !white) painted += 1;
  }
  return { width, height, share: painted / (width * height) };
}"""


@pytest.fixture(scope="module")
def site(tmp_path_factory, migrated_template):
    folder = tmp_path_factory.mktemp("report-site")
    database_url = migrated_copy(migrated_template, folder)
    seeded = seed_report(database_url, folder / "media")
    server = start_server(database_url, folder)
    yield seeded, server
    server.stop()


def painted(page, selector: str) -> list[dict]:
    return [canvas.evaluate(PAINTED) for canvas in page.locator(selector).element_handles()]


def test_report_page_draws_its_charts(browser, site):
    seeded, server = site
    errors = PageErrors()
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = errors.watch(context.new_page(), "organiser")
    sign_in(page, server.url, seeded.organiser_username, PASSWORD)
    response = page.goto(f"{server.url}/fairs/{seeded.fair_id}/report")
    assert "no-store" in response.headers["cache-control"]
    expect(page.locator("body")).to_have_attribute("data-charts-ready", "4")
    page.wait_for_timeout(700)  # let the bars grow to their size before measuring
    for selector in ("#funnel-chart", "#jobs-chart", "canvas.timeline-chart"):
        for figure in painted(page, selector):
            assert figure["width"] > 200 and figure["height"] > 150, (selector, figure)
            assert figure["share"] > 0.01, (selector, figure)
    expect(page.locator("#figure-unique-viewers .value")).not_to_have_text("0")
    expect(page.locator("#jobs-table tbody tr")).to_have_count(3)
    screenshot(page, "report-page")

    # The printable version: the charts become images that print as they look.
    page.click("text=打印版")
    expect(page.locator("img.chart-image")).to_have_count(4)
    sizes = page.locator("img.chart-image").evaluate_all(
        "(images) => images.map((i) => i.naturalWidth * i.naturalHeight)"
    )
    assert all(size > 10_000 for size in sizes)
    assert page.locator("canvas").count() == 0
    page.emulate_media(media="print")
    expect(page.locator("header.topbar")).to_be_hidden()
    screenshot(page, "report-print")
    context.close()
    assert errors.errors == []


def test_host_report_and_dashboard_in_english(browser, site):
    seeded, server = site
    errors = PageErrors()
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    page = errors.watch(context.new_page(), "host")
    sign_in(page, server.url, seeded.host_username, PASSWORD)
    page.goto(f"{server.url}/fairs/{seeded.fair_id}/report")
    expect(page.locator("body")).to_have_attribute("data-charts-ready", "3")
    expect(page.locator("#jobs-table tbody tr")).to_have_count(2)  # their employer's two jobs
    page.click("#jobs-table tbody tr:first-child >> text=Follow up")
    expect(page.locator("article.signup-card").first).to_be_visible()
    screenshot(page, "report-followup")
    context.close()

    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    page = errors.watch(context.new_page(), "dashboard")
    sign_in(page, server.url, seeded.organiser_username, PASSWORD)
    page.goto(f"{server.url}/organiser/dashboard")
    expect(page.locator("body")).to_have_attribute("data-charts-ready", "3")  # one pay unit
    page.wait_for_timeout(700)
    for selector in ("#days-chart", "#categories-chart", "canvas.pay-chart"):
        assert all(f["share"] > 0.005 for f in painted(page, selector)), selector
    screenshot(page, "dashboard-page")
    context.close()
    assert errors.errors == []
