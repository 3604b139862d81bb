"""The message queue between processes (Redis), with its health known.

python-socketio's RedisManager logs and drops what it cannot publish, and after Redis comes
back it may wait up to a minute before listening again, so viewers on other processes miss
cards while the host is told nothing. This manager counts failed publishes, listens again
within a second or two, and reports the link's return, upon which every process redraws its
rooms from the database (app/live/runtime.py: LiveRuntime.resync_rooms).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

import socketio

from app.extensions import socketio as flask_socketio

log = logging.getLogger(__name__)

# Waits between attempts to listen again: short, since viewers miss messages meanwhile.
RETRY_SECONDS = (0.2, 0.5, 1.0, 2.0)
# The parts of RedisManager this relies on; without them the stock manager is used.
_RELIED_ON = ("_publish", "_redis_connect", "_redis_listen_with_retries")


class WatchedRedisManager(socketio.RedisManager):
    """Redis pub/sub between processes that knows whether it is getting through."""

    def __init__(self, url: str, channel: str, on_restored: Callable[[], None]):
        super().__init__(url, channel=channel, write_only=False)
        self.on_restored = on_restored
        self.failed_publishes = 0
        self.listening = False
        self._lost = False

    @property
    def healthy(self) -> bool:
        """Listening, and nothing failed since the link last came back."""
        return self.listening and not self._lost

    def _publish(self, data):
        result = super()._publish(data)
        if result is None:  # the stock manager gave up: nothing reached the other processes
            self.failed_publishes += 1
            self._lost = True
        return result

    def _redis_listen_with_retries(self):
        attempt = 0
        while True:
            try:
                self._redis_connect()
                self.pubsub.subscribe(self.channel)
                self.listening, attempt = True, 0
                if self._lost:
                    self._lost = False
                    log.warning("message queue is back: resyncing this process's rooms")
                    flask_socketio.start_background_task(self.on_restored)
                yield from self.pubsub.listen()
            except Exception as exc:  # noqa: BLE001 - any failure of the link is the same
                self.listening, self._lost = False, True
                wait = RETRY_SECONDS[min(attempt, len(RETRY_SECONDS) - 1)]
                log.error("message queue unreachable (%s); listening again in %s s", exc, wait)
                time.sleep(wait)
                attempt += 1


def make_manager(url: str | None, channel: str, on_restored: Callable[[], None]):
    """The client manager for Flask-SocketIO: None (one process) or the queue for url."""
    if not url:
        return None
    if not url.startswith(("redis://", "rediss://")):
        return None  # Flask-SocketIO builds the manager for other queues itself
    if not all(hasattr(socketio.RedisManager, name) for name in _RELIED_ON):
        log.warning("python-socketio's RedisManager changed: the queue's health is not watched")
        return socketio.RedisManager(url, channel=channel)
    return WatchedRedisManager(url, channel, on_restored)


def queue_link() -> WatchedRedisManager | None:
    """This process's watched message queue, if it has one."""
    server = getattr(flask_socketio, "server", None)
    manager = getattr(server, "manager", None)
    return manager if isinstance(manager, WatchedRedisManager) else None
