"""The /live namespace through the Flask-SocketIO test client."""

import time

from sqlalchemy import select

from app.fairs.models import FairStatus
from app.live.models import ChatMessage, Presence, SignUp
from app.live.runtime import live_runtime
from tests.fixtures.people import identify_live as identify
from tests.fixtures.people import seeker_token
from tests.fixtures.sockets import NS, ack, received, wait_for


def test_join_returns_the_room_state(connect, live_room):
    room, _host, jobs = live_room
    viewer = connect()
    reply = ack(viewer, "join", {"room_id": room.id})
    assert reply["ok"]
    state = reply["state"]
    assert state["room_id"] == room.id and state["status"] == "scheduled"
    assert state["pinned"] is None and state["cards"] == [] and state["counts"] == {}
    assert state["viewers"] == 1
    assert reply["can_manage"] is False and "jobs" not in reply


def test_unknown_rooms_and_drafts_are_not_found(connect, live_room, db):
    room, _host, _jobs = live_room
    viewer = connect()
    assert ack(viewer, "join", {"room_id": "nope"})["error"]["code"] == "not_found"
    room.fair.status = FairStatus.DRAFT
    db.session.commit()
    assert ack(viewer, "join", {"room_id": room.id})["error"]["code"] == "not_found"


def test_private_fairs_need_a_signed_in_or_identified_viewer(connect, live_room, db):
    room, _host, _jobs = live_room
    room.fair.anonymous_viewers = False
    db.session.commit()
    viewer = connect()
    refused = ack(viewer, "join", {"room_id": room.id})
    assert refused["ok"] is False and "identity" in refused["error"]["fields"]
    identify(viewer)
    assert ack(viewer, "join", {"room_id": room.id})["ok"]


def test_host_pushes_a_card_every_viewer_sees_it(connect, live_room, token_for):
    room, host, jobs = live_room
    cockpit = connect(token=token_for(host))
    viewers = [connect() for _ in range(3)]
    for client in [cockpit, *viewers]:
        assert ack(client, "join", {"room_id": room.id})["ok"]
    reply = ack(cockpit, "push_card", {"room_id": room.id, "job_id": jobs[0].id})
    assert reply["ok"] and reply["card_id"]
    for client in viewers:
        card = wait_for(client, "card")
        assert card["room_id"] == room.id
        assert card["card"]["card_id"] == reply["card_id"]
        job = card["card"]["job"]
        assert job["title"] == "Job 0" and job["pay_min"] == 22 and job["headcount"] == 10
        assert abs(card["card"]["pushed_at"] - time.time() * 1000) < 5000
    state = ack(viewers[0], "join", {"room_id": room.id})["state"]
    assert state["pinned"]["card_id"] == reply["card_id"]
    assert state["cards"][0]["viewers_present"] == 3


def test_cards_are_snapshots_newest_first(connect, live_room, token_for, db):
    room, host, jobs = live_room
    cockpit = connect(token=token_for(host))
    ack(cockpit, "join", {"room_id": room.id})
    first = ack(cockpit, "push_card", {"room_id": room.id, "job_id": jobs[0].id})["card_id"]
    jobs[0].title = "Renamed later"
    db.session.commit()
    second = ack(cockpit, "push_card", {"room_id": room.id, "job_id": jobs[1].id})["card_id"]
    state = ack(cockpit, "join", {"room_id": room.id})["state"]
    assert [c["card_id"] for c in state["cards"]] == [second, first]
    assert state["cards"][1]["job"]["title"] == "Job 0"  # what viewers were shown
    assert state["pinned"]["card_id"] == second and state["cards"][1]["pinned"] is False
    assert ack(cockpit, "unpin_card", {"room_id": room.id, "card_id": second})["ok"]
    assert ack(cockpit, "join", {"room_id": room.id})["state"]["pinned"] is None


def test_viewers_cannot_use_host_events(connect, live_room, make_user, token_for):
    room, _host, jobs = live_room
    viewer = connect()
    other_host = connect(token=token_for(make_user("host")))
    for client in (viewer, other_host):
        ack(client, "join", {"room_id": room.id})
        reply = ack(client, "push_card", {"room_id": room.id, "job_id": jobs[0].id})
        assert reply["ok"] is False and reply["error"]["code"] == "forbidden"
        assert (
            ack(client, "moderate", {"room_id": room.id, "action": "delete", "target": "x"})[
                "error"
            ]["code"]
            == "forbidden"
        )
    assert received(viewer, "card") == []


