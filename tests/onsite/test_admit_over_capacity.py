"""A walk-in at a full fair: the organiser at the desk can let them in, counted over capacity."""

from __future__ import annotations

import pytest
import requests
from playwright.sync_api import expect

from app.extensions import db
from app.fairs.models import Fair
from tests.fixtures.browser import PageErrors, screenshot, sign_in
from tests.fixtures.realtime import seeding_app
from tests.fixtures.values import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.slow]
PHONE = {"width": 390, "height": 844}


def make_full_after_one(seeded, tmp_path) -> None:
    app = seeding_app(seeded.database_url, tmp_path / "media")
    with app.app_context():
        db.session.get(Fair, seeded.fair_id).capacity = 1
        db.session.commit()
        db.engine.dispose()


def walk_in(page, name: str, mobile: str) -> None:
    page.fill("#walkin-name", name)
    page.fill("#walkin-mobile", mobile)
    page.click("#walkin-form button[type=submit]")


def test_the_desk_admits_a_walk_in_over_capacity(browser, live_site, tmp_path):
    seeded, server = live_site()
    make_full_after_one(seeded, tmp_path)
    errors = PageErrors()
    context = browser.new_context(viewport=PHONE, locale="zh-CN")
    page = errors.watch(context.new_page(), "desk")
    sign_in(page, server.url, "organiser", PASSWORD)
    page.goto(f"{server.url}/fairs/{seeded.fair_id}/checkin")

    walk_in(page, "张一", "13900000021")  # takes the only place, and is checked in
    expect(page.locator("#result")).to_have_attribute("data-tone", "ok")
    walk_in(page, "李二", "13900000022")  # the fair is full
    expect(page.locator("#result")).to_have_attribute("data-tone", "warn")
    expect(page.locator("#result")).to_contain_text("候补")
    page.click("#admit")
    expect(page.locator("#result")).to_have_attribute("data-tone", "ok")
    expect(page.locator("#result")).to_contain_text("已签到")
    screenshot(page, "phone-checkin-desk")

    attendance = requests.get(f"{server.url}/api/v1/fairs/{seeded.fair_id}/attendance").json()
    assert attendance["confirmed"] == 2 and attendance["capacity"] == 1
    assert attendance["over_capacity"] == 1 and attendance["waitlisted"] == 0
    expect(page.locator("#count-over")).to_have_text("1", timeout=30000)
    assert errors.errors == []
    context.close()


def test_admitting_is_for_organisers_only(api, live_room, make_user, token_for):
    room, host, _jobs = live_room
    fair = room.fair
    fair.capacity = 0
    organiser = token_for(make_user("organiser"))
    waiting = api.post(
        f"/fairs/{fair.id}/registrations",
        {"name": "王三", "mobile": "13900000023"},
        token=organiser,
    )
    assert waiting.status_code == 201 and waiting.get_json()["status"] == "waitlisted"
    registration = waiting.get_json()["id"]
    assert api.post(f"/registrations/{registration}/admit", token=token_for(host)).status_code in (
        403,
        404,
    )
    assert api.post(f"/registrations/{registration}/admit").status_code == 401
    admitted = api.post(f"/registrations/{registration}/admit", token=organiser)
    assert admitted.status_code == 200 and admitted.get_json()["status"] == "confirmed"
    direct = api.post(
        f"/fairs/{fair.id}/registrations",
        {"name": "赵四", "mobile": "13900000024", "admit": True},
        token=organiser,
    )
    assert direct.get_json()["status"] == "confirmed"
    counts = api.get(f"/fairs/{fair.id}/attendance").get_json()
    assert counts["over_capacity"] == 2
    seeker = api.post(
        f"/fairs/{fair.id}/registrations", {"admit": True}, token=token_for(make_user())
    )
    assert seeker.status_code == 422
