"""Domain errors raised by the streaming package; each carries a short machine code."""

from __future__ import annotations


class StreamingError(Exception):
    """Base class: `code` is stable for programs, `str(err)` is a message for people."""

    code = "streaming_error"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        if code is not None:
            self.code = code


class FfmpegNotFound(StreamingError):
    """No working ffmpeg binary among the candidates tried."""

    code = "ffmpeg_not_found"


class ProbeError(StreamingError):
    """ffmpeg could not read a media file (or took too long to)."""

    code = "probe_failed"


class UploadRejected(StreamingError):
    """An uploaded file is refused; the app shows the message as a 4xx answer."""

    code = "upload_rejected"


class RoomBusy(StreamingError):
    """The room already has a live run."""

    code = "room_busy"


class NotLive(StreamingError):
    """The room has no live run (or not one that takes this kind of input)."""

    code = "not_live"


class IngestRefused(StreamingError):
    """A publisher's key or passphrase is wrong or malformed."""

    code = "ingest_refused"


class IngestOverflow(StreamingError):
    """Browser chunks arrive faster than ffmpeg consumes them."""

    code = "ingest_overflow"