def test_an_organiser_may_push(connect, live_room, make_user, token_for):
    room, _host, jobs = live_room
    organiser = connect(token=token_for(make_user("organiser")))
    ack(organiser, "join", {"room_id": room.id})
    assert ack(organiser, "push_card", {"room_id": room.id, "job_id": jobs[0].id})["ok"]


def test_pushing_a_job_from_outside_the_fair_is_refused(connect, live_room, token_for, make_job):
    room, host, _jobs = live_room
    cockpit = connect(token=token_for(host))
    ack(cockpit, "join", {"room_id": room.id})
    outsider = make_job(employer=host.employer)
    reply = ack(cockpit, "push_card", {"room_id": room.id, "job_id": outsider.id})
    assert reply["error"]["fields"] == {"job_id": "not in this fair"}


def test_sign_up_needs_an_identity_and_counts_once(connect, live_room, db):
    room, _host, jobs = live_room
    viewer = connect()
    ack(viewer, "join", {"room_id": room.id})
    refused = ack(viewer, "sign_up", {"room_id": room.id, "job_id": jobs[0].id})
    assert refused["ok"] is False and "identity" in refused["error"]["fields"]
    identify(viewer)
    first = ack(viewer, "sign_up", {"room_id": room.id, "job_id": jobs[0].id})
    assert first == {"ok": True, "created": True, "count": 1, "job_id": jobs[0].id}
    again = ack(viewer, "sign_up", {"room_id": room.id, "job_id": jobs[0].id})
    assert again["created"] is False and again["count"] == 1
    assert db.session.scalar(select(SignUp.source).where(SignUp.job_id == jobs[0].id)) == "live"
    withdrawn = ack(viewer, "withdraw", {"room_id": room.id, "job_id": jobs[0].id})
    assert withdrawn["count"] == 0
    back = ack(viewer, "sign_up", {"room_id": room.id, "job_id": jobs[0].id})
    assert back["created"] is True and back["count"] == 1
    assert db.session.query(SignUp).count() == 1


def test_the_same_person_on_two_devices_is_one_sign_up(connect, live_room):
    room, _host, jobs = live_room
    phone, laptop = connect(), connect()
    for client in (phone, laptop):
        identify(client, mobile="+86 139 0000 0001")
        ack(client, "join", {"room_id": room.id})
    assert ack(phone, "sign_up", {"room_id": room.id, "job_id": jobs[1].id})["created"] is True
    second = ack(laptop, "sign_up", {"room_id": room.id, "job_id": jobs[1].id})
    assert second["created"] is False and second["count"] == 1
    rejoined = ack(laptop, "join", {"room_id": room.id})
    assert rejoined["me"]["signed_up"] == [jobs[1].id]
    assert rejoined["state"]["counts"] == {jobs[1].id: 1}


def test_sign_up_checks_room_and_job(connect, live_room, make_job):
    room, _host, jobs = live_room
    viewer = connect()
    identify(viewer)
    assert (
        ack(viewer, "sign_up", {"room_id": room.id, "job_id": jobs[0].id})["error"]["code"]
        == "forbidden"
    )
    ack(viewer, "join", {"room_id": room.id})
    outsider = make_job()
    assert ack(viewer, "sign_up", {"room_id": room.id, "job_id": outsider.id})["error"][
        "fields"
    ] == {"job_id": "not in this fair"}
    assert ack(viewer, "sign_up", {"room_id": room.id})["error"]["fields"] == {
        "job_id": "Field required"
    }
    assert (
        ack(viewer, "sign_up", {"room_id": room.id, "job_id": jobs[0].id, "source": "onsite"})["ok"]
        is False
    )


def test_staff_do_not_sign_up(connect, live_room, token_for):
    room, host, jobs = live_room
    cockpit = connect(token=token_for(host))
    ack(cockpit, "join", {"room_id": room.id})
    assert (
        ack(cockpit, "sign_up", {"room_id": room.id, "job_id": jobs[0].id})["error"]["code"]
        == "forbidden"
    )
    assert (
        ack(cockpit, "identify", {"name": "X", "mobile": "13800138000"})["error"]["code"]
        == "unauthorized"
    )


