"""Live room logic: cards, room state, presence, chat and moderation (no Socket.IO here)."""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, distinct, func, or_, select, update

from app.db import utcnow
from app.errors import Conflict, Forbidden, NotFound, ValidationError
from app.extensions import db
from app.fairs.models import Room
from app.jobs.models import Job
from app.jobs.schemas import JobOut
from app.live.connections import Connection
from app.live.models import CardPush, ChatMessage, Presence, RoomMute, VisitorLink
from app.live.signups import fair_counts
from app.reports import rollups

CARD_HISTORY = 100
CHAT_HISTORY = 50


def epoch_ms(moment: datetime | None = None) -> int:
    """A time as epoch milliseconds (now when not given)."""
    return int((moment.timestamp() if moment else time.time()) * 1000)


def can_manage(connection: Connection, room: Room) -> bool:
    """The room's host and organisers push cards and moderate."""
    return connection.is_organiser or (
        connection.user_id is not None and connection.user_id == room.host_id
    )


def require_manager(connection: Connection, room: Room) -> None:
    if not can_manage(connection, room):
        raise Forbidden("Only the room's host or an organiser may do this.")


def card_json(card: CardPush) -> dict:
    """A card as clients receive it."""
    return {
        "card_id": card.id,
        "room_id": card.room_id,
        "job": card.snapshot,
        "pushed_at": card.pushed_at_ms,
        "pinned": card.unpinned_at is None,
        "viewers_present": card.viewers_present,
        "stream_offset_ms": card.stream_offset_ms,
    }


def job_snapshot(job: Job) -> dict:
    """What viewers see of a job, frozen at the moment it is pushed."""
    return JobOut.model_validate(job).model_dump(mode="json")


def current_viewers(room_id: str) -> int:
    """Distinct people (or browsers, until they identify) in the room now."""
    person = func.coalesce(Presence.seeker_id, Presence.visitor_id)
    return (
        db.session.scalar(
            select(func.count(distinct(person))).where(
                Presence.room_id == room_id, Presence.left_at.is_(None)
            )
        )
        or 0
    )


def viewers_now(room_id: str) -> int:
    """The room's viewer count as of the last join or leave (kept by the rollups)."""
    from app.reports.models import RoomMinute

    latest = db.session.scalar(
        select(RoomMinute.last)
        .where(RoomMinute.room_id == room_id)
        .order_by(RoomMinute.minute.desc())
        .limit(1)
    )
    return latest or 0


def pinned_card(room_id: str) -> CardPush | None:
    return db.session.scalar(
        select(CardPush)
        .where(CardPush.room_id == room_id, CardPush.unpinned_at.is_(None))
        .order_by(CardPush.pushed_at_ms.desc())
        .limit(1)
    )


def push_card(
    connection: Connection,
    room: Room,
    job_id: str,
    stream_offset_ms: int | None = None,
    run_id: str | None = None,
    mark_audience: bool = True,
) -> CardPush:
    """Show a job to everyone in the room; it replaces the pinned card.

    mark_audience=False leaves noting who saw it to the caller (the live handler does it after
    the broadcast, so viewers are not kept waiting for a report's rollup).
    """
    require_manager(connection, room)
    if room.fair.status.value in ("ended", "cancelled"):
        raise Conflict("The fair is over.")
    job = db.session.get(Job, job_id)
    if job is None or job not in room.fair.jobs:
        raise ValidationError("That job is not part of this fair.", {"job_id": "not in this fair"})
    now = utcnow()
    db.session.execute(
        update(CardPush)
        .where(CardPush.room_id == room.id, CardPush.unpinned_at.is_(None))
        .values(unpinned_at=now)
    )
    card = CardPush(
        room_id=room.id,
        job_id=job.id,
        snapshot=job_snapshot(job),
        pushed_at=now,
        pushed_at_ms=epoch_ms(now),
        pushed_by_id=connection.user_id,
        viewers_present=viewers_now(room.id),
        stream_offset_ms=stream_offset_ms,
        run_id=run_id,
    )
    db.session.add(card)
    db.session.flush()
    if mark_audience:
        rollups.record_card_audience(room.id, room.fair_id)
    return card


