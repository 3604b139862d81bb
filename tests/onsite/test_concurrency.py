"""Registrations and check-ins racing in threads, on SQLite and on PostgreSQL.

Each thread has its own app context (so its own session and connection) and waits at a barrier,
so the requests really overlap: places are never overbooked, the waiting list moves up in
order, and a ticket checked in from many devices at once is checked in once.
"""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import select

from app import create_app
from app.accounts.actor import Actor
from app.accounts.models import Role, Seeker, User
from app.accounts.schemas import Identity, NewUser
from app.accounts.services import create_user, identify_seeker
from app.config import Settings
from app.extensions import db
from app.fairs.models import Fair, FairMode, FairStatus
from app.migrate import upgrade
from app.onsite import services
from app.onsite.models import CheckIn, Registration, RegistrationStatus
from app.onsite.schemas import PersonRef
from tests.fixtures.people import seeker_actor
from tests.fixtures.values import PASSWORD, hours_from_now

CAPACITY = 5
PEOPLE = 30


def race(app, count: int, work) -> tuple[dict, dict]:
    """Run work(i) in count threads released together; each commits its own unit of work."""
    barrier = threading.Barrier(count)
    results: dict[int, object] = {}
    errors: dict[int, Exception] = {}

    def run(i: int) -> None:
        with app.app_context():
            try:
                barrier.wait(timeout=30)
                results[i] = work(i)
                db.session.commit()
            except Exception as exc:  # noqa: BLE001 - collected and asserted on
                db.session.rollback()
                errors[i] = exc
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a thread is stuck"
    return results, errors


def seed(capacity: int = CAPACITY, people: int = PEOPLE) -> tuple[str, str, list[str]]:
    organiser = create_user(NewUser(role=Role.ORGANISER, username="organiser", password=PASSWORD))
    fair = Fair(
        title="Race fair",
        mode=FairMode.OFFLINE,
        venue="Hall",
        capacity=capacity,
        status=FairStatus.PUBLISHED,
        starts_at=hours_from_now(1),
        ends_at=hours_from_now(9),
        created_by_id=organiser.id,
    )
    db.session.add(fair)
    seekers = [identify_seeker(Identity(name=f"P{n}", mobile=f"136{n:08d}")) for n in range(people)]
    db.session.commit()
    return fair.id, organiser.id, [s.id for s in seekers]


def statuses(fair_id: str) -> dict[str, RegistrationStatus]:
    db.session.expire_all()
    rows = db.session.execute(
        select(Registration.seeker_id, Registration.status).where(Registration.fair_id == fair_id)
    )
    return dict(rows.all())


def queue(fair_id: str) -> list[str]:
    """Waiting seekers in waiting-list order."""
    return list(
        db.session.scalars(
            select(Registration.seeker_id)
            .where(
                Registration.fair_id == fair_id,
                Registration.status == RegistrationStatus.WAITLISTED,
            )
            .order_by(Registration.queued_at, Registration.id)
        )
    )


def register_in_thread(fair_id: str, seeker_id: str) -> str:
    fair = db.session.get(Fair, fair_id)
    seeker = db.session.get(Seeker, seeker_id)
    registration, _ = services.register_seeker(seeker_actor(seeker), fair, seeker)
    return registration.status.value


def overbooking_scenario(app) -> None:
    fair_id, organiser_id, seekers = seed()
    first, newcomers = seekers[:20], seekers[20:]

    results, errors = race(app, len(first), lambda i: register_in_thread(fair_id, first[i]))
    assert errors == {}
    assert sorted(results.values()).count("confirmed") == CAPACITY
    now = statuses(fair_id)
    assert list(now.values()).count(RegistrationStatus.CONFIRMED) == CAPACITY
    assert list(now.values()).count(RegistrationStatus.WAITLISTED) == len(first) - CAPACITY
    codes = db.session.scalars(select(Registration.ticket_code)).all()
    assert len(set(codes)) == len(codes)

    # Everyone confirmed cancels while newcomers register: the places go to the first five
    # on the waiting list, newcomers queue behind, and there are never more than five.
    confirmed = [s for s, status in now.items() if status == RegistrationStatus.CONFIRMED]
    next_in_line = queue(fair_id)[:CAPACITY]

    def cancel_or_register(i: int) -> str:
        if i < len(confirmed):
            organiser = db.session.get(User, organiser_id)
            registration = db.session.scalar(
                select(Registration).where(
                    Registration.fair_id == fair_id, Registration.seeker_id == confirmed[i]
                )
            )
            services.cancel_registration(Actor.of(organiser), registration)
            return "cancelled"
        return register_in_thread(fair_id, newcomers[i - len(confirmed)])

    results, errors = race(app, len(confirmed) + len(newcomers), cancel_or_register)
    assert errors == {}
    assert "confirmed" not in [results[i] for i in range(len(confirmed), len(results))]
    after = statuses(fair_id)
    now_confirmed = sorted(
        s for s, status in after.items() if status == RegistrationStatus.CONFIRMED
    )
    assert now_confirmed == sorted(next_in_line)
    assert list(after.values()).count(RegistrationStatus.CANCELLED) == CAPACITY
    assert set(queue(fair_id)[-len(newcomers) :]) == set(newcomers)

    # Eight devices scan the same ticket at the same moment: one check-in.
    ticket = db.session.scalar(
        select(Registration.ticket_code).where(Registration.seeker_id == next_in_line[0])
    )

    def check_in(_i: int) -> str:
        fair = db.session.get(Fair, fair_id)
        organiser = db.session.get(User, organiser_id)
        return services.check_in(Actor.of(organiser), fair, PersonRef(ticket_code=ticket)).id

    results, errors = race(app, 8, check_in)
    assert len(results) == 1, errors
    assert len(errors) == 7 and all(
        isinstance(e, services.AlreadyCheckedIn) for e in errors.values()
    )

    # Different people at different devices do not get in each other's way.
    others = next_in_line[1:]

    def check_in_other(i: int) -> str:
        fair = db.session.get(Fair, fair_id)
        organiser = db.session.get(User, organiser_id)
        mobile = db.session.get(Seeker, others[i]).mobile
        return services.check_in(Actor.of(organiser), fair, PersonRef(mobile=mobile)).id

    results, errors = race(app, len(others), check_in_other)
    assert errors == {} and len(results) == len(others)
    db.session.expire_all()
    came = db.session.scalars(select(CheckIn.seeker_id).where(CheckIn.fair_id == fair_id)).all()
    assert sorted(came) == sorted(next_in_line)


def test_never_overbooked_on_sqlite(app):
    overbooking_scenario(app)


@pytest.fixture
def postgres_app(postgres_url, tmp_path):
    upgrade(postgres_url)
    settings = Settings(
        database_url=postgres_url,
        secret_key="test-secret-key",
        message_queue=None,
        media_dir=str(tmp_path / "media"),
        ffmpeg=None,
        async_mode="threading",
        public_url="http://127.0.0.1:5000",
        allowed_origins=[],
    )
    app = create_app(settings, TESTING=True)
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.mark.postgres
def test_never_overbooked_on_postgresql(postgres_app):
    overbooking_scenario(postgres_app)
