"""The fast path's parts on their own: frames as eventlet builds them, and the start-up check
that keeps the stock path when python-engineio or eventlet are not the versions tested."""

from __future__ import annotations

import logging

import pytest
import socketio
from eventlet.websocket import RFC6455WebSocket

from app import realtime
from app.realtime import compat
from app.realtime.frames import BINARY, TEXT, build_frame, frame_of


class _Environ(dict):
    pass


def eventlet_frame(message) -> bytes:
    ws = RFC6455WebSocket(None, _Environ(), extensions={})
    return ws._pack_message(message)


@pytest.mark.parametrize("size", [0, 1, 125, 126, 65535, 65536, 150_000])
def test_frames_are_byte_for_byte_what_eventlet_sends(size):
    text = "字" * (size // 3) + "x" * (size % 3)
    assert build_frame(text.encode(), TEXT) == eventlet_frame(text)
    data = bytes(range(256)) * (size // 256) + bytes(size % 256)
    assert build_frame(data, BINARY) == eventlet_frame(data)


def test_a_broadcast_is_framed_once():
    from engineio import packet

    pkt = packet.Packet(packet.MESSAGE, '2/live,["card",{}]')
    first = frame_of(pkt)
    assert first == eventlet_frame(pkt.encode())
    assert frame_of(pkt) is first


def eventlet_server() -> socketio.Server:
    return socketio.Server(async_mode="eventlet")


def test_tested_versions_get_the_guarded_path(caplog):
    assert compat.problem(eventlet_server().eio) is None
    server = eventlet_server()
    assert realtime.install(server, fast=False) == "guarded"
    assert realtime.install(server, fast=False) == "guarded"  # once
    assert realtime.mode_of(server) == "guarded"


def test_other_versions_keep_the_stock_path_and_say_so(monkeypatch, caplog):
    monkeypatch.setattr(compat, "version_of", lambda name: "9.0.0")
    server = eventlet_server()
    stock_websocket = server.eio._async["websocket"]
    with caplog.at_level(logging.WARNING, logger="app.realtime"):
        assert realtime.install(server, fast=True) == "stock"
    assert "stock path" in caplog.text and "9.0.0" in caplog.text
    assert server.eio._async["websocket"] is stock_websocket
    assert "send_packet" not in vars(server.eio)


def test_changed_internals_keep_the_stock_path(monkeypatch):
    from eventlet import websocket

    monkeypatch.delattr(websocket.WebSocketWSGI, "_negotiate_permessage_deflate")
    assert "_negotiate_permessage_deflate" in compat.problem(eventlet_server().eio)


def test_threading_mode_is_never_touched():
    server = socketio.Server(async_mode="threading")
    assert realtime.install(server, fast=True) == "stock"


@pytest.mark.parametrize("offset", [0, 1, 2, 3, 5])
def test_unmasking_matches_eventlet(offset):
    from app.realtime.websocket import make_class

    guarded = make_class(RFC6455WebSocket)
    data = bytes(range(256)) * 40 + b"tail"
    mask = (0x12, 0xAB, 0x00, 0xFF)
    for length in (0, 1, 3, 4, 7, len(data)):
        expected = RFC6455WebSocket._apply_mask(data, mask, length=length, offset=offset)
        assert guarded._apply_mask(data, mask, length=length, offset=offset) == expected


def test_only_plain_non_blocking_sockets_without_extensions_take_direct_writes():
    import socket
    import ssl
    from types import SimpleNamespace

    from app.realtime.websocket import direct_capable

    plain = socket.socket()
    plain.setblocking(False)
    tls = ssl.create_default_context().wrap_socket(
        socket.socket(), server_hostname="localhost", do_handshake_on_connect=False
    )
    tls.setblocking(False)
    blocking = socket.socket()
    try:
        assert direct_capable(SimpleNamespace(socket=SimpleNamespace(fd=plain), extensions={}))
        assert not direct_capable(SimpleNamespace(socket=SimpleNamespace(fd=tls), extensions={}))
        assert not direct_capable(
            SimpleNamespace(socket=SimpleNamespace(fd=blocking), extensions={})
        )
        deflate = {"permessage-deflate": {}}
        assert not direct_capable(
            SimpleNamespace(socket=SimpleNamespace(fd=plain), extensions=deflate)
        )
    finally:
        for s in (plain, tls, blocking):
            s.close()


def test_the_warmed_up_heap_is_frozen_out_of_collections():
    import gc

    from app.realtime import collector

    try:
        assert collector.freeze() > 0
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()


@pytest.mark.parametrize(
    ("value", "fast"), [(None, True), ("1", True), ("0", False), ("off", False), ("no", False)]
)
def test_one_setting_is_the_kill_switch(monkeypatch, value, fast):
    from app.config import ENV_FAST_SOCKETS, Settings

    if value is None:
        monkeypatch.delenv(ENV_FAST_SOCKETS, raising=False)
    else:
        monkeypatch.setenv(ENV_FAST_SOCKETS, value)
    assert Settings(secret_key="x").fast_sockets is fast