def unpin_card(connection: Connection, room: Room, card_id: str) -> CardPush:
    """Take the pinned card down (it stays in the history)."""
    require_manager(connection, room)
    card = db.session.get(CardPush, card_id)
    if card is None or card.room_id != room.id:
        raise NotFound("No such card in this room.")
    if card.unpinned_at is None:
        card.unpinned_at = utcnow()
    db.session.flush()
    return card


def room_cards(room_id: str) -> list[CardPush]:
    """Every card pushed to the room, newest first."""
    return list(
        db.session.scalars(
            select(CardPush)
            .where(CardPush.room_id == room_id)
            .order_by(CardPush.pushed_at_ms.desc())
            .limit(CARD_HISTORY)
        )
    )


def room_state(room: Room, hls_url: str | None) -> dict:
    """Everything a client needs to draw the room, read fresh from the database."""
    cards = room_cards(room.id)
    pinned = next((c for c in cards if c.unpinned_at is None), None)
    return {
        "room_id": room.id,
        "status": room.status.value,
        "hls_url": hls_url,
        "viewers": viewers_now(room.id),
        "pinned": card_json(pinned) if pinned else None,
        "cards": [card_json(c) for c in cards],
        "counts": fair_counts(room.fair_id),
    }


# Presence ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Join:
    room_id: str
    fair_id: str
    visitor_id: str
    seeker_id: str | None
    user_id: str | None
    sid: str
    process_id: str


@dataclass(frozen=True)
class Leave:
    room_id: str
    sid: str


def record_joins(joins: list[Join]) -> list[None]:
    """Open a presence row per join (closing any the same connection left open in that room)."""
    now = utcnow()
    record_leaves([Leave(j.room_id, j.sid) for j in joins])
    db.session.execute(
        Presence.__table__.insert(),
        [
            {
                "room_id": j.room_id,
                "visitor_id": j.visitor_id,
                "seeker_id": j.seeker_id,
                "user_id": j.user_id,
                "sid": j.sid,
                "process_id": j.process_id,
                "joined_at": now,
            }
            for j in joins
        ],
    )
    rollups.record_viewers(
        {j.room_id: j.fair_id for j in joins},
        [(j.room_id, rollups.person_key(j.seeker_id, j.visitor_id)) for j in joins],
        now,
    )
    rollups.record_concurrency({r: current_viewers(r) for r in {j.room_id for j in joins}}, now)
    rollups.record_fair_concurrency({j.fair_id for j in joins}, now)
    return [None] * len(joins)


def record_leaves(leaves: list[Leave]) -> list[None]:
    """Close the open presence rows of these connections in these rooms."""
    table = Presence.__table__
    now = utcnow()
    by_room: dict[str, list[str]] = defaultdict(list)
    for leave in leaves:
        by_room[leave.room_id].append(leave.sid)
    # One indexed statement per room, not one condition per connection.
    close_presence(
        or_(
            *(
                and_(table.c.room_id == room, table.c.sid.in_(sids))
                for room, sids in by_room.items()
            )
        ),
        now,
    )
    return [None] * len(leaves)


def close_presence(condition, left_at: datetime) -> None:
    """End the open stays matching condition at left_at, adding their watch time to the rollups."""
    table = Presence.__table__
    closed = db.session.execute(
        update(table)
        .where(condition, table.c.left_at.is_(None))
        .values(left_at=left_at)
        .returning(table.c.room_id, table.c.visitor_id, table.c.seeker_id, table.c.joined_at)
    ).all()
    if not closed:
        return
    fair_of = dict(
        db.session.execute(
            select(Room.id, Room.fair_id).where(Room.id.in_({c.room_id for c in closed}))
        ).all()
    )
    rollups.record_watch_time(
        [
            rollups.Viewing(
                c.room_id,
                fair_of[c.room_id],
                rollups.person_key(c.seeker_id, c.visitor_id),
                (left_at - c.joined_at).total_seconds(),
            )
            for c in closed
            if c.room_id in fair_of
        ]
    )
    rollups.record_concurrency({room_id: current_viewers(room_id) for room_id in fair_of}, left_at)
    rollups.record_fair_concurrency(set(fair_of.values()), left_at)


