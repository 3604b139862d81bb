"""The video of live rooms: this process's ffmpeg supervisor, starting and ending broadcasts,
and the supervisor's status callbacks turned into room states.

The `streaming` package does the video work; the live layer talks to it only through here.
Each process has one Supervisor; a room's ffmpeg runs in the process that started it
(recorded on the StreamRun), so with several processes the host's socket and its ffmpeg meet
in the same place: a browser broadcast starts where its first chunk arrives.
"""

from __future__ import annotations

import logging
import queue
import threading
from datetime import datetime
from pathlib import Path

from flask import Flask
from sqlalchemy import select

import streaming
from app.db import utcnow
from app.errors import Conflict, ValidationError
from app.extensions import db
from app.fairs.models import ROOM_TRANSITIONS, Room, RoomStatus
from app.live import announcements
from app.live.disk import DISK_FULL_MESSAGE, disk_full
from app.live.locations import ACTIVE_RUN_STATUSES, media_url
from app.live.models import StreamRun, StreamSource, Upload

log = logging.getLogger(__name__)

UPLOADS_FOLDER = "uploads"
ROOM_STATUS_FOR = {
    streaming.WAITING: RoomStatus.WAITING,
    streaming.LIVE: RoomStatus.LIVE,
    streaming.RECONNECTING: RoomStatus.RECONNECTING,
    streaming.ENDED: RoomStatus.ENDED,
    streaming.ERROR: RoomStatus.ENDED,
}


