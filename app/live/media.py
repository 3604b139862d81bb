"""Where a room's video can be found: its HLS playlists, its ingest, its position in time."""

from __future__ import annotations


def srt_url(room) -> str | None:
    """The SRT address (with its passphrase) while the room's SRT listener is open."""
    return None


def media_urls(room) -> tuple[str | None, str | None]:
    """(hls_url, replay_url) for the room: no video has been recorded for it yet."""
    return None, None


def stream_position(room) -> tuple[str | None, int | None]:
    """(run id, milliseconds into the recording) of the room's current broadcast, if any."""
    return None, None
