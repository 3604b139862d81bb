"""Sign-ups: exactly once per person and job at a fair, committed in batches, counted exactly."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import select, tuple_, update

from app.accounts.actor import person_key
from app.db import insert_for, new_id, utcnow
from app.extensions import db
from app.live import announcements
from app.live.models import SIGN_UP_SOURCES, CardPush, SignUp, SignUpCount, SignUpSource

Key = tuple[str, str, str]  # fair_id, seeker_id, job_id

# Sign-ups made while the room is on air, tied to the card shown then (a tapped notification
# leads into the live room too).
ON_AIR = (SignUpSource.LIVE, SignUpSource.NOTIFICATION)
# What a withdrawn sign-up takes from the new one when it becomes active again.
REVIVED_COLUMNS = ("created_at", "source", "room_id", "card_id")


@dataclass(frozen=True)
class SignUpRequest:
    fair_id: str
    seeker_id: str
    job_id: str
    source: SignUpSource
    room_id: str | None = None

    @property
    def key(self) -> Key:
        return (self.fair_id, self.seeker_id, self.job_id)


@dataclass(frozen=True)
class WithdrawRequest:
    fair_id: str
    seeker_id: str
    job_id: str

    @property
    def key(self) -> Key:
        return (self.fair_id, self.seeker_id, self.job_id)


@dataclass(frozen=True)
class SignUpResult:
    created: bool
    count: int
    fair_id: str
    job_id: str


def _adjust_counts(deltas: dict[tuple[str, str, str], int]) -> None:
    """Add each delta to its (fair, job) counter, in all and for its source."""
    per_job: dict[tuple[str, str], dict[str, int]] = defaultdict(
        lambda: dict.fromkeys(SIGN_UP_SOURCES, 0)
    )
    for (fair_id, job_id, source), delta in deltas.items():
        per_job[(fair_id, job_id)][source] += delta
    rows = [
        {"fair_id": f, "job_id": j, "count": sum(by_source.values()), **by_source}
        for (f, j), by_source in sorted(per_job.items())
        if any(by_source.values())
    ]
    if not rows:
        return
    table = SignUpCount.__table__
    stmt = insert_for(table)
    stmt = stmt.on_conflict_do_update(
        index_elements=[table.c.fair_id, table.c.job_id],
        set_={name: table.c[name] + stmt.excluded[name] for name in ("count", *SIGN_UP_SOURCES)},
    )
    db.session.execute(stmt, rows)


def current_counts(pairs: set[tuple[str, str]]) -> dict[tuple[str, str], int]:
    """Active sign-ups for each (fair, job) pair."""
    if not pairs:
        return {}
    rows = db.session.execute(
        select(SignUpCount.fair_id, SignUpCount.job_id, SignUpCount.count).where(
            tuple_(SignUpCount.fair_id, SignUpCount.job_id).in_(sorted(pairs))
        )
    )
    found = {(f, j): c for f, j, c in rows}
    return {pair: found.get(pair, 0) for pair in pairs}


def fair_counts(fair_id: str) -> dict[str, int]:
    """Active sign-ups per job at a fair (jobs without any are left out)."""
    rows = db.session.execute(
        select(SignUpCount.job_id, SignUpCount.count).where(SignUpCount.fair_id == fair_id)
    )
    return {job_id: count for job_id, count in rows if count}


def record_signups(requests: list[SignUpRequest]) -> list[SignUpResult]:
    """Store the sign-ups (the unique constraint decides what is new); return created and count."""
    first_of: dict[Key, SignUpRequest] = {}
    for request in requests:
        first_of.setdefault(request.key, request)
    now = utcnow()
    table = SignUp.__table__
    live_rooms = {r.room_id for r in first_of.values() if r.source in ON_AIR and r.room_id}
    cards = _pinned_cards(live_rooms)
    rows = [
        {
            "id": new_id(),
            "fair_id": r.fair_id,
            "seeker_id": r.seeker_id,
            "job_id": r.job_id,
            "room_id": r.room_id,
            "source": r.source.value,
            "created_at": now,
            "card_id": cards.get((r.room_id, r.job_id)) if r.source in ON_AIR else None,
        }
        for _key, r in sorted(first_of.items())
    ]
    # One statement: a new row is inserted, a withdrawn one becomes active again (as if made
    # now, from where it is made now); both come back. An active row (another tab, a retry) is
    # left as it is and does not come back.
    stmt = insert_for(table)
    stmt = stmt.on_conflict_do_update(
        index_elements=[table.c.fair_id, table.c.seeker_id, table.c.job_id],
        set_={
            "withdrawn_at": None,
            **{name: stmt.excluded[name] for name in REVIVED_COLUMNS},
        },
        where=table.c.withdrawn_at.is_not(None),
    ).returning(table.c.fair_id, table.c.seeker_id, table.c.job_id)
    created: set[Key] = {tuple(row) for row in db.session.execute(stmt, rows)}
    deltas: dict[tuple[str, str, str], int] = defaultdict(int)
    for key in created:
        deltas[(key[0], key[2], first_of[key].source.value)] += 1
    _adjust_counts(deltas)
    announcements.sign_ups_stored.send(
        people={(key[0], person_key(key[1], None, None)) for key in created}, at=now
    )
    counts = current_counts({(r.fair_id, r.job_id) for r in requests})
    answered: set[Key] = set()
    results = []
    for request in requests:
        is_new = request.key in created and request.key not in answered
        answered.add(request.key)
        results.append(
            SignUpResult(
                is_new, counts[(request.fair_id, request.job_id)], request.fair_id, request.job_id
            )
        )
    return results


def _pinned_cards(room_ids: set[str]) -> dict[tuple[str, str], str]:
    """{(room, job): card} for the cards on screen now in these rooms."""
    if not room_ids:
        return {}
    rows = db.session.execute(
        select(CardPush.room_id, CardPush.job_id, CardPush.id).where(
            CardPush.room_id.in_(sorted(room_ids)), CardPush.unpinned_at.is_(None)
        )
    )
    return {(room_id, job_id): card_id for room_id, job_id, card_id in rows}


def record_withdrawals(requests: list[WithdrawRequest]) -> list[SignUpResult]:
    """Withdraw active sign-ups; created is False, count is the new count."""
    table = SignUp.__table__
    now = utcnow()
    deltas: dict[tuple[str, str, str], int] = defaultdict(int)
    for key in dict.fromkeys(r.key for r in requests):
        withdrawn = db.session.execute(
            update(table)
            .where(
                table.c.fair_id == key[0],
                table.c.seeker_id == key[1],
                table.c.job_id == key[2],
                table.c.withdrawn_at.is_(None),
            )
            .values(withdrawn_at=now)
            .returning(table.c.source)
        ).all()
        for (source,) in withdrawn:
            deltas[(key[0], key[2], source)] -= 1
    _adjust_counts(deltas)
    counts = current_counts({(r.fair_id, r.job_id) for r in requests})
    return [
        SignUpResult(False, counts[(r.fair_id, r.job_id)], r.fair_id, r.job_id) for r in requests
    ]


def seeker_signups(fair_id: str, seeker_id: str) -> list[str]:
    """The jobs a person has an active sign-up for at a fair."""
    return list(
        db.session.scalars(
            select(SignUp.job_id).where(
                SignUp.fair_id == fair_id,
                SignUp.seeker_id == seeker_id,
                SignUp.withdrawn_at.is_(None),
            )
        )
    )
