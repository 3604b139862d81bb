"""A fair with two employers, each with a host, a room and a job; a clock the live services read."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from app.accounts.actor import Actor
from app.accounts.schemas import Identity
from app.accounts.services import identify_seeker
from app.live import cards, presence
from app.live import signups as signup_log

T0 = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai


class Clock:
    """The time the live services see, moved by the test."""

    def __init__(self, monkeypatch):
        self.now = T0
        for module in (cards, presence, signup_log):
            monkeypatch.setattr(module, "utcnow", lambda: self.now)

    def at(self, minutes: float) -> None:
        self.now = T0 + timedelta(minutes=minutes)


@pytest.fixture
def clock(monkeypatch):
    return Clock(monkeypatch)


@pytest.fixture
def scene(db, make_fair, make_room, make_job, make_user):
    fair = make_fair(starts_at=T0 - timedelta(hours=1), ends_at=T0 + timedelta(hours=8))
    host1, host2 = make_user("host", employer="恒达电子"), make_user("host", employer="速达物流")
    room1 = make_room(
        fair=fair, host=host1, title="Room 1", starts_at=T0, ends_at=T0 + timedelta(hours=2)
    )
    room2 = make_room(
        fair=fair, host=host2, title="Room 2", starts_at=T0, ends_at=T0 + timedelta(hours=2)
    )
    job1 = make_job(employer=host1.employer, title="Assembly")
    job2 = make_job(employer=host2.employer, title="Sorting")
    fair.jobs.extend([job1, job2])
    db.session.commit()
    return fair, (room1, room2), (job1, job2), (host1, host2)


def join(db, room, visitor, sid, seeker=None):
    presence.record_joins([presence.Join(room.id, room.fair_id, visitor, seeker, None, sid, "p1")])
    db.session.commit()


def leave(db, room, sid):
    presence.record_leaves([presence.Leave(room.id, sid)])
    db.session.commit()


def person(db, name, mobile):
    seeker = identify_seeker(Identity(name=name, mobile=mobile))
    db.session.commit()
    return seeker


def host_connection(host) -> Actor:
    """The host, as the live operations see them."""
    return Actor.of(host)
