"""Recorded videos uploaded to premiere as live: stored beside the media, checked by content."""

from __future__ import annotations

import os
import tempfile
from datetime import datetime
from pathlib import Path

import streaming
from app.accounts.actor import Actor
from app.db import new_id
from app.errors import N_, PayloadTooLarge, UnsupportedMedia, ValidationError
from app.extensions import db
from app.fairs.models import Room
from app.live.models import Upload
from app.live.runtime import live_runtime
from app.live.streams import StreamRuntime

MAX_UPLOAD_BYTES = 2 * 1024**3
# What the host is told about a refused file (the code stays in the error's fields).
REJECTION_MESSAGES = {
    "not_a_file": N_("The upload did not arrive whole; try again."),
    "too_large": N_("The video is larger than 2 GB."),
    "too_long": N_("The video is too long, or its length cannot be read."),
    "bad_resolution": N_("The video's picture is too large or has too many frames a second."),
    "probe_timeout": N_("The video took too long to read."),
    "undecodable": N_("The video cannot be read."),
    "unsupported_format": N_(
        "The file is not a video in MP4, MOV, WebM, MKV, MPEG-TS, AVI or FLV format."
    ),
    "unsupported_codec": N_(
        "The video's codecs are not supported (H.264, H.265, VP8, VP9 or AV1)."
    ),
}
REJECTION_ERRORS = {
    "too_large": PayloadTooLarge,
    "unsupported_format": UnsupportedMedia,
    "unsupported_codec": UnsupportedMedia,
}


def spool_upload():
    """A file beside the stored uploads that an arriving video is written to as it streams in
    (never memory, never the system's temporary folder); it disappears when closed, unless
    save_upload has kept it under its stored name."""
    folder = live_runtime().streams.uploads_dir
    folder.mkdir(parents=True, exist_ok=True)
    return tempfile.NamedTemporaryFile(dir=folder, prefix=".incoming-", suffix=".part")


def _keep(video, path: Path) -> None:
    """Store the uploaded file at path: a second name for the spooled file when it is already
    beside it (no copy of a 2 GB video), else a copy."""
    spooled = getattr(video.stream, "name", None)
    if isinstance(spooled, str) and Path(spooled).parent == path.parent:
        video.stream.flush()
        try:
            os.link(spooled, path)
            return
        except OSError:
            pass
    video.save(path)


def save_upload(
    actor: Actor, streams: StreamRuntime, room: Room, video, premiere_at: datetime | None
) -> Upload:
    """Store an uploaded video after checking its content; refused files are deleted."""
    runtime = streams
    stored_name = f"{new_id()}.video"
    path = runtime.uploads_dir / stored_name
    _keep(video, path)
    try:
        size = path.stat().st_size
        if size > MAX_UPLOAD_BYTES:
            raise PayloadTooLarge(REJECTION_MESSAGES["too_large"], {"video": "too_large"})
        try:
            info = streaming.check_upload(
                str(path),
                runtime.supervisor().ffmpeg,
                streaming.UploadPolicy(max_bytes=MAX_UPLOAD_BYTES),
            )
        except streaming.UploadRejected as exc:
            error = REJECTION_ERRORS.get(exc.code, ValidationError)
            message = REJECTION_MESSAGES.get(exc.code, N_("This video cannot be used."))
            raise error(message, {"video": exc.code}) from None
    except Exception:
        path.unlink(missing_ok=True)
        raise
    video_stream = info.video
    upload = Upload(
        room_id=room.id,
        uploaded_by_id=actor.user_id,
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
