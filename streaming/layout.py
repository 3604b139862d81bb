"""Where a run's files live under the media dir, and their paths relative to it for URLs.

<media>/rooms/<room_id>/runs/<run_id>/live/master.m3u8       master playlist (viewers)
<media>/rooms/<room_id>/runs/<run_id>/live/<rendition>/index.m3u8 + seg_NNNNN.ts
<media>/rooms/<room_id>/runs/<run_id>/replay/index.m3u8       the whole run (replays)
<media>/rooms/<room_id>/runs/<run_id>/poster.jpg             refreshed while live
<log_dir>/<room_id>/<run_id>.log                             ffmpeg's stderr (private)
"""

from __future__ import annotations

import re
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

from .profiles import MAIN

# Ids become path components, so only a conservative alphabet is accepted.
ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")
MASTER_NAME = "master.m3u8"
MEDIA_PLAYLIST_NAME = "index.m3u8"
SEGMENT_PATTERN = "seg_%05d.ts"
POSTER_NAME = "poster.jpg"


def check_id(value: str, what: str = "id") -> str:
    """Return `value` if it is safe as a path component, else raise ValueError."""
    if not isinstance(value, str) or not ID_PATTERN.match(value):
        raise ValueError(f"{what} must match {ID_PATTERN.pattern}: {value!r}")
    return value


def new_run_id(now: float | None = None) -> str:
    """A run id that sorts by start time: 20250101T120000Z-1a2b3c."""
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(time.time() if now is None else now))
    return f"{stamp}-{secrets.token_hex(3)}"


@dataclass(frozen=True)
class RunLayout:
    """Absolute paths of one run's files; `rel()` makes them media-relative URL paths."""

    media_dir: Path
    log_dir: Path
    room_id: str
    run_id: str

    def __post_init__(self) -> None:
        check_id(self.room_id, "room_id")
        check_id(self.run_id, "run_id")
        object.__setattr__(self, "media_dir", Path(self.media_dir).resolve())
        object.__setattr__(self, "log_dir", Path(self.log_dir).resolve())

    @property
    def run_dir(self) -> Path:
        """Folder holding everything public about the run."""
        return self.media_dir / "rooms" / self.room_id / "runs" / self.run_id

    @property
    def live_dir(self) -> Path:
        """Folder of the live HLS window."""
        return self.run_dir / "live"

    @property
    def master(self) -> Path:
        """Master playlist listing the renditions."""
        return self.live_dir / MASTER_NAME

    def rendition_dir(self, rendition: str) -> Path:
        """Folder of one rendition's segments."""
        return self.live_dir / rendition

    def rendition_playlist(self, rendition: str = MAIN) -> Path:
        """Media playlist of one rendition (the audio-only one can be played on its own)."""
        return self.rendition_dir(rendition) / MEDIA_PLAYLIST_NAME

    @property
    def replay_dir(self) -> Path:
        """Folder of the run's recording."""
        return self.run_dir / "replay"

    @property
    def replay(self) -> Path:
        """Replay playlist (EVENT while recording, ENDLIST once the run ended)."""
        return self.replay_dir / MEDIA_PLAYLIST_NAME

    @property
    def poster(self) -> Path:
        """Poster frame, rewritten atomically while live."""
        return self.run_dir / POSTER_NAME

    @property
    def log(self) -> Path:
        """ffmpeg's stderr for this run; outside the media dir because it is not public."""
        return self.log_dir / self.room_id / f"{self.run_id}.log"

    @property
    def pidfile(self) -> Path:
        """Pid of the run's ffmpeg, so a restarted app can kill an orphan."""
        return self.log_dir / self.room_id / f"{self.run_id}.pid"

    def rel(self, path: Path) -> str:
        """`path` relative to the media dir, with forward slashes, for building URLs."""
        return Path(path).relative_to(self.media_dir).as_posix()

    def make_dirs(self, renditions: tuple[str, ...]) -> None:
        """Create the run's folders."""
        for rendition in renditions:
            self.rendition_dir(rendition).mkdir(parents=True, exist_ok=True)
        self.replay_dir.mkdir(parents=True, exist_ok=True)
        self.log.parent.mkdir(parents=True, exist_ok=True)

    def paths(self, renditions: tuple[str, ...], record: bool = True) -> dict[str, str]:
        """Media-relative paths of the run's public files, keyed by role."""
        out = {"hls": self.rel(self.master), "poster": self.rel(self.poster)}
        for rendition in renditions:
            out[f"hls_{rendition}"] = self.rel(self.rendition_playlist(rendition))
        if record:
            out["replay"] = self.rel(self.replay)
        return out
