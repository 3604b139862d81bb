"""A real FairCast database with an hour of a fair recorded: two rooms, viewers coming and
going, cards pushed, sign-ups live and on the page, check-ins, a follow-up; for browser tests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from app.accounts.actor import Actor
from app.accounts.models import Role
from app.accounts.schemas import Identity, NewUser
from app.accounts.services import create_user, identify_seeker
from app.announce import commit
from app.db import utcnow
from app.extensions import db
from app.fairs.models import Fair, FairMode, FairStatus, Room
from app.fairs.services import new_stream_key
from app.jobs.models import Job
from app.live import cards, presence
from app.live import signups as signup_log
from app.live.models import FollowUpStatus, SignUp, SignUpSource
from app.live.operations import push_card
from app.live.signups import SignUpRequest, record_signups
from app.onsite.models import (
    CheckIn,
    CheckInMethod,
    Registration,
    RegistrationChannel,
    RegistrationStatus,
)
from app.reports import followup
from tests.conftest import JOB_DEFAULTS, PASSWORD
from tests.live.realtime import seeding_app

MINUTES = 60


@dataclass
class ReportSite:
    fair_id: str
    organiser_username: str
    host_username: str
    room_ids: list[str]


class _Clock:
    """Moves the time the live services read; put back by restore()."""

    def __init__(self, start):
        self.start, self.now = start, start
        self.saved = [(m, m.utcnow) for m in (cards, presence, signup_log)]
        for module, _ in self.saved:
            module.utcnow = lambda: self.now

    def at(self, minutes: float) -> None:
        self.now = self.start + timedelta(minutes=minutes)

    def restore(self) -> None:
        for module, original in self.saved:
            module.utcnow = original


def seed_report(database_url: str, media_dir: Path) -> ReportSite:
    """The fair, its people and an hour of recorded events, starting two hours ago."""
    app = seeding_app(database_url, media_dir)
    with app.app_context():
        organiser = create_user(
            NewUser(role=Role.ORGANISER, username="organiser", password=PASSWORD)
        )
        hosts = [
            create_user(NewUser(role=Role.HOST, username=u, password=PASSWORD, employer=e))
            for u, e in (("host", "恒达电子"), ("host2", "速达物流"))
        ]
        start = utcnow().replace(second=0, microsecond=0) - timedelta(hours=2)
        fair = Fair(
            title="Spring gig-work fair",
            mode=FairMode.HYBRID,
            venue="Service hall",
            status=FairStatus.LIVE,
            starts_at=start - timedelta(hours=1),
            ends_at=start + timedelta(hours=6),
            created_by_id=organiser.id,
        )
        db.session.add(fair)
        jobs = [
            Job(employer_id=hosts[0].employer_id, **{**JOB_DEFAULTS, "title": "Assembly"}),
            Job(employer_id=hosts[0].employer_id, **{**JOB_DEFAULTS, "title": "Quality check"}),
            Job(
                employer_id=hosts[1].employer_id,
                **{**JOB_DEFAULTS, "title": "Parcel sorting", "category": "logistics"},
            ),
        ]
        fair.jobs.extend(jobs)
        rooms = [
            Room(
                fair=fair,
                title=title,
                host_id=host.id,
                starts_at=start,
                ends_at=start + timedelta(hours=2),
                stream_key=new_stream_key(),
            )
            for title, host in (("Factory jobs live", hosts[0]), ("Logistics live", hosts[1]))
        ]
        db.session.add_all(rooms)
        db.session.commit()
        people = [
            identify_seeker(Identity(name=f"求职者{n}", mobile=f"1390000{n:04d}"))
            for n in range(40)
        ]
        db.session.commit()
        clock = _Clock(start)
        try:
            _record_hour(clock, fair, rooms, jobs, hosts, people)
        finally:
            clock.restore()
        signup = db.session.query(SignUp).filter_by(job_id=jobs[0].id).first()
        followup.record_followup(
            Actor.of(hosts[0]), signup, FollowUpStatus.INTENT_REACHED, "周一面试"
        )
        db.session.commit()
        site = ReportSite(fair.id, organiser.username, hosts[0].username, [r.id for r in rooms])
        db.session.remove()
    return site


def _record_hour(clock, fair, rooms, jobs, hosts, people) -> None:
    """Viewers arrive in waves, cards go up every quarter hour, some sign up, most leave."""

    present: dict[str, tuple[str, str]] = {}
    for minute in range(MINUTES):
        clock.at(minute)
        arriving = [n for n in range(40) if (n * 7) % 50 == minute]
        joins = []
        for n in arriving:
            room = rooms[n % 2] if n % 5 else rooms[0]
            seeker = people[n].id if n % 3 else None
            sid = f"s{n}"
            present[sid] = (room.id, sid)
            joins.append(presence.Join(room.id, fair.id, f"browser-{n}", seeker, None, sid, "p1"))
        if joins:
            presence.record_joins(joins)
        if minute in (12, 27, 42):
            pushes = ((rooms[0], hosts[0], jobs[minute % 2]), (rooms[1], hosts[1], jobs[2]))
            for room, host, job in pushes:
                push_card(Actor.of(host), room.id, job.id)
        if minute in (14, 29, 44):
            room_of = {sid: room_id for room_id, sid in present.values()}
            requests = []
            for n in range(1, 40):
                room_id = room_of.get(f"s{n}")
                if room_id is None or n % 3 == 0 or (n + minute) % 3:
                    continue
                job = jobs[2] if room_id == rooms[1].id else jobs[n % 2]
                requests.append(
                    SignUpRequest(fair.id, people[n].id, job.id, SignUpSource.LIVE, room_id)
                )
            record_signups(requests)
        if minute >= 45 and minute % 2 == 0:
            leaving = [sid for sid in sorted(present) if int(sid[1:]) % 15 == minute % 15]
            presence.record_leaves([presence.Leave(*present.pop(sid)) for sid in leaving])
        commit()
    clock.at(MINUTES)
    record_signups(
        [SignUpRequest(fair.id, people[n].id, jobs[1].id, SignUpSource.PAGE) for n in (1, 2, 4)]
        + [SignUpRequest(fair.id, people[n].id, jobs[2].id, SignUpSource.REPLAY) for n in (5, 7)]
    )
    presence.record_leaves([presence.Leave(room_id, sid) for room_id, sid in present.values()])
    # Three registered for the hall; two came, one of whom had watched online.
    for n in (1, 3, 41):
        seeker = (
            people[n]
            if n < len(people)
            else identify_seeker(Identity(name="现场访客", mobile="13800000041"))
        )
        registration = Registration(
            fair_id=fair.id,
            seeker_id=seeker.id,
            ticket_code=f"T{n:07d}",
            status=RegistrationStatus.CONFIRMED,
            channel=RegistrationChannel.ONLINE,
        )
        db.session.add(registration)
        db.session.flush()
        if n != 3:
            db.session.add(
                CheckIn(
                    fair_id=fair.id,
                    seeker_id=seeker.id,
                    registration_id=registration.id,
                    method=CheckInMethod.TICKET,
                    checked_in_by_id=hosts[0].id,
                )
            )
    db.session.commit()
