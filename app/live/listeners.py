"""What the live layer does itself when something happens: tell the room's sockets, update
counts, forget cached facts (connected by the factory, like every other listener)."""

from __future__ import annotations

from app.fairs.announcements import fair_changed, stream_key_rotated
from app.live import announcements, broadcast
from app.live.runtime import live_runtime


def _counts_changed(fair_id: str, room_id: str | None, **_result) -> None:
    runtime = live_runtime()
    for room in [room_id] if room_id is not None else runtime.rooms_of(fair_id):
        runtime.coalescer.mark(room)


def _presence_changed(room_id: str) -> None:
    live_runtime().coalescer.mark(room_id)


def _stream_changed(room_id: str, **_state) -> None:
    live_runtime().forget(room_id)


def _fair_changed(fair_id: str) -> None:
    live_runtime().forget_fair(fair_id)


def _stream_key_rotated(room_id: str) -> None:
    live_runtime().streams.key_rotated(room_id)


def connect() -> None:
    """Connect the live layer's own listeners."""
    announcements.card_pushed.connect(broadcast.send_card)
    announcements.card_unpinned.connect(broadcast.send_card_unpinned)
    announcements.chat_posted.connect(broadcast.send_chat)
    announcements.chat_deleted.connect(broadcast.send_chat_deleted)
    announcements.stream_changed.connect(broadcast.send_stream)
    announcements.stream_changed.connect(_stream_changed)
    announcements.sign_up_recorded.connect(_counts_changed)
    announcements.sign_up_withdrawn.connect(_counts_changed)
    announcements.presence_changed.connect(_presence_changed)
    fair_changed.connect(_fair_changed)
    stream_key_rotated.connect(_stream_key_rotated)
