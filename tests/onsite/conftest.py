"""An on-site fair with an organiser, a host with a job there, another employer's job."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from app.accounts.models import Seeker
from app.accounts.schemas import Identity
from app.accounts.services import identify_seeker


@pytest.fixture
def venue(db, make_fair, make_user, make_job):
    """A published hybrid fair with 2 places, an organiser, a host and two employers' jobs."""
    organiser = make_user("organiser")
    host = make_user("host", employer="恒达电子")
    fair = make_fair(organiser=organiser, capacity=2, title="台商区招聘会")
    job = make_job(employer=host.employer, title="电子厂普工")
    other_job = make_job(title="快递分拣员")
    fair.jobs.extend([job, other_job])
    db.session.commit()
    return SimpleNamespace(fair=fair, organiser=organiser, host=host, job=job, other_job=other_job)


@pytest.fixture
def make_seeker(db):
    """A person known by name and mobile (no account)."""
    counter = iter(range(1, 10_000))

    def make(name: str | None = None, mobile: str | None = None) -> Seeker:
        n = next(counter)
        seeker = identify_seeker(Identity(name=name or f"访客{n}", mobile=mobile or f"137{n:08d}"))
        db.session.commit()
        return seeker

    return make
