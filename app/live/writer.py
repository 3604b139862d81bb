"""Group commit: many callers' writes in one transaction, each caller answered after the commit.

Under eventlet a SQLite commit blocks every connection while it runs, so committing each
sign-up on its own would cap throughput at one fsync-free commit per event and stall the rest.
The writer collects what arrives within a few milliseconds and commits it together.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
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


@dataclass
class _Item:
    kind: str
    payload: Any
    future: Future = field(default_factory=Future)


class BatchWriter:
    """Runs handler(payloads) -> results per kind, batched, inside one committed transaction."""

    def __init__(self, app: Flask, handlers: dict[str, Handler]):
        self.app = app
        self.handlers = handlers
        self.queue: queue.Queue[_Item] = queue.Queue()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self.batches = 0

    def submit(self, kind: str, payload: Any) -> Future:
        """Queue one write; the future resolves with its result once committed."""
        item = _Item(kind, payload)
        self.queue.put(item)
        self._ensure_running()
        return item.future

    def write(self, kind: str, payload: Any, timeout: float = SUBMIT_TIMEOUT) -> Any:
        """Queue one write and wait for its committed result."""
        return self.submit(kind, payload).result(timeout=timeout)

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
                log.exception("write of kind %s failed", batch[0].kind)
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
        by_kind: dict[str, list[int]] = {}
        for index, item in enumerate(batch):
            by_kind.setdefault(item.kind, []).append(index)
        results: list[Any] = [None] * len(batch)
        for kind, indexes in by_kind.items():
            outcome = self.handlers[kind]([batch[i].payload for i in indexes])
            for index, result in zip(indexes, outcome, strict=True):
                results[index] = result
        return results


class WriteFailed(RuntimeError):
    """A queued write could not be committed."""
