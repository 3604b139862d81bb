"""Helpers for streaming tests: test media made with lavfi, HLS checks, process checks."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Callable
from pathlib import Path

from streaming.playlist import parse_master_playlist, read_media_playlist

SEGMENT_DECODE_TIMEOUT = 30


def make_media(
    ffmpeg: str,
    path: Path,
    *,
    seconds: float = 6,
    size: str = "640x360",
    rate: int = 30,
    vcodec: str = "libx264",
    acodec: str | None = "aac",
    fmt: str | None = None,
    extra: tuple[str, ...] = (),
) -> Path:
    """Write a test file: testsrc2 picture (keyframe each second) and a sine tone."""
    cmd = [ffmpeg, "-hide_banner", "-loglevel", "error", "-y"]
    cmd += ["-f", "lavfi", "-i", f"testsrc2=size={size}:rate={rate}"]
    if acodec:
        cmd += ["-f", "lavfi", "-i", "sine=f=440:r=48000"]
    cmd += ["-t", f"{seconds:g}", "-c:v", vcodec, "-g", str(rate)]
    if vcodec == "libx264":
        cmd += ["-preset", "ultrafast", "-pix_fmt", "yuv420p"]
    elif vcodec == "libvpx":
        cmd += ["-deadline", "realtime", "-cpu-used", "8", "-b:v", "1M"]
    if acodec:
        cmd += ["-c:a", acodec]
    if fmt:
        cmd += ["-f", fmt]
    cmd += [*extra, str(path)]
    subprocess.run(cmd, check=True, timeout=120)
    return path


def decode_ok(ffmpeg: str, path: Path) -> tuple[bool, str]:
    """True when every frame of `path` decodes without error."""
    proc = subprocess.run(
        [ffmpeg, "-hide_banner", "-v", "error", "-xerror", "-i", str(path), "-f", "null", "-"],
        capture_output=True,
        timeout=SEGMENT_DECODE_TIMEOUT,
        check=False,
    )
    return proc.returncode == 0, proc.stderr.decode(errors="replace")[-500:]


def check_media_playlist(ffmpeg: str, path: Path, *, need_pdt: bool = True) -> float:
    """Assert a media playlist is playable: segments decode, durations and PDT present."""
    playlist = read_media_playlist(path)
    assert playlist is not None, f"no playlist at {path}"
    assert playlist.segments, f"{path} lists no segment"
    for segment in playlist.segments:
        assert segment.duration > 0
        if need_pdt:
            assert segment.program_date_time is not None, f"{segment.uri} has no PDT"
        ok, err = decode_ok(ffmpeg, path.parent / segment.uri)
        assert ok, f"{segment.uri} does not decode: {err}"
    return playlist.duration


def check_master(ffmpeg: str, master: Path, renditions: tuple[str, ...]) -> list[dict[str, str]]:
    """Assert the master lists each rendition and every one of them plays."""
    variants = parse_master_playlist(master.read_text())
    uris = [v["uri"] for v in variants]
    assert uris == [f"{r}/index.m3u8" for r in renditions], uris
    for variant in variants:
        check_media_playlist(ffmpeg, master.parent / variant["uri"])
    return variants


def wait_until(predicate: Callable[[], object], timeout: float, step: float = 0.1) -> object:
    """Poll `predicate` until it returns something truthy; AssertionError on timeout."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(step)
    raise AssertionError(f"timed out after {timeout} s waiting for {predicate}")


def processes_mentioning(text: str) -> list[int]:
    """Pids of live processes whose command line contains `text`."""
    pids = []
    for proc_dir in Path("/proc").iterdir():
        if not proc_dir.name.isdigit():
            continue
        try:
            cmdline = (proc_dir / "cmdline").read_bytes()
            state = (proc_dir / "stat").read_text().split(") ", 1)[1][:1]
        except OSError:
            continue
        if text.encode() in cmdline and state != "Z":
            pids.append(int(proc_dir.name))
    return pids


def paced_chunks(data: bytes, chunk_bytes: int, seconds: float) -> list[tuple[float, bytes]]:
    """Split `data` into chunks, each with the offset (s) at which a real recorder sends it."""
    chunks = [data[i : i + chunk_bytes] for i in range(0, len(data), chunk_bytes)]
    step = seconds / max(1, len(chunks))
    return [(i * step, c) for i, c in enumerate(chunks)]
