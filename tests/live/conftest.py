import time

import pytest

from app.extensions import socketio
from tests.conftest import PASSWORD, login

NS = "/live"


def ack(client, event, data=None):
    """Emit and return the acknowledgement."""
    return client.emit(event, data, namespace=NS, callback=True)


def received(client, name=None):
    events = client.get_received(NS)
    return [e for e in events if name is None or e["name"] == name]


def wait_for(client, name, timeout=3.0, predicate=lambda args: True):
    """Collect events until one named `name` satisfies predicate; return its payload."""
    deadline = time.monotonic() + timeout
    seen = []
    while time.monotonic() < deadline:
        for event in client.get_received(NS):
            seen.append(event)
            if event["name"] == name and predicate(event["args"][0]):
                return event["args"][0]
        time.sleep(0.02)
    raise AssertionError(f"no {name} event; got {[e['name'] for e in seen]}")


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
        client = socketio.test_client(app, namespace=NS, flask_test_client=http, auth=auth or None)
        opened.append(client)
        return client

    yield make
    for client in opened:
        if client.is_connected(NS):
            client.disconnect(NS)
