"""Settings, read once from the FAIRCAST_* environment variables, each with a working default."""

from __future__ import annotations

import logging
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
ENV_CONTRACT_CA_DIR = "FAIRCAST_CONTRACT_CA_DIR"
ENV_CONTRACT_CA_CERT = "FAIRCAST_CONTRACT_CA_CERT"
ENV_CONTRACT_CA_KEY = "FAIRCAST_CONTRACT_CA_KEY"
ENV_CONTRACT_FONT = "FAIRCAST_CONTRACT_FONT"
ENV_CONTRACT_TEMPLATES = "FAIRCAST_CONTRACT_TEMPLATES"
ENV_TSA_URL = "FAIRCAST_TSA_URL"
ENV_MIN_WAGE = "FAIRCAST_MIN_WAGE"
ENV_OFFER_DAYS = "FAIRCAST_OFFER_DAYS"

# The district's minimum wage per pay unit (yuan); a piece rate has none.
DEFAULT_MIN_WAGE = "hour=24,day=190,month=2690"

ENV_SMS_BACKEND = "FAIRCAST_SMS_BACKEND"
ENV_REALNAME_VERIFIER = "FAIRCAST_REALNAME_VERIFIER"
# Keys of the real SMS and identity-check providers: FAIRCAST_SMS_ALIYUN_ACCESS_KEY_ID …
ENV_PROVIDER_PREFIX = "FAIRCAST_"
# "1" lets Web Push go to http:// services on loopback addresses (tests); never by default.
ENV_PUSH_ALLOW_LOOPBACK = "FAIRCAST_PUSH_ALLOW_LOOPBACK"
ENV_FAST_SOCKETS = "FAIRCAST_FAST_SOCKETS"

DEFAULT_TIMEZONE = "Asia/Shanghai"
# The public URL while nothing is served yet and FAIRCAST_PUBLIC_URL is unset.
DEFAULT_PUBLIC_URL = "http://127.0.0.1:5000"
# Hosts that mean "every address of this machine": a link needs one that a browser can open.
ANY_ADDRESS = ("", "0.0.0.0", "::")  # noqa: S104 - names them, binds nothing

log = logging.getLogger("faircast")
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
    # Empty: follow the address served (serve_at) and, in a request, the address the browser used.
    public_url: str = field(default_factory=lambda: os.environ.get(ENV_PUBLIC_URL, ""))
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

    # Contracts: FairCast's own certificate authority is created once in contract_ca_dir,
    # unless a deployment names a CA certificate and key of its own.
    contract_ca_dir: str = field(
        default_factory=lambda: os.environ.get(ENV_CONTRACT_CA_DIR, str(INSTANCE_DIR / "ca"))
    )
    contract_ca_cert: str | None = field(
        default_factory=lambda: os.environ.get(ENV_CONTRACT_CA_CERT) or None
    )
    contract_ca_key: str | None = field(
        default_factory=lambda: os.environ.get(ENV_CONTRACT_CA_KEY) or None
    )
    # A TrueType font with Chinese glyphs for the PDFs (else the system's is looked for).
    contract_font: str | None = field(
        default_factory=lambda: os.environ.get(ENV_CONTRACT_FONT) or None
    )
    # A folder of contract templates overriding the shipped ones, file by file.
    contract_templates: str | None = field(
        default_factory=lambda: os.environ.get(ENV_CONTRACT_TEMPLATES) or None
    )
    # An RFC 3161 timestamp authority; signatures carry its timestamp when set.
    tsa_url: str | None = field(default_factory=lambda: os.environ.get(ENV_TSA_URL) or None)
    min_wage: str = field(default_factory=lambda: os.environ.get(ENV_MIN_WAGE, DEFAULT_MIN_WAGE))
    # How long an offer waits for signatures before it expires.
    offer_days: int = field(default_factory=lambda: int(os.environ.get(ENV_OFFER_DAYS, "7")))

    def min_wages(self) -> dict[str, float]:
        """The minimum wage per pay unit, from "unit=amount,…"."""
        wages = {}
        for part in self.min_wage.split(","):
            unit, _, amount = part.partition("=")
            if unit.strip() and amount.strip():
                wages[unit.strip()] = float(amount)
        return wages

    # Where text messages go: "log" (server log and the outbox table), "aliyun" or "tencent".
    sms_backend: str = field(default_factory=lambda: os.environ.get(ENV_SMS_BACKEND, "log"))
    # How a seeker's name + resident ID number is checked: "checksum" (GB 11643, offline) or
    # "aliyun" (the authority's two-factor check through a provider's HTTP API).
    realname_verifier: str = field(
        default_factory=lambda: os.environ.get(ENV_REALNAME_VERIFIER, "checksum")
    )
    # Provider keys and options (FAIRCAST_SMS_ALIYUN_ACCESS_KEY_ID and so on): see README.
    providers: dict[str, str] = field(
        default_factory=lambda: {
            k[len(ENV_PROVIDER_PREFIX) :].lower(): v
            for k, v in os.environ.items()
            if k.startswith(("FAIRCAST_SMS_", "FAIRCAST_REALNAME_"))
        }
    )

    # True when no public URL was set: links follow where the server is actually reached.
    follows_request: bool = field(default=False, init=False)

    def __post_init__(self) -> None:
        if not self.public_url:
            self.public_url = DEFAULT_PUBLIC_URL
            self.follows_request = True
        self._refused_origins: set[str] = set()

    def serve_at(self, host: str, port: int) -> None:
        """The server listens on host:port; without a configured public URL, that is it."""
        if not self.follows_request:
            return
        shown = "127.0.0.1" if host in ANY_ADDRESS else host
        if ":" in shown:
            shown = f"[{shown}]"
        self.public_url = f"http://{shown}:{port}"

    def provider(self, name: str, default: str | None = None) -> str | None:
        """A provider option, e.g. provider("sms_aliyun_access_key_id")."""
        return self.providers.get(name, default)

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

    def accepts_origin(self, origin: str | None, environ: dict | None = None) -> bool:
        """Whether a live connection from a page at origin is let in (a refusal is logged once,
        naming the setting to change). Without a public URL, the page's own server is accepted."""
        if not origin:
            return True
        origin = origin.rstrip("/")
        if origin in self.origins():
            return True
        if self.follows_request and environ and "HTTP_HOST" in environ:
            own = f"{environ.get('wsgi.url_scheme', 'http')}://{environ['HTTP_HOST']}"
            if origin == own:
                return True
        if origin not in self._refused_origins:
            self._refused_origins.add(origin)
            log.warning(
                "Refused a live connection from a page at %s: FairCast's public URL is %s. "
                "Set %s to the address people open (or add the origin to %s).",
                origin,
                self.public_url,
                ENV_PUBLIC_URL,
                ENV_ALLOWED_ORIGINS,
            )
        return False
