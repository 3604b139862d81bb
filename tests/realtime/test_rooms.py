"""Leaving rooms through the room index gives exactly the stock manager's state, without
looking at other connections' rooms."""

from __future__ import annotations

import random

import socketio
from socketio import base_manager

from app.realtime import rooms

NS = "/live"


def managers():
    stock = socketio.Server(async_mode="threading")
    indexed = socketio.Server(async_mode="threading")
    index = rooms.install(indexed)
    assert index is not None and rooms.install(indexed) is index  # once
    return stock.manager, indexed.manager, index


def state(manager) -> dict:
    return {
        ns: {room: dict(members) for room, members in table.items()}
        for ns, table in manager.rooms.items()
    }


def connect(manager, sid: str) -> None:
    """What Manager.connect does, with a sid chosen here so both managers share it."""
    manager.basic_enter_room(sid, NS, None, eio_sid=f"e-{sid}")
    manager.basic_enter_room(sid, NS, sid, eio_sid=f"e-{sid}")


def test_random_joins_leaves_closes_and_disconnects_match_the_stock_manager():
    stock, indexed, index = managers()
    rng = random.Random(12)
    connected: list[str] = []
    for step in range(3000):
        action = rng.random()
        sid = connected[rng.randrange(len(connected))] if connected else None
        room = f"room-{rng.randrange(7)}"
        for manager in (stock, indexed):
            if action < 0.3 or sid is None:
                connect(manager, f"s{step}")
            elif action < 0.55:
                manager.enter_room(sid, NS, room)
            elif action < 0.7:
                manager.leave_room(sid, NS, room)
            elif action < 0.72:
                manager.close_room(room, NS)
            else:
                manager.pre_disconnect(sid, NS)
                manager.disconnect(sid, NS)
        if action < 0.3 or sid is None:
            connected.append(f"s{step}")
        elif action >= 0.72:
            connected.remove(sid)
        assert state(indexed) == state(stock)
        assert indexed.pending_disconnect == stock.pending_disconnect
    for sid in connected:
        stock.disconnect(sid, NS)
        indexed.disconnect(sid, NS)
    assert state(indexed) == state(stock) == {}
    assert index.extra == {}


def test_a_disconnect_looks_at_its_own_rooms_only(monkeypatch):
    _, manager, index = managers()
    sids = [f"s{n}" for n in range(2000)]
    for sid in sids:
        connect(manager, sid)
    for sid in sids:
        manager.enter_room(sid, NS, "hall")
    manager.enter_room(sids[0], NS, "stage")
    assert index.rooms_of(sids[0], NS) == {"hall", "stage"}

    looked = []
    contains = base_manager.bidict.__contains__

    def counting(self, key):
        looked.append(key)
        return contains(self, key)

    monkeypatch.setattr(base_manager.bidict, "__contains__", counting, raising=False)
    manager.disconnect(sids[0], NS)
    assert len(looked) < 10  # the stock manager looks in all 2,003 rooms
    assert sids[0] not in manager.rooms[NS][None]
    assert "stage" not in manager.rooms[NS] and sids[0] not in manager.rooms[NS]
    assert sids[0] not in manager.rooms[NS]["hall"] and len(manager.rooms[NS]["hall"]) == 1999


def test_a_manager_without_the_expected_parts_keeps_its_own_disconnect():
    class Odd:
        manager = object()

    assert rooms.install(Odd()) is None


def test_the_index_comes_with_the_fast_path_only(monkeypatch):
    from app import realtime
    from app.realtime import collector

    # The collector's tuning is process-wide: the test process keeps its own.
    monkeypatch.setattr(collector, "install", lambda eio: None)
    fast = socketio.Server(async_mode="eventlet")
    assert realtime.install(fast, fast=True) == "fast"
    assert isinstance(getattr(fast.manager, rooms.INSTALLED, None), rooms.RoomIndex)
    guarded = socketio.Server(async_mode="eventlet")
    assert realtime.install(guarded, fast=False) == "guarded"
    assert getattr(guarded.manager, rooms.INSTALLED, None) is None
