"""Malformed Socket.IO input on a real server: a binary-attachment header whose placeholder
points nowhere, followed by a stream of frames, once made a full traceback per frame while the
connection stayed open. Now such input closes the connection with one line in the log."""

from __future__ import annotations

import json
import time

import pytest
import websocket

pytestmark = pytest.mark.slow

FRAMES = 500


@pytest.fixture
def site(live_site, tmp_path):
    seeded, server = live_site()
    return seeded, server, tmp_path / "server.log"


def open_socket(server) -> websocket.WebSocket:
    url = server.url.replace("http://", "ws://") + "/socket.io/?EIO=4&transport=websocket"
    ws = websocket.create_connection(url, origin=server.url, timeout=5)
    assert ws.recv().startswith("0")  # engine.io open
    return ws


def connect_live(ws) -> None:
    ws.send("40/live,")
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        message = ws.recv()
        if message.startswith("40/live"):
            return
    raise AssertionError("/live did not accept the connection")


def closed_after(ws, send) -> bool:
    """Keep sending until the server closes the connection; True when it did."""
    try:
        for n in range(FRAMES):
            send(n)
    except (websocket.WebSocketException, OSError):
        return True
    ws.settimeout(5)
    try:
        while True:
            message = ws.recv()
            if message in ("", None) or (isinstance(message, str) and message.startswith("1")):
                return True
            if message == "2":
                ws.send("3")
    except (websocket.WebSocketException, OSError):
        return True


def log_after(log_path, offset: int) -> str:
    time.sleep(0.5)  # the server's last lines reach the file
    return log_path.read_text(errors="replace")[offset:]


def test_an_attachment_header_then_frames_closes_the_connection_with_one_line(site):
    seeded, server, log_path = site
    offset = len(log_path.read_text(errors="replace"))
    ws = open_socket(server)
    connect_live(ws)
    header = ["media", {"room_id": seeded.room_id}, {"_placeholder": True, "num": 7}]
    ws.send("451-/live," + json.dumps(header))
    assert closed_after(ws, lambda n: ws.send_binary(b"\x00" * 16)), "the connection stayed open"
    log = log_after(log_path, offset)
    assert "Traceback" not in log, log[-3000:]
    assert log.count("malformed Socket.IO input") == 1, log[-3000:]


@pytest.mark.parametrize(
    "garbage",
    [
        "49/live,[]",  # no such packet type
        '42/live,["join"',  # broken JSON
        "451-/live,{}",  # an attachment header that is not an event
        '42/live,{"0":"join"}',  # an event that is not a list
    ],
)
def test_other_garbage_closes_the_connection_and_the_server_serves_on(site, garbage):
    seeded, server, log_path = site
    offset = len(log_path.read_text(errors="replace"))
    ws = open_socket(server)
    connect_live(ws)
    assert closed_after(ws, lambda n: ws.send(garbage)), "the connection stayed open"
    log = log_after(log_path, offset)
    assert "Traceback" not in log, log[-3000:]
    assert log.count("malformed Socket.IO input") <= 1, log[-3000:]
    # Everyone else is served as before.
    other = open_socket(server)
    connect_live(other)
    other.send("42/live,1" + json.dumps(["join", {"room_id": seeded.room_id}]))
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        message = other.recv()
        if message.startswith("43/live,1"):
            assert json.loads(message[len("43/live,1") :])[0]["ok"] is True
            break
    else:
        raise AssertionError("no answer to a good join after the garbage")
    other.close()
