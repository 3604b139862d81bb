"""Random payloads for every /live event: always an acknowledgement, never a server error."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.live.eventnames import (
    CHAT,
    IDENTIFY,
    JOIN,
    LEAVE,
    MODERATE,
    PUSH_CARD,
    SIGN_UP,
    UNPIN_CARD,
    WITHDRAW,
)
from app.live.runtime import live_runtime
from tests.fixtures.people import identify_live
from tests.fixtures.sockets import NS

EVENTS = [JOIN, LEAVE, PUSH_CARD, UNPIN_CARD, SIGN_UP, WITHDRAW, IDENTIFY, CHAT, MODERATE]

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), st.text(max_size=50)
)
values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=10,
)


@pytest.fixture
def clients(connect, live_room, token_for, db):
    room, host, jobs = live_room
    viewer = connect()
    cockpit = connect(token=token_for(host))
    for client in (viewer, cockpit):
        client.emit(JOIN, {"room_id": room.id}, namespace=NS, callback=True)
    identify_live(viewer, "Fuzz", "13800138000")  # a seeker, so fuzzing reaches sign-ups and chat
    return room, jobs, viewer, cockpit


def payloads(room_id: str, job_id: str):
    known = st.sampled_from([room_id, job_id, "", "x" * 40, "../../etc/passwd", "<script>", "0"])
    shaped = st.fixed_dictionaries(
        {},
        optional={
            "room_id": st.one_of(known, values),
            "job_id": st.one_of(known, values),
            "card_id": st.one_of(known, values),
            "text": st.one_of(st.text(max_size=300), values),
            "action": st.one_of(st.sampled_from(["delete", "mute", "ban"]), values),
            "target": st.one_of(known, values),
            "name": st.one_of(st.text(max_size=60), values),
            "mobile": st.one_of(st.sampled_from(["13800138000", "+8613800138000", "1"]), values),
            "source": st.one_of(st.sampled_from(["live", "replay", "page", "onsite", "x"]), values),
        },
    )
    return st.one_of(shaped, values)


def test_every_event_survives_random_payloads(app, clients, caplog):
    room, jobs, viewer, cockpit = clients
    registry = live_runtime(app).registry

    @settings(
        max_examples=120, deadline=None, suppress_health_check=list(HealthCheck), database=None
    )
    @given(
        event=st.sampled_from(EVENTS), payload=payloads(room.id, jobs[0].id), as_host=st.booleans()
    )
    def fuzz(event, payload, as_host):
        client = cockpit if as_host else viewer
        for conn in registry.all():  # the fuzzer sends faster than people do
            conn.bucket.tokens = conn.bucket.burst
        reply = client.emit(event, payload, namespace=NS, callback=True)
        assert isinstance(reply, dict) and isinstance(reply.get("ok"), bool), (
            event,
            payload,
            reply,
        )
        if not reply["ok"]:
            assert reply["error"]["code"] != "internal", (event, payload, reply)

    fuzz()
    assert not [r for r in caplog.records if r.levelname == "ERROR"], [
        r.getMessage() for r in caplog.records
    ]
