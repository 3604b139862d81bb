"""The ticket, the check-in desk and the booth page in real Chromium against a real server."""

from __future__ import annotations

import subprocess

import pytest
import segno
from playwright.sync_api import expect

from streaming import find_ffmpeg
from tests.fixtures.browser import CHROMIUM, CHROMIUM_ARGS, PageErrors, screenshot, sign_in
from tests.fixtures.onsite import seed_onsite
from tests.fixtures.people import sign_in_on_page
from tests.fixtures.realtime import migrated_copy, start_server
from tests.fixtures.values import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# Draws an <img> (or a data URI) into a canvas and reads it with jsQR, the decoder the desk uses.
DECODE = """async (source) => {
  const img = new Image();
  img.src = source;
  await img.decode();
  const side = Math.max(img.naturalWidth, 400);
  const canvas = document.createElement("canvas");
  canvas.width = canvas.height = side;
  const context = canvas.getContext("2d");
  context.fillStyle = "#fff";
  context.fillRect(0, 0, side, side);
  context.drawImage(img, 0, 0, side, side);
  const found = jsQR(context.getImageData(0, 0, side, side).data, side, side);
  return found ? found.data : null;
}"""


def unexpected(errors: PageErrors) -> list[str]:
    """Page errors other than the browser logging the 4xx answers the desk expects (409s)."""
    answered = "Failed to load resource: the server responded with a status of 4"
    return [e for e in errors.errors if answered not in e]


@pytest.fixture
def site(tmp_path, migrated_template):
    database_url = migrated_copy(migrated_template, tmp_path)
    seeded = seed_onsite(database_url, tmp_path / "media")
    seeded.database_url = database_url  # where the outbox of texted codes is
    server = start_server(database_url, tmp_path)
    yield seeded, server
    server.stop()


def result_of(page):
    page.wait_for_selector("#result:not([hidden])")
    return page.locator("#result")


def submit(page, text):
    page.fill("#lookup-input", text)
    page.press("#lookup-input", "Enter")


def test_ticket_qr_decodes_back_and_shows_without_a_network(browser, site):
    seeded, server = site
    errors = PageErrors()
    phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
    page = errors.watch(phone.new_page(), "visitor")
    page.goto(f"{server.url}/fairs/{seeded.fair_id}")
    page.click("#onsite a.button.primary")
    sign_in_on_page(page, seeded.database_url, "139 0000 1111", "周杰")
    page.click("#register-me button[type=submit]")  # the page reloaded, signed in
    page.wait_for_selector("#ticket-qr")
    code = page.inner_text("#ticket-code").replace("-", "")
    ticket_url = page.url
    screenshot(page, "onsite-ticket-phone")

    # Every request but the page itself fails: the QR code is in the page and still shows.
    offline = errors.watch(phone.new_page(), "offline")
    offline.route(
        "**/*",
        lambda route: (
            route.continue_() if route.request.resource_type == "document" else route.abort()
        ),
    )
    offline.goto(ticket_url)
    assert offline.evaluate(
        "() => { const i = document.getElementById('ticket-qr');"
        " return i.complete && i.naturalWidth > 0 && i.src.startsWith('data:'); }"
    )
    offline.close()

    # A real decoder reads the served SVG and the saved PNG back to the ticket's link.
    page.add_script_tag(url="/vendor/jsQR.js")
    expected = f"{server.url}/t/{code}"
    assert page.evaluate(DECODE, page.get_attribute("#ticket-qr", "src")) == expected
    assert page.evaluate(DECODE, page.get_attribute("#save-ticket", "href")) == expected

    # The organiser who scans it with any phone lands on the desk with the code filled in.
    desk = errors.watch(browser.new_page(), "desk")
    sign_in(desk, server.url, seeded.organiser_username, PASSWORD)
    desk.goto(expected)
    expect(desk.locator("#lookup-input")).to_have_value(code)
    desk.click("#lookup-submit")
    expect(result_of(desk)).to_contain_text("周杰")
    assert desk.get_attribute("#result", "data-tone") == "ok"
    phone.close()
    assert errors.errors == []


