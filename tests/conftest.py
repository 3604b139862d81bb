"""Shared fixtures: an app on a fresh migrated database per test, clients and factories."""

from __future__ import annotations

import contextvars
import re
import shutil
from datetime import UTC, datetime, timedelta

import pytest
from flask.globals import _cv_app
from flask.testing import FlaskClient

from app import create_app
from app.accounts.models import Employer, Role
from app.accounts.schemas import NewUser
from app.accounts.services import create_token, create_user
from app.config import Settings
from app.extensions import db as database
from app.extensions import socketio
from app.fairs.models import Fair, FairMode, FairStatus, Room
from app.fairs.services import new_stream_key
from app.jobs.models import Job
from app.migrate import upgrade
from app.validators import credit_check_char
from tests.browser import browser  # noqa: F401 - the shared Chromium fixture

PASSWORD = "correct horse battery"
CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory):
    """A SQLite database migrated once; each test works on its own copy."""
    path = tmp_path_factory.mktemp("template") / "faircast.db"
    upgrade(f"sqlite:///{path}")
    return path


@pytest.fixture
def settings(tmp_path, migrated_template) -> Settings:
    db_path = tmp_path / "faircast.db"
    shutil.copy(migrated_template, db_path)
    return Settings(
        database_url=f"sqlite:///{db_path}",
        secret_key="test-secret-key",
        message_queue=None,
        media_dir=str(tmp_path / "media"),
        ffmpeg=None,
        async_mode="threading",
        public_url="http://127.0.0.1:5000",
        allowed_origins=[],
    )


class FreshContextClient(FlaskClient):
    """A test client whose every request gets its own app context, as in production.

    Tests hold an app context to use the database; without this, requests would share its
    `g` (the signed-in user, the chosen language) and its database session.
    """

    def open(self, *args, **kwargs):
        def isolated():
            _cv_app.set(None)
            return super(FreshContextClient, self).open(*args, **kwargs)

        return contextvars.copy_context().run(isolated)


@pytest.fixture
def app(settings):
    app = create_app(settings, TESTING=True)
    app.test_client_class = FreshContextClient
    with app.app_context():
        yield app
        database.session.remove()
        database.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def socket_client(app, client):
    """A /live Socket.IO test client sharing the HTTP client's cookies."""
    return socketio.test_client(app, namespace="/live", flask_test_client=client)


@pytest.fixture
def db(app):
    return database


def csrf_token(client) -> str:
    """The CSRF token of the client's session, read from a page's form."""
    page = client.get("/login", follow_redirects=True).get_data(as_text=True)
    match = CSRF_RE.search(page)
    assert match, "no CSRF token on the sign-in page"
    return match.group(1)


def valid_credit_code(seed: int) -> str:
    body = f"913505{seed:011d}"[:17]
    return body + credit_check_char(body)


@pytest.fixture
def make_user(db):
    counter = iter(range(1, 10_000))

    def make(role: str = "seeker", username: str | None = None, employer: str | None = None, **kw):
        n = next(counter)
        data = {"role": Role(role), "username": username or f"{role}{n}", "password": PASSWORD}
        if role == "host":
            data["employer"] = employer or f"Employer {n}"
        if role == "seeker":
            data["name"] = kw.pop("name", f"Seeker {n}")
            data["mobile"] = kw.pop("mobile", f"139{n:08d}")
        data.update(kw)
        user = create_user(NewUser(**data))
        db.session.commit()
        return user

    return make


@pytest.fixture
def make_employer(db):
    counter = iter(range(1, 10_000))

    def make(name: str | None = None, **kw):
        n = next(counter)
        employer = Employer(
            name=name or f"Company {n}", credit_code=kw.pop("credit_code", valid_credit_code(n))
        )
        db.session.add(employer)
        db.session.commit()
        return employer

    return make


JOB_DEFAULTS = dict(
    title="Assembly worker",
    category="manufacturing",
    pay_min=22,
    pay_max=26,
    pay_unit="hour",
    district="Dongyuan",
    headcount=10,
    work_type="gig",
    shift="08:00-17:00",
    benefits=["meals"],
    requirements="18-45",
    contact="0595-1234567",
)


@pytest.fixture
def make_job(db, make_employer):
    def make(employer: Employer | None = None, **kw):
        employer = employer or make_employer()
        job = Job(employer_id=employer.id, **{**JOB_DEFAULTS, **kw})
        db.session.add(job)
        db.session.commit()
        return job

    return make


def hours_from_now(hours: float) -> datetime:
    return (datetime.now(UTC) + timedelta(hours=hours)).replace(microsecond=0)


