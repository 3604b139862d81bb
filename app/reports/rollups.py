"""Keeping the report rollups current, inside the same transactions that record the events.

People are keyed as app.accounts.actor.person_key says: "s:<seeker id>" once known and
"v:<browser id>" until then; when a browser's viewer identifies, their rows are folded into the
person's, so one person counts once. app/reports/listeners.py connects these to what the live
layer announces.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import bindparam, case, func, literal, select, update

from app.accounts.actor import SEEKER_PREFIX, VISITOR_PREFIX, person_key
from app.db import insert_for
from app.extensions import db
from app.fairs.models import Room
from app.live.models import CardPush, Presence
from app.live.presence import Stay
from app.reports.models import FairPerson, FairStats, RoomMinute, RoomPerson, RoomStats


def greatest(a, b):
    """The larger of two SQL values (SQLite's max() takes two arguments; PostgreSQL's does not)."""
    dialect = db.session.get_bind().dialect.name
    return func.greatest(a, b) if dialect == "postgresql" else func.max(a, b)


def record_viewers(
    room_fair: dict[str, str], people: Iterable[tuple[str, str]], at: datetime
) -> None:
    """Count (room, person) pairs as viewers of the room and of its fair (first time only)."""
    pairs = sorted(set(people))
    if not pairs:
        return
    table = RoomPerson.__table__
    stmt = insert_for(RoomPerson.__table__).on_conflict_do_nothing(
        index_elements=[table.c.room_id, table.c.person_key]
    )
    new = db.session.execute(
        stmt.returning(table.c.room_id),
        [
            {"room_id": r, "person_key": p, "first_seen_at": at, "watch_seconds": 0.0}
            for r, p in pairs
        ],
    ).all()
    fresh: dict[str, int] = defaultdict(int)
    for (room_id,) in new:
        fresh[room_id] += 1
    _ensure_room_stats(room_fair)
    for room_id, count in sorted(fresh.items()):
        db.session.execute(
            update(RoomStats)
            .where(RoomStats.room_id == room_id)
            .values(unique_viewers=RoomStats.unique_viewers + count)
        )
    showing = _rooms_showing_a_card(set(room_fair))
    mark_people({(room_fair[r], p) for r, p in pairs if r not in showing}, at, watched=True)
    mark_people(
        {(room_fair[r], p) for r, p in pairs if r in showing}, at, watched=True, saw_card=True
    )


def _rooms_showing_a_card(room_ids: set[str]) -> set[str]:
    if not room_ids:
        return set()
    return set(
        db.session.scalars(
            select(CardPush.room_id)
            .where(CardPush.room_id.in_(sorted(room_ids)), CardPush.unpinned_at.is_(None))
            .distinct()
        )
    )


def record_card_audience(room_id: str, fair_id: str) -> None:
    """Everyone watching a room when a card goes up saw a card (people joining later are
    marked as they join, while it stays pinned)."""
    # person_key() in SQL: the person once known, else the browser.
    person = case(
        (Presence.seeker_id.is_not(None), literal(SEEKER_PREFIX) + Presence.seeker_id),
        else_=literal(VISITOR_PREFIX) + Presence.visitor_id,
    )
    present = select(person).where(Presence.room_id == room_id, Presence.left_at.is_(None))
    db.session.execute(
        update(FairPerson)
        .where(
            FairPerson.fair_id == fair_id,
            FairPerson.saw_card.is_(False),
            FairPerson.person_key.in_(present),
        )
        .values(saw_card=True)
    )


def mark_people(
    people: set[tuple[str, str]],
    now: datetime,
    *,
    watched: bool = False,
    signed_up: bool = False,
    saw_card: bool = False,
) -> None:
    """Note that these people were reached by the fair (watching, seeing a card, signing up)."""
    flags = {"watched": watched, "signed_up": signed_up, "saw_card": saw_card}
    if not people or not any(flags.values()):
        return
    people = people - _already_marked(people, [name for name, on in flags.items() if on])
    if not people:
        return
    table = FairPerson.__table__
    stmt = insert_for(FairPerson.__table__)
    stmt = stmt.on_conflict_do_update(
        index_elements=[table.c.fair_id, table.c.person_key],
        set_={name: True for name, on in flags.items() if on},
    )
    db.session.execute(
        stmt,
        [
            {
                "fair_id": f,
                "person_key": p,
                **flags,
                "watch_seconds": 0.0,
                "first_seen_at": now,
            }
            for f, p in sorted(people)
        ],
    )


def _already_marked(people: set[tuple[str, str]], names: list[str]) -> set[tuple[str, str]]:
    """The people whose rollup row has all these flags already: rewriting it would change
    nothing, and building an upsert row per person costs more than reading two columns (a
    viewer who signs up for five jobs is marked once)."""
    by_fair: dict[str, list[str]] = defaultdict(list)
    for fair_id, key in people:
        by_fair[fair_id].append(key)
    marked: set[tuple[str, str]] = set()
    for fair_id, keys in by_fair.items():
        rows = db.session.scalars(
            select(FairPerson.person_key).where(
                FairPerson.fair_id == fair_id,
                FairPerson.person_key.in_(keys),
                *(getattr(FairPerson, name).is_(True) for name in names),
            )
        )
        marked.update((fair_id, key) for key in rows)
    return marked


def _ensure_room_stats(room_fair: dict[str, str]) -> None:
    table = RoomStats.__table__
    stmt = insert_for(RoomStats.__table__).on_conflict_do_nothing(index_elements=[table.c.room_id])
    db.session.execute(
        stmt,
        [
            {"room_id": r, "unique_viewers": 0, "peak_concurrent": 0, "watch_seconds": 0.0}
            for r in sorted(room_fair)
        ],
    )


def record_watch_time(stays: list[Stay]) -> None:
    """Add finished stretches of watching to the person, the room and the fair."""
    by_room: dict[str, float] = defaultdict(float)
    by_room_person: dict[tuple[str, str], float] = defaultdict(float)
    by_fair_person: dict[tuple[str, str], float] = defaultdict(float)
    for v in stays:
        seconds = max(0.0, v.seconds)
        by_room[v.room_id] += seconds
        by_room_person[(v.room_id, v.person)] += seconds
        by_fair_person[(v.fair_id, v.person)] += seconds
    # One statement per table, executed for every row (many leaves arrive in one batch).
    for table, key, totals in (
        (RoomStats.__table__, ("room_id",), {(r,): s for r, s in by_room.items()}),
        (RoomPerson.__table__, ("room_id", "person_key"), by_room_person),
        (FairPerson.__table__, ("fair_id", "person_key"), by_fair_person),
    ):
        if not totals:
            continue
        stmt = (
            update(table)
            .where(*(table.c[name] == bindparam(f"k_{name}") for name in key))
            .values(watch_seconds=table.c.watch_seconds + bindparam("k_seconds"))
        )
        db.session.execute(
            stmt,
            [
                {**{f"k_{name}": v for name, v in zip(key, values, strict=True)}, "k_seconds": s}
                for values, s in sorted(totals.items())
            ],
        )


def record_fair_concurrency(fair_ids: set[str], now: datetime) -> None:
    """Note each fair's peak of distinct people watching any of its rooms at once."""
    table = FairStats.__table__
    for fair_id in sorted(fair_ids):
        person = func.coalesce(Presence.seeker_id, Presence.visitor_id)
        viewers = (
            db.session.scalar(
                select(func.count(func.distinct(person)))
                .join(Room, Room.id == Presence.room_id)
                .where(Room.fair_id == fair_id, Presence.left_at.is_(None))
            )
            or 0
        )
        db.session.execute(
            insert_for(FairStats.__table__).on_conflict_do_nothing(
                index_elements=[table.c.fair_id]
            ),
            [{"fair_id": fair_id, "peak_concurrent": 0}],
        )
        db.session.execute(
            update(FairStats)
            .where(FairStats.fair_id == fair_id, FairStats.peak_concurrent < viewers)
            .values(peak_concurrent=viewers, peak_at=now)
        )


