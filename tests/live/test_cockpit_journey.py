"""The host's cockpit as a host uses it: a second camera click, a premiere upload from the page."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import pytest
import requests
from playwright.sync_api import expect

from tests.fixtures.browser import PageErrors, screenshot, sign_in
from tests.fixtures.realtime import FFMPEG
from tests.fixtures.values import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture
def site(live_site):
    return live_site()


def large_video(path: Path) -> Path:
    """A real H.264 video of a few MiB (noise does not compress), larger than a form's limit."""
    subprocess.run(
        [
            FFMPEG,
            "-v",
            "error",
            "-y",
            "-f",
            "lavfi",
            "-i",
            "nullsrc=s=640x360:r=25,geq=random(1)*255:128:128",
            "-f",
            "lavfi",
            "-i",
            "sine",
            "-t",
            "3",
            "-c:v",
            "libx264",
            "-preset",
            "ultrafast",
            "-b:v",
            "8M",
            "-pix_fmt",
            "yuv420p",
            "-c:a",
            "aac",
            "-shortest",
            str(path),
        ],
        check=True,
        timeout=120,
    )
    return path


def test_a_premiere_over_a_mebibyte_uploads_from_the_cockpit(browser, live_site, tmp_path):
    seeded, server = live_site()
    video = large_video(tmp_path / "talk.mp4")
    assert video.stat().st_size > 2 * 1024 * 1024
    errors = PageErrors()
    page = errors.watch(browser.new_page(), "host")
    sign_in(page, server.url, seeded.host_username, PASSWORD)
    page.goto(f"{server.url}/rooms/{seeded.room_id}/cockpit")
    page.click("details.premiere summary")
    page.set_input_files("#upload-file", str(video))
    page.click("#upload-form button[type=submit]")
    expect(page.locator("#upload-status")).to_have_text(
        "Uploaded; the premiere is scheduled.", timeout=60000
    )
    screenshot(page, "cockpit-premiere-uploaded")
    assert errors.errors == []
    uploads = tmp_path / "media-uploads"
    stored = [p for p in uploads.iterdir()]
    assert len(stored) == 1 and stored[0].suffix == ".video", stored  # no spooled leftovers
    assert stored[0].stat().st_size == video.stat().st_size


def room_status(server, seeded) -> str:
    headers = {"Authorization": f"Bearer {seeded.host_token}"}
    return requests.get(f"{server.url}/api/v1/rooms/{seeded.room_id}", headers=headers).json()[
        "status"
    ]


def wait_for_status(server, seeded, status: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while room_status(server, seeded) != status:
        assert time.monotonic() < deadline, f"the room never became {status}"
        time.sleep(0.3)


def test_a_second_camera_click_while_live_leaves_the_broadcast_on(browser, site):
    seeded, server = site
    errors = PageErrors()
    context = browser.new_context(permissions=["camera", "microphone"])
    host = errors.watch(context.new_page(), "host")
    sign_in(host, server.url, seeded.host_username, PASSWORD)
    host.goto(f"{server.url}/rooms/{seeded.room_id}/cockpit")
    expect(host.locator("#end-broadcast")).to_be_disabled()
    host.click("#go-camera")
    wait_for_status(server, seeded, "live")
    expect(host.locator("#go-camera")).to_be_disabled()
    expect(host.locator("#go-srt")).to_be_disabled()
    expect(host.locator("#end-broadcast")).to_be_enabled()

    # However the second click arrives, the running camera and recorder go on.
    host.locator("#go-camera").click(force=True)
    host.evaluate("document.getElementById('go-camera').dispatchEvent(new MouseEvent('click'))")
    time.sleep(6)
    assert room_status(server, seeded) == "live"
    assert host.evaluate("document.getElementById('preview').srcObject !== null")
    screenshot(host, "cockpit-live")

    host.click("#end-broadcast")
    wait_for_status(server, seeded, "ended")
    expect(host.locator("#go-camera")).to_be_enabled()
    assert host.evaluate("document.getElementById('preview').srcObject === null")
    assert errors.errors == []
    context.close()


def test_a_slow_upload_shows_its_progress_and_can_be_cancelled(browser, site, tmp_path):
    seeded, server = site
    video = large_video(tmp_path / "talk.mp4")
    page = browser.new_page()
    sign_in(page, server.url, seeded.host_username, PASSWORD)
    page.goto(f"{server.url}/rooms/{seeded.room_id}/cockpit")
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send(
        "Network.emulateNetworkConditions",
        {"offline": False, "latency": 20, "downloadThroughput": -1, "uploadThroughput": 200_000},
    )
    page.click("details.premiere summary")
    page.set_input_files("#upload-file", str(video))
    page.click("#upload-form button[type=submit]")
    expect(page.locator("#upload-progress")).to_be_visible()
    expect(page.locator("#upload-submit")).to_be_disabled()
    page.wait_for_function("() => document.getElementById('upload-progress').value > 0")
    # The bytes stream into a file beside the stored uploads as they arrive (not memory).
    uploads = tmp_path / "media-uploads"
    deadline = time.monotonic() + 20
    while not [p for p in uploads.glob(".incoming-*") if p.stat().st_size > 100_000]:
        assert time.monotonic() < deadline, list(uploads.iterdir())
        time.sleep(0.2)
    page.click("#upload-cancel")
    expect(page.locator("#upload-status")).to_have_text("Upload cancelled.")
    expect(page.locator("#upload-progress")).to_be_hidden()
    expect(page.locator("#upload-submit")).to_be_enabled()
    headers = {"Authorization": f"Bearer {seeded.host_token}"}
    uploads = requests.get(f"{server.url}/api/v1/rooms/{seeded.room_id}/uploads", headers=headers)
    assert uploads.json() == []
    assert room_status(server, seeded) == "scheduled"
    deadline = time.monotonic() + 10
    while list((tmp_path / "media-uploads").iterdir()):  # the cancelled bytes are gone
        assert time.monotonic() < deadline, list((tmp_path / "media-uploads").iterdir())
        time.sleep(0.2)
