"""Group commit: many callers' writes in one transaction, each caller answered after the commit.

Under eventlet a SQLite commit blocks every connection while it runs, so committing each
sign-up on its own would cap throughput at one fsync-free commit per event and stall the rest.
The writer collects what arrives within a few milliseconds and commits it together.
"""

from __future__ import annotations

import logging
import queue
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import Flask

from app.extensions import db

log = logging.getLogger(__name__)

# How long the writer waits for more work after the first item (seconds).
LINGER = 0.003
MAX_BATCH = 2000
# A writer with nothing to do for this long stops; the next submission starts a new one.
IDLE_EXIT = 10.0
SUBMIT_TIMEOUT = 15.0

Handler = Callable[[list[Any]], list[Any]]


def _green() -> bool:
    """True in a process that eventlet has monkey-patched (the server)."""
    patcher = sys.modules.get("eventlet.patcher")  # never import eventlet just to ask
    return patcher is not None and patcher.is_monkey_patched("thread")


class Pending:
    """A write's outcome, waited for by the caller and delivered by the writer.

    Under eventlet a threading Condition (what concurrent.futures uses) costs several green
    locks and a timer per wait; an eventlet Event is a single greenlet switch.
    """

    __slots__ = ("_event", "_result", "_error")

    def __init__(self):
        if GREEN:
            from eventlet.event import Event

            self._event = Event()
        else:
            self._event = threading.Event()
        self._result: Any = None
        self._error: BaseException | None = None

    def set_result(self, result: Any) -> None:
        self._result = result
        self._fire()

    def set_exception(self, error: BaseException) -> None:
        self._error = error
        self._fire()

    def _fire(self) -> None:
        if GREEN:
            self._event.send(True)
        else:
            self._event.set()

    def result(self, timeout: float) -> Any:
        if GREEN:
            from eventlet import Timeout

            with Timeout(timeout, WriteFailed("The change took too long to save.")):
                self._event.wait()
        elif not self._event.wait(timeout):
            raise WriteFailed("The change took too long to save.")
        if self._error is not None:
            raise self._error
        return self._result


@dataclass
class _Item:
    handler: Handler
    payload: Any
    future: Pending = field(default_factory=Pending)


class BatchWriter:
    """Runs each handler(payloads) -> results on what arrived together for it, in one committed
    transaction; a handler is a function that stores a batch (e.g. signups.record_signups)."""

    def __init__(self, app: Flask):
        self.app = app
        self.queue = _make_queue()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self.batches = 0

    def submit(self, handler: Handler, payload: Any) -> Pending:
        """Queue one write for handler; the future resolves with its result once committed."""
        item = _Item(handler, payload)
        self.queue.put(item)
        self._ensure_running()
        return item.future

    def write(self, handler: Handler, payload: Any, timeout: float = SUBMIT_TIMEOUT) -> Any:
        """Queue one write and wait for its committed result."""
        return self.submit(handler, payload).result(timeout=timeout)

    def _ensure_running(self) -> None:
        with self._lock:
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name="faircast-writer", daemon=True
                )
                self._thread.start()

    def _run(self) -> None:
        with self.app.app_context():
            while True:
                try:
                    first = self.queue.get(timeout=IDLE_EXIT)
                except queue.Empty:
                    with self._lock:
                        if self.queue.empty():
                            self._thread = None
                            return
                    continue
                self._commit(self._collect(first))
                db.session.remove()

    def _collect(self, first: _Item) -> list[_Item]:
        batch = [first]
        deadline = time.monotonic() + LINGER
        while len(batch) < MAX_BATCH:
            try:
                batch.append(self.queue.get_nowait())
            except queue.Empty:
                if time.monotonic() >= deadline:
                    break
                time.sleep(LINGER / 3)
        return batch

    def _commit(self, batch: list[_Item]) -> None:
        try:
            results = self._apply(batch)
            db.session.commit()
        except Exception:
            db.session.rollback()
            if len(batch) == 1:
                log.exception("write by %s failed", batch[0].handler.__name__)
                batch[0].future.set_exception(WriteFailed("The change could not be saved."))
                return
            # One bad item must not sink the others: retry each on its own.
            for item in batch:
                self._commit([item])
            return
        self.batches += 1
        for item, result in zip(batch, results, strict=True):
            item.future.set_result(result)

    def _apply(self, batch: list[_Item]) -> list[Any]:
        by_handler: dict[Handler, list[int]] = {}
        for index, item in enumerate(batch):
            by_handler.setdefault(item.handler, []).append(index)
        results: list[Any] = [None] * len(batch)
        for handler, indexes in by_handler.items():
            outcome = handler([batch[i].payload for i in indexes])
            for index, result in zip(indexes, outcome, strict=True):
                results[index] = result
        return results


class WriteFailed(RuntimeError):
    """A queued write could not be committed."""


def _make_queue():
    """A queue for this process: eventlet's light one when green (no Condition per put)."""
    if GREEN:
        from eventlet.queue import LightQueue

        return LightQueue()
    return queue.Queue()


# Decided when the module loads: the server monkey-patches before importing the app.
GREEN = _green()
