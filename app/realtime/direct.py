"""Direct writes: a message goes straight from the emitting green thread to the socket.

Stock python-engineio puts every packet on the recipient's queue, where a writer green thread
waits with a timeout: two switches and two hub timers per recipient. Here, when the socket is an
upgraded websocket with nothing queued and no send in progress, the message's frame (built once,
`frames.py`) is written with one non-blocking send. On a full buffer the packet goes to the queue
as before; on a partial write the rest of the frame is queued, so whatever follows queues behind
it and order and framing hold. Pings, polling and sockets still upgrading use the queue: a ping
written directly would leave the writer's queue idle until its timeout closed the connection.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, fields

from engineio import packet

from app.realtime.frames import RawFrame, frame_of
from app.realtime.websocket import DIRECT

log = logging.getLogger(__name__)

# How often (seconds) the counts below are logged, when they changed.
REPORT_EVERY = 5.0


@dataclass
class Counts:
    """What happened to messages for websockets that take direct writes, since start-up."""

    direct: int = 0  # written whole by one non-blocking send
    partial: int = 0  # begun directly, the rest of the frame queued
    queued: int = 0  # the socket was busy (something queued, a send in progress, full buffer)

    def line(self) -> str:
        return ", ".join(f"{f.name} {getattr(self, f.name)}" for f in fields(self))


counts = Counts()


class Remainder(packet.Packet):
    """The unsent end of a frame a direct write began, queued for the socket's writer."""

    def __init__(self, rest: bytes):
        super().__init__(packet.MESSAGE, RawFrame(rest))

    def encode(self, b64=False):
        return self.data


def write(engine_socket, pkt) -> bool:
    """Send pkt directly if the socket allows it; False when it must take the queue."""
    if pkt.packet_type != packet.MESSAGE:
        return False
    ws = engine_socket.__dict__.get(DIRECT)
    if ws is None or ws.websocket_closed or ws.cut:
        return False
    if (
        not engine_socket.upgraded
        or engine_socket.upgrading
        or engine_socket.closing
        or engine_socket.closed
    ):
        return False
    if ws.sending or engine_socket.queue.qsize():
        counts.queued += 1
        return False
    if not engine_socket.check_ping_timeout():
        return True  # the client is gone and the socket now closing: as stock, nothing is sent
    frame = frame_of(pkt)
    try:
        written = ws.socket.fd.send(frame)
    except OSError:  # a full buffer (EAGAIN) or a broken connection: the writer finds out
        counts.queued += 1
        return False
    if written < len(frame):
        engine_socket.queue.put(Remainder(frame[written:]))
        counts.partial += 1
    else:
        counts.direct += 1
    return True


def install(eio) -> None:
    """Route the Engine.IO server's sends through write() first."""
    stock = eio.send_packet

    def send_packet(sid, pkt):
        engine_socket = eio.sockets.get(sid)
        if engine_socket is None or not write(engine_socket, pkt):
            stock(sid, pkt)

    eio.send_packet = send_packet
    eio.start_background_task(_report, eio)


def _report(eio) -> None:
    """Log the counts every few seconds while they change (operators and benchmarks read them)."""
    last = None
    while True:
        eio.sleep(REPORT_EVERY)
        line = counts.line()
        if line != last:
            log.info("live sockets: %s", line)
            last = line
