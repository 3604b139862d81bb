"""CPU per 720p30 stream: the supervised ffmpeg's CPU time while it plays a 720p30 H.264 source.

The source is a premiere file read in real time (`-re`), so no publisher competes for the
CPU; only the room's ffmpeg is measured (user + system time from /proc), after a warm-up.

    python bench/streaming/cpu.py [--seconds 30]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from _common import machine, make_720p30, process_cpu_seconds, table

from streaming import (
    AUDIO,
    COPY,
    LIVE,
    MAIN,
    SD,
    TRANSCODE,
    FileSource,
    OutputOptions,
    Supervisor,
    check_upload,
    find_ffmpeg,
)

WARMUP_SECONDS = 5.0


def measure(ffmpeg: str, source: FileSource, output: OutputOptions, seconds: float) -> float:
    """Cores used by the room's ffmpeg on average over `seconds` of steady state."""
    work = Path(tempfile.mkdtemp(prefix="faircast-cpu-"))
    sup = Supervisor(work / "media", ffmpeg=ffmpeg)
    try:
        sup.start("bench", source, output)
        deadline = time.monotonic() + 20
        while sup.status("bench").status != LIVE and time.monotonic() < deadline:
            time.sleep(0.1)
        time.sleep(WARMUP_SECONDS)
        pid = sup.status("bench").pid
        cpu0, t0 = process_cpu_seconds(pid), time.monotonic()
        time.sleep(seconds)
        cpu1, t1 = process_cpu_seconds(pid), time.monotonic()
        assert sup.status("bench").pid == pid, "ffmpeg restarted during the measurement"
    finally:
        sup.shutdown()
    return (cpu1 - cpu0) / (t1 - t0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=30)
    args = parser.parse_args()
    ffmpeg = find_ffmpeg(None)
    cache = Path(tempfile.gettempdir()) / "faircast-bench-720p30.mp4"
    path = make_720p30(ffmpeg, cache, args.seconds + WARMUP_SECONDS + 20)
    info = check_upload(path, ffmpeg)
    base = FileSource(str(path), info)
    cases = [
        ("copied", COPY, (MAIN, AUDIO)),
        ("transcoded (libx264 veryfast, zerolatency)", TRANSCODE, (MAIN, AUDIO)),
        ("copied + 480p rendition", COPY, (MAIN, SD, AUDIO)),
        ("transcoded + 480p rendition", TRANSCODE, (MAIN, SD, AUDIO)),
    ]
    rows = []
    for label, mode, renditions in cases:
        cores = measure(
            ffmpeg, replace(base, video=mode), OutputOptions(renditions=renditions), args.seconds
        )
        rows.append([label, " + ".join(renditions), cores, f"{cores * 100:.0f}%"])
    print(f"CPU per 720p30 stream — {machine()} — {datetime.now():%Y-%m-%d %H:%M}\n")
    print(table(["video", "renditions", "cores", "of one core"], rows))


if __name__ == "__main__":
    main()
