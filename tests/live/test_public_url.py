"""A server on another port, with no public URL set: links and live connections follow it."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import time

import pytest
import requests
from playwright.sync_api import expect

from tests.fixtures.browser import PageErrors, screenshot
from tests.fixtures.realtime import migrated_copy
from tests.fixtures.servers import FAIRCAST, die_with_parent, faircast_env, free_port

pytestmark = [pytest.mark.browser, pytest.mark.slow]
PRINTED = ("cockpit", "Check-in desk", "report", "Dashboard")


@pytest.fixture
def demo(tmp_path, migrated_template):
    """`faircast demo --port P` with FAIRCAST_PUBLIC_URL unset; yields (url, printed lines, log)."""
    port = free_port()
    env = faircast_env(migrated_copy(migrated_template, tmp_path), tmp_path / "media")
    env.pop("FAIRCAST_PUBLIC_URL", None)
    env["PYTHONUNBUFFERED"] = "1"
    log_path = tmp_path / "demo.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [*FAIRCAST, "demo", "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=die_with_parent,
        )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        assert process.poll() is None, log_path.read_text()
        try:
            if requests.get(url + "/api/v1/openapi.json", timeout=1).ok:
                break
        except requests.RequestException:
            pass
        assert time.monotonic() < deadline, log_path.read_text()
        time.sleep(0.2)
    try:
        yield url, log_path
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=15)


def printed_url(log: str, label: str) -> str:
    line = next(line for line in log.splitlines() if label in line)
    return line.split()[-1]


def test_the_demo_on_another_port_works_live_and_links_to_itself(browser, demo):
    url, log_path = demo
    log = log_path.read_text()
    for label in PRINTED:
        assert printed_url(log, label).startswith(url + "/"), log
    assert not re.search(r":5000\b", log), log  # the default port, not the one served

    room_url = printed_url(log, "Live room")
    fair_url = printed_url(log, "The demo fair")
    fair_id = fair_url.rsplit("/", 1)[-1]
    calendar = requests.get(f"{url}/api/v1/fairs/{fair_id}/calendar.ics").text
    links = re.findall(r"https?://[^\s/]+", calendar.replace("\r\n ", ""))
    assert links and all(link == url for link in links), links

    # The page's live connection is accepted: the room shows its state, not "reconnecting".
    errors = PageErrors()
    page = errors.watch(browser.new_page(), "viewer")
    page.goto(room_url)
    page.wait_for_function("() => document.getElementById('connection').hidden")
    page.wait_for_timeout(1500)
    expect(page.locator("#connection")).to_be_hidden()
    screenshot(page, "demo-room-other-port")
    assert errors.errors == []

    # Another site's page is refused, and the log names the setting to change.
    refused = requests.get(
        f"{url}/socket.io/?EIO=4&transport=polling", headers={"Origin": "http://elsewhere.test"}
    )
    assert refused.status_code == 400
    time.sleep(0.5)
    log = log_path.read_text()
    assert "http://elsewhere.test" in log and "FAIRCAST_PUBLIC_URL" in log
