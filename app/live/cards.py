"""Job cards shown in a room, and the room's state as a client draws it."""

from __future__ import annotations

import time
from datetime import datetime

from sqlalchemy import select, update

from app.db import utcnow
from app.extensions import db
from app.fairs.models import Room
from app.jobs.models import Job
from app.jobs.schemas import JobOut
from app.live.models import CardPush
from app.live.presence import viewers_now
from app.live.signups import fair_counts

CARD_HISTORY = 100


def epoch_ms(moment: datetime | None = None) -> int:
    """A time as epoch milliseconds (now when not given)."""
    return int((moment.timestamp() if moment else time.time()) * 1000)


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


def pinned_card(room_id: str) -> CardPush | None:
    """The card on screen in the room now, if any."""
    return db.session.scalar(
        select(CardPush)
        .where(CardPush.room_id == room_id, CardPush.unpinned_at.is_(None))
        .order_by(CardPush.pushed_at_ms.desc())
        .limit(1)
    )


def store_card(
    room: Room, job: Job, pushed_by_id: str, run_id: str | None, stream_offset_ms: int | None
) -> CardPush:
    """Pin a snapshot of the job in the room, taking down the card pinned before it."""
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
        pushed_by_id=pushed_by_id,
        viewers_present=viewers_now(room.id),
        stream_offset_ms=stream_offset_ms,
        run_id=run_id,
    )
    db.session.add(card)
    db.session.flush()
    return card


def unpin(card: CardPush) -> None:
    """Take a card off the screen (it stays in the room's history)."""
    if card.unpinned_at is None:
        card.unpinned_at = utcnow()
    db.session.flush()


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
