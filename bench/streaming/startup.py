"""Time from "go live" (Supervisor.start) to the first playable segment, per way in.

For each way in, the publisher starts together with the run, as when a host presses
"go live" with the camera on; the time is taken when the `live` status is reported (first
segment in the main playlist), and that segment is then decoded to prove it plays.

    python bench/streaming/startup.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import subprocess
import tempfile
import threading
import time
from datetime import datetime
from pathlib import Path

from _common import FPS, machine, make_720p30, median, table

from streaming import (
    LIVE,
    STANDARD,
    BrowserSource,
    FileSource,
    OutputOptions,
    SrtSource,
    Supervisor,
    check_upload,
    find_ffmpeg,
    new_secret,
    read_media_playlist,
    srt_url,
)

CHUNK_SECONDS = 0.25


def _browser_chunks(ffmpeg: str, source: Path, work: Path) -> list[bytes]:
    """The source as WebM chunks of 250 ms, as MediaRecorder(timeslice=250) sends them."""
    webm = work / "chunks.webm"
    subprocess.run(
        [
            ffmpeg,
            "-hide_banner",
            "-loglevel",
            "error",
            "-y",
            "-i",
            str(source),
            "-t",
            "8",
            "-c:v",
            "copy",
            "-c:a",
            "libopus",
            "-f",
            "matroska",
            "-cluster_time_limit",
            "250",
            str(webm),
        ],
        check=True,
    )
    data = webm.read_bytes()
    # Enough bytes per chunk that the chunks cover 8 s of video in 250 ms steps.
    size = max(4096, len(data) // int(8 / CHUNK_SECONDS))
    return [data[i : i + size] for i in range(0, len(data), size)]


def once(ffmpeg: str, way: str, source: Path, info, chunks, output) -> float:
    """Seconds from start() to the first segment of the main rendition, checked playable."""
    work = Path(tempfile.mkdtemp(prefix="faircast-start-"))
    live = threading.Event()
    sup = Supervisor(
        work / "media",
        ffmpeg=ffmpeg,
        poll_seconds=0.05,
        on_status=lambda room, status, i: live.set() if status == LIVE else None,
    )
    publisher = None
    try:
        t0 = time.monotonic()
        if way == "browser":
            sup.start("bench", BrowserSource(), output)

            def send():
                for chunk in chunks:
                    if live.is_set():
                        return
                    sup.feed("bench", chunk)
                    time.sleep(CHUNK_SECONDS)

            threading.Thread(target=send, daemon=True).start()
        elif way == "srt":
            secret = new_secret()
            state = sup.start("bench", SrtSource(secret), output)
            publisher = subprocess.Popen(
                [
                    ffmpeg,
                    "-hide_banner",
                    "-loglevel",
                    "error",
                    "-re",
                    "-i",
                    str(source),
                    "-c",
                    "copy",
                    "-f",
                    "mpegts",
                    srt_url("127.0.0.1", state.srt_port, secret),
                ]
            )
        else:
            sup.start("bench", FileSource(str(source), info), output)
        if not live.wait(30):
            raise RuntimeError(f"{way}: no segment within 30 s")
        elapsed = time.monotonic() - t0
        state = sup.status("bench")
        playlist = read_media_playlist(work / "media" / state.paths["hls_main"])
        first = work / "media" / Path(state.paths["hls_main"]).parent / playlist.segments[0].uri
        decoded = subprocess.run(
            [ffmpeg, "-v", "error", "-xerror", "-i", str(first), "-f", "null", "-"], check=False
        )
        if decoded.returncode:
            raise RuntimeError(f"{way}: first segment does not decode")
        return elapsed
    finally:
        if publisher:
            publisher.kill()
            publisher.wait()
        sup.shutdown()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    ffmpeg = find_ffmpeg(None)
    work = Path(tempfile.mkdtemp(prefix="faircast-start-src-"))
    source = make_720p30(
        ffmpeg, Path(tempfile.gettempdir()) / "faircast-bench-720p30-short.mp4", 20
    )
    info = check_upload(source, ffmpeg)
    chunks = _browser_chunks(ffmpeg, source, work)
    rows = []
    for profile_output in (OutputOptions(), OutputOptions(profile=STANDARD)):
        for way in ("browser", "srt", "premiere"):
            times = [
                once(ffmpeg, way, source, info, chunks, profile_output) for _ in range(args.repeat)
            ]
            rows.append([profile_output.profile.name, way, median(times), max(times)])
    print(
        f"Go live to first playable segment, 720p30 H.264 copied ({FPS} fps, 1 s keyframes) — "
        f"{machine()} — {datetime.now():%Y-%m-%d %H:%M}\n"
    )
    print(table(["profile", "way in", f"median of {args.repeat} s", "max s"], rows))


if __name__ == "__main__":
    main()
