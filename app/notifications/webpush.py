"""Web Push (RFC 8291 aes128gcm, VAPID): the server's key pair, made once into instance/, and
sending one message to one subscription."""

from __future__ import annotations

import base64
import ipaddress
import json
import os
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from py_vapid import Vapid02
from pywebpush import WebPushException, webpush

from app.config import ENV_PUSH_ALLOW_LOOPBACK, INSTANCE_DIR

KEY_FILE = "vapid_private.pem"
# Who the push services may write to about this server's messages.
VAPID_SUBJECT = "mailto:webpush@faircast.invalid"
SEND_TIMEOUT_S = 10
# Messages older than this are of no use (a live session will have moved on).
TTL_S = 6 * 3600


class Gone(Exception):
    """The push service no longer knows the subscription (404 or 410): forget it."""


class PushFailed(Exception):
    """The message was not accepted this time (it is tried again later)."""


def _create_key(path: Path) -> None:
    key = Vapid02()
    key.generate_keys()
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(f".{os.getpid()}.tmp")
    key.save_key(str(temporary))
    try:
        # Whoever links first wins, so every process ends up with the same key pair.
        os.link(temporary, path)
    except FileExistsError:
        pass
    finally:
        temporary.unlink(missing_ok=True)


@lru_cache(maxsize=4)
def vapid_key(directory: str = str(INSTANCE_DIR)) -> Vapid02:
    """The server's VAPID key pair, created on first use and kept (subscriptions depend on it)."""
    path = Path(directory) / KEY_FILE
    if not path.exists():
        _create_key(path)
    return Vapid02.from_file(str(path))


def public_key(directory: str = str(INSTANCE_DIR)) -> str:
    """The application server key browsers subscribe with (base64url, uncompressed point)."""
    raw = vapid_key(directory).public_key.public_bytes(
        Encoding.X962, PublicFormat.UncompressedPoint
    )
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def loopback_allowed() -> bool:
    return os.environ.get(ENV_PUSH_ALLOW_LOOPBACK) == "1"


def endpoint_problem(endpoint: str) -> str | None:
    """Why a subscription endpoint is refused (None when it is fine): https only, except http
    to a loopback address when FAIRCAST_PUSH_ALLOW_LOOPBACK=1."""
    parts = urlsplit(endpoint)
    if not parts.hostname:
        return "not a URL"
    if parts.scheme == "https":
        return None
    if parts.scheme == "http" and loopback_allowed():
        try:
            if ipaddress.ip_address(parts.hostname).is_loopback:
                return None
        except ValueError:
            if parts.hostname == "localhost":
                return None
    return "must be an https URL"


def send(
    endpoint: str, p256dh: str, auth: str, payload: dict, directory: str = str(INSTANCE_DIR)
) -> None:
    """Encrypt payload for the subscription and hand it to its push service."""
    if endpoint_problem(endpoint) is not None:
        raise Gone("endpoint not allowed")
    try:
        webpush(
            {"endpoint": endpoint, "keys": {"p256dh": p256dh, "auth": auth}},
            data=json.dumps(payload, ensure_ascii=False),
            vapid_private_key=vapid_key(directory),
            vapid_claims={"sub": VAPID_SUBJECT},
            content_encoding="aes128gcm",
            ttl=TTL_S,
            timeout=SEND_TIMEOUT_S,
        )
    except WebPushException as exc:
        status = exc.response.status_code if exc.response is not None else None
        if status in (404, 410):
            raise Gone(str(status)) from None
        raise PushFailed(f"{status}: {exc.message}"[:300]) from None
    except Exception as exc:  # the network: refused, timed out, reset
        raise PushFailed(f"{type(exc).__name__}: {exc}"[:300]) from None
