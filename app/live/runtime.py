"""The per-process machinery behind /live: connections, the group-commit writer, the counts
coalescer, the stream runtime, a cache of room facts, and the maintenance loop (heartbeat,
stale presence, premieres, the disk, credentials that ended)."""

from __future__ import annotations

import logging
import secrets
import time
from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta

from flask import Flask, current_app
from sqlalchemy import delete, or_, select, update

from app.accounts.models import ApiToken, LoginSession, User
from app.db import utcnow
from app.extensions import db, socketio
from app.fairs.models import FINISHED_STATUSES, Fair, Room, fair_jobs
from app.live.broadcast import CountsCoalescer, send_state
from app.live.cards import room_state
from app.live.chat import recent_chat
from app.live.connections import ChatLimiter, Registry
from app.live.disk import check_disk
from app.live.eventnames import NAMESPACE
from app.live.locations import media_urls
from app.live.models import CardPush, Presence, ServerProcess
from app.live.premieres import start_due_premieres
from app.live.presence import close_presence, viewers_now
from app.live.signups import fair_counts
from app.live.streams import StreamRuntime
from app.live.writer import BatchWriter, Handler

log = logging.getLogger(__name__)

ROOM_CACHE_SECONDS = 5.0
MAINTENANCE_INTERVAL = 5.0
# A process silent for this long is gone; its viewers' presence is closed at its last beat.
STALE_AFTER = timedelta(seconds=30)
EXTENSION_KEY = "faircast_live"


@dataclass(frozen=True)
class RoomFacts:
    """What every event needs to know about a room and its fair, cached for a few seconds
    (and forgotten at once when this process changes the fair or the room)."""

    room_id: str
    fair_id: str
    host_id: str
    anonymous_viewers: bool
    fair_over: bool
    job_ids: frozenset[str]
    loaded: float


class LiveRuntime:
    """One per app (and so per process)."""

    def __init__(self, app: Flask):
        self.app = app
        self.process_id = secrets.token_hex(8)
        self.registry = Registry()
        self.writer = BatchWriter(app)
        self.coalescer = CountsCoalescer(self.read_counts)
        self.streams = StreamRuntime(app, self.process_id)
        self.chat_limiter = ChatLimiter()
        self._facts: dict[str, RoomFacts] = {}
        # Jobs known to have been shown in each room (cards are never taken back).
        self._shown: dict[str, set[str]] = defaultdict(set)
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
            row.status in FINISHED_STATUSES,
            job_ids,
            time.monotonic(),
        )
        self._facts[room_id] = facts
        return facts

    def was_shown(self, room_id: str, job_id: str) -> bool:
        """True once a card for the job has been pushed in the room (by any process)."""
        shown = self._shown[room_id]
        if job_id in shown:
            return True
        pushed = db.session.scalar(
            select(CardPush.id)
            .where(CardPush.room_id == room_id, CardPush.job_id == job_id)
            .limit(1)
        )
        if pushed is not None:
            shown.add(job_id)
        return pushed is not None

    def forget(self, room_id: str) -> None:
        """The room changed: read its facts afresh next time."""
        self._facts.pop(room_id, None)

    def forget_fair(self, fair_id: str) -> None:
        """The fair changed (its status, jobs or sessions): forget the facts of its rooms."""
        for room_id in [r for r, facts in self._facts.items() if facts.fair_id == fair_id]:
            self._facts.pop(room_id, None)

    def read_counts(self, room_id: str) -> dict:
        """Viewers now and sign-ups per job, as the counts event carries them."""
        with self.app.app_context():
            facts = self.facts(room_id)
            if facts is None:
                return {"viewers": 0, "signups": {}}
            return {"viewers": viewers_now(room_id), "signups": fair_counts(facts.fair_id)}

    def resync_rooms(self) -> None:
        """Redraw every room this process has viewers in, from the database: while the message
        queue was down, cards, chat and counts from other processes did not reach them."""
        room_ids = sorted({room for c in self.registry.all() for room in c.rooms})
        with self.app.app_context():
            for room_id in room_ids:
                room = db.session.get(Room, room_id)
                if room is None:
                    continue
                hls_url, _replay = media_urls(room)
                state = {**room_state(room, hls_url), "chat": recent_chat(room.id)}
                send_state(room.id, state)
            db.session.remove()

    def rooms_of(self, fair_id: str) -> list[str]:
        """The ids of the fair's rooms."""
        return list(db.session.scalars(select(Room.id).where(Room.fair_id == fair_id)))

    # Writes -------------------------------------------------------------------------------

    def write(self, handler: Handler, payload):
        """Hand a write to the group commit and wait for it.

        The caller's own transaction ends first (committing what it changed, such as a token's
        last use): a request waiting with a pooled connection checked out would starve the
        writer of connections under load. What it announced is still delivered by its door.
        """
        if db.session.registry.has():
            db.session.commit()
        return self.writer.write(handler, payload)

    def submit(self, handler: Handler, payload) -> None:
        """Hand a write to the group commit without waiting for it."""
        self.writer.submit(handler, payload)

    # Maintenance ------------------------------------------------------------------------

    def start_maintenance(self) -> None:
        """Start the heartbeat / sweep loop once per process."""
        if self._maintenance:
            return
        self._maintenance = True
        with self.app.app_context():
            self.beat()
        socketio.start_background_task(self._maintenance_loop)

    def stop_maintenance(self) -> None:
        """End the loop after its current pass (an app that is done: its database may be gone)."""
        self._maintenance = False

    def _maintenance_loop(self) -> None:
        while True:
            socketio.sleep(MAINTENANCE_INTERVAL)
            if not self._maintenance:
                return
            try:
                with self.app.app_context():
                    self.beat()
                    self.sweep_connections()
                    start_due_premieres(self.streams)
                    self.streams.stop_ended_elsewhere()
                    check_disk(self.streams)
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
        """The connections whose user, sign-in or token no longer stands."""
        actors = {c.sid: c.actor for c in self.registry.all() if c.actor.user_id}
        if not actors:
            return []
        users = {
            u.id: u
            for u in db.session.scalars(
                select(User).where(User.id.in_({a.user_id for a in actors.values()}))
            )
        }
        ended = set(
            db.session.scalars(
                select(LoginSession.id).where(
                    LoginSession.id.in_(
                        {a.login_session_id for a in actors.values() if a.login_session_id}
                    ),
                    LoginSession.ended_at.is_not(None),
                )
            )
        )
        # Revoked, or past the lifetime it was given: either way it no longer opens /live.
        revoked = set(
            db.session.scalars(
                select(ApiToken.id).where(
                    ApiToken.id.in_({a.token_id for a in actors.values() if a.token_id}),
                    or_(ApiToken.revoked_at.is_not(None), ApiToken.expires_at <= utcnow()),
                )
            )
        )
        invalid = []
        for sid, a in actors.items():
            user = users.get(a.user_id)
            if (
                user is None
                or not user.active
                or user.role != a.role
                or (a.session_version is not None and user.session_version != a.session_version)
                or a.login_session_id in ended
                or a.token_id in revoked
            ):
                invalid.append(sid)
        return invalid


def live_runtime(app: Flask | None = None) -> LiveRuntime:
    """The runtime of the given (or current) app, created on first use."""
    app = app or current_app._get_current_object()
    runtime = app.extensions.get(EXTENSION_KEY)
    if runtime is None:
        runtime = app.extensions[EXTENSION_KEY] = LiveRuntime(app)
    return runtime


def stream_runtime(app: Flask | None = None) -> StreamRuntime:
    """The video side of the given (or current) app's runtime."""
    return live_runtime(app).streams
