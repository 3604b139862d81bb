"""The journey of DESIGN.md in real Chromium, start to finish, with screenshots kept.

1. The organiser schedules a hybrid fair with two live sessions and six jobs from two employers.
2. A host opens the cockpit and goes live (fake camera); viewers' pages start playing.
3. The host pushes a job card; every viewer sees it with pay, hours, place and headcount.
4. Viewers sign up (one retries); each person counts once; counts update live.
5. The host ends the stream; the replay plays with the card at its moment.
6. An on-site visitor checks in with their QR ticket; one person online and offline is one.
7. The organiser's report shows the exact numbers, and exports them.
"""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import requests
from playwright.sync_api import expect

from tests.fixtures.browser import PageErrors, screenshot, sign_in
from tests.fixtures.people import sign_in_on_page
from tests.fixtures.servers import Server, faircast_env, run_cli
from tests.fixtures.values import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SHANGHAI = ZoneInfo("Asia/Shanghai")
JOBS = {
    "hengda": [
        ("电子厂普工", 22, 26, "hour"),
        ("品质检验员", 4800, 6000, "month"),
        ("包装计件工", 0.35, 0.5, "piece"),
    ],
    "suda": [
        ("快递分拣员", 180, 220, "day"),
        ("城配快递员", 7000, 10000, "month"),
        ("仓库理货员", 25, 25, "hour"),
    ],
}


def local(moment: datetime) -> str:
    return moment.astimezone(SHANGHAI).strftime("%Y-%m-%dT%H:%M")


@pytest.fixture
def site(tmp_path):
    env = faircast_env(f"sqlite:///{tmp_path / 'journey.db'}", tmp_path / "media")
    run_cli(["db", "upgrade"], env)
    run_cli(
        [
            "user",
            "create",
            "--role",
            "organiser",
            "--username",
            "wang",
            "--password",
            PASSWORD,
            "--name",
            "王科长",
        ],
        env,
    )
    for employer, name in (
        ("hengda", "泉州恒达电子科技有限公司"),
        ("suda", "闽南速达物流有限公司"),
    ):
        run_cli(
            [
                "user",
                "create",
                "--role",
                "host",
                "--username",
                employer,
                "--password",
                PASSWORD,
                "--employer",
                name,
                "--name",
                f"{employer} HR",
            ],
            env,
        )
    server = Server(env, log_path=tmp_path / "server.log").start()
    server.database_url = env["FAIRCAST_DATABASE_URL"]  # where the outbox of texted codes is
    for n, employer in enumerate(JOBS):
        token = requests.post(
            server.url + "/api/v1/tokens", json={"username": employer, "password": PASSWORD}
        ).json()["token"]
        for title, low, high, unit in JOBS[employer]:
            job = {
                "title": title,
                "category": "manufacturing" if employer == "hengda" else "logistics",
                "pay_min": low,
                "pay_max": high,
                "pay_unit": unit,
                "district": "东园镇",
                "headcount": 10 + n,
                "work_type": "gig",
                "shift": "08:00–17:00",
                "benefits": ["meals"],
                "requirements": "",
                "contact": "",
            }
            assert (
                requests.post(
                    server.url + "/api/v1/jobs",
                    json=job,
                    headers={"Authorization": f"Bearer {token}"},
                ).status_code
                == 201
            )
    yield server
    server.stop()


