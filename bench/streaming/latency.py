"""Host-to-viewer latency per profile and way in, from a capture-time barcode in the picture.

A simulated host burns its wall clock into each frame (a barcode; drawtext shows it to
people too) and publishes over SRT or as browser-style WebM chunks. For every new segment of
the main rendition we note when it appears in the live playlist and decode the capture times
of its frames:

- publish lag = appeared - (capture time of its last frame + one frame);
- host-to-viewer = publish lag + playlist polling wait + the player's holdback (hls.js
  `liveSyncDuration` of the profile): median with the mean wait (half a segment), p95 with
  the worst wait (a whole segment).

    python bench/streaming/latency.py [--seconds 30]
"""

from __future__ import annotations

import argparse
import queue
import subprocess
import tempfile
import threading
import time
from datetime import datetime
from pathlib import Path

from _common import (
    FPS,
    machine,
    median,
    percentile,
    pump_barcodes,
    segment_capture_times,
    table,
    timestamped_source,
    unwrap_ms,
)

from streaming import (
    LIVE,
    LOW_LATENCY,
    STANDARD,
    TRANSCODE,
    BrowserSource,
    OutputOptions,
    SrtSource,
    Supervisor,
    find_ffmpeg,
    new_secret,
    read_media_playlist,
    srt_url,
)

WARMUP_SEGMENTS = 2
POLL_SECONDS = 0.02
HOST_ENCODER = ["-c:v", "libx264", "-preset", "veryfast", "-tune", "zerolatency"]
HOST_ENCODER += ["-b:v", "2500k", "-g", str(FPS), "-pix_fmt", "yuv420p"]


def run_case(ffmpeg: str, way: str, profile, seconds: float) -> dict:
    """Stream for `seconds` and measure every segment published after warm-up."""
    work = Path(tempfile.mkdtemp(prefix="faircast-latency-"))
    live_event = threading.Event()

    def on_status(room_id, status, info):
        if status == LIVE:
            live_event.set()

    sup = Supervisor(work / "media", ffmpeg=ffmpeg, on_status=on_status, poll_seconds=0.05)
    output = OutputOptions(profile=profile)
    feeder = None
    try:
        if way == "srt, copy":
            secret = new_secret()
            state = sup.start("bench", SrtSource(secret), output)
            url = srt_url("127.0.0.1", state.srt_port, secret)
            host = timestamped_source(ffmpeg, [*HOST_ENCODER, "-c:a", "aac", "-f", "mpegts", url])
        else:
            video = TRANSCODE if "transcode" in way else "auto"
            state = sup.start("bench", BrowserSource(video=video), output)
            # Like MediaRecorder(timeslice=250): a WebM cluster every 250 ms on a pipe.
            host = timestamped_source(
                ffmpeg,
                [
                    *HOST_ENCODER,
                    "-c:a",
                    "libopus",
                    "-f",
                    "matroska",
                    "-cluster_time_limit",
                    "250",
                    "-flush_packets",
                    "1",
                    "pipe:1",
                ],
                pipe_out=True,
            )
            feeder = _Feeder(sup, host)
        pump = threading.Thread(target=pump_barcodes, args=(host, seconds), daemon=True)
        pump.start()
        results = _watch(ffmpeg, work / "media" / state.paths["hls_main"], seconds + 5)
        pump.join()
        host.wait(30)
        if feeder:
            feeder.join()
    finally:
        sup.shutdown()
    lags = [r["lag"] for r in results]
    durations = [r["duration"] for r in results]
    holdback = profile.player_holdback_seconds
    mean_view = [r["lag"] + r["duration"] / 2 + holdback for r in results]
    worst_view = [r["lag"] + r["duration"] + holdback for r in results]
    return {
        "segments": len(results),
        "segment": median(durations),
        "lag_median": median(lags),
        "lag_p95": percentile(lags, 95),
        "pdt_offset": median([r["pdt_offset"] for r in results]),
        "holdback": holdback,
        "viewer_median": median(mean_view),
        "viewer_p95": percentile(worst_view, 95),
    }


class _Feeder:
    """Reads the simulated browser's WebM from its stdout and feeds the supervisor."""

    def __init__(self, sup: Supervisor, host: subprocess.Popen) -> None:
        self.thread = threading.Thread(target=self._run, args=(sup, host), daemon=True)
        self.thread.start()

    def _run(self, sup: Supervisor, host: subprocess.Popen) -> None:
        stream = host.stdout
        while True:
            chunk = stream.read1(65536)
            if not chunk:
                return
            sup.feed("bench", chunk)

    def join(self) -> None:
        self.thread.join(10)


def _watch(ffmpeg: str, playlist_path: Path, seconds: float) -> list[dict]:
    """Note when each segment appears; decode capture times on a second thread."""
    seen = -1
    jobs: queue.Queue = queue.Queue()
    results: list[dict] = []

    def decode() -> None:
        while (job := jobs.get()) is not None:
            segment_path, appeared, segment = job
            codes = segment_capture_times(ffmpeg, segment_path)
            if not codes:
                continue
            near = int(appeared * 1000)
            first = unwrap_ms(codes[0], near) / 1000
            last = unwrap_ms(codes[-1], near) / 1000
            pdt = segment.program_date_time.timestamp() if segment.program_date_time else first
            results.append(
                {
                    "lag": appeared - (last + 1 / FPS),
                    "duration": segment.duration,
                    "pdt_offset": pdt - first,
                }
            )

    worker = threading.Thread(target=decode, daemon=True)
    worker.start()
    deadline = time.monotonic() + seconds
    count = 0
    while time.monotonic() < deadline:
        playlist = read_media_playlist(playlist_path)
        now = time.time()
        if playlist and playlist.segments and not playlist.ended:
            for segment in playlist.segments:
                if segment.sequence > seen:
                    seen = segment.sequence
                    count += 1
                    if count > WARMUP_SEGMENTS:
                        jobs.put((playlist_path.parent / segment.uri, now, segment))
        time.sleep(POLL_SECONDS)
    jobs.put(None)
    worker.join(60)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=30)
    args = parser.parse_args()
    ffmpeg = find_ffmpeg(None)
    cases = [
        ("srt, copy", LOW_LATENCY),
        ("browser chunks, copy", LOW_LATENCY),
        ("browser chunks, transcode", LOW_LATENCY),
        ("srt, copy", STANDARD),
    ]
    rows = []
    for way, profile in cases:
        seconds = args.seconds if profile is LOW_LATENCY else max(args.seconds, 45)
        r = run_case(ffmpeg, way, profile, seconds)
        rows.append(
            [
                profile.name,
                way,
                r["segments"],
                r["segment"],
                r["lag_median"],
                r["lag_p95"],
                r["pdt_offset"],
                r["holdback"],
                r["viewer_median"],
                r["viewer_p95"],
            ]
        )
    print(f"Host-to-viewer latency, 720p30 — {machine()} — {datetime.now():%Y-%m-%d %H:%M}\n")
    print(
        table(
            [
                "profile",
                "way in",
                "segments",
                "segment s",
                "publish lag median s",
                "publish lag p95 s",
                "PDT - capture s",
                "player holdback s",
                "host-to-viewer median s",
                "host-to-viewer p95 s",
            ],
            rows,
        )
    )


if __name__ == "__main__":
    main()
