"""Absolute URLs that leave the server: links in calendars, QR codes, media."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app
from werkzeug.routing import BaseConverter

from app.schemas import ID_PATTERN


def settings():
    """The running app's Settings."""
    return current_app.config["FAIRCAST"]


def absolute_url(path: str) -> str:
    """path on the public URL people reach FairCast at."""
    return settings().public_url.rstrip("/") + path


def public_host() -> str:
    """The host name (without port) of the public URL."""
    return urlsplit(settings().public_url).hostname or "127.0.0.1"


class IdConverter(BaseConverter):
    """`<id:name>` in a route: an opaque id, so anything else (a NUL, a line break) is a 404
    before any query sees it."""

    regex = ID_PATTERN
