"""Absolute URLs that leave the server: links in calendars, QR codes, ingest addresses."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app


def settings():
    """The running app's Settings."""
    return current_app.config["FAIRCAST"]


def absolute_url(path: str) -> str:
    """path on the public URL people reach FairCast at."""
    return settings().public_url.rstrip("/") + path


def public_host() -> str:
    """The host name (without port) of the public URL."""
    return urlsplit(settings().public_url).hostname or "127.0.0.1"


def ingest_urls(room) -> dict[str, str | None]:
    """Where OBS sends video for room: SRT while its listener is open, RTMP when configured."""
    from app.live.media import srt_url

    rtmp_base = settings().rtmp_url
    return {
        "srt_url": srt_url(room),
        "rtmp_url": f"{rtmp_base.rstrip('/')}/{room.id}" if rtmp_base else None,
    }


def room_media_urls(room) -> tuple[str | None, str | None]:
    """(hls_url, replay_url) of room: the live playlist while it streams, the last replay."""
    from app.live.media import media_urls

    return media_urls(room)
