"""Everything the server sends to rooms goes through here (one place wraps socketio.emit)."""

from __future__ import annotations

import logging
import threading
import time

from app.extensions import socketio
from app.live.eventnames import (
    CARD,
    CARD_UNPINNED,
    CHAT,
    CHAT_DELETED,
    COUNTS,
    NAMESPACE,
    NOTIFICATION,
    STATE,
    STREAM,
)

log = logging.getLogger(__name__)

# At most this many counts updates a second per room, however many sign-ups arrive...
COUNTS_PER_SECOND = 4
# ...and, in big rooms, about this many sends a second for them (one send per viewer)...
VIEWERS_PER_SECOND = 1000
# ...but never fewer than one update every this many seconds.
MAX_INTERVAL = 2.0


def room_channel(room_id: str) -> str:
    """The Socket.IO room every viewer of a live room is in."""
    return f"room:{room_id}"


def person_channel(seeker_id: str) -> str:
    """The Socket.IO room every live connection of one person is in (for their toasts)."""
    return f"person:{seeker_id}"


def send_notification(seeker_id: str, notification: dict) -> None:
    """Tell a person's open pages about a new message (the live toast)."""
    socketio.emit(NOTIFICATION, notification, to=person_channel(seeker_id), namespace=NAMESPACE)


def emit_to_room(event: str, room_id: str, payload: dict) -> None:
    socketio.emit(event, payload, to=room_channel(room_id), namespace=NAMESPACE)


def send_state(room_id: str, state: dict) -> None:
    """The room redrawn for this process's viewers only (every process sends its own)."""
    socketio.emit(STATE, state, to=room_channel(room_id), namespace=NAMESPACE, ignore_queue=True)


def send_card(room_id: str, fair_id: str, card: dict) -> None:
    emit_to_room(CARD, room_id, {"room_id": room_id, "card": card})


def send_card_unpinned(room_id: str, card_id: str) -> None:
    emit_to_room(CARD_UNPINNED, room_id, {"room_id": room_id, "card_id": card_id})


def send_chat(room_id: str, message: dict) -> None:
    emit_to_room(CHAT, room_id, {"room_id": room_id, "message": message})


def send_chat_deleted(room_id: str, message_id: str) -> None:
    emit_to_room(CHAT_DELETED, room_id, {"room_id": room_id, "message_id": message_id})


def send_stream(room_id: str, status: str, hls_url: str | None, **extra) -> None:
    emit_to_room(
        STREAM, room_id, {"room_id": room_id, "status": status, "hls_url": hls_url, **extra}
    )


class CountsCoalescer:
    """Collects rooms whose counts changed and emits each at most COUNTS_PER_SECOND times a second.

    A broadcast costs one send per viewer, so big rooms get fewer of them: the interval grows
    with the audience (VIEWERS_PER_SECOND sends a second per room at most, but never slower than
    MAX_INTERVAL). Each person's own sign-up is answered at once in its acknowledgement.

    read_counts(room_id) -> {viewers, signups} is called just before emitting, so what goes out
    is the committed state at that moment, however many changes were folded into it.
    """

    def __init__(self, read_counts):
        self.read_counts = read_counts
        self.dirty: set[str] = set()
        self.last_sent: dict[str, float] = {}
        self.audience: dict[str, int] = {}
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

    def interval(self, room_id: str) -> float:
        """Seconds between two counts broadcasts to this room."""
        by_size = self.audience.get(room_id, 0) / VIEWERS_PER_SECOND
        return min(MAX_INTERVAL, max(1.0 / COUNTS_PER_SECOND, by_size))

    def _loop(self) -> None:
        while True:
            socketio.sleep(1.0 / COUNTS_PER_SECOND)
            now = time.monotonic()
            with self._lock:
                due = {
                    r for r in self.dirty if now - self.last_sent.get(r, 0.0) >= self.interval(r)
                }
                self.dirty -= due
            for room_id in due:
                self.last_sent[room_id] = now
                self.flush(room_id)

    def flush(self, room_id: str) -> None:
        try:
            counts = self.read_counts(room_id)
        except Exception:
            log.exception("could not read counts of room %s", room_id)
            return
        self.audience[room_id] = counts.get("viewers", 0)
        emit_to_room(
            COUNTS, room_id, {"room_id": room_id, "as_of": int(time.time() * 1000), **counts}
        )