def test_the_whole_journey(browser, site):
    server = site
    errors = PageErrors()
    now = datetime.now(SHANGHAI).replace(second=0, microsecond=0)

    # 1. The organiser schedules the fair.
    organiser = errors.watch(browser.new_context(locale="zh-CN").new_page(), "organiser")
    sign_in(organiser, server.url, "wang", PASSWORD)
    organiser.goto(server.url + "/organiser/fairs/new")
    organiser.fill("input[name=title]", "台商区零工市场直播带岗")
    organiser.select_option("select[name=mode]", "hybrid")
    organiser.fill("input[name=starts_at]", local(now - timedelta(hours=1)))
    organiser.fill("input[name=ends_at]", local(now + timedelta(hours=6)))
    organiser.fill("input[name=venue]", "东园镇零工市场服务大厅")
    organiser.fill("input[name=capacity]", "100")
    organiser.click("#details button[type=submit]")
    fair_url = organiser.url
    fair_id = fair_url.rstrip("/").split("/")[-1]
    for _ in range(6):
        organiser.click("#jobs .inline-form button[type=submit]")
    expect(organiser.locator("#jobs ul.plain li")).to_have_count(6)
    sessions = (
        ("恒达电子直播", "hengda", now - timedelta(minutes=30), now + timedelta(hours=2)),
        ("速达物流直播", "suda", now + timedelta(hours=2), now + timedelta(hours=4)),
    )
    for title, host, start, end in sessions:
        organiser.fill("#rooms input[name=title]", title)
        organiser.select_option("#rooms select[name=host_username]", host)
        organiser.fill("#rooms input[name=starts_at]", local(start))
        organiser.fill("#rooms input[name=ends_at]", local(end))
        organiser.click("#rooms button[type=submit]")
    expect(organiser.locator("#rooms ul.plain li")).to_have_count(2)
    for status in ("published", "live"):
        organiser.click(f"#status form:has(input[value={status}]) button")
    screenshot(organiser, "journey-1-fair-editor")
    room_links = organiser.locator("#rooms ul.plain li a")
    room_id = room_links.first.get_attribute("href").rstrip("/").split("/")[-1]

    # 2. The host goes live from the cockpit; two viewers' pages start playing.
    host = errors.watch(
        browser.new_context(permissions=["camera", "microphone"]).new_page(), "host"
    )
    sign_in(host, server.url, "hengda", PASSWORD)
    host.goto(f"{server.url}/rooms/{room_id}/cockpit")
    viewers = []
    for n in range(2):
        context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
        page = errors.watch(context.new_page(), f"viewer{n}")
        page.goto(f"{server.url}/rooms/{room_id}")
        viewers.append(page)
    host.wait_for_selector("#jobs li button.push")
    host.click("#go-camera")
    for viewer in viewers:
        expect(viewer.locator("#stream-state")).to_be_hidden(timeout=30_000)
        viewer.wait_for_function(
            "() => document.getElementById('player').currentTime > 1", timeout=30_000
        )

    # 3. A card reaches every viewer with pay, hours, place and headcount.
    host.locator("#jobs li", has_text="电子厂普工").locator("button.push").click()
    for viewer in viewers:
        card = viewer.locator("#pinned .job-card")
        expect(card).to_be_visible(timeout=15_000)
        for text in ("电子厂普工", "¥22–26", "08:00–17:00", "东园镇", "10"):
            expect(card).to_contain_text(text)
    screenshot(viewers[0], "journey-3-card-on-phone")

    # 4. Both sign up; the second retries (taps again after a reload); each counts once.
    for n, viewer in enumerate(viewers):
        viewer.click("#pinned button.signup")
        sign_in_on_page(
            viewer, server.database_url, f"1391234567{n}", f"求职者{n + 1}", scope="#identity"
        )
        expect(viewer.locator("#pinned button.signup.done")).to_be_visible()
    viewers[1].reload()
    viewers[1].wait_for_selector("#pinned .job-card")
    expect(
        viewers[1].locator("#pinned button.signup.done")
    ).to_be_visible()  # remembered, not twice
    for page in (host, *viewers):
        expect(page.locator("#pinned [data-count-for]")).to_have_text("2")
    screenshot(host, "journey-4-cockpit-counts")

    # 5. The host ends; the replay plays with the card at its moment.
    host.wait_for_timeout(2000)
    host.click("#end-broadcast")
    expect(viewers[0].locator("#replay-link")).to_be_visible(timeout=30_000)
    viewers[0].click("#replay-link a")
    expect(viewers[0].locator("#timeline li")).to_have_count(1)
    viewers[0].wait_for_function(
        "() => document.getElementById('player').currentTime > 0.5", timeout=30_000
    )
    viewers[0].evaluate("document.getElementById('player').currentTime = 60")
    expect(viewers[0].locator("#pinned .job-card")).to_contain_text("电子厂普工")
    screenshot(viewers[0], "journey-5-replay")

    # 6. Viewer 1 registers for the hall, and the desk checks the ticket in.
    visitor = viewers[0]
    visitor.goto(f"{server.url}/fairs/{fair_id}/register")
    # Signed in with a code when signing up: one tap registers.
    visitor.click("#register-me button[type=submit]")
    code = visitor.inner_text("#ticket-code").strip()
    screenshot(visitor, "journey-6-ticket")
    organiser.goto(f"{server.url}/fairs/{fair_id}/checkin")
    organiser.fill("#lookup-input", code)
    organiser.click("#lookup-submit")
    expect(organiser.locator("#result")).to_have_attribute("data-tone", "ok")
    organiser.fill("#lookup-input", code)
    organiser.click("#lookup-submit")
    expect(organiser.locator("#result")).to_have_attribute("data-tone", "warn")  # not twice
    expect(organiser.locator("#result h2")).to_have_text("已经签到过")
    screenshot(organiser, "journey-6-checkin-desk")

    # 7. The report has the exact numbers and exports them.
    organiser.goto(f"{server.url}/fairs/{fair_id}/report")
    figures = {
        name: organiser.inner_text(f"#figure-{name} .value").strip()
        for name in ("unique-viewers", "peak", "checkins", "people-served", "signups")
    }
    assert figures == {
        "unique-viewers": "2",
        "peak": "2",
        "checkins": "1",
        "people-served": "2",
        "signups": "2",
    }, figures
    screenshot(organiser, "journey-7-report")
    cookies = {c["name"]: c["value"] for c in organiser.context.cookies()}
    report = requests.get(f"{server.url}/api/v1/fairs/{fair_id}/report", cookies=cookies).json()
    job = next(j for j in report["jobs"] if j["title"] == "电子厂普工")
    assert job["pushes"] == 1 and job["signups"] == 2 and job["signups_by_source"]["live"] == 2
    assert (
        job["signups_while_shown"] == 2
        and job["viewers_while_shown"] == 2
        and job["conversion"] == 1.0
    )
    rooms = {r["room_id"]: r for r in report["rooms"]}
    assert rooms[room_id]["unique_viewers"] == 2 and rooms[room_id]["peak_concurrent"] == 2
    exported = requests.get(
        f"{server.url}/api/v1/fairs/{fair_id}/report.csv", cookies=cookies
    ).text.lstrip("\ufeff")
    row = next(r for r in csv.DictReader(io.StringIO(exported)) if r["title"] == "电子厂普工")
    assert row["signups"] == "2" and row["signups_live"] == "2"
    assert errors.errors == []
