"""Who is at the other end of each /live connection, and how fast they may send."""

from __future__ import annotations

import time
from collections import defaultdict, deque
from dataclasses import dataclass, field

from app.accounts.actor import Actor

# Per connection: a bucket of BURST events refilled at RATE a second. Refusals beyond
# MAX_REFUSALS within REFUSAL_WINDOW seconds end the connection.
RATE = 10.0
BURST = 40.0
MAX_REFUSALS = 30
REFUSAL_WINDOW = 10.0
# Chat: at most CHAT_BURST lines per CHAT_WINDOW seconds per person in a room.
CHAT_BURST, CHAT_WINDOW = 5, 10.0
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
    """One Socket.IO connection to /live: who proved to be at the other end, what it joined,
    and how fast it may send."""

    sid: str
    actor: Actor
    rooms: set[str] = field(default_factory=set)
    bucket: TokenBucket = field(default_factory=TokenBucket)
    media_bytes: TokenBucket = field(
        default_factory=lambda: TokenBucket(
            MEDIA_BYTES_PER_SECOND, MEDIA_BURST_BYTES, MEDIA_BURST_BYTES
        )
    )
    refusals: deque = field(default_factory=deque)

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


class ChatLimiter:
    """Chat lines per person (or browser) and room within a sliding window."""

    def __init__(self, burst: int = CHAT_BURST, window: float = CHAT_WINDOW):
        self.burst, self.window = burst, window
        self._times: dict[tuple[str, str], deque] = defaultdict(deque)

    def allow(self, room_id: str, key: str) -> bool:
        """Count one line by key in the room; False when it would be one too many."""
        now = time.monotonic()
        times = self._times[(room_id, key)]
        while times and times[0] < now - self.window:
            times.popleft()
        if len(times) >= self.burst:
            return False
        times.append(now)
        return True


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
