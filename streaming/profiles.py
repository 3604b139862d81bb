"""HLS profiles (segment length, window, encoder settings) and the renditions a run can carry."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

MAIN = "main"
SD = "480p"
AUDIO = "audio"
RENDITIONS = (MAIN, SD, AUDIO)


@dataclass(frozen=True)
class Profile:
    """How a room's live HLS is cut and encoded, plus the player settings that go with it."""

    name: str
    segment_seconds: float
    # Segments listed in the live playlist; older ones are deleted from disk.
    list_size: int
    # Extra segments kept on disk after leaving the playlist, for players holding an older list.
    delete_threshold: int
    replay_segment_seconds: float
    x264_preset: str = "veryfast"
    x264_tune: str | None = "zerolatency"
    main_max_height: int = 720
    main_video_kbps: int = 2500
    sd_height: int = 480
    sd_video_kbps: int = 900
    main_audio_kbps: int = 128
    sd_audio_kbps: int = 96
    audio_only_kbps: int = 64
    # Seconds without a new segment before the room is "reconnecting".
    stall_seconds: float = 4.0
    # hls.js options for viewers; `liveSyncDuration` is how far behind the live edge they play.
    hlsjs: dict[str, Any] = field(default_factory=dict)

    @property
    def player_holdback_seconds(self) -> float:
        """Seconds a viewer stays behind the newest segment's end."""
        return float(self.hlsjs.get("liveSyncDuration", 3 * self.segment_seconds))


LOW_LATENCY = Profile(
    name="low-latency",
    segment_seconds=1.0,
    list_size=6,
    delete_threshold=3,
    replay_segment_seconds=4.0,
    stall_seconds=4.0,
    hlsjs={
        "liveSyncDuration": 1.5,
        "liveMaxLatencyDuration": 5,
        "maxLiveSyncPlaybackRate": 1.1,
        "backBufferLength": 10,
        "maxBufferLength": 4,
    },
)

STANDARD = Profile(
    name="standard",
    segment_seconds=4.0,
    list_size=6,
    delete_threshold=2,
    replay_segment_seconds=4.0,
    x264_tune=None,
    stall_seconds=12.0,
    hlsjs={
        "liveSyncDuration": 8,
        "liveMaxLatencyDuration": 20,
        "maxLiveSyncPlaybackRate": 1.05,
        "backBufferLength": 30,
    },
)

PROFILES = {p.name: p for p in (LOW_LATENCY, STANDARD)}


def get_profile(name: str) -> Profile:
    """Return the profile called `name`; ValueError for an unknown one."""
    try:
        return PROFILES[name]
    except KeyError:
        raise ValueError(f"unknown profile {name!r}; choose one of {sorted(PROFILES)}") from None


@dataclass(frozen=True)
class OutputOptions:
    """What a run writes: profile, renditions (main is always there), replay, poster."""

    profile: Profile = LOW_LATENCY
    renditions: tuple[str, ...] = (MAIN, AUDIO)
    record: bool = True
    poster_every_seconds: float = 5.0
    poster_width: int = 640

    def __post_init__(self) -> None:
        unknown = set(self.renditions) - set(RENDITIONS)
        if unknown:
            raise ValueError(f"unknown renditions {sorted(unknown)}; choose from {RENDITIONS}")
        # Main first, the others in a fixed order, so the master playlist is stable.
        ordered = tuple(r for r in RENDITIONS if r in self.renditions or r == MAIN)
        object.__setattr__(self, "renditions", ordered)
