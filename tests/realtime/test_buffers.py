"""After the websocket handshake, the HTTP connection's read and write buffers are released:
checked on eventlet's own WSGI server with a real socket, which keeps working afterwards."""

from __future__ import annotations

import base64
import json
import os
import struct

import eventlet
import pytest
import socketio
from eventlet import wsgi

from app import realtime
from app.realtime import collector
from app.realtime.websocket import http_protocol


class Quiet:
    def write(self, *_):
        pass


def serve(fast: bool, monkeypatch):
    # The collector's tuning is process-wide: the test process keeps its own.
    monkeypatch.setattr(collector, "install", lambda eio: None)
    server = socketio.Server(async_mode="eventlet")
    assert realtime.install(server, fast=fast) == ("fast" if fast else "guarded")
    seen: list[dict] = []
    app = socketio.WSGIApp(server)

    def recording(environ, start_response):
        seen.append(environ)
        return app(environ, start_response)

    listener = eventlet.listen(("127.0.0.1", 0))
    thread = eventlet.spawn(wsgi.server, listener, recording, log=Quiet(), log_output=False)
    return listener.getsockname()[1], seen, thread


def read_frame(sock) -> str:
    head = recv_exact(sock, 2)
    length = head[1] & 0x7F
    if length == 126:
        (length,) = struct.unpack("!H", recv_exact(sock, 2))
    return recv_exact(sock, length).decode()


def recv_exact(sock, size: int) -> bytes:
    data = b""
    while len(data) < size:
        chunk = sock.recv(size - len(data))
        assert chunk, "the server closed the connection"
        data += chunk
    return data


def masked_text(text: str) -> bytes:
    payload = text.encode()
    mask = os.urandom(4)
    body = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
    return struct.pack("!BB", 0x81, 0x80 | len(payload)) + mask + body


@pytest.mark.parametrize("fast", [True, False])
def test_the_http_buffers_are_closed_and_the_websocket_still_works(fast, monkeypatch):
    port, seen, thread = serve(fast, monkeypatch)
    try:
        sock = eventlet.connect(("127.0.0.1", port))
        key = base64.b64encode(os.urandom(16)).decode()
        # The fast path declines compression; the guarded one would accept it, so it is not
        # offered there (this test reads frames as they are).
        offer = "Sec-WebSocket-Extensions: permessage-deflate\r\n" if fast else ""
        sock.sendall(
            (
                "GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\n"
                f"Host: 127.0.0.1:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n{offer}\r\n"
            ).encode()
        )
        response = b""
        while b"\r\n\r\n" not in response:
            response += sock.recv(1)
        assert response.startswith(b"HTTP/1.1 101")
        assert b"permessage-deflate" not in response
        opened = read_frame(sock)
        assert opened.startswith("0") and json.loads(opened[1:])["sid"]

        protocol = http_protocol(seen[0])
        assert protocol is not None
        assert protocol.wfile.closed and protocol.rfile.closed
        assert seen[0]["eventlet.input"].rfile.closed

        # Reading and writing go on over the bare socket: a Socket.IO connect is answered.
        sock.sendall(masked_text("40"))
        answer = read_frame(sock)
        assert answer.startswith("40") and "sid" in json.loads(answer[2:])
        sock.close()
    finally:
        thread.kill()


def test_an_environ_without_eventlets_protocol_has_none():
    assert http_protocol({}) is None
    assert http_protocol({"eventlet.set_idle": lambda: None}) is None