def test_counts_are_broadcast_coalesced(connect, live_room):
    room, _host, jobs = live_room
    watcher = connect()
    ack(watcher, "join", {"room_id": room.id})
    people = []
    for n in range(12):
        client = connect()
        identify(client, name=f"P{n}", mobile=f"1370000{n:04d}")
        ack(client, "join", {"room_id": room.id})
        people.append(client)
    received(watcher)
    started = time.monotonic()
    for client in people:
        assert ack(client, "sign_up", {"room_id": room.id, "job_id": jobs[0].id})["created"]
    elapsed = time.monotonic() - started
    final = wait_for(watcher, "counts", predicate=lambda c: c["signups"].get(jobs[0].id) == 12)
    assert final["viewers"] == 13
    time.sleep(0.6)
    updates = 1 + len(received(watcher, "counts"))
    assert updates <= 4 * (elapsed + 1.0) + 1, f"{updates} counts updates in {elapsed:.2f}s"


def test_presence_is_recorded_and_closed(connect, live_room, db):
    room, _host, _jobs = live_room
    viewer = connect(auth={"visitor_id": "browser-abc-123"})
    ack(viewer, "join", {"room_id": room.id})
    row = db.session.scalar(select(Presence).where(Presence.room_id == room.id))
    assert row.visitor_id == "browser-abc-123" and row.left_at is None
    viewer.disconnect(NS)
    deadline = time.monotonic() + 3
    while time.monotonic() < deadline:
        db.session.expire_all()
        if db.session.get(Presence, row.id).left_at is not None:
            break
        time.sleep(0.05)
    assert db.session.get(Presence, row.id).left_at is not None


def test_identifying_links_the_anonymous_viewing_to_the_person(connect, live_room, db):
    room, _host, _jobs = live_room
    viewer = connect(auth={"visitor_id": "browser-xyz-789"})
    ack(viewer, "join", {"room_id": room.id})
    identify(viewer, mobile="13600000009")
    row = db.session.scalar(select(Presence).where(Presence.visitor_id == "browser-xyz-789"))
    db.session.refresh(row)
    assert row.seeker_id is not None


def test_chat_with_moderation(connect, live_room, token_for, db):
    room, host, _jobs = live_room
    cockpit = connect(token=token_for(host))
    viewer, other = connect(), connect()
    for client in (cockpit, viewer, other):
        ack(client, "join", {"room_id": room.id})
    assert ack(viewer, "chat", {"room_id": room.id, "text": "hi"})["error"]["fields"] == {
        "identity": "required"
    }
    identify(viewer, name="李娜")
    sent = ack(viewer, "chat", {"room_id": room.id, "text": "  包住吗？ "})
    assert sent["ok"] and sent["message"]["text"] == "包住吗？" and sent["message"]["name"] == "李*"
    line = wait_for(other, "chat")["message"]
    assert (
        ack(viewer, "chat", {"room_id": room.id, "text": "x" * 201})["error"]["code"] == "invalid"
    )
    assert ack(cockpit, "moderate", {"room_id": room.id, "action": "delete", "target": line["id"]})[
        "ok"
    ]
    assert wait_for(other, "chat_deleted")["message_id"] == line["id"]
    assert all(m["id"] != line["id"] for m in ack(other, "join", {"room_id": room.id})["chat"])
    again = ack(viewer, "chat", {"room_id": room.id, "text": "再问一次"})["message"]
    assert ack(cockpit, "moderate", {"room_id": room.id, "action": "mute", "target": again["id"]})[
        "ok"
    ]
    muted = ack(viewer, "chat", {"room_id": room.id, "text": "还在吗"})
    assert muted["ok"] is False and "muted" in muted["error"]["message"]
    assert db.session.query(ChatMessage).count() == 2


def test_chat_is_rate_limited_per_person(connect, live_room):
    room, _host, _jobs = live_room
    viewer = connect()
    identify(viewer)
    ack(viewer, "join", {"room_id": room.id})
    replies = [ack(viewer, "chat", {"room_id": room.id, "text": f"m{n}"}) for n in range(7)]
    assert [r["ok"] for r in replies] == [True] * 5 + [False] * 2
    assert replies[-1]["error"]["code"] == "rate_limited"


