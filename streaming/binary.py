"""Locate a working ffmpeg: the configured one, the system one, or the imageio-ffmpeg wheel's."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from .errors import FfmpegNotFound

VERSION_TIMEOUT_SECONDS = 10


def _works(candidate: str) -> tuple[bool, str]:
    """Run `candidate -version`; return (ok, why-not)."""
    try:
        proc = subprocess.run(
            [candidate, "-hide_banner", "-version"],
            capture_output=True,
            timeout=VERSION_TIMEOUT_SECONDS,
            check=False,
        )
    except (OSError, subprocess.SubprocessError) as exc:
        return False, str(exc)
    if proc.returncode != 0 or not proc.stdout.startswith(b"ffmpeg version"):
        return False, f"exit {proc.returncode}"
    return True, ""


def _wheel_ffmpeg() -> str | None:
    """The binary shipped in the imageio-ffmpeg wheel, if that package is installed."""
    try:
        import imageio_ffmpeg
    except ImportError:
        return None
    try:
        return imageio_ffmpeg.get_ffmpeg_exe()
    except RuntimeError:
        return None


def find_ffmpeg(configured: str | None = None) -> str:
    """Return the first working ffmpeg of: `configured`, `ffmpeg` on PATH, the wheel's binary."""
    tried: list[str] = []
    candidates: list[tuple[str, str | None]] = []
    if configured:
        candidates.append(("FAIRCAST_FFMPEG", shutil.which(configured) or configured))
    candidates.append(("PATH", shutil.which("ffmpeg")))
    candidates.append(("imageio-ffmpeg", _wheel_ffmpeg()))
    for label, path in candidates:
        if not path:
            tried.append(f"{label}: not found")
            continue
        ok, why = _works(path)
        if ok:
            return path
        tried.append(f"{label}: {path} ({why})")
    raise FfmpegNotFound("no working ffmpeg; tried " + "; ".join(tried))


def find_ffprobe(ffmpeg: str) -> str | None:
    """Return an ffprobe that sits next to `ffmpeg`, or None (probing then parses ffmpeg)."""
    path = Path(ffmpeg)
    name = path.name.replace("ffmpeg", "ffprobe", 1)
    if name == path.name:
        return None
    sibling = path.with_name(name)
    if sibling.is_file() and os.access(sibling, os.X_OK) and _works_probe(str(sibling)):
        return str(sibling)
    return None


def _works_probe(candidate: str) -> bool:
    """True when `candidate -version` runs and says it is ffprobe."""
    try:
        proc = subprocess.run(
            [candidate, "-hide_banner", "-version"],
            capture_output=True,
            timeout=VERSION_TIMEOUT_SECONDS,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return False
    return proc.returncode == 0 and proc.stdout.startswith(b"ffprobe version")
