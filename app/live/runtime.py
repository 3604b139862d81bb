"""The per-process machinery behind /live: connections, the group-commit writer, the counts
coalescer, a cache of room facts, and the maintenance loop (heartbeat, stale presence, sweeps)."""

from __future__ import annotations

import logging
import secrets
import time
from dataclasses import dataclass
from datetime import timedelta

from flask import Flask, current_app
from sqlalchemy import delete, select, update

from app.accounts.models import ApiToken, LoginSession, User
from app.db import utcnow
from app.extensions import db, socketio
from app.fairs.models import Fair, Room, fair_jobs
from app.live.broadcast import NAMESPACE, CountsCoalescer
from app.live.connections import Registry
from app.live.media import stream_runtime
from app.live.models import Presence, ServerProcess
from app.live.services import close_presence, record_joins, record_leaves, viewers_now
from app.live.signups import (
    SignUpRequest,
    SignUpResult,
    WithdrawRequest,
    fair_counts,
    record_signups,
    record_withdrawals,
)
from app.live.writer import BatchWriter

log = logging.getLogger(__name__)

ROOM_CACHE_SECONDS = 5.0
MAINTENANCE_INTERVAL = 5.0
# A process silent for this long is gone; its viewers' presence is closed at its last beat.
STALE_AFTER = timedelta(seconds=30)
EXTENSION_KEY = "faircast_live"


@dataclass(frozen=True)
class RoomFacts:
    """What every event needs to know about a room, cached for a few seconds."""

    room_id: str
    fair_id: str
    host_id: str
    anonymous_viewers: bool
    fair_open: bool
    job_ids: frozenset[str]
    loaded: float


