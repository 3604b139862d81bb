"""A websocket's writer runs only while it has something to write.

python-engineio gives every websocket a writer green thread that waits on the socket's queue
with a timeout, forever: about 10 KiB of suspended stack per viewer. With direct writes the
queue is empty nearly all the time, so here the writer is started when something is put on the
queue, empties it in order, and ends. Dead clients are still found: pings are sent through the
queue and a ping that finds the last one unanswered closes the socket.
"""

from __future__ import annotations

import contextlib

WRITER = "_websocket_handler.<locals>.writer"
WRITER_CELLS = ("self", "ws")


def closure_of(target) -> dict:
    """The variables python-engineio's writer closes over (the socket and its websocket)."""
    code = getattr(target, "__code__", None)
    cells = getattr(target, "__closure__", None) or ()
    if code is None or tuple(code.co_freevars) != WRITER_CELLS:
        return {}
    return {name: cell.cell_contents for name, cell in zip(code.co_freevars, cells, strict=True)}


class OnDemandWriter:
    """Stands in for python-engineio's writer task: started by every put, joined at the end."""

    def __init__(self, engine_socket, ws):
        from eventlet.event import Event

        self.socket, self.ws = engine_socket, ws
        self.running = None
        self.done = Event()
        queue = engine_socket.queue
        put = queue.put

        def put_and_wake(item, *args, **kwargs):
            put(item, *args, **kwargs)
            self.wake()

        queue.put = put_and_wake

    def wake(self) -> None:
        if self.running is None and not self.done.ready():
            from eventlet import spawn

            self.running = spawn(self.drain)

    def drain(self) -> None:
        from eventlet.queue import Empty

        queue = self.socket.queue
        try:
            while True:
                try:
                    pkt = queue.get(block=False)
                except Empty:
                    return
                queue.task_done()
                if pkt is None:  # the socket is closing
                    self.finish()
                    return
                try:
                    self.ws.send(pkt.encode())
                except Exception:  # noqa: BLE001 - as stock: any failure ends the writer
                    self.finish()
                    return
        finally:
            self.running = None

    def finish(self) -> None:
        if not self.done.ready():
            with contextlib.suppress(Exception):
                self.ws.close()
            self.done.send()

    def join(self) -> None:
        self.wake()
        if self.running is not None or not self.done.ready():
            self.done.wait()


def install(eio) -> None:
    """Start websockets' writers on demand instead of one waiting green thread each."""
    stock = eio.start_background_task

    def start_background_task(target, *args, **kwargs):
        if getattr(target, "__qualname__", "").endswith(WRITER) and not args and not kwargs:
            cells = closure_of(target)
            if cells:
                writer = OnDemandWriter(cells["self"], cells["ws"])
                writer.wake()  # what was queued before the upgrade
                return writer
        return stock(target, *args, **kwargs)

    eio.start_background_task = start_background_task
