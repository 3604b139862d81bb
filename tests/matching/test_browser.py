"""The seeker's journey in real Chromium against a real server: registered for forklift work,
they are on their notification page when a host pushes the forklift card in another browser;
the live toast and the list entry appear, they tap it, land in the room and sign up."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import create_engine, text

from app.accounts.actor import Actor
from app.accounts.models import Role
from app.accounts.schemas import NewUser
from app.accounts.services import create_user
from app.extensions import db
from app.fairs.models import Fair, FairMode, FairStatus, Room
from app.fairs.services import new_stream_key
from app.jobs.models import Job
from app.matching.schemas import ProfileIn
from app.matching.services import save_profile
from tests.fixtures.browser import PageErrors, screenshot
from tests.fixtures.realtime import migrated_copy, seeding_app, start_server
from tests.fixtures.values import JOB_DEFAULTS, PASSWORD, hours_from_now

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def seed(database_url: str, media_dir) -> dict:
    app = seeding_app(database_url, media_dir)
    with app.app_context():
        host = create_user(
            NewUser(role=Role.HOST, username="host", password=PASSWORD, employer="泉州叉车物流")
        )
        seeker = create_user(
            NewUser(
                role=Role.SEEKER,
                username="zhangwei",
                password=PASSWORD,
                name="张伟",
                mobile="13912345678",
            )
        )
        fair = Fair(
            title="零工直播招聘会",
            mode=FairMode.ONLINE,
            starts_at=hours_from_now(-1),
            ends_at=hours_from_now(6),
            status=FairStatus.LIVE,
        )
        jobs = [
            Job(employer_id=host.employer_id, **{**JOB_DEFAULTS, **kw})
            for kw in (
                {
                    "title": "叉车司机",
                    "category": "logistics",
                    "district": "东园镇",
                    "shift": "20:00-08:00",
                    "requirements": "持叉车证",
                },
                {"title": "餐厅服务员", "category": "catering"},
            )
        ]
        fair.jobs.extend(jobs)
        room = Room(
            fair=fair,
            title="物流岗位直播",
            host_id=host.id,
            starts_at=fair.starts_at,
            ends_at=fair.starts_at + timedelta(hours=3),
            stream_key=new_stream_key(),
        )
        db.session.add_all([fair, room])
        db.session.flush()
        save_profile(
            Actor.of(seeker),
            ProfileIn(
                categories=["叉车司机"],
                districts=["东园镇"],
                shifts=["night"],
                certificates=["叉车证"],
                quiet_hours=None,
            ),
        )
        db.session.commit()
        return {"room_id": room.id, "job_id": jobs[0].id, "seeker_id": seeker.seeker_id}


def sign_in_by_text(page, base_url: str, database_url: str, mobile: str) -> None:
    """Sign in as a seeker does: the number, the code the `log` SMS backend kept, consent."""
    page.goto(base_url + "/login")
    form = page.locator("#seeker-sign-in form")
    form.locator("[data-field=mobile]").fill(mobile)
    form.locator("[data-action=send]").click()
    expect(form.locator("[data-status]")).to_contain_text("13")
    engine = create_engine(database_url)
    with engine.connect() as connection:
        texted = connection.execute(
            text("SELECT text FROM sms_messages WHERE mobile = :m ORDER BY id DESC"), {"m": mobile}
        ).scalar()
    engine.dispose()
    form.locator("[data-field=code]").fill(re.search(r"(?<!\d)(\d{6})(?!\d)", texted).group(1))
    form.locator("[data-field=consent]").check()
    form.locator("button[type=submit]").click()
    page.wait_for_url(lambda url: "/login" not in url)


@pytest.fixture
def site(tmp_path, migrated_template):
    database_url = migrated_copy(migrated_template, tmp_path)
    seeded = seed(database_url, tmp_path / "media")
    server = start_server(database_url, tmp_path)
    yield seeded, server, database_url
    server.stop()


def test_notification_to_room_to_sign_up(browser, site):
    seeded, server, database_url = site
    errors = PageErrors()
    phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
    seeker = errors.watch(phone.new_page(), "seeker")
    sign_in_by_text(seeker, server.url, database_url, "13912345678")
    seeker.goto(f"{server.url}/my/notifications")
    expect(seeker.locator("#notifications")).to_contain_text("暂无消息")

    host = errors.watch(browser.new_context(locale="zh-CN").new_page(), "host")
    host.goto(f"{server.url}/login")
    host.fill("#staff-sign-in input[name=username]", "host")
    host.fill("#staff-sign-in input[name=password]", PASSWORD)
    host.click("#staff-sign-in button[type=submit]")
    host.wait_for_url(lambda url: "/login" not in url)
    host.goto(f"{server.url}/rooms/{seeded['room_id']}/cockpit")
    host.wait_for_selector("#jobs li button.push")
    host.locator("#jobs li", has_text="叉车司机").locator("button.push").click()

    toast = seeker.locator("#toasts .toast-note")
    expect(toast).to_contain_text("正在直播：叉车司机，点此观看并报名", timeout=5_000)
    expect(seeker.locator("#notifications li").first).to_contain_text("正在直播：叉车司机")
    screenshot(seeker, "matching-live-toast-phone")

    toast.first.click()
    seeker.wait_for_url(f"**/rooms/{seeded['room_id']}?via=notification&job={seeded['job_id']}")
    card = seeker.locator("#pinned .job-card")
    expect(card).to_contain_text("叉车司机")
    seeker.click("#pinned button.signup")
    expect(seeker.locator("#pinned button.signup.done")).to_be_visible()
    screenshot(seeker, "matching-signed-up-from-notification")

    engine = create_engine(database_url)
    with engine.connect() as connection:
        opened = connection.execute(
            text("SELECT opened_at FROM notifications WHERE seeker_id = :s AND channel = 'in_app'"),
            {"s": seeded["seeker_id"]},
        ).scalar_one()
        signed = connection.execute(
            text("SELECT source FROM signups WHERE seeker_id = :s AND job_id = :j"),
            {"s": seeded["seeker_id"], "j": seeded["job_id"]},
        ).scalar_one()
    engine.dispose()
    assert opened is not None and signed == "notification"
    phone.close()
    assert errors.errors == []
