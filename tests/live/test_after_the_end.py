"""After the broadcast ends, the viewer page says so and what comes next, not "now presenting"."""

from __future__ import annotations

from datetime import timedelta

import pytest
import requests
from playwright.sync_api import expect
from sqlalchemy import select

from app.accounts.models import User
from app.db import utcnow
from app.extensions import db
from app.fairs.models import Fair, Room
from app.fairs.services import new_stream_key
from tests.fixtures.browser import PageErrors, screenshot, sign_in
from tests.fixtures.realtime import seeding_app
from tests.fixtures.values import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.slow]
PHONE = {"width": 390, "height": 844}


def add_next_session(seeded, tmp_path) -> str:
    app = seeding_app(seeded.database_url, tmp_path / "media")
    with app.app_context():
        fair = db.session.get(Fair, seeded.fair_id)
        host = db.session.scalar(select(User).where(User.username == seeded.host_username))
        start = utcnow() + timedelta(hours=3)
        room = Room(
            fair=fair,
            title="下午场：仓储岗位",
            host_id=host.id,
            starts_at=start,
            ends_at=start + timedelta(hours=1),
            stream_key=new_stream_key(),
        )
        db.session.add(room)
        db.session.commit()
        room_id = room.id
        db.engine.dispose()
    return room_id


def test_the_viewer_page_after_the_end(browser, live_site, tmp_path):
    seeded, server = live_site()
    next_id = add_next_session(seeded, tmp_path)
    errors = PageErrors()
    host = errors.watch(browser.new_page(), "host")
    sign_in(host, server.url, seeded.host_username, PASSWORD)
    host.goto(f"{server.url}/rooms/{seeded.room_id}/cockpit")
    context = browser.new_context(viewport=PHONE, locale="zh-CN")
    viewer = errors.watch(context.new_page(), "viewer")
    viewer.goto(f"{server.url}/rooms/{seeded.room_id}")
    expect(viewer.locator("#after-end")).to_be_hidden()

    headers = {"Authorization": f"Bearer {seeded.host_token}"}
    opened = requests.post(
        f"{server.url}/api/v1/rooms/{seeded.room_id}/live", json={"source": "srt"}, headers=headers
    )
    assert opened.status_code == 200, opened.text
    host.locator("#jobs li button.push").first.click()
    expect(viewer.locator("#pinned")).to_contain_text("正在介绍")

    ended = requests.post(f"{server.url}/api/v1/rooms/{seeded.room_id}/end", headers=headers)
    assert ended.status_code == 200, ended.text
    expect(viewer.locator("#after-end")).to_be_visible()
    expect(viewer.locator("#after-end")).to_contain_text("本场直播已结束")
    expect(viewer.locator("#pinned")).to_be_hidden()
    expect(viewer.locator("body")).not_to_contain_text("正在介绍")
    expect(viewer.locator("#history .job-card")).to_have_count(1)  # still there to sign up
    link = viewer.locator("#next-session a")
    expect(link).to_have_text("下午场：仓储岗位")
    assert link.get_attribute("href") == f"/rooms/{next_id}"
    screenshot(viewer, "phone-room-ended")

    # Opened later, the page starts in the same state.
    viewer.reload()
    expect(viewer.locator("#after-end")).to_be_visible()
    expect(viewer.locator("#pinned")).to_be_hidden()
    assert errors.errors == []
    context.close()
