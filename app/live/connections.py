"""Who is at the other end of each /live connection, and how fast they may send."""

from __future__ import annotations

import time
from collections import deque
from dataclasses import dataclass, field

# Per connection: a bucket of BURST events refilled at RATE a second. Refusals beyond
# MAX_REFUSALS within REFUSAL_WINDOW seconds end the connection.
RATE = 10.0
BURST = 40.0
MAX_REFUSALS = 30
REFUSAL_WINDOW = 10.0
# Browser video: up to 8 Mbit/s sustained, with a few seconds of burst.
MEDIA_BYTES_PER_SECOND = 1_000_000.0
MEDIA_BURST_BYTES = 4_000_000.0


@dataclass
class TokenBucket:
    rate: float = RATE
    burst: float = BURST
    tokens: float = BURST
    stamp: float = field(default_factory=time.monotonic)

    def take(self, amount: float = 1) -> bool:
        now = time.monotonic()
        self.tokens = min(self.burst, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        if self.tokens >= amount:
            self.tokens -= amount
            return True
        return False


@dataclass
class Connection:
    """One Socket.IO connection to /live, with the identity it proved at connect."""

    sid: str
    visitor_id: str
    user_id: str | None = None
    role: str | None = None
    user_name: str | None = None
    employer_id: str | None = None
    login_session_id: str | None = None
    token_id: str | None = None
    session_version: int | None = None
    seeker_id: str | None = None
    seeker_name: str | None = None
    rooms: set[str] = field(default_factory=set)
    bucket: TokenBucket = field(default_factory=TokenBucket)
    media_bytes: TokenBucket = field(
        default_factory=lambda: TokenBucket(
            MEDIA_BYTES_PER_SECOND, MEDIA_BURST_BYTES, MEDIA_BURST_BYTES
        )
    )
    refusals: deque = field(default_factory=deque)

    @property
    def is_staff(self) -> bool:
        return self.role in ("organiser", "host")

    @property
    def is_organiser(self) -> bool:
        return self.role == "organiser"

    @property
    def person_key(self) -> str:
        """Who this is for counting and moderation: the person if known, else the browser."""
        if self.seeker_id:
            return f"s:{self.seeker_id}"
        if self.user_id:
            return f"u:{self.user_id}"
        return f"v:{self.visitor_id}"

    def allow(self) -> bool:
        """Spend one event from the budget; False when the connection is sending too fast."""
        return self.bucket.take()

    def refused(self) -> bool:
        """Note a refused event; True when the connection should be cut off."""
        now = time.monotonic()
        self.refusals.append(now)
        while self.refusals and self.refusals[0] < now - REFUSAL_WINDOW:
            self.refusals.popleft()
        return len(self.refusals) >= MAX_REFUSALS


class Registry:
    """The connections this process holds, by sid."""

    def __init__(self):
        self.by_sid: dict[str, Connection] = {}

    def add(self, connection: Connection) -> None:
        self.by_sid[connection.sid] = connection

    def get(self, sid: str) -> Connection | None:
        return self.by_sid.get(sid)

    def remove(self, sid: str) -> Connection | None:
        return self.by_sid.pop(sid, None)

    def all(self) -> list[Connection]:
        return list(self.by_sid.values())
