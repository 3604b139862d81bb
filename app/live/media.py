"""Video for live rooms: starting and ending broadcasts, the supervisor's status callbacks, and
where a room's playlists, replay and ingest can be found.

The `streaming` package does the video work; this module is the only place the app talks to
it. Each process has one Supervisor; a room's ffmpeg runs in the process that started it
(recorded on the StreamRun), so with several processes the host's socket and its ffmpeg
meet in the same place: a browser broadcast starts where its first chunk arrives.
"""

from __future__ import annotations

import logging
import queue
import shutil
import threading
from datetime import datetime
from pathlib import Path

from flask import Flask, current_app
from sqlalchemy import select, update

import streaming
from app.db import new_id, utcnow
from app.errors import Conflict, PayloadTooLarge, UnsupportedMedia, ValidationError
from app.extensions import db
from app.fairs.models import OPEN_ROOM_STATUSES, ROOM_TRANSITIONS, Room, RoomStatus
from app.live import broadcast
from app.live.models import StreamRun, StreamSource, Upload
from app.urls import absolute_url, public_host, settings

log = logging.getLogger(__name__)

EXTENSION_KEY = "faircast_streams"
UPLOADS_FOLDER = "uploads"
# Broadcasts stop when free space under the media folder falls below the smaller of these.
MIN_FREE_BYTES = 64 * 1024 * 1024
MIN_FREE_SHARE = 0.05
DISK_FULL_MESSAGE = (
    "The disk that holds the video is full; the broadcast was stopped. "
    "Free space, then go live again."
)
ACTIVE_RUN_STATUSES = (streaming.WAITING, streaming.LIVE, streaming.RECONNECTING)
ROOM_STATUS_FOR = {
    streaming.WAITING: RoomStatus.WAITING,
    streaming.LIVE: RoomStatus.LIVE,
    streaming.RECONNECTING: RoomStatus.RECONNECTING,
    streaming.ENDED: RoomStatus.ENDED,
    streaming.ERROR: RoomStatus.ENDED,
}


def media_url(relative: str | None) -> str | None:
    """The public URL of a file under the media folder."""
    return absolute_url("/media/" + relative) if relative else None