class LiveRuntime:
    """One per app (and so per process)."""

    def __init__(self, app: Flask):
        self.app = app
        self.process_id = secrets.token_hex(8)
        self.registry = Registry()
        self.writer = BatchWriter(
            app,
            {
                "signup": record_signups,
                "withdraw": record_withdrawals,
                "join": record_joins,
                "leave": record_leaves,
            },
        )
        self.coalescer = CountsCoalescer(self.read_counts)
        self._facts: dict[str, RoomFacts] = {}
        self._maintenance = False

    # Room facts -------------------------------------------------------------------------

    def facts(self, room_id: str) -> RoomFacts | None:
        """Cached facts about a room (None when it does not exist)."""
        cached = self._facts.get(room_id)
        if cached is not None and time.monotonic() - cached.loaded < ROOM_CACHE_SECONDS:
            return cached
        row = db.session.execute(
            select(Room.id, Room.fair_id, Room.host_id, Fair.anonymous_viewers, Fair.status)
            .join(Fair, Fair.id == Room.fair_id)
            .where(Room.id == room_id)
        ).first()
        if row is None:
            self._facts.pop(room_id, None)
            return None
        job_ids = frozenset(
            db.session.scalars(select(fair_jobs.c.job_id).where(fair_jobs.c.fair_id == row.fair_id))
        )
        facts = RoomFacts(
            row.id,
            row.fair_id,
            row.host_id,
            row.anonymous_viewers,
            row.status.value not in ("ended", "cancelled"),
            job_ids,
            time.monotonic(),
        )
        self._facts[room_id] = facts
        return facts

    def forget(self, room_id: str) -> None:
        self._facts.pop(room_id, None)

    def read_counts(self, room_id: str) -> dict:
        """Viewers now and sign-ups per job, as the counts event carries them."""
        with self.app.app_context():
            facts = self.facts(room_id)
            if facts is None:
                return {"viewers": 0, "signups": {}}
            return {"viewers": viewers_now(room_id), "signups": fair_counts(facts.fair_id)}

    # Writes -------------------------------------------------------------------------------

    def write(self, kind: str, payload):
        """Hand a write to the group commit and wait for it.

        The caller's own transaction (reads only) ends first: a request waiting with a pooled
        connection checked out would starve the writer of connections under load.
        """
        if db.session.registry.has():
            if db.session.new or db.session.dirty or db.session.deleted:
                raise RuntimeError("commit the caller's own changes before a group-committed write")
            db.session.rollback()
        return self.writer.write(kind, payload)

    def sign_up(self, request: SignUpRequest) -> SignUpResult:
        """Record a sign-up (committed before this returns) and schedule a counts update."""
        result = self.write("signup", request)
        self._counts_changed(request.fair_id, request.room_id)
        return result

    def withdraw(self, request: WithdrawRequest, room_id: str | None = None) -> SignUpResult:
        """Withdraw a sign-up (committed before this returns) and schedule a counts update."""
        result = self.write("withdraw", request)
        self._counts_changed(request.fair_id, room_id)
        return result

    def _counts_changed(self, fair_id: str, room_id: str | None) -> None:
        if room_id is not None:
            self.coalescer.mark(room_id)
            return
        with self.app.app_context():
            for other in db.session.scalars(select(Room.id).where(Room.fair_id == fair_id)):
                self.coalescer.mark(other)

    # Maintenance ------------------------------------------------------------------------

    def start_maintenance(self) -> None:
        """Start the heartbeat / sweep loop once per process."""
        if self._maintenance:
            return
        self._maintenance = True
        with self.app.app_context():
            self.beat()
        socketio.start_background_task(self._maintenance_loop)

    def _maintenance_loop(self) -> None:
        while True:
            socketio.sleep(MAINTENANCE_INTERVAL)
            try:
                with self.app.app_context():
                    self.beat()
                    self.sweep_connections()
                    streams = stream_runtime(self.app)
                    streams.start_due_premieres()
                    streams.stop_ended_elsewhere()
                    streams.check_disk()
            except Exception:
                log.exception("live maintenance failed")

    def beat(self) -> None:
        """Record that this process is alive and close the presence of processes that are not."""
        now = utcnow()
        updated = db.session.execute(
            update(ServerProcess)
            .where(ServerProcess.id == self.process_id)
            .values(heartbeat_at=now)
        ).rowcount
        if not updated:
            db.session.add(ServerProcess(id=self.process_id, started_at=now, heartbeat_at=now))
        stale = db.session.execute(
            select(ServerProcess.id, ServerProcess.heartbeat_at).where(
                ServerProcess.heartbeat_at < now - STALE_AFTER
            )
        ).all()
        for process_id, last_beat in stale:
            close_presence(Presence.__table__.c.process_id == process_id, last_beat)
            db.session.execute(delete(ServerProcess).where(ServerProcess.id == process_id))
        db.session.commit()

    def sweep_connections(self) -> None:
        """Disconnect sockets whose sign-in ended, whose token was revoked or whose user changed."""
        for sid in self.invalid_sids():
            log.info("disconnecting %s: its credentials are no longer valid", sid)
            socketio.server.disconnect(sid, namespace=NAMESPACE)

    def invalid_sids(self) -> list[str]:
        connections = [c for c in self.registry.all() if c.user_id]
        if not connections:
            return []
        users = {
            u.id: u
            for u in db.session.scalars(
                select(User).where(User.id.in_({c.user_id for c in connections}))
            )
        }
        ended = set(
            db.session.scalars(
                select(LoginSession.id).where(
                    LoginSession.id.in_(
                        {c.login_session_id for c in connections if c.login_session_id}
                    ),
                    LoginSession.ended_at.is_not(None),
                )
            )
        )
        revoked = set(
            db.session.scalars(
                select(ApiToken.id).where(
                    ApiToken.id.in_({c.token_id for c in connections if c.token_id}),
                    ApiToken.revoked_at.is_not(None),
                )
            )
        )
        invalid = []
        for c in connections:
            user = users.get(c.user_id)
            if (
                user is None
                or not user.active
                or user.role.value != c.role
                or (c.session_version is not None and user.session_version != c.session_version)
                or c.login_session_id in ended
                or c.token_id in revoked
            ):
                invalid.append(c.sid)
        return invalid


def live_runtime(app: Flask | None = None) -> LiveRuntime:
    """The runtime of the given (or current) app, created on first use."""
    app = app or current_app._get_current_object()
    runtime = app.extensions.get(EXTENSION_KEY)
    if runtime is None:
        runtime = app.extensions[EXTENSION_KEY] = LiveRuntime(app)
    return runtime
