"""One client flooding a live socket neither freezes the process nor stays connected."""

from __future__ import annotations

import json
import threading
import time

import pytest
import requests
import websocket

from tests.fixtures.numbered import websocket_url

pytestmark = pytest.mark.slow

FLOOD_SECONDS = 6.0


@pytest.fixture
def live(live_site):
    return live_site()


def flood(url: str, message: str | bytes, outcome: dict) -> None:
    """Send message as fast as the socket takes it until the server ends the connection."""
    ws = websocket.create_connection(websocket_url(url), timeout=10)
    assert ws.recv().startswith("0")
    ws.send("40/live,")
    ws.recv()  # the namespace connect
    sent, started = 0, time.monotonic()
    try:
        while time.monotonic() - started < FLOOD_SECONDS:
            if isinstance(message, bytes):
                ws.send_binary(message)
            else:
                ws.send(message)
            sent += 1
    except (OSError, websocket.WebSocketException):
        outcome["cut_after"] = time.monotonic() - started
    outcome["sent"] = sent
    ws.close()


def slowest_answer(url: str, flooder: threading.Thread) -> float:
    """The longest GET /api/v1/fairs took while the flood lasted (at least 2 s of asking)."""
    slowest, started = 0.0, time.monotonic()
    while flooder.is_alive() or time.monotonic() - started < 2.0:
        asked = time.monotonic()
        assert requests.get(url + "/api/v1/fairs", timeout=10).status_code == 200
        slowest = max(slowest, time.monotonic() - asked)
        time.sleep(0.05)
    return slowest


@pytest.mark.parametrize(
    "message",
    [
        "42/live," + json.dumps(["chat", {"room_id": "x", "text": "hi"}]),  # tiny events
        "3",  # Engine.IO pongs: below Socket.IO, never seen by the events' limit
        "42/live," + json.dumps(["chat", {"room_id": "x", "text": "x" * 5000}]),  # 5 KB
        "42/live," + json.dumps(["chat", {"room_id": "x", "text": "x" * 950_000}]),  # 950 KB
    ],
    ids=["tiny-events", "pongs", "5kb", "950kb"],
)
def test_a_flooding_socket_is_cut_off_and_http_keeps_answering(live, message):
    _, server = live
    outcome: dict = {}
    flooder = threading.Thread(target=flood, args=(server.url, message, outcome))
    flooder.start()
    slowest = slowest_answer(server.url, flooder)
    flooder.join(timeout=30)
    assert slowest < 1.0
    assert "cut_after" in outcome, f"still connected after {outcome.get('sent')} messages"
    assert outcome["cut_after"] < FLOOD_SECONDS
