"""The outbox end to end: a matching job pushed live reaches a real (loopback) push service,
encrypted for the subscription and signed with the server's VAPID key; each message once,
retried after failures, held through quiet hours, capped per day."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from app.accounts.actor import Actor
from app.announce import commit
from app.live import operations
from app.matching import services as matching
from app.matching.schemas import ProfileIn
from app.notifications import alerts, services, webpush
from app.notifications.models import Channel, Delivery, Kind, Notification, PushSubscription
from tests.fixtures.push import BrowserKeys, start_push_service, verify_vapid


@pytest.fixture
def push_service(monkeypatch):
    monkeypatch.setenv("FAIRCAST_PUSH_ALLOW_LOOPBACK", "1")
    service, server = start_push_service()
    yield service
    server.shutdown()


@pytest.fixture
def forklift_room(db, live_room):
    room, host, jobs = live_room
    job = jobs[0]
    job.title, job.category, job.district, job.shift = (
        "叉车司机",
        "logistics",
        "东园镇",
        "20:00-08:00",
    )
    db.session.commit()
    return room, host, job


def register(user, **kw):
    values = dict(
        categories=["叉车"],
        districts=["东园镇"],
        work_types=["gig"],
        shifts=["night"],
        quiet_hours=None,
    )
    values.update(kw)
    profile = matching.save_profile(Actor.of(user), ProfileIn(**values))
    commit()
    return profile


def subscribe(user, push_service, name="a"):
    keys = BrowserKeys()
    endpoint = push_service.url(f"/push/{name}")
    services.subscribe(Actor.of(user), endpoint, keys.p256dh, keys.auth_b64)
    commit()
    return keys, endpoint


def rows(db, **where):
    query = select(Notification)
    for name, value in where.items():
        query = query.where(getattr(Notification, name) == value)
    return db.session.scalars(query).all()


def test_a_card_pushed_live_reaches_a_real_push_service(db, make_user, forklift_room, push_service):
    room, host, job = forklift_room
    seeker = make_user("seeker")
    register(seeker)
    keys, endpoint = subscribe(seeker, push_service)
    elsewhere = make_user("seeker")
    register(elsewhere, categories=["保安"])

    created = alerts.alert_live_match(room.id, job.id)

    assert {(r.seeker_id, r.channel) for r in created} == {
        (seeker.seeker_id, Channel.IN_APP),
        (seeker.seeker_id, Channel.WEB_PUSH),
    }
    [message] = push_service.received
    payload = keys.decrypt(message)
    assert payload["title"] == "正在直播：叉车司机，点此观看并报名"
    assert payload["url"].startswith("/n/")
    claims = verify_vapid(message, endpoint, webpush.public_key())
    assert claims["sub"].startswith("mailto:")
    [pushed] = rows(db, channel=Channel.WEB_PUSH)
    assert pushed.status == Delivery.SENT and pushed.attempts == 1


def test_nothing_is_sent_twice_across_pushes_and_restarts(
    db, make_user, forklift_room, push_service
):
    room, host, job = forklift_room
    room_id, job_id = room.id, job.id
    seeker = make_user("seeker")
    seeker_id = seeker.seeker_id
    register(seeker)
    subscribe(seeker, push_service)
    alerts.alert_live_match(room_id, job_id)
    # The host pushes the card again, and another process (a restart) runs the same alert.
    assert alerts.alert_live_match(room_id, job_id) == []
    db.session.remove()
    assert alerts.alert_live_match(room_id, job_id) == []
    assert services.deliver_due(datetime.now(UTC) + timedelta(hours=1)) == 0
    assert len(push_service.received) == 1
    assert len(rows(db, seeker_id=seeker_id)) == 2  # one in-app, one push


def test_people_in_the_room_are_not_told(app, db, make_user, forklift_room, client):
    from app.extensions import socketio
    from tests.fixtures.values import login

    room, host, job = forklift_room
    seeker = make_user("seeker")
    register(seeker)
    login(client, seeker.username)
    socket_client = socketio.test_client(app, namespace="/live", flask_test_client=client)
    assert socket_client.emit("join", {"room_id": room.id}, namespace="/live", callback=True)["ok"]
    db.session.commit()  # see the join the live writer stored
    assert alerts.alert_live_match(room.id, job.id) == []


def test_a_failed_push_is_retried_with_backoff_then_sent_once(
    db, make_user, forklift_room, push_service
):
    room, host, job = forklift_room
    seeker = make_user("seeker")
    register(seeker)
    keys, _ = subscribe(seeker, push_service)
    push_service.answers = [500]
    alerts.alert_live_match(room.id, job.id)
    [pushed] = rows(db, channel=Channel.WEB_PUSH)
    assert pushed.status == Delivery.PENDING and pushed.attempts == 1
    retry_at = pushed.next_attempt_at
    assert services.deliver_due(retry_at - timedelta(seconds=1)) == 0  # not yet
    assert services.deliver_due(retry_at) == 1
    assert services.deliver_due(retry_at + timedelta(hours=1)) == 0
    db.session.refresh(pushed)
    assert pushed.status == Delivery.SENT and pushed.attempts == 2
    assert len(push_service.received) == 2
    assert keys.decrypt(push_service.received[1])["title"].startswith("正在直播")


def test_an_expired_subscription_is_removed(db, make_user, forklift_room, push_service):
    room, host, job = forklift_room
    seeker = make_user("seeker")
    register(seeker)
    subscribe(seeker, push_service)
    push_service.answers = [410]
    alerts.alert_live_match(room.id, job.id)
    assert db.session.scalars(select(PushSubscription)).all() == []


def test_quiet_hours_hold_pushes_until_they_end(db, make_user):
    seeker = make_user("seeker")
    profile = register(seeker, quiet_hours={"start": "21:00", "end": "08:00"})
    late = datetime(2026, 12, 1, 23, 30, tzinfo=UTC) - timedelta(hours=8)  # 23:30 in Shanghai
    assert services.quiet_until(profile, late) == datetime(2026, 12, 2, 0, 0, tzinfo=UTC)
    early = datetime(2026, 12, 2, 7, 0, tzinfo=UTC) - timedelta(hours=8)
    assert services.quiet_until(profile, early) == datetime(2026, 12, 2, 0, 0, tzinfo=UTC)
    noon = datetime(2026, 12, 2, 12, 0, tzinfo=UTC) - timedelta(hours=8)
    assert services.quiet_until(profile, noon) is None


def test_the_daily_cap_skips_pushes_but_keeps_the_list(db, make_user, push_service):
    seeker = make_user("seeker")
    register(seeker)
    subscribe(seeker, push_service)
    for n in range(services.DAILY_CAP + 2):
        message = services.Message(Kind.LIVE_MATCH, f"test:{n}", f"Job {n}", "", "/")
        services.notify(seeker.seeker_id, message)
    commit()
    pushes = rows(db, channel=Channel.WEB_PUSH)
    assert [r.status for r in pushes].count(Delivery.SKIPPED) == 2
    assert len(rows(db, channel=Channel.IN_APP)) == services.DAILY_CAP + 2


def test_push_subscriptions_need_https(api, client, make_user, token_for, monkeypatch):
    seeker = make_user("seeker")
    token = token_for(seeker)
    keys = BrowserKeys()
    sent = {
        "endpoint": "http://127.0.0.1:9/push",
        "keys": {"p256dh": keys.p256dh, "auth": keys.auth_b64},
    }
    refused = api.post("/me/push-subscriptions", sent, token=token)
    assert refused.status_code == 422 and refused.json["error"]["fields"]["endpoint"]
    monkeypatch.setenv("FAIRCAST_PUSH_ALLOW_LOOPBACK", "1")
    assert api.post("/me/push-subscriptions", sent, token=token).status_code == 201
    outside = {**sent, "endpoint": "http://example.com/push"}
    assert api.post("/me/push-subscriptions", outside, token=token).status_code == 422
    secure = {**sent, "endpoint": "https://push.example.com/abc"}
    monkeypatch.delenv("FAIRCAST_PUSH_ALLOW_LOOPBACK")
    assert api.post("/me/push-subscriptions", secure, token=token).status_code == 201
    key = api.get("/push/key").json["public_key"]
    assert key == webpush.public_key() and len(key) == 87


def test_the_host_pushing_a_card_alerts_within_seconds(db, make_user, forklift_room, app):
    import time

    room, host, job = forklift_room
    seeker = make_user("seeker")
    register(seeker)
    operations.push_card(Actor.of(host), room.id, job.id)
    started = time.monotonic()
    commit()
    while time.monotonic() - started < 5:
        db.session.rollback()
        found = rows(db, seeker_id=seeker.seeker_id, channel=Channel.IN_APP)
        if found:
            break
        time.sleep(0.05)
    assert [r.title for r in found] == ["正在直播：叉车司机，点此观看并报名"]


def test_texts_go_through_the_sms_gateway_once(db, make_user, forklift_room):
    from app.sms import outbox

    room, host, job = forklift_room
    seeker = make_user("seeker", mobile="13700001234")
    register(seeker, notify={"in_app": True, "web_push": False, "sms": True})
    alerts.alert_live_match(room.id, job.id)
    alerts.alert_live_match(room.id, job.id)
    [text] = outbox("13700001234")
    assert text.text.startswith("正在直播：叉车司机，点此观看并报名 http://127.0.0.1:5000/n/")
    [row] = rows(db, channel=Channel.SMS)
    assert row.status == Delivery.SENT


def test_a_person_keeps_at_most_ten_browsers(db, make_user, monkeypatch):
    monkeypatch.setenv("FAIRCAST_PUSH_ALLOW_LOOPBACK", "1")
    seeker = make_user("seeker")
    keys = BrowserKeys()
    for n in range(services.MAX_SUBSCRIPTIONS + 2):
        services.subscribe(
            Actor.of(seeker), f"http://127.0.0.1:9/push/{n}", keys.p256dh, keys.auth_b64
        )
        commit()
    kept = {s.endpoint for s in db.session.scalars(select(PushSubscription))}
    assert len(kept) == services.MAX_SUBSCRIPTIONS
    assert "http://127.0.0.1:9/push/0" not in kept and "http://127.0.0.1:9/push/11" in kept
