"""Pings from hub timers instead of a green thread per connection that sleeps through the ping
interval: the same pings, without a suspended stack (about 8 KiB) for every viewer.

python-engineio schedules each ping by starting a background task, `Socket._send_ping`, that
sleeps `ping_interval` and then sends. The server's start_background_task is wrapped so that this
one task becomes a hub timer; the ping itself is sent from a short-lived green thread, never from
the hub, because sending may find the client gone and run the disconnect handlers.
"""

from __future__ import annotations

import time

from engineio import packet
from engineio import socket as engine_socket_module


def send_ping(engine_socket) -> None:
    """What Socket._send_ping does once its sleep is over."""
    if not engine_socket.closing and not engine_socket.closed:
        engine_socket.last_ping = time.time()
        engine_socket.send(packet.Packet(packet.PING))


def install(eio) -> None:
    """Turn the Engine.IO server's ping tasks into hub timers."""
    from eventlet import spawn_n
    from eventlet.hubs import get_hub

    stock = eio.start_background_task
    send_ping_task = engine_socket_module.Socket._send_ping

    def start_background_task(target, *args, **kwargs):
        if getattr(target, "__func__", None) is send_ping_task and not args and not kwargs:
            get_hub().schedule_call_global(eio.ping_interval, spawn_n, send_ping, target.__self__)
            return None  # python-engineio does not keep the ping task
        return stock(target, *args, **kwargs)

    eio.start_background_task = start_background_task
