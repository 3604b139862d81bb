"""Fixtures for streaming tests: the ffmpeg binary, a supervisor recording its statuses."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from streaming import Supervisor, find_ffmpeg
from streaming.limits import Limits
from tests.fixtures.media import make_media, processes_mentioning


@pytest.fixture(scope="session")
def ffmpeg_bin() -> str:
    """The ffmpeg the tests run (found the way the app finds it)."""
    return find_ffmpeg(None)


class StatusLog:
    """Collects on_status callbacks so tests can wait for a status."""

    def __init__(self) -> None:
        self.events: list[tuple[float, str, str, dict]] = []
        self._cond = threading.Condition()

    def __call__(self, room_id: str, status: str, info: dict) -> None:
        with self._cond:
            self.events.append((time.monotonic(), room_id, status, info))
            self._cond.notify_all()

    def statuses(self, room_id: str) -> list[str]:
        """Statuses reported for a room, in order."""
        return [s for _, r, s, _ in self.events if r == room_id]

    def wait_for(self, room_id: str, status: str, timeout: float, after: int = 0) -> dict:
        """Wait until `status` is reported (as event number > `after`); return its info."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                seen = [e for e in self.events if e[1] == room_id]
                for _, _, s, info in seen[after:]:
                    if s == status:
                        return info
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(
                        f"{room_id} never reported {status!r}; saw {self.statuses(room_id)}"
                    )
                self._cond.wait(left)


@pytest.fixture
def status_log() -> StatusLog:
    """A fresh on_status recorder."""
    return StatusLog()


@pytest.fixture
def media_dir(tmp_path: Path) -> Path:
    """The media dir the app would serve."""
    path = tmp_path / "media"
    path.mkdir()
    return path


@pytest.fixture
def make_supervisor(media_dir: Path, tmp_path: Path, ffmpeg_bin: str, status_log: StatusLog):
    """Build supervisors on the test's media dir; all are shut down and checked afterwards."""
    made: list[Supervisor] = []

    def make(**kw) -> Supervisor:
        kw.setdefault("limits", Limits(max_crashes=3, crash_window_seconds=30))
        sup = Supervisor(
            media_dir,
            log_dir=tmp_path / "logs",
            ffmpeg=ffmpeg_bin,
            on_status=status_log,
            poll_seconds=0.1,
            **kw,
        )
        made.append(sup)
        return sup

    yield make
    for sup in made:
        sup.shutdown()
    assert processes_mentioning(str(media_dir)) == [], "ffmpeg left running after shutdown"


@pytest.fixture(scope="session")
def webm_h264(ffmpeg_bin: str, tmp_path_factory) -> Path:
    """A 12 s WebM like MediaRecorder's H.264 one: clusters every second."""
    path = tmp_path_factory.mktemp("media") / "h264.webm"
    return make_media(
        ffmpeg_bin,
        path,
        seconds=12,
        acodec="libopus",
        fmt="matroska",
        extra=("-cluster_time_limit", "1000"),
    )


@pytest.fixture(scope="session")
def webm_vp8(ffmpeg_bin: str, tmp_path_factory) -> Path:
    """A 6 s VP8/Opus WebM like MediaRecorder's default one."""
    path = tmp_path_factory.mktemp("media") / "vp8.webm"
    return make_media(
        ffmpeg_bin,
        path,
        seconds=6,
        vcodec="libvpx",
        acodec="libopus",
        fmt="webm",
        extra=("-cluster_time_limit", "1000"),
    )


@pytest.fixture(scope="session")
def premiere_mp4(ffmpeg_bin: str, tmp_path_factory) -> Path:
    """A 5 s H.264/AAC MP4 upload."""
    return make_media(ffmpeg_bin, tmp_path_factory.mktemp("media") / "premiere.mp4", seconds=5)
