"""The websocket each live connection gets: compression declined, a reader that yields, a flood
that ends the connection, and what the direct writes need to know (is a send in progress?).

eventlet's websocket reads frames in a loop that only yields to other green threads when the
socket has nothing to read; one client sending as fast as it can therefore keeps every other
request of the process waiting. The reader here yields every few milliseconds and counts what
arrives (Engine.IO pings as much as Socket.IO events, and websocket control frames): beyond the
budget the connection is closed at once.
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket as stdlib_socket
import ssl
import time

from app.realtime.frames import RawFrame

log = logging.getLogger(__name__)

# Where an Engine.IO socket keeps its websocket: GUARD always, DIRECT when direct writes may go
# to it (fast path, plain TCP).
GUARD = "faircast_websocket"
DIRECT = "faircast_direct"

# The reader yields to other green threads at least this often (seconds) while data keeps coming.
YIELD_EVERY = 0.005
# Per connection, what may arrive: packets (a burst, refilled each second) and bytes. The
# /live events' own, politer limit (app/live/connections.py) is well inside these; browser video
# (1 MB/s with a 4 MB burst there) too.
PACKETS_PER_SECOND = 200.0
PACKET_BURST = 400.0
BYTES_PER_SECOND = 2_000_000.0
BYTE_BURST = 8_000_000.0


class Budget:
    """Two token buckets, packets and bytes, refilled with time."""

    __slots__ = ("packets", "bytes", "stamp")

    def __init__(self):
        self.packets, self.bytes, self.stamp = PACKET_BURST, BYTE_BURST, time.monotonic()

    def take(self, now: float, size: int) -> bool:
        elapsed = now - self.stamp
        self.stamp = now
        self.packets = min(PACKET_BURST, self.packets + elapsed * PACKETS_PER_SECOND) - 1
        self.bytes = min(BYTE_BURST, self.bytes + elapsed * BYTES_PER_SECOND) - size
        return self.packets >= 0 and self.bytes >= 0


def make_class(base):
    """The websocket class: eventlet's RFC 6455 websocket, guarded."""

    class GuardedWebSocket(base):
        def guard(self, label: str) -> None:
            self.label = label
            self.sending = 0  # sends in progress or waiting for the lock
            self.budget = Budget()
            self.last_yield = time.monotonic()
            self.cut = False

        # Writing ----------------------------------------------------------------------------

        def _send(self, frame):
            self.sending += 1
            try:
                super()._send(frame)
            finally:
                self.sending -= 1

        def send(self, message, **kw):
            if isinstance(message, RawFrame):  # the rest of a frame a direct write began
                self._send(bytes(message))
                return
            super().send(message, **kw)

        # Reading ----------------------------------------------------------------------------

        @staticmethod
        def _apply_mask(data, mask, length=None, offset=0):
            # eventlet unmasks byte by byte in Python, a second per megabyte, without yielding;
            # one big integer XOR does the same in microseconds.
            length = len(data) if length is None else length
            key = bytes(mask[(offset + i) % 4] for i in range(4))
            stream = (key * (length // 4 + 1))[:length]
            unmasked = int.from_bytes(data[:length], "big") ^ int.from_bytes(stream, "big")
            return unmasked.to_bytes(length, "big")

        def wait(self):
            message = super().wait()
            if message is None or self.cut:
                return None
            if not self._arrived(len(message)):
                return None
            return message

        def _handle_control_frame(self, opcode, data):
            if not self._arrived(len(data)):
                from eventlet.websocket import ConnectionClosedError

                raise ConnectionClosedError()
            return super()._handle_control_frame(opcode, data)

        def _arrived(self, size: int) -> bool:
            now = time.monotonic()
            if not self.budget.take(now, size):
                self.cut_off("packet flood")
                return False
            if now - self.last_yield >= YIELD_EVERY:
                from eventlet import sleep

                sleep(0)
                self.last_yield = time.monotonic()
            return True

        def cut_off(self, reason: str) -> None:
            """End the connection now: both directions shut, nothing more read or written."""
            if self.cut:
                return
            self.cut = True
            log.warning("closing %s: %s", self.label, reason)
            self.websocket_closed = True  # no closing handshake with a client that floods
            with contextlib.suppress(OSError):
                self.socket.shutdown(stdlib_socket.SHUT_RDWR)

    GuardedWebSocket.__name__ = GuardedWebSocket.__qualname__ = "GuardedWebSocket"
    return GuardedWebSocket


def http_protocol(environ):
    """eventlet's HTTP protocol object serving this request, or None.

    The WSGI environ does not name it, but the `eventlet.set_idle` callable eventlet puts there
    closes over it (as `self`)."""
    set_idle = environ.get("eventlet.set_idle")
    code = getattr(set_idle, "__code__", None)
    cells = getattr(set_idle, "__closure__", None) or ()
    if code is None or tuple(code.co_freevars) != ("self",) or len(cells) != 1:
        return None
    with contextlib.suppress(ValueError):  # an empty cell
        return cells[0].cell_contents
    return None


def release_http_buffers(environ) -> None:
    """Free the HTTP connection's read and write buffers (8 KiB and 16 KiB a connection): after
    the handshake the websocket reads and writes its socket directly and never touches them.
    The write buffer belongs to eventlet's protocol object, not to the request's input, so both
    are reached. Closing them leaves the socket open; eventlet's server closes them again at
    the end (closing twice is harmless)."""
    streams = [getattr(environ.get("eventlet.input"), "rfile", None)]
    protocol = http_protocol(environ)
    if protocol is not None:
        streams += [getattr(protocol, "rfile", None), getattr(protocol, "wfile", None)]
    for stream in streams:
        if stream is not None and not getattr(stream, "closed", True):
            with contextlib.suppress(OSError, ValueError):
                stream.close()


def direct_capable(ws) -> bool:
    """Plain TCP whose raw socket is non-blocking: TLS inside eventlet keeps the normal path."""
    from eventlet import patcher

    tls = (ssl.SSLSocket, patcher.original("ssl").SSLSocket)
    raw = getattr(ws.socket, "fd", None)
    if raw is None or isinstance(ws.socket, tls) or isinstance(raw, tls) or ws.extensions:
        return False
    if not isinstance(raw, (stdlib_socket.socket, patcher.original("socket").socket)):
        return False
    return not os.get_blocking(raw.fileno())


def install(eio, fast: bool) -> None:
    """Have the Engine.IO server build guarded websockets (declining compression when fast)."""
    from eventlet.websocket import RFC6455WebSocket

    guarded_class = make_class(RFC6455WebSocket)
    driver = eio._async["websocket"]

    class FairCastWebSocketWSGI(driver):
        def __init__(self, handler, server):
            super().__init__(handler, server)
            self.engine_socket = getattr(handler, "__self__", None)

        def _negotiate_permessage_deflate(self, extensions):
            if fast:
                return None  # every client is told no: frames go out as they are
            return super()._negotiate_permessage_deflate(extensions)

        def _handle_hybi_request(self, environ):
            ws = super()._handle_hybi_request(environ)
            if type(ws) is not RFC6455WebSocket:
                return ws
            release_http_buffers(environ)
            ws.__class__ = guarded_class
            engine_socket = self.engine_socket
            ws.guard(getattr(engine_socket, "sid", None) or environ.get("REMOTE_ADDR", "?"))
            if engine_socket is not None:
                setattr(engine_socket, GUARD, ws)
                if fast and direct_capable(ws):
                    setattr(engine_socket, DIRECT, ws)
            return ws

    eio._async = {**eio._async, "websocket": FairCastWebSocketWSGI}


def close_connection(server, sid: str, namespace: str, reason: str) -> None:
    """End a Socket.IO connection's whole Engine.IO connection (not just its namespace), at
    once, so a client that is refused stops being read."""
    eio = server.eio
    eio_sid = server.manager.eio_sid_from_sid(sid, namespace)
    engine_socket = eio.sockets.get(eio_sid) if eio_sid else None
    ws = getattr(engine_socket, GUARD, None)
    if ws is not None:
        ws.cut_off(reason)
        return
    log.warning("closing %s: %s", eio_sid or sid, reason)
    if engine_socket is None:  # not on this engine (a test client): leave the namespace
        server.disconnect(sid, namespace=namespace)
        return
    engine_socket.close(wait=False, reason=eio.reason.SERVER_DISCONNECT)
    eio.sockets.pop(eio_sid, None)
