"""Read HLS media playlists: segments, durations, PROGRAM-DATE-TIME, end of list."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path


@dataclass(frozen=True)
class Segment:
    """One segment entry of a media playlist."""

    uri: str
    duration: float
    sequence: int
    program_date_time: datetime | None
    discontinuity: bool


@dataclass(frozen=True)
class MediaPlaylist:
    """A parsed media playlist."""

    target_duration: float | None
    media_sequence: int
    ended: bool
    playlist_type: str | None
    independent_segments: bool
    segments: list[Segment] = field(default_factory=list)

    @property
    def next_sequence(self) -> int:
        """Sequence number the next segment will get: grows by one per published segment."""
        return self.media_sequence + len(self.segments)

    @property
    def duration(self) -> float:
        """Sum of the listed segments' durations."""
        return sum(s.duration for s in self.segments)


def parse_pdt(value: str) -> datetime:
    """Parse ffmpeg's PROGRAM-DATE-TIME (2025-01-01T12:00:00.123+0000)."""
    return datetime.fromisoformat(value.strip())


def parse_media_playlist(text: str) -> MediaPlaylist:
    """Parse the text of a media playlist; ValueError when it is not one."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if not lines or lines[0] != "#EXTM3U":
        raise ValueError("not an HLS playlist")
    target = None
    sequence = 0
    ended = False
    kind = None
    independent = False
    segments: list[Segment] = []
    duration: float | None = None
    pdt: datetime | None = None
    discontinuity = False
    for line in lines[1:]:
        if line.startswith("#EXT-X-TARGETDURATION:"):
            target = float(line.split(":", 1)[1])
        elif line.startswith("#EXT-X-MEDIA-SEQUENCE:"):
            sequence = int(line.split(":", 1)[1])
        elif line.startswith("#EXT-X-PLAYLIST-TYPE:"):
            kind = line.split(":", 1)[1]
        elif line == "#EXT-X-INDEPENDENT-SEGMENTS":
            independent = True
        elif line == "#EXT-X-ENDLIST":
            ended = True
        elif line == "#EXT-X-DISCONTINUITY":
            discontinuity = True
        elif line.startswith("#EXTINF:"):
            duration = float(line.split(":", 1)[1].split(",", 1)[0])
        elif line.startswith("#EXT-X-PROGRAM-DATE-TIME:"):
            pdt = parse_pdt(line.split(":", 1)[1])
        elif not line.startswith("#"):
            if duration is None:
                raise ValueError(f"segment {line!r} has no #EXTINF")
            segments.append(Segment(line, duration, sequence + len(segments), pdt, discontinuity))
            duration, pdt, discontinuity = None, None, False
    return MediaPlaylist(target, sequence, ended, kind, independent, segments)


def read_media_playlist(path: Path) -> MediaPlaylist | None:
    """Parse the playlist at `path`; None while it does not exist yet or is unreadable."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError:
        return None
    try:
        return parse_media_playlist(text)
    except ValueError:
        return None


def parse_master_playlist(text: str) -> list[dict[str, str]]:
    """Return the variants of a master playlist: their attributes plus `uri`."""
    variants: list[dict[str, str]] = []
    pending: dict[str, str] | None = None
    for line in (raw.strip() for raw in text.splitlines()):
        if line.startswith("#EXT-X-STREAM-INF:"):
            pending = _attributes(line.split(":", 1)[1])
        elif line and not line.startswith("#") and pending is not None:
            pending["uri"] = line
            variants.append(pending)
            pending = None
    return variants


def _attributes(text: str) -> dict[str, str]:
    """Split an attribute list (KEY=value,KEY="quoted, value")."""
    out: dict[str, str] = {}
    key, value, quoted, reading_key = "", "", False, True
    for ch in text + ",":
        if reading_key:
            if ch == "=":
                reading_key = False
            else:
                key += ch
        elif ch == '"':
            quoted = not quoted
        elif ch == "," and not quoted:
            out[key.strip()] = value
            key, value, reading_key = "", "", True
        else:
            value += ch
    return out


def replay_offset(playlist: MediaPlaylist, at: datetime) -> float | None:
    """Seconds into a replay that show wall-clock time `at` (e.g. a card's push), or None."""
    position = 0.0
    for segment in playlist.segments:
        start = segment.program_date_time
        if start is not None:
            delta = (at - start).total_seconds()
            if 0 <= delta < segment.duration:
                return position + delta
        position += segment.duration
    return None


def ensure_endlist(path: Path) -> bool:
    """Append #EXT-X-ENDLIST to a playlist left open by a killed ffmpeg; True if it changed."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError:
        return False
    if not text.startswith("#EXTM3U") or "#EXT-X-ENDLIST" in text:
        return False
    tmp = Path(str(path) + ".tmp")
    tmp.write_text(text.rstrip("\n") + "\n#EXT-X-ENDLIST\n", encoding="utf-8")
    tmp.replace(path)
    return True
