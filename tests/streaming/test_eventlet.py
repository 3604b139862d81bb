"""The supervisor inside a process that monkey-patched eventlet first, as the app runs."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.fixtures.media import processes_mentioning

pytestmark = pytest.mark.slow

SCRIPT = r"""
import eventlet
eventlet.monkey_patch()

import json, sys, time, threading
from pathlib import Path
from streaming import Supervisor, BrowserSource, read_media_playlist

media, logs, ffmpeg, webm = sys.argv[1:5]
events = []
ticks = []

def on_status(room_id, status, info):
    events.append(status)

def heartbeat():
    # Proves the hub keeps running other green threads while ffmpeg is supervised.
    while True:
        ticks.append(time.monotonic())
        time.sleep(0.2)

eventlet.spawn(heartbeat)
sup = Supervisor(media, log_dir=logs, ffmpeg=ffmpeg, on_status=on_status, poll_seconds=0.1)
state = sup.start("green", BrowserSource())
data = Path(webm).read_bytes()
step = 24000
for i in range(0, len(data), step):
    sup.feed("green", data[i:i + step])
    time.sleep(0.05)
deadline = time.monotonic() + 20
while "live" not in events and time.monotonic() < deadline:
    time.sleep(0.1)
final = sup.stop("green")
sup.shutdown()
main = read_media_playlist(Path(media) / final.paths["hls_main"])
print(json.dumps({
    "events": events,
    "segments": len(main.segments) if main else 0,
    "ticks": len(ticks),
    "patched": eventlet.patcher.is_monkey_patched("thread"),
    "green": type(threading.current_thread()).__module__,
}))
"""


def test_supervisor_runs_under_eventlet_monkey_patching(tmp_path, ffmpeg_bin, webm_h264):
    media = tmp_path / "media"
    proc = subprocess.run(
        [
            sys.executable,
            "-c",
            SCRIPT,
            str(media),
            str(tmp_path / "logs"),
            ffmpeg_bin,
            str(webm_h264),
        ],
        cwd=Path(__file__).parents[2],
        capture_output=True,
        timeout=90,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr.decode()[-2000:]
    result = json.loads(proc.stdout.decode().strip().splitlines()[-1])
    assert result["patched"]
    assert result["events"][:2] == ["waiting", "live"]
    assert result["events"][-1] == "ended"
    assert result["segments"] > 3
    assert result["ticks"] > 5
    assert processes_mentioning(str(media)) == []
