"""A real FairCast server with an on-site fair: an organiser, a host, jobs and a few tickets."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from app.accounts.actor import ANONYMOUS, Actor
from app.accounts.models import Role
from app.accounts.schemas import Identity, NewUser
from app.accounts.services import create_token, create_user, identify_seeker
from app.extensions import db
from app.fairs.models import Fair, FairMode, FairStatus
from app.jobs.models import Job
from app.onsite import services
from tests.conftest import JOB_DEFAULTS, PASSWORD, hours_from_now
from tests.live.realtime import seeding_app


@dataclass
class OnsiteSite:
    fair_id: str
    other_fair_id: str
    organiser_username: str
    organiser_token: str
    host_username: str
    host_token: str
    job_id: str
    # name -> ticket code, for people registered in advance
    tickets: dict[str, str] = field(default_factory=dict)
    cancelled_ticket: str = ""
    other_fair_ticket: str = ""


def seed_onsite(database_url: str, media_dir: Path, capacity: int | None = 50) -> OnsiteSite:
    """A published hybrid fair with a venue, three confirmed tickets, a cancelled one, and a
    ticket for another fair."""
    app = seeding_app(database_url, media_dir)
    with app.app_context():
        organiser = create_user(
            NewUser(role=Role.ORGANISER, username="organiser", password=PASSWORD)
        )
        host = create_user(
            NewUser(role=Role.HOST, username="host", password=PASSWORD, employer="恒达电子")
        )
        fairs = []
        for title in ("On-site fair", "Another fair"):
            fair = Fair(
                title=title,
                mode=FairMode.HYBRID,
                venue="Service hall",
                capacity=capacity,
                status=FairStatus.PUBLISHED,
                starts_at=hours_from_now(-1),
                ends_at=hours_from_now(8),
                created_by_id=organiser.id,
            )
            db.session.add(fair)
            fairs.append(fair)
        job = Job(employer_id=host.employer_id, **{**JOB_DEFAULTS, "title": "Line worker"})
        fairs[0].jobs.append(job)
        db.session.flush()
        site = OnsiteSite(
            fairs[0].id,
            fairs[1].id,
            organiser.username,
            create_token(organiser),
            host.username,
            create_token(host),
            job.id,
        )
        people = [("王小明", "13912345678"), ("李娜", "13800138000"), ("陈静", "13512345678")]
        for name, mobile in people:
            seeker = identify_seeker(Identity(name=name, mobile=mobile))
            registration, _ = services.register_seeker(ANONYMOUS, fairs[0], seeker)
            site.tickets[name] = registration.ticket_code
        gone = identify_seeker(Identity(name="赵六", mobile="13700000006"))
        registration, _ = services.register_seeker(ANONYMOUS, fairs[0], gone)
        services.cancel_registration(Actor.of(organiser), registration)
        site.cancelled_ticket = registration.ticket_code
        elsewhere, _ = services.register_seeker(ANONYMOUS, fairs[1], gone)
        site.other_fair_ticket = elsewhere.ticket_code
        db.session.commit()
        db.engine.dispose()
    return site