def link_visitor(visitor_id: str, seeker_id: str) -> None:
    """Remember that a browser belongs to a person, so their viewing counts once."""
    link = db.session.get(VisitorLink, visitor_id)
    if link is None:
        db.session.add(VisitorLink(visitor_id=visitor_id, seeker_id=seeker_id))
    elif link.seeker_id != seeker_id:
        link.seeker_id, link.linked_at = seeker_id, utcnow()
    db.session.execute(
        update(Presence)
        .where(Presence.visitor_id == visitor_id, Presence.seeker_id.is_(None))
        .values(seeker_id=seeker_id)
    )
    rollups.merge_visitor(visitor_id, seeker_id)
    db.session.flush()


# Chat ---------------------------------------------------------------------------------------


def display_name(connection: Connection) -> str:
    """Staff by their name; seekers by surname only, to keep their names private."""
    if connection.is_staff:
        return connection.user_name or "Host"
    name = connection.seeker_name or ""
    return (name[0] + "*" * max(1, len(name) - 1)) if name else "Guest"


def message_json(message: ChatMessage) -> dict:
    return {
        "id": message.id,
        "room_id": message.room_id,
        "name": message.author_name,
        "text": message.text,
        "staff": message.author_is_staff,
        "at": epoch_ms(message.created_at),
    }


def post_chat(connection: Connection, room: Room, text: str) -> ChatMessage:
    """Add a chat line; people must say who they are first, and muted people cannot."""
    if not (connection.seeker_id or connection.user_id):
        raise Forbidden("Tell us your name before chatting.", {"identity": "required"})
    muted = db.session.get(RoomMute, (room.id, connection.person_key))
    if muted is not None and not can_manage(connection, room):
        raise Forbidden("You have been muted in this room.")
    message = ChatMessage(
        room_id=room.id,
        author_key=connection.person_key,
        author_name=display_name(connection),
        author_is_staff=can_manage(connection, room),
        text=text,
    )
    db.session.add(message)
    db.session.flush()
    return message


def recent_chat(room_id: str) -> list[dict]:
    """The last chat lines that were not deleted, oldest first."""
    messages = db.session.scalars(
        select(ChatMessage)
        .where(ChatMessage.room_id == room_id, ChatMessage.deleted_at.is_(None))
        .order_by(ChatMessage.created_at.desc())
        .limit(CHAT_HISTORY)
    )
    return [message_json(m) for m in reversed(list(messages))]


def moderate(connection: Connection, room: Room, action: str, message_id: str) -> ChatMessage:
    """Delete a chat line, or mute its author in this room."""
    require_manager(connection, room)
    message = db.session.get(ChatMessage, message_id)
    if message is None or message.room_id != room.id:
        raise NotFound("No such message in this room.")
    if action not in ("delete", "mute"):
        raise ValidationError("Unknown moderation action.", {"action": "delete or mute"})
    if action == "mute":
        if message.author_is_staff:
            raise Conflict("Hosts and organisers cannot be muted.")
        if db.session.get(RoomMute, (room.id, message.author_key)) is None:
            db.session.add(
                RoomMute(
                    room_id=room.id, author_key=message.author_key, muted_by_id=connection.user_id
                )
            )
    elif message.deleted_at is None:
        message.deleted_at, message.deleted_by_id = utcnow(), connection.user_id
    db.session.flush()
    return message
