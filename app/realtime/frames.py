"""Websocket frames built once per message (RFC 6455, server side: never masked, never
compressed), so a broadcast to 5,000 sockets frames its message once, not 5,000 times."""

from __future__ import annotations

import struct

TEXT, BINARY = 0x1, 0x2
FINAL = 0x80
# Where a packet keeps its frame: the same Packet object is handed to every recipient.
CACHED = "faircast_frame"


class RawFrame(bytes):
    """Bytes that are already a websocket frame (or the rest of one): written as they are."""


def build_frame(payload: bytes, opcode: int) -> bytes:
    """One final, unmasked frame carrying payload."""
    first = FINAL | opcode
    length = len(payload)
    if length < 126:
        header = struct.pack("!BB", first, length)
    elif length < 65536:
        header = struct.pack("!BBH", first, 126, length)
    else:
        header = struct.pack("!BBQ", first, 127, length)
    return header + payload


def frame_of(pkt) -> bytes:
    """The websocket frame of an Engine.IO packet, built on first use and kept on the packet."""
    cached = pkt.__dict__.get(CACHED)
    if cached is None:
        encoded = pkt.encode()
        if isinstance(encoded, str):
            cached = build_frame(encoded.encode("utf-8"), TEXT)
        else:
            cached = build_frame(bytes(encoded), BINARY)
        pkt.__dict__[CACHED] = cached
    return cached
