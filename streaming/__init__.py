"""FairCast video: ffmpeg graphs, supervision, ingest and HLS output (no web imports).

Public API (see docs/streaming.md for the operator's view):

- `find_ffmpeg(configured)` -> path of a working ffmpeg (FAIRCAST_FFMPEG, PATH, wheel).
- Sources: `BrowserSource(mime_type)`, `SrtSource(passphrase, port=None)`,
  `FileSource(path, info)`, `RtmpSource(url)`.
- `OutputOptions(profile=LOW_LATENCY|STANDARD, renditions=(MAIN, SD, AUDIO), record=True)`.
- `build_live(source, layout, output)` -> ffmpeg-python graph (pure; `.compile()` for args).
- `Supervisor(media_dir, on_status=cb)`: `start`, `feed`, `stop`, `status`, `rooms`,
  `shutdown`; `cb(room_id, status, info)` with status in waiting / live / reconnecting /
  ended / error.
- `RunLayout`: where a run's files are; `RoomState.paths` are relative to the media dir.
- `check_upload(path, ffmpeg)` -> MediaInfo or `UploadRejected(code, message)`.
- Ingest: `new_secret()`, `srt_url(host, port, secret)`, `stream_key(room_id, secret)`,
  `split_stream_key(name)`, `check_publish(name, room_id, secret)`.
- Playlists: `read_media_playlist`, `parse_master_playlist`, `replay_offset`.
"""

from .binary import find_ffmpeg, find_ffprobe
from .errors import (
    FfmpegNotFound,
    IngestOverflow,
    IngestRefused,
    NotLive,
    ProbeError,
    RoomBusy,
    StreamingError,
    UploadRejected,
)
from .graphs import (
    AUTO,
    COPY,
    TRANSCODE,
    BrowserSource,
    FileSource,
    RtmpSource,
    Source,
    SrtSource,
    build_live,
    video_mode,
)
from .ingest import check_publish, new_secret, split_stream_key, srt_url, stream_key
from .layout import RunLayout, new_run_id
from .limits import Limits
from .playlist import (
    MediaPlaylist,
    parse_master_playlist,
    parse_media_playlist,
    read_media_playlist,
    replay_offset,
)
from .probe import MediaInfo, StreamInfo, probe
from .profiles import AUDIO, LOW_LATENCY, MAIN, PROFILES, SD, STANDARD, OutputOptions, Profile
from .supervisor import (
    ENDED,
    ERROR,
    LIVE,
    RECONNECTING,
    STATUSES,
    WAITING,
    RoomState,
    Supervisor,
    install_signal_handlers,
)
from .uploads import UploadPolicy, check_upload

__all__ = [
    "AUDIO",
    "AUTO",
    "COPY",
    "ENDED",
    "ERROR",
    "LIVE",
    "LOW_LATENCY",
    "MAIN",
    "PROFILES",
    "RECONNECTING",
    "SD",
    "STANDARD",
    "STATUSES",
    "TRANSCODE",
    "WAITING",
    "BrowserSource",
    "FfmpegNotFound",
    "FileSource",
    "IngestOverflow",
    "IngestRefused",
    "Limits",
    "MediaInfo",
    "MediaPlaylist",
    "NotLive",
    "OutputOptions",
    "ProbeError",
    "Profile",
    "RoomBusy",
    "RoomState",
    "RtmpSource",
    "RunLayout",
    "Source",
    "SrtSource",
    "StreamInfo",
    "StreamingError",
    "Supervisor",
    "UploadPolicy",
    "UploadRejected",
    "build_live",
    "check_publish",
    "check_upload",
    "find_ffmpeg",
    "find_ffprobe",
    "install_signal_handlers",
    "new_run_id",
    "new_secret",
    "parse_master_playlist",
    "parse_media_playlist",
    "probe",
    "read_media_playlist",
    "replay_offset",
    "split_stream_key",
    "srt_url",
    "stream_key",
    "video_mode",
]
