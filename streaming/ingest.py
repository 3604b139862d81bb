"""Ingest helpers: room secrets, SRT URLs for OBS, nginx-rtmp publish checks, browser chunks.

One secret per room serves as the SRT passphrase and inside the RTMP stream key; rotating
it (`new_secret()`, stored by the app) invalidates both.
"""

from __future__ import annotations

import hmac
import re
import secrets
from urllib.parse import urlencode

from .errors import IngestRefused
from .layout import check_id

# SRT accepts passphrases of 10 to 79 characters; 32 hex digits carry 128 bits.
SECRET_HEX_BYTES = 16
SRT_PASSPHRASE_MIN = 10
SRT_PASSPHRASE_MAX = 79
# AES-128: what OBS and ffmpeg both default to when a passphrase is set.
SRT_PBKEYLEN = 16
SRT_DEFAULT_LATENCY_MS = 200
STREAM_KEY_SEPARATOR = "-"
_SECRET_RE = re.compile(r"^[0-9a-f]{32}$")


def new_secret() -> str:
    """A fresh room secret (32 lowercase hex digits)."""
    return secrets.token_hex(SECRET_HEX_BYTES)


def check_passphrase(passphrase: str) -> str:
    """Return `passphrase` if SRT accepts it, else raise ValueError."""
    if not SRT_PASSPHRASE_MIN <= len(passphrase) <= SRT_PASSPHRASE_MAX:
        raise ValueError(
            f"SRT passphrase must have {SRT_PASSPHRASE_MIN}-{SRT_PASSPHRASE_MAX} characters"
        )
    if not passphrase.isascii() or not passphrase.isprintable() or " " in passphrase:
        raise ValueError("SRT passphrase must be printable ASCII without spaces")
    return passphrase


def srt_url(
    host: str, port: int, passphrase: str, *, latency_ms: int = SRT_DEFAULT_LATENCY_MS
) -> str:
    """The URL a publisher (OBS: Settings > Stream > Custom) pushes to, secret included."""
    query = urlencode(
        {
            "mode": "caller",
            "passphrase": check_passphrase(passphrase),
            "pbkeylen": SRT_PBKEYLEN,
            # OBS and ffmpeg take SRT latency in microseconds.
            "latency": latency_ms * 1000,
        }
    )
    return f"srt://{host}:{port}?{query}"


def stream_key(room_id: str, secret: str) -> str:
    """The RTMP stream key for a room: `<room_id>-<secret>`."""
    return f"{check_id(room_id, 'room_id')}{STREAM_KEY_SEPARATOR}{secret}"


def split_stream_key(name: str) -> tuple[str, str]:
    """Split an RTMP stream name into (room_id, secret); IngestRefused when malformed."""
    # nginx-rtmp passes the name without the query string, but be strict anyway.
    room_id, sep, secret = name.partition("?")[0].rpartition(STREAM_KEY_SEPARATOR)
    if not sep or not _SECRET_RE.match(secret):
        raise IngestRefused("malformed stream key", code="bad_key")
    try:
        check_id(room_id, "room_id")
    except ValueError:
        raise IngestRefused("malformed stream key", code="bad_key") from None
    return room_id, secret


def check_publish(name: str, room_id: str, secret: str) -> bool:
    """True when the nginx-rtmp on_publish `name` is this room's current key (constant time)."""
    expected = f"{room_id}{STREAM_KEY_SEPARATOR}{secret}".encode()
    given = name.partition("?")[0].encode("utf-8", "replace")
    return hmac.compare_digest(given, expected)


# --- browser chunks (MediaRecorder output) ---------------------------------------------

EBML_MAGIC = b"\x1a\x45\xdf\xa3"
# A WebM Cluster starts a self-contained run of frames: decoding can resume there.
WEBM_CLUSTER_ID = b"\x1f\x43\xb6\x75"
MP4_FTYP = b"ftyp"
MP4_MOOF = b"moof"


def chunk_starts_recording(chunk: bytes) -> bool:
    """True when a chunk begins a new MediaRecorder recording (WebM or MP4 header)."""
    return chunk[:4] == EBML_MAGIC or chunk[4:8] == MP4_FTYP


def resume_offset(chunk: bytes) -> int | None:
    """Offset of the first WebM Cluster or MP4 fragment in `chunk`, where decoding can resume."""
    cluster = chunk.find(WEBM_CLUSTER_ID)
    moof = chunk.find(MP4_MOOF)
    candidates = [cluster] if cluster >= 0 else []
    if moof >= 4:
        # The box starts with its 4-byte size, just before the type.
        candidates.append(moof - 4)
    return min(candidates) if candidates else None


class RecordingHeader:
    """Collects a recording's header (everything before its first cluster or fragment).

    After ffmpeg restarts mid-recording, the header is written again and the stream
    resumes at the next cluster, so the new process can decode it.
    """

    MAX_BYTES = 1024 * 1024

    def __init__(self) -> None:
        self._buffer = bytearray()
        self.header: bytes | None = None

    def reset(self) -> None:
        """Forget the header (a new recording begins)."""
        self._buffer.clear()
        self.header = None

    def add(self, chunk: bytes) -> None:
        """Feed the next chunk of the recording."""
        if self.header is not None or len(self._buffer) > self.MAX_BYTES:
            return
        self._buffer += chunk
        offset = resume_offset(bytes(self._buffer))
        if offset is not None:
            self.header = bytes(self._buffer[:offset])
            self._buffer.clear()
