"""Who is watching: a stay per viewer per room, the audience now, and browsers that turn out to
be known people. Joins and leaves arrive in batches through the group-commit writer."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, distinct, func, or_, select, update

from app.accounts.actor import person_key
from app.db import insert_for, utcnow
from app.extensions import db
from app.fairs.models import Room
from app.live import announcements
from app.live.models import CardPush, Presence, RoomViewers, VisitorLink


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


@dataclass(frozen=True)
class Stay:
    """A finished stretch of watching, for watch time."""

    room_id: str
    fair_id: str
    person: str
    seconds: float


def current_viewers(room_id: str) -> int:
    """Distinct people (or browsers, until they identify) in the room now, counted afresh."""
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
    """The room's audience as of its last join or leave."""
    return db.session.scalar(select(RoomViewers.viewers).where(RoomViewers.room_id == room_id)) or 0


def record_joins(joins: list[Join]) -> list[None]:
    """Open a stay per join (closing any the same connection left open in that room)."""
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
    room_fair = {j.room_id: j.fair_id for j in joins}
    announcements.viewers_joined.send(
        room_fair=room_fair,
        people=[(j.room_id, person_key(j.seeker_id, None, j.visitor_id)) for j in joins],
        at=now,
    )
    _count_viewers(room_fair, now)
    return [None] * len(joins)


def record_leaves(leaves: list[Leave]) -> list[None]:
    """Close the open stays of these connections in these rooms."""
    table = Presence.__table__
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
        utcnow(),
    )
    return [None] * len(leaves)


def close_presence(condition, left_at: datetime) -> None:
    """End the open stays matching condition at left_at, announcing the watching they add up to."""
    table = Presence.__table__
    closed = db.session.execute(
        update(table)
        .where(condition, table.c.left_at.is_(None))
        .values(left_at=left_at)
        .returning(table.c.room_id, table.c.visitor_id, table.c.seeker_id, table.c.joined_at)
    ).all()
    if not closed:
        return
    room_fair = dict(
        db.session.execute(
            select(Room.id, Room.fair_id).where(Room.id.in_({c.room_id for c in closed}))
        ).all()
    )
    announcements.stays_closed.send(
        stays=[
            Stay(
                c.room_id,
                room_fair[c.room_id],
                person_key(c.seeker_id, None, c.visitor_id),
                (left_at - c.joined_at).total_seconds(),
            )
            for c in closed
            if c.room_id in room_fair
        ]
    )
    _count_viewers(room_fair, left_at)


def _count_viewers(room_fair: dict[str, str], now: datetime) -> None:
    """Keep each room's audience now, and the pinned card's peak audience."""
    counts = {room_id: current_viewers(room_id) for room_id in sorted(room_fair)}
    table = RoomViewers.__table__
    stmt = insert_for(table)
    stmt = stmt.on_conflict_do_update(
        index_elements=[table.c.room_id],
        set_={"viewers": stmt.excluded.viewers, "changed_at": stmt.excluded.changed_at},
    )
    db.session.execute(
        stmt, [{"room_id": r, "viewers": n, "changed_at": now} for r, n in counts.items()]
    )
    for room_id, viewers in counts.items():
        db.session.execute(
            update(CardPush)
            .where(
                CardPush.room_id == room_id,
                CardPush.unpinned_at.is_(None),
                CardPush.peak_viewers < viewers,
            )
            .values(peak_viewers=viewers)
        )
    announcements.viewer_counts_changed.send(
        counts=counts, fair_ids=set(room_fair.values()), at=now
    )


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
    announcements.visitor_identified.send(visitor_id=visitor_id, seeker_id=seeker_id)
    db.session.flush()
