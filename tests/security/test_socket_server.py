"""Attacks on /live against a real server: foreign origins, credentials that end, oversized and
withheld messages."""

from __future__ import annotations

import contextlib
import json
import re
import time
from datetime import timedelta
from pathlib import Path

import pytest
import requests
import websocket

from app.accounts.models import ApiToken
from app.db import utcnow
from app.extensions import db
from tests.fixtures.realtime import seeding_app
from tests.fixtures.servers import run_cli
from tests.fixtures.values import PASSWORD

pytestmark = pytest.mark.slow


@pytest.fixture
def site(live_site):
    return live_site()


def ws_url(server) -> str:
    return server.url.replace("http://", "ws://") + "/socket.io/?EIO=4&transport=websocket"


class RawSocket:
    """Engine.IO / Socket.IO spoken by hand, to send what a well-behaved client never would."""

    def __init__(self, server, origin: str | None = None, cookie: str | None = None):
        headers = [f"Cookie: {cookie}"] if cookie else []
        self.ws = websocket.create_connection(
            ws_url(server), origin=origin or server.url, header=headers, timeout=10
        )
        assert self.ws.recv().startswith("0")  # engine.io open

    def connect(self, auth: dict | None = None) -> str:
        self.ws.send("40/live," + (json.dumps(auth) if auth else ""))
        return self.receive_until(lambda m: m.startswith(("40/live", "44/live")))

    def receive_until(self, predicate, timeout: float = 10) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            message = self.ws.recv()
            if message == "2":
                self.ws.send("3")  # answer the server's ping
                continue
            if predicate(message):
                return message
        raise AssertionError("nothing matching arrived")

    def emit(self, ack_id: int, event: str, data) -> dict:
        self.ws.send(f"42/live,{ack_id}" + json.dumps([event, data]))
        reply = self.receive_until(lambda m: m.startswith(f"43/live,{ack_id}"))
        return json.loads(reply[len(f"43/live,{ack_id}") :])[0]

    def close(self):
        self.ws.close()


def server_rss_kb(server) -> int:
    status = Path(f"/proc/{server.process.pid}/status").read_text()
    return int(re.search(r"VmRSS:\s+(\d+)", status).group(1))


def test_a_foreign_origin_is_refused(site):
    _seeded, server = site
    with pytest.raises(websocket.WebSocketException):
        RawSocket(server, origin="http://evil.example")
    RawSocket(server).close()  # the fair's own origin is fine


def test_no_credentials_no_host_powers(site):
    seeded, server = site
    raw = RawSocket(server)
    raw.connect()
    assert raw.emit(1, "join", {"room_id": seeded.room_id})["ok"]
    refused = raw.emit(2, "push_card", {"room_id": seeded.room_id, "job_id": seeded.job_ids[0]})
    assert refused["ok"] is False and refused["error"]["code"] == "forbidden"
    raw.close()


def signed_in(server, username: str) -> requests.Session:
    session = requests.Session()
    page = session.get(server.url + "/login").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    session.post(
        server.url + "/login",
        data={"username": username, "password": PASSWORD, "csrf_token": token},
    )
    return session


def cookie_header(session: requests.Session) -> str:
    return "; ".join(f"{c.name}={c.value}" for c in session.cookies)


def wait_disconnected(raw: RawSocket, timeout: float = 15) -> None:
    with contextlib.suppress(websocket.WebSocketConnectionClosedException):
        raw.receive_until(lambda m: m.startswith("41/live"), timeout=timeout)


def test_signing_out_ends_the_sessions_live_connections(site):
    seeded, server = site
    browser = signed_in(server, seeded.host_username)
    raw = RawSocket(server, cookie=cookie_header(browser))
    raw.connect()
    assert raw.emit(1, "join", {"room_id": seeded.room_id})["can_manage"] is True
    page = browser.get(server.url + "/host/jobs").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    browser.post(server.url + "/logout", data={"csrf_token": token})
    wait_disconnected(raw)
    # The same cookie cannot come back with powers.
    again = RawSocket(server, cookie=cookie_header(browser))
    again.connect()
    assert (
        again.emit(1, "push_card", {"room_id": seeded.room_id, "job_id": seeded.job_ids[0]})["ok"]
        is False
    )


def test_a_disabled_account_loses_its_open_connections(site, tmp_path):
    seeded, server = site
    raw = RawSocket(server)
    raw.connect({"token": seeded.host_token})
    assert raw.emit(1, "join", {"room_id": seeded.room_id})["can_manage"] is True
    run_cli(["user", "disable", "--username", seeded.host_username], server.env)
    wait_disconnected(raw)
    refused = RawSocket(server)
    assert refused.connect({"token": seeded.host_token}).startswith("44/live")


def test_a_revoked_or_expired_token_loses_its_open_connections(site, tmp_path):
    seeded, server = site
    bearer = {"Authorization": f"Bearer {seeded.host_token}"}
    raw = RawSocket(server)
    raw.connect({"token": seeded.host_token})
    assert raw.emit(1, "join", {"room_id": seeded.room_id})["can_manage"] is True
    (mine,) = requests.get(server.url + "/api/v1/tokens", headers=bearer, timeout=5).json()
    deleted = requests.delete(
        server.url + f"/api/v1/tokens/{mine['id']}", headers=bearer, timeout=5
    )
    assert deleted.status_code == 200
    wait_disconnected(raw)
    assert RawSocket(server).connect({"token": seeded.host_token}).startswith("44/live")

    issued = requests.post(
        server.url + "/api/v1/tokens",
        json={"username": seeded.host_username, "password": PASSWORD, "lifetime_days": 1},
        timeout=5,
    ).json()
    raw = RawSocket(server)
    raw.connect({"token": issued["token"]})
    assert raw.emit(1, "join", {"room_id": seeded.room_id})["can_manage"] is True
    app = seeding_app(seeded.database_url, tmp_path / "media")
    with app.app_context():  # the day has passed
        token = db.session.get(ApiToken, issued["id"])
        token.expires_at = utcnow() - timedelta(seconds=1)
        db.session.commit()
        db.engine.dispose()
    wait_disconnected(raw)
    assert RawSocket(server).connect({"token": issued["token"]}).startswith("44/live")


def test_oversized_and_withheld_messages_keep_memory_bounded(site):
    seeded, server = site
    before = server_rss_kb(server)
    for _ in range(5):
        raw = RawSocket(server)
        raw.connect()
        try:
            raw.ws.send(
                '42/live,["chat",{"room_id":"'
                + seeded.room_id
                + '","text":"'
                + "x" * 3_000_000
                + '"}]'
            )
            raw.ws.recv()
        except (websocket.WebSocketException, OSError):
            pass  # the server hangs up on a message over its limit
    withholders = []
    for _ in range(50):
        raw = RawSocket(server)
        raw.connect()
        # Announce a binary attachment, never send it.
        raw.ws.send(
            '451-/live,["media",{"room_id":"'
            + seeded.room_id
            + '","mime_type":"video/webm"},{"_placeholder":true,"num":0}]'
        )
        withholders.append(raw)
    growth_mb = (server_rss_kb(server) - before) / 1024
    assert growth_mb < 60, f"the server grew by {growth_mb:.0f} MB"
    healthy = RawSocket(server)
    healthy.connect()
    assert healthy.emit(1, "join", {"room_id": seeded.room_id})["ok"]
    for raw in withholders:
        raw.close()
