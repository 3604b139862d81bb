"""Probe media without ffprobe: run `ffmpeg -i` and parse what it prints about the input.

When an ffprobe sits next to the ffmpeg in use, its JSON output is used instead.
"""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass, field

from .errors import ProbeError
from .limits import run_limited

PROBE_TIMEOUT_SECONDS = 20.0

_INPUT_RE = re.compile(r"^Input #0, (?P<fmt>.+?), from '(?P<url>.*)':\s*$")
_DURATION_RE = re.compile(r"^\s*Duration: (?:(\d+):(\d+):(\d+(?:\.\d+)?)|N/A)")
_STREAM_RE = re.compile(
    r"^\s*Stream #0:(?P<index>\d+)\S*: (?P<kind>Video|Audio|Subtitle|Data|Attachment): "
    r"(?P<codec>[\w-]+)(?P<rest>.*)$"
)
_SIZE_RE = re.compile(r"(?<![\w.])(\d{1,6})x(\d{1,6})(?![\w.])")
_FPS_RE = re.compile(r"([\d.]+)(k?) fps")
_HZ_RE = re.compile(r"(\d+) Hz")
_PIX_RE = re.compile(r"^\s*\w+(?: \([^)]*\))*(?: \([^)]*\))*, (\w+)")


@dataclass(frozen=True)
class StreamInfo:
    """One stream of a probed file."""

    index: int
    kind: str  # video | audio | subtitle | data | attachment
    codec: str
    width: int | None = None
    height: int | None = None
    fps: float | None = None
    pix_fmt: str | None = None
    sample_rate: int | None = None


@dataclass(frozen=True)
class MediaInfo:
    """What probing found: the demuxer's names, the duration and the streams."""

    format_names: tuple[str, ...]
    duration: float | None
    streams: list[StreamInfo] = field(default_factory=list)

    @property
    def video(self) -> StreamInfo | None:
        """The first video stream."""
        return next((s for s in self.streams if s.kind == "video"), None)

    @property
    def audio(self) -> StreamInfo | None:
        """The first audio stream."""
        return next((s for s in self.streams if s.kind == "audio"), None)


def parse_ffmpeg_banner(text: str) -> MediaInfo:
    """Parse the `Input #0` block that `ffmpeg -i` writes to stderr."""
    formats: tuple[str, ...] | None = None
    duration: float | None = None
    streams: list[StreamInfo] = []
    in_input = False
    for line in text.splitlines():
        match = _INPUT_RE.match(line)
        if match:
            formats = tuple(match.group("fmt").split(","))
            in_input = True
            continue
        if not in_input:
            continue
        if line.startswith(("Output #", "Stream mapping:", "[")) or not line.startswith(" "):
            if streams or line.startswith(("Output #", "Stream mapping:")):
                break
            continue
        match = _DURATION_RE.match(line)
        if match and match.group(1) is not None:
            h, m, s = match.groups()
            duration = int(h) * 3600 + int(m) * 60 + float(s)
            continue
        match = _STREAM_RE.match(line)
        if match:
            streams.append(_stream_from_banner(match))
    if formats is None:
        raise ProbeError("ffmpeg did not recognise the input", code="unreadable")
    return MediaInfo(formats, duration, streams)


def _stream_from_banner(match: re.Match[str]) -> StreamInfo:
    """Build a StreamInfo from one `Stream #0:N` line."""
    kind = match.group("kind").lower()
    rest = match.group("rest")
    width = height = None
    fps = None
    pix_fmt = None
    rate = None
    if kind == "video":
        size = _SIZE_RE.search(rest)
        if size:
            width, height = int(size.group(1)), int(size.group(2))
        fps_match = _FPS_RE.search(rest)
        if fps_match:
            fps = float(fps_match.group(1)) * (1000 if fps_match.group(2) else 1)
        pix = _PIX_RE.match(match.group("codec") + rest)
        if pix:
            pix_fmt = pix.group(1)
    elif kind == "audio":
        hz = _HZ_RE.search(rest)
        if hz:
            rate = int(hz.group(1))
    return StreamInfo(
        int(match.group("index")),
        kind,
        match.group("codec"),
        width,
        height,
        fps,
        pix_fmt,
        rate,
    )


def parse_ffprobe_json(text: str) -> MediaInfo:
    """Parse `ffprobe -of json -show_format -show_streams` output."""
    data = json.loads(text)
    fmt = data.get("format", {})
    streams = []
    for raw in data.get("streams", []):
        fps = None
        rate = raw.get("avg_frame_rate") or raw.get("r_frame_rate")
        if rate and "/" in rate:
            num, den = rate.split("/")
            fps = float(num) / float(den) if float(den) else None
        streams.append(
            StreamInfo(
                int(raw.get("index", len(streams))),
                raw.get("codec_type", "data"),
                raw.get("codec_name", "unknown"),
                raw.get("width"),
                raw.get("height"),
                fps,
                raw.get("pix_fmt"),
                int(raw["sample_rate"]) if raw.get("sample_rate") else None,
            )
        )
    duration = float(fmt["duration"]) if fmt.get("duration") else None
    return MediaInfo(tuple(fmt.get("format_name", "").split(",")), duration, streams)


def probe(
    ffmpeg: str,
    url: str,
    *,
    input_args: Sequence[str] = (),
    timeout: float = PROBE_TIMEOUT_SECONDS,
    decode_seconds: float = 0.0,
    ffprobe: str | None = None,
) -> MediaInfo:
    """Probe `url` with `input_args` (whitelists, forced format) placed before `-i`.

    With `decode_seconds` > 0 the first seconds are also decoded, so a file whose header looks
    fine but whose content does not decode is refused too.
    """
    if ffprobe and not decode_seconds:
        cmd = [ffprobe, "-hide_banner", "-v", "error", *input_args]
        cmd += ["-of", "json", "-show_format", "-show_streams", url]
        proc = _run(cmd, timeout)
        if proc.returncode != 0:
            raise ProbeError(_last_line(proc.stderr) or "ffprobe failed", code="unreadable")
        return parse_ffprobe_json(proc.stdout.decode("utf-8", "replace"))
    cmd = [ffmpeg, "-hide_banner", "-nostdin", "-nostats", *input_args, "-i", url]
    if decode_seconds:
        # Decoding to the null muxer proves the streams are really decodable.
        cmd += ["-t", f"{decode_seconds:g}", "-xerror", "-f", "null", "-"]
    proc = _run(cmd, timeout)
    text = proc.stderr.decode("utf-8", "replace")
    info = parse_ffmpeg_banner(text)
    if decode_seconds and proc.returncode != 0:
        raise ProbeError(f"cannot decode: {_last_line(proc.stderr)}", code="undecodable")
    return info


def _run(cmd: list[str], timeout: float) -> subprocess.CompletedProcess[bytes]:
    """Run a probing command under CPU and wall-clock limits."""
    try:
        return run_limited(cmd, timeout=timeout, cpu_seconds=max(5, int(timeout)))
    except subprocess.TimeoutExpired:
        raise ProbeError(f"probing took longer than {timeout:g} s", code="probe_timeout") from None
    except OSError as exc:
        raise ProbeError(f"cannot run ffmpeg: {exc}", code="probe_failed") from None


def _last_line(data: bytes) -> str:
    """The last non-empty line of a process's output."""
    lines = [x for x in data.decode("utf-8", "replace").splitlines() if x.strip()]
    return lines[-1].strip() if lines else ""