@pytest.fixture
def make_fair(db, make_user):
    def make(**kw):
        organiser = kw.pop("organiser", None) or make_user("organiser")
        fair = Fair(
            title=kw.pop("title", "Gig-work fair"),
            mode=FairMode(kw.pop("mode", "hybrid")),
            starts_at=kw.pop("starts_at", hours_from_now(-1)),
            ends_at=kw.pop("ends_at", hours_from_now(8)),
            venue=kw.pop("venue", "Service hall"),
            status=FairStatus(kw.pop("status", "published")),
            created_by_id=organiser.id,
            **kw,
        )
        db.session.add(fair)
        db.session.commit()
        return fair

    return make


@pytest.fixture
def make_room(db, make_fair, make_user):
    def make(fair: Fair | None = None, host=None, **kw):
        fair = fair or make_fair()
        host = host or make_user("host")
        room = Room(
            fair=fair,
            title=kw.pop("title", "Factory jobs live"),
            host_id=host.id,
            starts_at=kw.pop("starts_at", fair.starts_at),
            ends_at=kw.pop("ends_at", fair.starts_at + timedelta(hours=2)),
            stream_key=new_stream_key(),
            **kw,
        )
        db.session.add(room)
        db.session.commit()
        return room

    return make


@pytest.fixture
def token_for(db):
    def make(user) -> str:
        token = create_token(user)
        db.session.commit()
        return token

    return make


class Api:
    """JSON requests to /api/v1 with an optional bearer token."""

    def __init__(self, client, token: str | None = None):
        self.client, self.token = client, token

    def _headers(self, token):
        token = token or self.token
        return {"Authorization": f"Bearer {token}"} if token else {}

    def get(self, path, token=None, **kw):
        return self.client.get("/api/v1" + path, headers=self._headers(token), **kw)

    def post(self, path, json=None, token=None, **kw):
        return self.client.post("/api/v1" + path, json=json, headers=self._headers(token), **kw)

    def patch(self, path, json=None, token=None, **kw):
        return self.client.patch("/api/v1" + path, json=json, headers=self._headers(token), **kw)

    def delete(self, path, token=None, **kw):
        return self.client.delete("/api/v1" + path, headers=self._headers(token), **kw)


@pytest.fixture
def api(client):
    return Api(client)


def login(client, username: str, password: str = PASSWORD):
    """Sign the test client in through the real form."""
    token = csrf_token(client)
    return client.post(
        "/login", data={"username": username, "password": password, "csrf_token": token}
    )


POSTGRES_ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


def _postgres_admin_engine():
    from sqlalchemy import create_engine, text

    # pre_ping: a test may restart the server between creating and dropping its database.
    engine = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT", pool_pre_ping=True)
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as exc:  # noqa: BLE001 - any failure means there is no server to use
        engine.dispose()
        pytest.skip(
            f"PostgreSQL is not reachable at 127.0.0.1:5432 ({type(exc).__name__}); "
            "these tests need a real PostgreSQL server"
        )
    return engine


@pytest.fixture
def postgres_url():
    """A fresh, empty PostgreSQL database for one test, dropped afterwards."""
    import secrets

    from sqlalchemy import text

    engine = _postgres_admin_engine()
    name = f"faircast_test_{secrets.token_hex(4)}"
    with engine.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    yield f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    with engine.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    engine.dispose()


@pytest.fixture
def live_room(db, make_fair, make_room, make_job, make_user):
    """A live fair with a room, its host and two jobs attached."""
    fair = make_fair(status="live")
    host = make_user("host")
    room = make_room(fair=fair, host=host)
    jobs = [make_job(employer=host.employer, title=f"Job {n}") for n in range(2)]
    fair.jobs.extend(jobs)
    db.session.commit()
    return room, host, jobs


@pytest.fixture
def connect(app):
    """Open /live test clients: anonymous, with a token, or signed in through the form."""
    opened = []

    def make(user=None, token=None, auth=None):
        http = app.test_client()
        if user is not None:
            login(http, user.username, PASSWORD)
        auth = dict(auth or {})
        if token:
            auth["token"] = token
        client = socketio.test_client(
            app, namespace="/live", flask_test_client=http, auth=auth or None
        )
        opened.append(client)
        return client

    yield make
    for client in opened:
        if client.is_connected("/live"):
            client.disconnect("/live")


@pytest.fixture
def live_site(tmp_path, migrated_template):
    """Start a real server on a copy of the migrated database with a live room seeded:
    live_site(jobs=3) -> (seeded, server); every server started is stopped afterwards."""
    from tests.live.realtime import migrated_copy, seed_live_room, start_server

    servers = []

    def start(jobs: int = 3):
        database_url = migrated_copy(migrated_template, tmp_path)
        seeded = seed_live_room(database_url, tmp_path / "media", jobs=jobs)
        servers.append(start_server(database_url, tmp_path))
        return seeded, servers[-1]

    yield start
    for server in servers:
        server.stop()
