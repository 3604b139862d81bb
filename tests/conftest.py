"""The core every test stands on: an app on a fresh migrated database per test, its clients and
its database; and the shared fixture plugins (tests/fixtures) every area may use."""

from __future__ import annotations

import contextvars
import shutil

import pytest
from flask.globals import _cv_app
from flask.testing import FlaskClient

from app import create_app
from app.config import Settings
from app.extensions import db as database
from app.extensions import socketio
from app.live.runtime import EXTENSION_KEY as RUNTIME_KEY
from app.migrate import upgrade

pytest_plugins = [
    "tests.fixtures.factories",
    "tests.fixtures.sockets",
    "tests.fixtures.realtime",
    "tests.fixtures.backends",
    "tests.fixtures.browser",
]


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
        runtime = app.extensions.get(RUNTIME_KEY)
        if runtime is not None:
            runtime.stop_maintenance()  # its database is about to go
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