def _iso(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


class StreamRuntime:
    """This process's supervisor and the bookkeeping of its runs."""

    def __init__(self, app: Flask, process_id: str):
        self.app = app
        self.process_id = process_id
        self._supervisor: streaming.Supervisor | None = None
        self._lock = threading.Lock()
        # Status callbacks are applied in order by one worker: the supervisor may call back
        # from inside a request that holds the database's write lock.
        self._statuses: queue.Queue = queue.Queue()
        self._worker: threading.Thread | None = None
        # Rooms this process stopped because of a fault: their "ended" is reported as an error.
        self._forced_errors: dict[str, str] = {}

    @property
    def settings(self):
        return self.app.config["FAIRCAST"]

    @property
    def media_dir(self) -> Path:
        return Path(self.settings.media_dir)

    @property
    def uploads_dir(self) -> Path:
        """Uploaded videos live beside the served media, never inside it."""
        folder = self.media_dir.parent / f"{self.media_dir.name}-{UPLOADS_FOLDER}"
        folder.mkdir(parents=True, exist_ok=True)
        return folder

    @property
    def profile(self) -> streaming.Profile:
        return streaming.PROFILES.get(self.settings.hls_profile, streaming.LOW_LATENCY)

    @property
    def renditions(self) -> tuple[str, ...]:
        """The configured renditions, the main one first and always present."""
        wanted = {name.strip() for name in self.settings.hls_renditions.split(",")}
        return tuple(
            r
            for r in (streaming.MAIN, streaming.SD, streaming.AUDIO)
            if r == streaming.MAIN or r in wanted
        )

    def supervisor(self) -> streaming.Supervisor:
        """The process's supervisor, created on first use."""
        with self._lock:
            if self._supervisor is None:
                self._supervisor = streaming.Supervisor(
                    self.media_dir,
                    ffmpeg=self.settings.ffmpeg,
                    on_status=self.on_status,
                    srt_ports=self.settings.srt_port_range(),
                )
            return self._supervisor

    def local_state(self, room_id: str) -> streaming.RoomState | None:
        """The room's run in this process, if this process has run one."""
        return self._supervisor.status(room_id) if self._supervisor else None

    def shutdown(self) -> None:
        if self._supervisor is not None:
            self._supervisor.shutdown()

    # Status callbacks (on the supervisor's threads) -------------------------------------

    def on_status(self, room_id: str, status: str, info: dict) -> None:
        """Queue a run's new status for the worker (never blocks the supervisor)."""
        self._statuses.put((room_id, status, info))
        with self._lock:
            if self._worker is None:
                self._worker = threading.Thread(
                    target=self._apply_statuses, name="faircast-streams", daemon=True
                )
                self._worker.start()

    def _apply_statuses(self) -> None:
        while True:
            room_id, status, info = self._statuses.get()
            self.apply_status(room_id, status, info)

    def apply_status(self, room_id: str, status: str, info: dict) -> None:
        """Record a run's new status, move the room, and announce it."""
        forced = self._forced_errors.pop(room_id, None) if status == streaming.ENDED else None
        if forced is not None:
            status, info = streaming.ERROR, {**info, "error": forced, "reason": "error"}
        try:
            with self.app.app_context():
                run = self._record(room_id, status, info)
                room = db.session.get(Room, room_id)
                if room is not None:
                    self._move_room(room, status)
                db.session.commit()
                hls_url = media_url(run.hls_path) if status in ACTIVE_RUN_STATUSES else None
                replay_url = (
                    media_url(run.replay_path)
                    if status in (streaming.ENDED, streaming.ERROR)
                    else None
                )
                announcements.stream_changed.send(
                    room_id=room_id,
                    status=status,
                    hls_url=hls_url,
                    replay_url=replay_url,
                    reason=info.get("reason"),
                    error=info.get("error") if status == streaming.ERROR else None,
                )
        except Exception:
            log.exception("could not record status %s of room %s", status, room_id)

    def _record(self, room_id: str, status: str, info: dict) -> StreamRun:
        run = db.session.get(StreamRun, info["run_id"])
        if run is None:
            run = StreamRun(
                id=info["run_id"],
                room_id=room_id,
                source=StreamSource(info.get("source", "browser")),
                process_id=self.process_id,
                started_at=_iso(info.get("started_at")) or utcnow(),
            )
            db.session.add(run)
        run.status = status
        run.live_at = _iso(info.get("live_at")) or run.live_at
        run.ended_at = _iso(info.get("ended_at")) or run.ended_at
        run.first_segment_at = _iso(info.get("first_segment_at")) or run.first_segment_at
        run.hls_path = info.get("hls") or run.hls_path
        run.replay_path = info.get("replay") or run.replay_path
        run.poster_path = info.get("poster") or run.poster_path
        run.srt_port = info.get("srt_port") or run.srt_port
        run.restarts = info.get("restarts") or 0
        run.reason = info.get("reason")
        run.error = (info.get("error") or "")[-2000:] or None
        db.session.flush()
        return run

    @staticmethod
    def _move_room(room: Room, status: str) -> None:
        target = ROOM_STATUS_FOR[status]
        # A late callback must not reopen a room the host ended, nor skip states.
        if target in ROOM_TRANSITIONS[room.status] and room.status != RoomStatus.ENDED:
            room.move_to(target)

    # Starting and ending -------------------------------------------------------------------

    def go_live(self, room: Room, source: str, upload: Upload | None = None) -> None:
        """Open the broadcast: the room waits for video from the chosen source."""
        if room.fair.is_over:
            raise Conflict("The fair is over.")
        if room.is_open:
            raise Conflict("The room is already on air; end it first.")
        if disk_full(self.media_dir):
            raise Conflict(DISK_FULL_MESSAGE)
        if source == StreamSource.SRT:
            self._start(room, streaming.SrtSource(room.stream_key))
        elif source == StreamSource.FILE:
            if upload is None:
                raise ValidationError("Choose an uploaded video.", {"upload_id": "required"})
            if upload.premiere_at and upload.premiere_at > utcnow():
                room.open_broadcast()  # the premiere scheduler starts it on time
                return
            self.start_upload(room, upload)
        elif source != StreamSource.BROWSER:
            raise ValidationError("Unknown source.", {"source": "browser, srt or file"})
        # Browser broadcasts start where the host's first video chunk arrives.
        room.open_broadcast()

    def _start(self, room: Room, source: streaming.Source) -> streaming.RoomState:
        try:
            state = self.supervisor().start(
                room.id,
                source,
                streaming.OutputOptions(profile=self.profile, renditions=self.renditions),
            )
        except streaming.RoomBusy:
            raise Conflict("This room's video is already running.") from None
        except streaming.StreamingError as exc:
            raise Conflict("The video could not start.", {"video": str(exc)}) from None
        room.open_broadcast()
        return state

    def start_upload(self, room: Room, upload: Upload) -> None:
        """Play an uploaded video into the room as its broadcast."""
        path = self.uploads_dir / upload.stored_name
        info = streaming.check_upload(str(path), self.supervisor().ffmpeg)
        state = self._start(room, streaming.FileSource(str(path), info))
        upload.played_run_id = state.run_id

    def feed(self, room: Room, mime_type: str, chunk: bytes) -> None:
        """A chunk of the host's browser recording; the first one starts ffmpeg here."""
        if not room.is_open:
            raise Conflict("Go live first.")
        supervisor = self.supervisor()
        state = supervisor.status(room.id)
        if state is None or not state.active:
            self._start(room, streaming.BrowserSource(mime_type=mime_type))
        try:
            supervisor.feed(room.id, chunk)
        except streaming.IngestOverflow:
            raise Conflict(
                "The server is not keeping up with the video; lower the quality."
            ) from None
        except streaming.NotLive:
            raise Conflict("This room is not taking browser video.") from None

    def end(self, room: Room) -> None:
        """End the broadcast (its replay stays when the fair keeps replays)."""
        if not room.is_open:
            raise Conflict("The room is not on air.")
        room.end()
        if self.local_state(room.id) is not None and self.local_state(room.id).active:
            # stop() reports "ended" through on_status, which records the run.
            threading.Thread(target=self.supervisor().stop, args=(room.id,), daemon=True).start()

    def active_rooms(self) -> list[str]:
        """Rooms whose video runs in this process now."""
        if self._supervisor is None:
            return []
        return [room_id for room_id, state in self._supervisor.rooms().items() if state.active]

    def stop_with_error(self, room_id: str, message: str) -> None:
        """Stop a room's video because of a fault; its viewers are told why."""
        log.error("stopping room %s: %s", room_id, message)
        self._forced_errors[room_id] = message
        self.supervisor().stop(room_id)

    def stop_ended_elsewhere(self) -> None:
        """Stop local ffmpegs of rooms that were ended through another process."""
        active = self.active_rooms()
        if not active:
            return
        ended = db.session.scalars(
            select(Room.id).where(Room.id.in_(active), Room.status == RoomStatus.ENDED)
        )
        for room_id in ended:
            self._supervisor.stop(room_id)

    def key_rotated(self, room_id: str) -> None:
        """A new secret applies at once to a waiting SRT listener."""
        state = self.local_state(room_id)
        if state is None or not state.active or state.source != StreamSource.SRT:
            return
        room = db.session.get(Room, room_id)
        if room is not None:
            self.supervisor().set_passphrase(room_id, room.stream_key)
