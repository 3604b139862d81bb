"""Checks for untrusted premiere uploads, before anything else opens them.

`check_upload(path, ffmpeg)` returns the probed MediaInfo for a `FileSource`, or raises
`UploadRejected` with a `code` the app maps to a 4xx answer:

=================== ====================================================== =====
code                meaning                                                HTTP
=================== ====================================================== =====
too_large           bigger than the size limit                             413
not_a_file          not a regular file (symlink, device, missing)          422
unsupported_format  content is not an allowed container (whatever the      415
                    extension): playlists, concat lists, text, images ...
unsupported_codec   no video stream, or a codec outside the whitelist      415
bad_resolution      width/height outside the allowed range                 422
too_long            longer than the duration limit (or duration unknown)   422
undecodable         the first seconds do not decode                        422
probe_timeout       probing took too long                                  422
=================== ====================================================== =====

Defence in depth: the container is recognised from magic bytes and passed to ffmpeg as a
forced demuxer; ffmpeg runs with `-protocol_whitelist file`, `-format_whitelist` and
`-codec_whitelist`, under CPU/time limits; the path is given as an explicit `file:` URL so
names like `concat:a|b` or `subfile,,start,...:` cannot pick another protocol.
"""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path

from .errors import ProbeError, UploadRejected
from .graphs import UPLOAD_DEMUXERS, file_url
from .probe import MediaInfo, probe

MAX_UPLOAD_BYTES = 4 * 1024**3
MAX_DURATION_SECONDS = 4 * 3600.0
MIN_DIMENSION = 16
MAX_WIDTH = 3840
MAX_HEIGHT = 2160
MAX_FPS = 120.0
PROBE_TIMEOUT_SECONDS = 20.0
# Decoding the first seconds catches files whose headers look fine but whose data does not.
DECODE_CHECK_SECONDS = 2.0
ALLOWED_VIDEO = ("h264", "hevc", "vp8", "vp9", "av1", "mpeg4", "mpeg2video", "mjpeg")
ALLOWED_AUDIO = ("aac", "mp3", "opus", "vorbis", "ac3", "eac3", "flac", "pcm_s16le", "mp2")
# Anything shaped like `scheme:` selects an ffmpeg protocol (concat:, subfile:, http:, ...).
_PROTOCOL_RE = re.compile(r"^[A-Za-z][A-Za-z0-9+.,_-]*:")


@dataclass(frozen=True)
class UploadPolicy:
    """Limits for premiere uploads; the app may tighten them."""

    max_bytes: int = MAX_UPLOAD_BYTES
    max_duration: float = MAX_DURATION_SECONDS
    max_width: int = MAX_WIDTH
    max_height: int = MAX_HEIGHT
    timeout: float = PROBE_TIMEOUT_SECONDS
    video_codecs: tuple[str, ...] = ALLOWED_VIDEO
    audio_codecs: tuple[str, ...] = ALLOWED_AUDIO


def sniff_container(head: bytes) -> str | None:
    """The demuxer for a file's first bytes, or None when it is not an allowed container."""
    if head[4:8] == b"ftyp" or head[4:8] in (b"moov", b"mdat", b"wide", b"free"):
        return "mov"
    if head[:4] == b"\x1a\x45\xdf\xa3":
        return "matroska"
    if head[:4] == b"RIFF" and head[8:12] == b"AVI ":
        return "avi"
    if head[:3] == b"FLV":
        return "flv"
    if len(head) >= 189 and head[0] == 0x47 and head[188] == 0x47:
        return "mpegts"
    return None


def check_upload(path: str | Path, ffmpeg: str, policy: UploadPolicy | None = None) -> MediaInfo:
    """Return what the upload contains, or raise UploadRejected explaining why it is refused."""
    policy = policy or UploadPolicy()
    text = os.fspath(path)
    if _PROTOCOL_RE.match(text) and not Path(text).exists():
        raise UploadRejected("uploads must be plain files", code="not_a_file")
    try:
        st = os.lstat(text)
    except OSError:
        raise UploadRejected("the upload is missing", code="not_a_file") from None
    if not stat.S_ISREG(st.st_mode):
        raise UploadRejected("the upload is not a regular file", code="not_a_file")
    if st.st_size > policy.max_bytes:
        limit = policy.max_bytes / 1024**2
        raise UploadRejected(f"the video is larger than {limit:.0f} MB", code="too_large")
    with open(text, "rb") as handle:
        head = handle.read(512)
    demuxer = sniff_container(head)
    if demuxer is None:
        raise UploadRejected(
            "the file is not a video in MP4, MOV, WebM, MKV, MPEG-TS, AVI or FLV format",
            code="unsupported_format",
        )
    input_args = [
        "-protocol_whitelist",
        "file",
        "-format_whitelist",
        demuxer,
        "-codec_whitelist",
        ",".join(policy.video_codecs + policy.audio_codecs),
        "-f",
        demuxer,
    ]
    try:
        info = probe(
            ffmpeg,
            file_url(text),
            input_args=input_args,
            timeout=policy.timeout,
            decode_seconds=DECODE_CHECK_SECONDS,
        )
    except ProbeError as exc:
        if exc.code == "probe_timeout":
            raise UploadRejected("the video took too long to read", code="probe_timeout") from None
        raise UploadRejected("the video cannot be read", code="undecodable") from None
    _check_info(info, demuxer, policy)
    return info


def _check_info(info: MediaInfo, demuxer: str, policy: UploadPolicy) -> None:
    """Apply the codec, resolution and duration rules to a probe result."""
    if not any(UPLOAD_DEMUXERS.get(name) == demuxer for name in info.format_names):
        raise UploadRejected("the container changed while probing", code="unsupported_format")
    video = info.video
    if video is None:
        raise UploadRejected("the file has no video", code="unsupported_codec")
    if video.codec not in policy.video_codecs:
        raise UploadRejected(f"video codec {video.codec} is not accepted", code="unsupported_codec")
    audio = info.audio
    if audio is not None and audio.codec not in policy.audio_codecs:
        raise UploadRejected(f"audio codec {audio.codec} is not accepted", code="unsupported_codec")
    width, height = video.width or 0, video.height or 0
    if not (
        MIN_DIMENSION <= width <= policy.max_width and MIN_DIMENSION <= height <= policy.max_height
    ):
        raise UploadRejected(
            f"resolution {width}x{height} is outside {MIN_DIMENSION}x{MIN_DIMENSION}"
            f"-{policy.max_width}x{policy.max_height}",
            code="bad_resolution",
        )
    if video.fps is not None and video.fps > MAX_FPS:
        raise UploadRejected(f"{video.fps:g} frames a second is too many", code="bad_resolution")
    if info.duration is None or info.duration <= 0:
        raise UploadRejected("the video's duration is unknown", code="too_long")
    if info.duration > policy.max_duration:
        raise UploadRejected(
            f"the video is longer than {policy.max_duration / 60:.0f} minutes", code="too_long"
        )