def test_a_flood_is_throttled_then_disconnected(connect, live_room):
    room, _host, _jobs = live_room
    viewer = connect()
    replies = []
    for _ in range(200):
        if not viewer.is_connected(NS):
            break
        replies.append(ack(viewer, "leave", {"room_id": room.id}))
    codes = [r["error"]["code"] for r in replies if r and not r.get("ok")]
    assert "rate_limited" in codes
    assert not viewer.is_connected(NS)


def test_oversized_and_malformed_payloads_are_refused(connect, live_room):
    room, _host, _jobs = live_room
    viewer = connect()
    assert (
        ack(viewer, "join", {"room_id": room.id, "padding": "x" * 5000})["error"]["code"]
        == "invalid"
    )
    assert ack(viewer, "join", "not an object")["error"]["code"] == "invalid"
    assert ack(viewer, "join", {"room_id": room.id, "extra": 1})["error"]["fields"] == {
        "extra": "Extra inputs are not permitted"
    }
    assert ack(viewer, "teleport", {})["error"]["code"] == "invalid"


def test_tokens_authenticate_and_bad_tokens_are_refused(app, connect, make_user, token_for):
    from app.extensions import socketio

    host = make_user("host")
    client = connect(token=token_for(host))
    assert client.is_connected(NS)
    bad = socketio.test_client(app, namespace=NS, auth={"token": "fc_forged"})
    assert not bad.is_connected(NS)


def test_signing_out_disconnects_that_sessions_sockets(app, connect, live_room):
    room, host, _jobs = live_room
    client = connect(user=host)
    assert ack(client, "join", {"room_id": room.id})["can_manage"] is True
    http = client.flask_test_client
    from tests.fixtures.values import csrf_token

    http.post("/logout", data={"csrf_token": csrf_token(http)})
    runtime = live_runtime(app)
    with app.app_context():
        runtime.sweep_connections()
    assert not client.is_connected(NS)


def test_state_survives_a_restart(settings, connect, live_room, token_for):
    from app import create_app
    from app.extensions import socketio

    room, host, jobs = live_room
    cockpit = connect(token=token_for(host))
    ack(cockpit, "join", {"room_id": room.id})
    card_id = ack(cockpit, "push_card", {"room_id": room.id, "job_id": jobs[0].id})["card_id"]
    viewer = connect()
    identify(viewer)
    ack(viewer, "join", {"room_id": room.id})
    ack(viewer, "sign_up", {"room_id": room.id, "job_id": jobs[0].id})
    restarted = create_app(settings, TESTING=True)  # a new process on the same database
    fresh = socketio.test_client(restarted, namespace=NS)
    state = fresh.emit("join", {"room_id": room.id}, namespace=NS, callback=True)["state"]
    assert state["pinned"]["card_id"] == card_id
    assert state["counts"] == {jobs[0].id: 1}
    fresh.disconnect(NS)


def test_a_bare_claim_of_a_name_and_number_identifies_nobody(connect, live_room):
    """Typing someone's number no longer tells their name or makes anyone them."""
    room, _host, jobs = live_room
    seeker_token("13800138000", "王芳")  # the real person has an account
    viewer = connect()
    ack(viewer, "join", {"room_id": room.id})
    refused = ack(viewer, "identify", {"name": "冒充", "mobile": "13800138000"})
    assert refused["ok"] is False and refused["error"]["code"] == "unauthorized"
    assert "identity" in refused["error"]["fields"]
    assert "王" not in str(refused)
    forged = ack(viewer, "identify", {"token": "fc_not-a-real-token"})
    assert forged["ok"] is False and forged["error"]["code"] == "unauthorized"
    still = ack(viewer, "sign_up", {"room_id": room.id, "job_id": jobs[0].id})
    assert still["ok"] is False and "identity" in still["error"]["fields"]


def test_a_staff_token_does_not_make_a_viewer_a_seeker(connect, live_room, token_for):
    room, host, _jobs = live_room
    viewer = connect()
    refused = ack(viewer, "identify", {"token": token_for(host)})
    assert refused["ok"] is False and refused["error"]["code"] == "forbidden"
