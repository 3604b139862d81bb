"""Recorded videos uploaded to premiere as live: stored beside the media, checked by content."""

from __future__ import annotations

from datetime import datetime

import streaming
from app.accounts.actor import Actor
from app.db import new_id
from app.errors import PayloadTooLarge, UnsupportedMedia, ValidationError
from app.extensions import db
from app.fairs.models import Room
from app.live.models import Upload
from app.live.streams import StreamRuntime

MAX_UPLOAD_BYTES = 2 * 1024**3
REJECTION_ERRORS = {
    "too_large": PayloadTooLarge,
    "unsupported_format": UnsupportedMedia,
    "unsupported_codec": UnsupportedMedia,
}


def save_upload(
    actor: Actor, streams: StreamRuntime, room: Room, video, premiere_at: datetime | None
) -> Upload:
    """Store an uploaded video after checking its content; refused files are deleted."""
    runtime = streams
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
