"""The live sockets' fast path and guards, installed once on the Engine.IO server at start-up.

Three costs separate python-engineio on eventlet from Node's socket.io, and all three are
removed here behind one setting (FAIRCAST_FAST_SOCKETS, on by default; "0" is the kill switch):

- per-socket compression: the permessage-deflate offer of browsers is declined, as Node's
  server does by default (`websocket.py`);
- garbage-collection pauses: the start-up heap is frozen after warm-up and young collections
  are made rarer (`collector.py`);
- two greenlet switches and two hub timers per recipient: a message's websocket frame is built
  once and written straight to every socket that has nothing queued and no send in progress,
  with a fall-back to the socket's queue (`direct.py`, `frames.py`); pings come from hub
  timers rather than a sleeping green thread per connection (`pings.py`), and a websocket's
  writer runs only while something is queued (`writers.py`);
- and a disconnect that scans every room: a leaving connection's rooms are remembered, so
  5,000 viewers leaving at once do not hold the process for seconds (`rooms.py`).

Whatever the setting, a live connection cannot freeze the process: its reader yields to the
other green threads and a flood of packets closes it (`websocket.py`). Everything here leans on
internals of python-engineio and eventlet; `compat.py` checks them at start-up and, when they
are not what was tested, FairCast logs it and keeps the stock path.
"""

from __future__ import annotations

import logging

from app.realtime import collector, compat, direct, pings, rooms, websocket, writers

log = logging.getLogger(__name__)

INSTALLED = "faircast_realtime"


def install(server, fast: bool) -> str:
    """Install the guards (and, when fast, the fast path) on a python-socketio server.

    Returns what runs: "fast", "guarded" (stock writes, guarded readers) or "stock".
    Installing twice on the same server changes nothing.
    """
    eio = getattr(server, "eio", None)
    if eio is None:
        return "stock"
    done = getattr(eio, INSTALLED, None)
    if done is not None:
        return done
    problem = compat.problem(eio)
    if problem is not None:
        log.warning("live sockets run the stock path: %s", problem)
        mode = "stock"
    else:
        websocket.install(eio, fast=fast)
        if fast:
            direct.install(eio)
            pings.install(eio)
            writers.install(eio)
            collector.install(eio)
            rooms.install(server)
        mode = "fast" if fast else "guarded"
    setattr(eio, INSTALLED, mode)
    log.info("live sockets: %s path", mode)
    return mode


def mode_of(server) -> str:
    """What install() chose for this server ("stock" if it never ran)."""
    return getattr(getattr(server, "eio", None), INSTALLED, None) or "stock"
