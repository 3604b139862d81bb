"""A fair with two employers, each with a host, a room and a job; a clock the live services read."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.fixtures.reports import T0, Clock


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