def _iso(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


class StreamRuntime:
    """This process's supervisor and the bookkeeping of its runs."""

    def __init__(self, app: Flask):
        self.app = app
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
        """Record a run's new status, move the room, and tell its viewers."""
        from app.live.runtime import live_runtime

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
                broadcast.stream_changed(
                    room_id,
                    status,
                    hls_url,
                    replay_url=replay_url,
                    reason=info.get("reason"),
                    error=info.get("error") if status == streaming.ERROR else None,
                )
                live_runtime(self.app).forget(room_id)
        except Exception:
            log.exception("could not record status %s of room %s", status, room_id)

    def _record(self, room_id: str, status: str, info: dict) -> StreamRun:
        from app.live.runtime import live_runtime

        run = db.session.get(StreamRun, info["run_id"])
        if run is None:
            run = StreamRun(
                id=info["run_id"],
                room_id=room_id,
                source=StreamSource(info.get("source", "browser")),
                process_id=live_runtime(self.app).process_id,
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
        if room.fair.status.value in ("ended", "cancelled"):
            raise Conflict("The fair is over.")
        if room.status in OPEN_ROOM_STATUSES:
            raise Conflict("The room is already on air; end it first.")
        if self.disk_full():
            raise Conflict(DISK_FULL_MESSAGE)
        if source == StreamSource.SRT:
            self._start(room, streaming.SrtSource(room.stream_key))
        elif source == StreamSource.FILE:
            if upload is None:
                raise ValidationError("Choose an uploaded video.", {"upload_id": "required"})
            if upload.premiere_at and upload.premiere_at > utcnow():
                room.open_broadcast()  # the premiere scheduler starts it on time
                return
            self._start_upload(room, upload)
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
            raise Conflict(f"The video could not start: {exc}") from None
        room.open_broadcast()
        return state

    def _start_upload(self, room: Room, upload: Upload) -> None:
        path = self.uploads_dir / upload.stored_name
        info = streaming.check_upload(str(path), self.supervisor().ffmpeg)
        state = self._start(room, streaming.FileSource(str(path), info))
        upload.played_run_id = state.run_id

    def feed(self, room: Room, mime_type: str, chunk: bytes) -> None:
        """A chunk of the host's browser recording; the first one starts ffmpeg here."""
        if room.status not in OPEN_ROOM_STATUSES:
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
        if room.status not in OPEN_ROOM_STATUSES:
            raise Conflict("The room is not on air.")
        room.end()
        if self.local_state(room.id) is not None and self.local_state(room.id).active:
            # stop() reports "ended" through on_status, which records the run.
            threading.Thread(target=self.supervisor().stop, args=(room.id,), daemon=True).start()

    def start_due_premieres(self) -> None:
        """Start the premieres whose time has come (each claimed by exactly one process)."""
        due = db.session.scalars(
            select(Upload).where(Upload.premiere_at <= utcnow(), Upload.played_run_id.is_(None))
        ).all()
        for upload in due:
            room = db.session.get(Room, upload.room_id)
            if room is None or room.status != RoomStatus.WAITING:
                continue
            claimed = db.session.execute(
                update(Upload)
                .where(Upload.id == upload.id, Upload.played_run_id.is_(None))
                .values(played_run_id="starting")
            ).rowcount
            db.session.commit()
            if not claimed:
                continue
            try:
                self._start_upload(room, upload)
            except Exception:
                log.exception("premiere %s of room %s could not start", upload.id, room.id)
                db.session.rollback()
                continue
            db.session.commit()

    def check_disk(self) -> None:
        """Stop this process's broadcasts with a clear error when the media disk is full.

        ffmpeg keeps running when it cannot write, so without this the room would only say
        "reconnecting" until its limits ran out.
        """
        if self._supervisor is None:
            return
        active = [room_id for room_id, state in self._supervisor.rooms().items() if state.active]
        if not active or not self.disk_full():
            return
        for room_id in active:
            log.error("stopping room %s: the media disk is full", room_id)
            self._forced_errors[room_id] = DISK_FULL_MESSAGE
            self._supervisor.stop(room_id)

    def disk_full(self) -> bool:
        """Less free space under the media folder than a broadcast needs to go on."""
        self.media_dir.mkdir(parents=True, exist_ok=True)
        usage = shutil.disk_usage(self.media_dir)
        return usage.free < min(MIN_FREE_BYTES, usage.total * MIN_FREE_SHARE)

    def stop_ended_elsewhere(self) -> None:
        """Stop local ffmpegs of rooms that were ended through another process."""
        if self._supervisor is None:
            return
        active = [room_id for room_id, state in self._supervisor.rooms().items() if state.active]
        if not active:
            return
        ended = db.session.scalars(
            select(Room.id).where(Room.id.in_(active), Room.status == RoomStatus.ENDED)
        )
        for room_id in ended:
            self._supervisor.stop(room_id)

    def key_rotated(self, room: Room) -> None:
        """A new secret applies at once to a waiting SRT listener."""
        state = self.local_state(room.id)
        if state is not None and state.active and state.source == StreamSource.SRT:
            self.supervisor().set_passphrase(room.id, room.stream_key)


def stream_runtime(app: Flask | None = None) -> StreamRuntime:
    """The stream runtime of the given (or current) app, created on first use."""
    app = app or current_app._get_current_object()
    runtime = app.extensions.get(EXTENSION_KEY)
    if runtime is None:
        runtime = app.extensions[EXTENSION_KEY] = StreamRuntime(app)
    return runtime


# Where things are ----------------------------------------------------------------------------


def current_run(room: Room) -> StreamRun | None:
    """The room's broadcast on air now, if any."""
    if room.status not in OPEN_ROOM_STATUSES:
        return None
    return db.session.scalar(
        select(StreamRun)
        .where(StreamRun.room_id == room.id, StreamRun.status.in_(ACTIVE_RUN_STATUSES))
        .order_by(StreamRun.started_at.desc())
        .limit(1)
    )


def replay_run(room: Room) -> StreamRun | None:
    """The room's last finished broadcast that can be watched again."""
    if not room.fair.allow_replay:
        return None
    return db.session.scalar(
        select(StreamRun)
        .where(
            StreamRun.room_id == room.id,
            StreamRun.ended_at.is_not(None),
            StreamRun.replay_path.is_not(None),
            StreamRun.first_segment_at.is_not(None),
        )
        .order_by(StreamRun.started_at.desc())
        .limit(1)
    )


def srt_url(room: Room) -> str | None:
    """The SRT address (with its passphrase) while the room's SRT listener is open."""
    if room.status not in OPEN_ROOM_STATUSES:
        return None
    run = current_run(room)
    port = run.srt_port if run is not None and run.source == StreamSource.SRT else None
    local = stream_runtime().local_state(room.id)
    if port is None and local is not None and local.active and local.source == StreamSource.SRT:
        port = local.srt_port  # started here a moment ago; its record is on its way
    return streaming.srt_url(public_host(), port, room.stream_key) if port else None


def media_urls(room: Room) -> tuple[str | None, str | None]:
    """(hls_url, replay_url) for the room: the live playlist while on air, the last replay."""
    run = current_run(room)
    live = media_url(run.hls_path) if run is not None and run.status != streaming.WAITING else None
    replay = replay_run(room)
    return live, media_url(replay.replay_path) if replay else None


def stream_position(room: Room) -> tuple[str | None, int | None]:
    """(run id, milliseconds into the recording) of the room's current broadcast, if any."""
    run = current_run(room)
    if run is None:
        return None, None
    if run.first_segment_at is None:
        return run.id, None
    return run.id, int((utcnow() - run.first_segment_at).total_seconds() * 1000)


def profile_for_player() -> dict:
    """The hls.js settings of the configured profile, for the viewers' player."""
    profile = streaming.PROFILES.get(settings().hls_profile, streaming.LOW_LATENCY)
    return {
        "name": profile.name,
        "hlsjs": profile.hlsjs,
        "holdback": profile.player_holdback_seconds,
    }


# Premiere uploads -----------------------------------------------------------------------------

MAX_UPLOAD_BYTES = 2 * 1024**3
REJECTION_ERRORS = {
    "too_large": PayloadTooLarge,
    "unsupported_format": UnsupportedMedia,
    "unsupported_codec": UnsupportedMedia,
}


def save_upload(user, room: Room, video, premiere_at: datetime | None) -> Upload:
    """Store an uploaded video after checking its content; refused files are deleted."""
    runtime = stream_runtime()
    stored_name = f"{new_id()}.video"
    path = runtime.uploads_dir / stored_name
    video.save(path)
    try:
        size = path.stat().st_size
        if size > MAX_UPLOAD_BYTES:
            raise PayloadTooLarge(f"The video is larger than {MAX_UPLOAD_BYTES // 1024**3} GB.")
        try:
            info = streaming.check_upload(
                str(path),
                runtime.supervisor().ffmpeg,
                streaming.UploadPolicy(max_bytes=MAX_UPLOAD_BYTES),
            )
        except streaming.UploadRejected as exc:
            error = REJECTION_ERRORS.get(exc.code, ValidationError)
            raise error(str(exc), {"video": exc.code}) from None
    except Exception:
        path.unlink(missing_ok=True)
        raise
    video_stream = info.video
    upload = Upload(
        room_id=room.id,
        uploaded_by_id=user.id,
        filename=(video.filename or "video")[:200],
        stored_name=stored_name,
        size_bytes=size,
        duration_seconds=info.duration,
        width=video_stream.width if video_stream else None,
        height=video_stream.height if video_stream else None,
        video_codec=video_stream.codec if video_stream else None,
        premiere_at=premiere_at,
    )
    db.session.add(upload)
    db.session.flush()
    return upload
