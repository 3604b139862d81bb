"""A connection leaves its rooms in time proportional to its own rooms, not to every connection.

python-socketio keeps rooms[namespace][room] = {sid: eio_sid}, and every connection has a room
of its own (named after its sid). To find a leaving connection's rooms, the stock manager copies
the namespace's whole room table and looks for the sid in each: thousands of rooms per
disconnect, so when 5,000 viewers leave at once the process spends seconds in that loop alone
and answers no HTTP meanwhile. Here the manager also remembers, per connection, the rooms it
entered besides its own room and the namespace's room of everyone (None); leaving uses that.
"""

from __future__ import annotations

import logging

log = logging.getLogger(__name__)

INSTALLED = "faircast_room_index"
# What the stock manager must have for this to replace its disconnect.
MANAGER_ATTRIBUTES = (
    "rooms",
    "callbacks",
    "pending_connect",
    "pending_disconnect",
    "basic_enter_room",
    "basic_leave_room",
    "basic_disconnect",
)


class RoomIndex:
    """The rooms each connection entered, besides None and its own; kept beside the manager's
    table by wrapping the manager's only ways in and out of a room."""

    def __init__(self, manager):
        self.manager = manager
        self.extra: dict[tuple[str, str], set] = {}
        self.stock_enter = manager.basic_enter_room
        self.stock_leave = manager.basic_leave_room

    def rooms_of(self, sid: str, namespace: str) -> set:
        return set(self.extra.get((namespace, sid), ()))

    def enter(self, sid, namespace, room, eio_sid=None):
        self.stock_enter(sid, namespace, room, eio_sid=eio_sid)
        if room is not None and room != sid:
            self.extra.setdefault((namespace, sid), set()).add(room)

    def leave(self, sid, namespace, room):
        self.stock_leave(sid, namespace, room)
        if room is not None and room != sid:
            rooms = self.extra.get((namespace, sid))
            if rooms is not None:
                rooms.discard(room)
                if not rooms:
                    del self.extra[(namespace, sid)]

    def disconnect(self, sid, namespace, **kwargs):
        """What the stock basic_disconnect does, without scanning every room."""
        manager = self.manager
        rooms = self.extra.pop((namespace, sid), ())
        if namespace not in manager.rooms:
            return
        for room in (*rooms, sid, None):
            self.stock_leave(sid, namespace, room)
        manager.callbacks.pop(sid, None)
        for pending in (manager.pending_connect, manager.pending_disconnect):
            sids = pending.get(namespace)
            if sids is not None and sid in sids:
                sids.remove(sid)
                if not sids:
                    del pending[namespace]


def install(server) -> RoomIndex | None:
    """Give the server's client manager the room index (once); None when it cannot."""
    manager = getattr(server, "manager", None)
    done = getattr(manager, INSTALLED, None)
    if done is not None:
        return done
    missing = [name for name in MANAGER_ATTRIBUTES if not hasattr(manager, name)]
    if missing or not isinstance(getattr(manager, "rooms", None), dict):
        log.warning("live sockets: stock room leaving (the manager lacks %s)", ", ".join(missing))
        return None
    index = RoomIndex(manager)
    manager.basic_enter_room = index.enter
    manager.basic_leave_room = index.leave
    manager.basic_disconnect = index.disconnect
    setattr(manager, INSTALLED, index)
    return index
