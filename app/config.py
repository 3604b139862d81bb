"""Settings, read once from the FAIRCAST_* environment variables, each with a working default."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
INSTANCE_DIR = PROJECT_ROOT / "instance"

# Every setting FairCast reads, with the default used when the variable is unset.
ENV_DATABASE_URL = "FAIRCAST_DATABASE_URL"
ENV_SECRET_KEY = "FAIRCAST_SECRET_KEY"  # noqa: S105 - the variable's name
ENV_MESSAGE_QUEUE = "FAIRCAST_MESSAGE_QUEUE"
ENV_MESSAGE_QUEUE_CHANNEL = "FAIRCAST_MESSAGE_QUEUE_CHANNEL"
ENV_MEDIA_DIR = "FAIRCAST_MEDIA_DIR"
ENV_FFMPEG = "FAIRCAST_FFMPEG"
ENV_ASYNC_MODE = "FAIRCAST_ASYNC_MODE"
ENV_PUBLIC_URL = "FAIRCAST_PUBLIC_URL"
ENV_ALLOWED_ORIGINS = "FAIRCAST_ALLOWED_ORIGINS"
ENV_MAX_CONNECTIONS = "FAIRCAST_MAX_CONNECTIONS"
ENV_RTMP_URL = "FAIRCAST_RTMP_URL"
ENV_SRT_PORTS = "FAIRCAST_SRT_PORTS"
ENV_HLS_PROFILE = "FAIRCAST_HLS_PROFILE"
ENV_HLS_RENDITIONS = "FAIRCAST_HLS_RENDITIONS"
ENV_PROXY_COUNT = "FAIRCAST_PROXY_COUNT"
ENV_FAST_SOCKETS = "FAIRCAST_FAST_SOCKETS"

DEFAULT_TIMEZONE = "Asia/Shanghai"
# Forms and JSON bodies; video uploads raise their own limit.
MAX_REQUEST_BYTES = 1024 * 1024


def _secret_key() -> str:
    """The configured secret, else one kept in instance/ so sessions survive a restart."""
    configured = os.environ.get(ENV_SECRET_KEY)
    if configured:
        return configured
    key_file = INSTANCE_DIR / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    key_file.write_text(key)
    key_file.chmod(0o600)
    return key


@dataclass
class Settings:
    """What an operator can set; see the settings table in README.md."""

    database_url: str = field(
        default_factory=lambda: os.environ.get(
            ENV_DATABASE_URL, f"sqlite:///{INSTANCE_DIR / 'faircast.db'}"
        )
    )
    secret_key: str = field(default_factory=_secret_key)
    message_queue: str | None = field(
        default_factory=lambda: os.environ.get(ENV_MESSAGE_QUEUE) or None
    )
    message_queue_channel: str = field(
        default_factory=lambda: os.environ.get(ENV_MESSAGE_QUEUE_CHANNEL, "faircast")
    )
    media_dir: str = field(
        default_factory=lambda: os.environ.get(ENV_MEDIA_DIR, str(INSTANCE_DIR / "media"))
    )
    ffmpeg: str | None = field(default_factory=lambda: os.environ.get(ENV_FFMPEG) or None)
    async_mode: str = field(default_factory=lambda: os.environ.get(ENV_ASYNC_MODE, "eventlet"))
    public_url: str = field(
        default_factory=lambda: os.environ.get(ENV_PUBLIC_URL, "http://127.0.0.1:5000")
    )
    allowed_origins: list[str] = field(
        default_factory=lambda: [
            o.strip() for o in os.environ.get(ENV_ALLOWED_ORIGINS, "").split(",") if o.strip()
        ]
    )
    rtmp_url: str | None = field(default_factory=lambda: os.environ.get(ENV_RTMP_URL) or None)
    srt_ports: str = field(default_factory=lambda: os.environ.get(ENV_SRT_PORTS, "10080-10179"))
    hls_profile: str = field(default_factory=lambda: os.environ.get(ENV_HLS_PROFILE, "low-latency"))
    # The main picture is always there; "480p" (for weak connections) and "audio" on demand.
    hls_renditions: str = field(
        default_factory=lambda: os.environ.get(ENV_HLS_RENDITIONS, "main,audio")
    )
    max_connections: int = field(
        default_factory=lambda: int(os.environ.get(ENV_MAX_CONNECTIONS, "20000"))
    )

    # The live sockets' fast path (app/realtime); "0" is the kill switch back to the stock path.
    fast_sockets: bool = field(
        default_factory=lambda: (
            os.environ.get(ENV_FAST_SOCKETS, "1").strip().lower() not in ("0", "false", "no", "off")
        )
    )

    # How many proxies (nginx, a load balancer) stand in front and append X-Forwarded-For:
    # only their word is taken for the client's address; 0 trusts nobody's.
    proxy_count: int = field(default_factory=lambda: int(os.environ.get(ENV_PROXY_COUNT, "0")))

    def flask_config(self) -> dict:
        """The Flask config keys derived from these settings."""
        secure = self.public_url.startswith("https://")
        return {
            "SECRET_KEY": self.secret_key,
            "SQLALCHEMY_DATABASE_URI": self.database_url,
            "SESSION_COOKIE_HTTPONLY": True,
            "SESSION_COOKIE_SAMESITE": "Lax",
            "SESSION_COOKIE_SECURE": secure,
            "REMEMBER_COOKIE_HTTPONLY": True,
            "REMEMBER_COOKIE_SAMESITE": "Lax",
            "REMEMBER_COOKIE_SECURE": secure,
            "WTF_CSRF_TIME_LIMIT": None,
            "MAX_CONTENT_LENGTH": MAX_REQUEST_BYTES,
            "FAIRCAST": self,
        }

    def srt_port_range(self) -> range:
        """The UDP ports SRT listeners may use, from "first-last"."""
        first, _, last = self.srt_ports.partition("-")
        return range(int(first), int(last or first) + 1)

    def origins(self) -> list[str]:
        """Origins allowed to open a Socket.IO connection: the public URL and those listed."""
        base = self.public_url.rstrip("/")
        origins = {base, *(o.rstrip("/") for o in self.allowed_origins)}
        # A loopback address is reached as 127.0.0.1 or as localhost; both are the same server.
        for a, b in (("//127.0.0.1", "//localhost"), ("//localhost", "//127.0.0.1")):
            if a in base:
                origins.add(base.replace(a, b))
        return sorted(origins)
