"""Chat lines in a room, mutes, and how people are named there."""

from __future__ import annotations

from sqlalchemy import select

from app.accounts.actor import Actor
from app.db import utcnow
from app.extensions import db
from app.live.cards import epoch_ms
from app.live.models import ChatMessage, RoomMute

CHAT_HISTORY = 50


def display_name(actor: Actor) -> str:
    """Staff by their name; seekers by surname only, to keep their names private."""
    if actor.is_staff:
        return actor.name or "Host"
    name = actor.name or ""
    return (name[0] + "*" * max(1, len(name) - 1)) if name else "Guest"


def message_json(message: ChatMessage) -> dict:
    """A chat line as clients receive it."""
    return {
        "id": message.id,
        "room_id": message.room_id,
        "name": message.author_name,
        "text": message.text,
        "staff": message.author_is_staff,
        "at": epoch_ms(message.created_at),
    }


def is_muted(room_id: str, person_key: str) -> bool:
    return db.session.get(RoomMute, (room_id, person_key)) is not None


def store_message(room_id: str, actor: Actor, text: str, staff: bool) -> ChatMessage:
    """Add a chat line by actor."""
    message = ChatMessage(
        room_id=room_id,
        author_key=actor.person_key,
        author_name=display_name(actor),
        author_is_staff=staff,
        text=text,
    )
    db.session.add(message)
    db.session.flush()
    return message


def mute(room_id: str, person_key: str, muted_by_id: str | None) -> None:
    """Silence a person in the room (once is enough)."""
    if not is_muted(room_id, person_key):
        db.session.add(RoomMute(room_id=room_id, author_key=person_key, muted_by_id=muted_by_id))
    db.session.flush()


def delete_message(message: ChatMessage, deleted_by_id: str | None) -> None:
    """Hide a chat line for everyone (the record stays)."""
    if message.deleted_at is None:
        message.deleted_at, message.deleted_by_id = utcnow(), deleted_by_id
    db.session.flush()


def recent_chat(room_id: str) -> list[dict]:
    """The last chat lines that were not deleted, oldest first."""
    messages = db.session.scalars(
        select(ChatMessage)
        .where(ChatMessage.room_id == room_id, ChatMessage.deleted_at.is_(None))
        .order_by(ChatMessage.created_at.desc())
        .limit(CHAT_HISTORY)
    )
    return [message_json(m) for m in reversed(list(messages))]
