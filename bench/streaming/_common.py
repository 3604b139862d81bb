"""Shared helpers for the streaming benchmarks: machine line, tables, test media, pushers."""

from __future__ import annotations

import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    # Run as plain scripts from a checkout, whether or not the package is installed.
    sys.path.insert(0, str(ROOT))

FPS = 30
SIZE_720P = "1280x720"
# Capture time is carried in the picture as a 24-bit barcode of epoch milliseconds.
BARCODE_BITS = 24
BARCODE_CELL = 16
BARCODE_HEIGHT = 32
BARCODE_WIDTH = BARCODE_BITS * BARCODE_CELL
BARCODE_MODULO = 1 << BARCODE_BITS


def machine() -> str:
    """One line describing the machine the figures were measured on."""
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} cores, {platform.system()} {platform.release()}"


def table(headers: list[str], rows: list[list[object]]) -> str:
    """A markdown table."""
    out = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    for row in rows:
        out.append("| " + " | ".join(_fmt(c) for c in row) + " |")
    return "\n".join(out)


def _fmt(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.2f}"
    return str(value)


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0-100) by nearest rank."""
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def median(values: list[float]) -> float:
    return statistics.median(values)


def make_720p30(ffmpeg: str, path: Path, seconds: float) -> Path:
    """A 720p30 H.264/AAC file with a keyframe each second (what OBS is told to send)."""
    if path.exists():
        return path
    subprocess.run(
        [
            ffmpeg,
            "-hide_banner",
            "-loglevel",
            "error",
            "-y",
            "-f",
            "lavfi",
            "-i",
            f"testsrc2=size={SIZE_720P}:rate={FPS}",
            "-f",
            "lavfi",
            "-i",
            "sine=f=440:r=48000",
            "-t",
            f"{seconds:g}",
            "-c:v",
            "libx264",
            "-preset",
            "veryfast",
            "-b:v",
            "2500k",
            "-g",
            str(FPS),
            "-pix_fmt",
            "yuv420p",
            "-c:a",
            "aac",
            "-b:a",
            "128k",
            str(path),
        ],
        check=True,
    )
    return path


def barcode_frame(epoch_ms: int) -> bytes:
    """A gray BARCODE_WIDTH x BARCODE_HEIGHT frame: cell i white when bit i of the time is 1."""
    value = epoch_ms % BARCODE_MODULO
    row = bytearray()
    for bit in range(BARCODE_BITS):
        row += (b"\xff" if value >> bit & 1 else b"\x00") * BARCODE_CELL
    return bytes(row) * BARCODE_HEIGHT


def read_barcode(frame: bytes) -> int:
    """Epoch milliseconds (mod 2^24) read back from a decoded barcode frame."""
    y = BARCODE_HEIGHT // 2
    value = 0
    for bit in range(BARCODE_BITS):
        x = bit * BARCODE_CELL + BARCODE_CELL // 2
        if frame[y * BARCODE_WIDTH + x] > 127:
            value |= 1 << bit
    return value


def unwrap_ms(value: int, near_ms: int) -> int:
    """Turn a barcode value back into epoch milliseconds close to `near_ms`."""
    base = near_ms - near_ms % BARCODE_MODULO
    candidates = (base - BARCODE_MODULO + value, base + value, base + BARCODE_MODULO + value)
    return min(candidates, key=lambda c: abs(c - near_ms))


def segment_capture_times(ffmpeg: str, segment: Path) -> list[int]:
    """The barcode value of every frame in a segment."""
    proc = subprocess.run(
        [
            ffmpeg,
            "-hide_banner",
            "-loglevel",
            "error",
            "-i",
            str(segment),
            "-map",
            "0:v:0",
            "-vf",
            f"crop={BARCODE_WIDTH}:{BARCODE_HEIGHT}:0:0",
            "-f",
            "rawvideo",
            "-pix_fmt",
            "gray",
            "-",
        ],
        capture_output=True,
        check=False,
        timeout=30,
    )
    size = BARCODE_WIDTH * BARCODE_HEIGHT
    data = proc.stdout
    return [read_barcode(data[i : i + size]) for i in range(0, len(data) - size + 1, size)]


def timestamped_source(
    ffmpeg: str, output: list[str], size: str = SIZE_720P, pipe_out: bool = False
) -> subprocess.Popen:
    """A simulated host: testsrc2 with the capture-time barcode overlaid, encoded as OBS would.

    The barcode frames come from Python on stdin, written when they are "captured"; ffmpeg
    pulls the picture at their pace, so each frame carries the wall-clock time it was made.
    `output` holds the encoder options and destination.
    """
    cmd = [
        ffmpeg,
        "-hide_banner",
        "-loglevel",
        "error",
        "-f",
        "lavfi",
        "-i",
        f"testsrc2=size={size}:rate={FPS}",
        "-f",
        "rawvideo",
        "-pix_fmt",
        "gray",
        "-s",
        f"{BARCODE_WIDTH}x{BARCODE_HEIGHT}",
        "-framerate",
        str(FPS),
        "-i",
        "pipe:0",
        # Audio paced in real time too: an unpaced tone would overrun the -shortest queue.
        "-re",
        "-f",
        "lavfi",
        "-i",
        "sine=f=440:r=48000",
        "-filter_complex",
        "[0:v][1:v]overlay=0:0:shortest=1,"
        "drawtext=text='%{localtime\\:%T}':x=10:y=40:fontsize=32:fontcolor=white:box=1[v]",
        "-map",
        "[v]",
        "-map",
        "2:a",
        "-shortest",
        *output,
    ]
    stdout = subprocess.PIPE if pipe_out else subprocess.DEVNULL
    return subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=stdout)


def pump_barcodes(proc: subprocess.Popen, seconds: float) -> None:
    """Write one barcode frame per 1/FPS s of wall clock, for `seconds`."""
    assert proc.stdin is not None
    start = time.monotonic()
    frame = 0
    while True:
        due = start + frame / FPS
        if due - start > seconds:
            break
        delay = due - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        try:
            proc.stdin.write(barcode_frame(int(time.time() * 1000)))
            proc.stdin.flush()
        except BrokenPipeError:
            break
        frame += 1
    proc.stdin.close()


def process_cpu_seconds(pid: int) -> float:
    """User + system CPU seconds a process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / ticks
