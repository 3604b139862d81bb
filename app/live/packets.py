"""Malformed Socket.IO input ends the connection with one log line.

python-socketio raises from deep inside its dispatch on a packet it cannot read (text where a
binary attachment belongs, an unknown type, a binary header before connecting), and the
engine logs a full traceback each time while the connection stays open: 2,000 bad frames,
2,000 tracebacks. The server's message handler is wrapped once at start-up so such input is
refused like a flood is: one line in the log, and the connection closed.
"""

from __future__ import annotations

import logging

log = logging.getLogger(__name__)

MESSAGE = "message"


def guard_malformed_packets(server) -> None:
    """Wrap the Socket.IO server's Engine.IO message handler (idempotent)."""
    handlers = getattr(getattr(server, "eio", None), "handlers", None)
    if not isinstance(handlers, dict) or MESSAGE not in handlers:
        log.warning("python-socketio changed: malformed packets are not guarded")
        return
    handle = handlers[MESSAGE]
    if getattr(handle, "guarded", False):
        return

    def guarded(eio_sid, data):
        if eio_sid not in server.eio.sockets:
            return None  # closed already: what it still had in flight is dropped unread
        try:
            return handle(eio_sid, data)
        except (ValueError, TypeError, KeyError, IndexError) as exc:
            log.warning("closing %s: malformed Socket.IO input (%s)", eio_sid, exc)
            server._binary_packet.pop(eio_sid, None)
            server.eio.disconnect(eio_sid)
            return None

    guarded.guarded = True
    handlers[MESSAGE] = guarded
