"""The versions and internals of python-engineio and eventlet that the fast path relies on.

The fast path reads an Engine.IO socket's queue and flags, replaces the websocket class the
eventlet driver builds, and writes to eventlet's raw socket. Those are not public interfaces, so
they are pinned in pyproject.toml to the versions tested, and checked here at start-up: any
difference keeps the stock path, with one line in the log saying why.
"""

from __future__ import annotations

from importlib import metadata

# (distribution, first version tested, first version not tested); pyproject.toml pins the same.
TESTED = (
    ("python-engineio", (4, 15), (4, 16)),
    ("eventlet", (0, 41), (0, 42)),
)

# The attributes each relied-on class must have.
SOCKET_ATTRIBUTES = (
    "send",
    "schedule_ping",
    "_send_ping",
    "check_ping_timeout",
    "_websocket_handler",
    "close",
)
SOCKET_FLAGS = ("queue", "last_ping", "upgraded", "upgrading", "closing", "closed", "connected")
WEBSOCKET_ATTRIBUTES = (
    "_handle_hybi_request",
    "_negotiate_permessage_deflate",
)
RFC6455_ATTRIBUTES = (
    "_send",
    "_apply_mask",
    "_recv_frame",
    "_handle_control_frame",
    "_send_closing_frame",
    "wait",
    "close",
    "_pack_message",
)


def version_of(distribution: str) -> str | None:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return None


def _parsed(version: str) -> tuple[int, ...]:
    parts = []
    for piece in version.split("."):
        digits = "".join(c for c in piece if c.isdigit())
        if not digits:
            break
        parts.append(int(digits))
    return tuple(parts)


def version_problem() -> str | None:
    """Why the installed versions are not the tested ones, or None."""
    for distribution, first, beyond in TESTED:
        found = version_of(distribution)
        if found is None:
            return f"{distribution} is not installed"
        if not first <= _parsed(found)[:2] < beyond:
            tested = f"{'.'.join(map(str, first))}.x"
            return f"{distribution} {found} is not the tested {tested}"
    return None


def problem(eio) -> str | None:
    """Why the fast path cannot be installed on this Engine.IO server, or None."""
    if getattr(eio, "async_mode", None) != "eventlet":
        return f"async mode {getattr(eio, 'async_mode', None)!r} is not eventlet"
    found = version_problem()
    if found is not None:
        return found
    try:
        from engineio import packet, socket
        from eventlet import websocket as eventlet_websocket
    except ImportError as exc:
        return f"an internal module moved ({exc})"
    checks = (
        (socket.Socket, SOCKET_ATTRIBUTES),
        (eventlet_websocket.WebSocketWSGI, WEBSOCKET_ATTRIBUTES),
        (eventlet_websocket.RFC6455WebSocket, RFC6455_ATTRIBUTES),
    )
    for cls, names in checks:
        missing = [name for name in names if not hasattr(cls, name)]
        if missing:
            return f"{cls.__module__}.{cls.__qualname__} lacks {', '.join(missing)}"
    if not isinstance(getattr(eio, "_async", None), dict) or "websocket" not in eio._async:
        return "the Engine.IO server has no websocket driver"
    websocket_class = eio._async["websocket"]
    if not (
        isinstance(websocket_class, type)
        and issubclass(websocket_class, eventlet_websocket.WebSocketWSGI)
    ):
        return "the Engine.IO websocket driver is not eventlet's"
    probe = packet.Packet(packet.MESSAGE, "probe")
    if not hasattr(probe, "__dict__") or not hasattr(probe, "encode_cache"):
        return "engineio.packet.Packet changed"
    sample = socket.Socket(eio, "compat-probe")  # no side effect: a queue and flags
    missing = [name for name in SOCKET_FLAGS if not hasattr(sample, name)]
    if missing:
        return f"engineio.socket.Socket lacks {', '.join(missing)}"
    if not hasattr(sample.queue, "qsize") or not hasattr(sample.queue, "__dict__"):
        return "the Engine.IO socket's queue changed"
    writers = [
        const
        for const in socket.Socket._websocket_handler.__code__.co_consts
        if getattr(const, "co_name", None) == "writer"
    ]
    if len(writers) != 1 or tuple(writers[0].co_freevars) != ("self", "ws"):
        return "engineio.socket.Socket's websocket writer changed"
    return None
