"""The per-process live runtime on its own: the room facts it caches and forgets when a fair
changes, the connections whose credentials stopped standing, and the heartbeat that closes a
dead process's viewing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from app.accounts.actor import Actor
from app.accounts.models import Role
from app.accounts.services import (
    disable_user,
    end_login_session,
    end_sessions,
    issue_token,
    revoke_token,
    start_login_session,
)
from app.announce import commit
from app.db import utcnow
from app.errors import Forbidden, ValidationError
from app.fairs import services as fairs
from app.fairs.schemas import FairPatch
from app.live import operations
from app.live.connections import Connection
from app.live.models import Presence, ServerProcess, SignUpSource
from app.live.presence import Join, record_joins, viewers_now
from app.live.runtime import LiveRuntime, live_runtime
from app.reports.models import FairPerson, RoomStats


@pytest.fixture
def seeker_actor(db, make_user):
    return Actor.of(make_user("seeker"))


# Room facts -----------------------------------------------------------------------------------


def test_room_facts_describe_the_room_and_its_fair(app, live_room):
    room, host, jobs = live_room
    facts = live_runtime(app).facts(room.id)
    assert (facts.room_id, facts.fair_id, facts.host_id) == (room.id, room.fair_id, host.id)
    assert facts.job_ids == {job.id for job in jobs}
    assert facts.fair_over is False and facts.anonymous_viewers is True
    assert live_runtime(app).facts("no-such-room") is None


def test_a_job_attached_to_the_fair_is_offered_in_its_rooms_at_once(
    app, db, live_room, make_job, make_user, seeker_actor
):
    room, host, jobs = live_room
    runtime = live_runtime(app)
    assert runtime.facts(room.id).job_ids == {job.id for job in jobs}
    added = make_job(employer=host.employer, title="Forklift driver")
    with pytest.raises(ValidationError) as refused:
        operations.sign_up(seeker_actor, added.id, SignUpSource.LIVE, room_id=room.id)
    assert refused.value.fields == {"job_id": "not in this fair"}

    fairs.attach_job(Actor.of(make_user("organiser")), room.fair, added.id)
    commit()
    assert runtime.facts(room.id).job_ids == {*(job.id for job in jobs), added.id}
    operations.push_card(Actor.of(host), room.id, added.id)
    commit()
    result = operations.sign_up(seeker_actor, added.id, SignUpSource.LIVE, room_id=room.id)
    assert result.created


def test_a_job_detached_from_the_fair_is_no_longer_offered(
    app, db, live_room, make_user, seeker_actor
):
    room, _host, jobs = live_room
    runtime = live_runtime(app)
    assert jobs[1].id in runtime.facts(room.id).job_ids
    fairs.detach_job(Actor.of(make_user("organiser")), room.fair, jobs[1].id)
    commit()
    assert runtime.facts(room.id).job_ids == {jobs[0].id}
    with pytest.raises(ValidationError) as refused:
        operations.sign_up(seeker_actor, jobs[1].id, SignUpSource.LIVE, room_id=room.id)
    assert refused.value.fields == {"job_id": "not in this fair"}


def test_ending_the_fair_closes_sign_ups_in_its_rooms_at_once(
    app, db, live_room, make_user, seeker_actor
):
    room, _host, jobs = live_room
    runtime = live_runtime(app)
    assert runtime.facts(room.id).fair_over is False
    fairs.update_fair(Actor.of(make_user("organiser")), room.fair, FairPatch(status="ended"))
    commit()
    assert runtime.facts(room.id).fair_over is True
    with pytest.raises(Forbidden, match="over"):
        operations.sign_up(seeker_actor, jobs[0].id, SignUpSource.LIVE, room_id=room.id)


def test_facts_are_kept_until_the_fair_is_said_to_have_changed(app, db, live_room, make_job):
    room, host, jobs = live_room
    runtime = live_runtime(app)
    before = runtime.facts(room.id)
    behind_its_back = make_job(employer=host.employer)
    room.fair.jobs.append(behind_its_back)
    db.session.commit()  # no announcement: the cache does not know
    assert runtime.facts(room.id) is before
    runtime.forget_fair(room.fair_id)
    assert behind_its_back.id in runtime.facts(room.id).job_ids


# Connections whose credentials ended -----------------------------------------------------------


def test_connections_whose_credentials_ended_are_found(app, db, make_user):
    runtime = LiveRuntime(app)
    disabled, signed_out, everywhere, revoked, fine = (make_user("host") for _ in range(5))
    sign_in = start_login_session(signed_out)
    _token, token = issue_token(revoked)
    _fine_token, fine_token = issue_token(fine)
    fine_sign_in = start_login_session(fine)
    db.session.commit()
    connections = {
        "disabled": Actor.of(disabled),
        "signed out": Actor.of(signed_out, login_session_id=sign_in.id),
        "signed out everywhere": Actor.of(everywhere),
        "revoked token": Actor.of(revoked, token_id=token.id),
        "fine token": Actor.of(fine, token_id=fine_token.id),
        "fine sign-in": Actor.of(fine, login_session_id=fine_sign_in.id),
        "anonymous": Actor.anonymous("browser-1"),
    }
    for sid, actor in connections.items():
        runtime.registry.add(Connection(sid, actor))
    assert runtime.invalid_sids() == []

    disable_user(disabled)
    end_login_session(sign_in.id)
    end_sessions(everywhere)
    revoke_token(revoked.id, token.id)
    db.session.commit()
    assert sorted(runtime.invalid_sids()) == [
        "disabled",
        "revoked token",
        "signed out",
        "signed out everywhere",
    ]


def test_a_changed_role_ends_the_connections_of_the_old_one(app, db, make_user):
    runtime = LiveRuntime(app)
    user = make_user("host")
    runtime.registry.add(Connection("sid-1", Actor.of(user)))
    user.role = Role.ORGANISER
    db.session.commit()
    assert runtime.invalid_sids() == ["sid-1"]


# The heartbeat -----------------------------------------------------------------------------------


def test_beat_closes_the_viewing_of_a_process_that_stopped_beating(app, db, live_room):
    room, _host, _jobs = live_room
    now = utcnow().replace(microsecond=0)
    last_beat = now - timedelta(minutes=5)
    db.session.add_all(
        [
            ServerProcess(id="gone", started_at=now - timedelta(hours=1), heartbeat_at=last_beat),
            ServerProcess(id="alive", started_at=now, heartbeat_at=now - timedelta(seconds=5)),
        ]
    )
    record_joins(
        [
            Join(room.id, room.fair_id, "browser-on-gone", None, None, "sid-gone", "gone"),
            Join(room.id, room.fair_id, "browser-on-alive", None, None, "sid-alive", "alive"),
        ]
    )
    db.session.execute(
        update(Presence)
        .where(Presence.sid == "sid-gone")
        .values(joined_at=now - timedelta(minutes=15))
    )
    db.session.commit()
    assert viewers_now(room.id) == 2

    runtime = LiveRuntime(app)
    runtime.beat()
    runtime.beat()

    db.session.expire_all()
    stays = {p.sid: p for p in db.session.scalars(select(Presence))}
    assert stays["sid-gone"].left_at == last_beat, "closed when its process was last heard of"
    assert stays["sid-alive"].left_at is None
    assert viewers_now(room.id) == 1
    assert set(db.session.scalars(select(ServerProcess.id))) == {"alive", runtime.process_id}
    assert db.session.get(ServerProcess, runtime.process_id).heartbeat_at >= now
    # The report counts ten minutes of watching, up to the last beat, not up to now.
    assert db.session.get(RoomStats, room.id).watch_seconds == 600
    viewer = db.session.get(FairPerson, (room.fair_id, "v:browser-on-gone"))
    assert viewer.watch_seconds == 600
