"""Where a room's video can be found: its HLS playlists and its ingest addresses."""

from __future__ import annotations


def srt_url(room) -> str | None:
    """The SRT address (with its passphrase) while the room's SRT listener is open."""
    return None


def media_urls(room) -> tuple[str | None, str | None]:
    """(hls_url, replay_url) for the room: no video has been recorded for it yet."""
    return None, None