def record_concurrency(current: dict[str, int], now: datetime) -> None:
    """Note how many watch each room now: its peak, and this minute's peak and last count."""
    minute = now.replace(second=0, microsecond=0)
    table = RoomMinute.__table__
    for room_id, viewers in sorted(current.items()):
        db.session.execute(
            update(RoomStats)
            .where(RoomStats.room_id == room_id, RoomStats.peak_concurrent < viewers)
            .values(peak_concurrent=viewers, peak_at=now)
        )
        stmt = insert_for(RoomMinute.__table__)
        stmt = stmt.on_conflict_do_update(
            index_elements=[table.c.room_id, table.c.minute],
            set_={"peak": greatest(table.c.peak, stmt.excluded.peak), "last": stmt.excluded.last},
        )
        db.session.execute(
            stmt, [{"room_id": room_id, "minute": minute, "peak": viewers, "last": viewers}]
        )


def merge_visitor(visitor_id: str, seeker_id: str) -> None:
    """Fold a browser's viewing into the person it turned out to be."""
    old, new = person_key(None, None, visitor_id), person_key(seeker_id, None, None)
    # A browser is counted only where it watched: its stays name the rooms and fairs.
    watched = db.session.execute(
        select(Presence.room_id, Room.fair_id)
        .join(Room, Room.id == Presence.room_id)
        .where(Presence.visitor_id == visitor_id)
        .distinct()
    ).all()
    for room_id in sorted({room_id for room_id, _fair in watched}):
        row = db.session.get(RoomPerson, (room_id, old))
        if row is None:
            continue
        existing = db.session.get(RoomPerson, (room_id, new))
        if existing is None:
            db.session.add(
                RoomPerson(
                    room_id=row.room_id,
                    person_key=new,
                    first_seen_at=row.first_seen_at,
                    watch_seconds=row.watch_seconds,
                )
            )
        else:
            existing.watch_seconds += row.watch_seconds
            existing.first_seen_at = min(existing.first_seen_at, row.first_seen_at)
            db.session.execute(
                update(RoomStats)
                .where(RoomStats.room_id == row.room_id)
                .values(unique_viewers=RoomStats.unique_viewers - 1)
            )
        db.session.delete(row)
    for fair_id in sorted({fair_id for _room, fair_id in watched}):
        row = db.session.get(FairPerson, (fair_id, old))
        if row is None:
            continue
        existing = db.session.get(FairPerson, (fair_id, new))
        if existing is None:
            db.session.add(
                FairPerson(
                    fair_id=row.fair_id,
                    person_key=new,
                    watched=row.watched,
                    signed_up=row.signed_up,
                    saw_card=row.saw_card,
                    watch_seconds=row.watch_seconds,
                    first_seen_at=row.first_seen_at,
                )
            )
        else:
            existing.watched = existing.watched or row.watched
            existing.signed_up = existing.signed_up or row.signed_up
            existing.saw_card = existing.saw_card or row.saw_card
            existing.watch_seconds += row.watch_seconds
            existing.first_seen_at = min(existing.first_seen_at, row.first_seen_at)
        db.session.delete(row)
    db.session.flush()