def test_check_in_desk_with_typed_codes_and_the_booth(browser, site):
    seeded, server = site
    errors = PageErrors()
    context = browser.new_context(locale="en-GB")
    desk = errors.watch(context.new_page(), "desk")
    sign_in(desk, server.url, seeded.organiser_username, PASSWORD)
    desk.goto(f"{server.url}/fairs/{seeded.fair_id}/checkin")
    desk.wait_for_selector("body[data-ready]")
    expect(desk.locator("#count-in")).to_have_text("0")

    code = seeded.tickets["王小明"]
    submit(desk, f"{code[:4].lower()}-{code[4:].lower()}")
    result = result_of(desk)
    expect(result).to_contain_text("Checked in")
    expect(result).to_contain_text("王小明 · 139****5678")
    assert desk.get_attribute("#result", "data-tone") == "ok"
    expect(desk.locator("#count-in")).to_have_text("1")
    screenshot(desk, "onsite-desk-checked-in")

    submit(desk, code)
    expect(result).to_contain_text("Already checked in")
    expect(result).to_contain_text("王小明")
    assert desk.get_attribute("#result", "data-tone") == "warn"

    submit(desk, seeded.other_fair_ticket)
    expect(result).to_contain_text("This ticket is for another fair")
    expect(result).to_contain_text("Another fair")
    assert desk.get_attribute("#result", "data-tone") == "bad"

    submit(desk, seeded.cancelled_ticket)
    expect(result).to_contain_text("This registration was cancelled")

    submit(desk, "ZZZZ-2222")
    expect(result).to_contain_text("No registration found")

    submit(desk, "138 0013 8000")
    expect(result).to_contain_text("李娜 · 138****8000")
    expect(desk.locator("#count-in")).to_have_text("2")

    desk.fill("#walkin-name", "新来的")
    desk.fill("#walkin-mobile", "13611112222")
    desk.click("#walkin-form button[type=submit]")
    expect(result).to_contain_text("新来的 · 136****2222")
    expect(desk.locator("#count-in")).to_have_text("3")
    assert desk.locator("#recent li").count() == 7
    screenshot(desk, "onsite-desk-after-walk-in")

    # The employer's host at the booth, on a phone in Chinese.
    phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
    booth = errors.watch(phone.new_page(), "booth")
    sign_in(booth, server.url, seeded.host_username, PASSWORD)
    booth.goto(f"{server.url}/fairs/{seeded.fair_id}/booth")
    booth.wait_for_selector("body[data-ready]")
    submit(booth, code)
    booth_result = result_of(booth)
    expect(booth_result).to_contain_text("已报名")
    expect(booth_result).to_contain_text("1 人报名了这个岗位")
    submit(booth, seeded.tickets["陈静"])
    expect(booth_result).to_contain_text("尚未在入口签到")
    screenshot(booth, "onsite-booth-phone")
    context.close()
    phone.close()
    assert unexpected(errors) == []


def qr_video(tmp_path, text: str):
    """A short Y4M clip of the ticket's QR code, which Chromium plays as its fake camera."""
    image = tmp_path / "ticket.png"
    segno.make(text, error="m").save(str(image), scale=8, border=4)
    clip = tmp_path / "ticket.y4m"
    subprocess.run(
        [
            find_ffmpeg(None),
            "-v",
            "error",
            "-loop",
            "1",
            "-i",
            str(image),
            "-vf",
            "scale=360:360,pad=640:480:(ow-iw)/2:(oh-ih)/2:white,format=yuv420p",
            "-r",
            "10",
            "-t",
            "2",
            "-y",
            str(clip),
        ],
        check=True,
        timeout=60,
    )
    return clip


def test_the_camera_reads_a_ticket(browser, site, tmp_path):
    seeded, server = site
    code = seeded.tickets["陈静"]
    clip = qr_video(tmp_path, f"{server.url}/t/{code}")
    camera_browser = browser.browser_type.launch(
        executable_path=CHROMIUM,
        args=[*CHROMIUM_ARGS, f"--use-file-for-fake-video-capture={clip}"],
    )
    try:
        errors = PageErrors()
        page = errors.watch(camera_browser.new_page(locale="en-GB"), "camera")
        sign_in(page, server.url, seeded.organiser_username, PASSWORD)
        page.goto(f"{server.url}/fairs/{seeded.fair_id}/checkin")
        page.wait_for_selector("body[data-ready]")
        page.click("#scan-start")
        result = result_of(page)
        expect(result).to_contain_text("Checked in", timeout=15000)
        expect(result).to_contain_text("陈静")
        expect(page.locator("#count-in")).to_have_text("1")
        # The same ticket stays in front of the camera: it is not sent again and again.
        page.wait_for_timeout(2000)
        assert page.locator("#recent li").count() == 1
        page.click("#scan-stop")
        assert errors.errors == []
    finally:
        camera_browser.close()
