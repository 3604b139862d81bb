"""Absolute URLs that leave the server: links in calendars, QR codes, media."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, has_request_context, request
from werkzeug.routing import BaseConverter

from app.schemas import ID_PATTERN


def settings():
    """The running app's Settings."""
    return current_app.config["FAIRCAST"]


def public_url() -> str:
    """The address people reach FairCast at: the configured one, else the one this request
    came to (a server on another port or address), else where the server listens."""
    configured = settings()
    if configured.follows_request and has_request_context() and request.host:
        return request.host_url.rstrip("/")
    return configured.public_url.rstrip("/")


def absolute_url(path: str) -> str:
    """path on the public URL people reach FairCast at."""
    return public_url() + path


def public_host() -> str:
    """The host name (without port) of the public URL."""
    return urlsplit(public_url()).hostname or "127.0.0.1"


class IdConverter(BaseConverter):
    """`<id:name>` in a route: an opaque id, so anything else (a NUL, a line break) is a 404
    before any query sees it."""

    regex = ID_PATTERN
