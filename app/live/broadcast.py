"""Everything the server sends to rooms goes through here (one place wraps socketio.emit)."""

from __future__ import annotations

import logging
import threading
import time

from app.extensions import socketio

log = logging.getLogger(__name__)

NAMESPACE = "/live"

# Server -> client event names.
STATE = "state"
CARD = "card"
CARD_UNPINNED = "card_unpinned"
COUNTS = "counts"
CHAT = "chat"
CHAT_DELETED = "chat_deleted"
STREAM = "stream"

# At most this many counts updates a second per room, however many sign-ups arrive.
COUNTS_PER_SECOND = 4


def room_channel(room_id: str) -> str:
    """The Socket.IO room every viewer of a live room is in."""
    return f"room:{room_id}"


def emit_to_room(event: str, room_id: str, payload: dict) -> None:
    socketio.emit(event, payload, to=room_channel(room_id), namespace=NAMESPACE)


def card_pushed(room_id: str, card: dict) -> None:
    emit_to_room(CARD, room_id, {"room_id": room_id, "card": card})


def card_unpinned(room_id: str, card_id: str) -> None:
    emit_to_room(CARD_UNPINNED, room_id, {"room_id": room_id, "card_id": card_id})


def chat_posted(room_id: str, message: dict) -> None:
    emit_to_room(CHAT, room_id, {"room_id": room_id, "message": message})


def chat_deleted(room_id: str, message_id: str) -> None:
    emit_to_room(CHAT_DELETED, room_id, {"room_id": room_id, "message_id": message_id})


def stream_changed(room_id: str, status: str, hls_url: str | None, **extra) -> None:
    emit_to_room(
        STREAM, room_id, {"room_id": room_id, "status": status, "hls_url": hls_url, **extra}
    )


class CountsCoalescer:
    """Collects rooms whose counts changed and emits each at most COUNTS_PER_SECOND times a second.

    read_counts(room_id) -> {viewers, signups} is called just before emitting, so what goes out
    is the committed state at that moment, however many changes were folded into it.
    """

    def __init__(self, read_counts):
        self.read_counts = read_counts
        self.dirty: set[str] = set()
        self._lock = threading.Lock()
        self._started = False

    def mark(self, room_id: str) -> None:
        with self._lock:
            self.dirty.add(room_id)
        self._ensure_started()

    def _ensure_started(self) -> None:
        if not self._started:
            self._started = True
            socketio.start_background_task(self._loop)

    def _loop(self) -> None:
        interval = 1.0 / COUNTS_PER_SECOND
        while True:
            socketio.sleep(interval)
            with self._lock:
                rooms, self.dirty = self.dirty, set()
            for room_id in rooms:
                self.flush(room_id)

    def flush(self, room_id: str) -> None:
        try:
            counts = self.read_counts(room_id)
        except Exception:
            log.exception("could not read counts of room %s", room_id)
            return
        emit_to_room(
            COUNTS, room_id, {"room_id": room_id, "as_of": int(time.time() * 1000), **counts}
        )
