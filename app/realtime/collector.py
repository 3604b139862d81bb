"""Garbage collection tuned for a process holding thousands of connections.

Each message queued for each recipient allocates short-lived objects; with CPython's default
thresholds they soon trigger full collections that walk every object of the process, hundreds of
milliseconds each at 5,000 viewers, and those pauses set the delivery p99. Young collections are
made rarer (fewer survivors get promoted), and once the process has warmed up, what it loaded at
start-up (modules, the app, SQLAlchemy's mappers) is frozen out of every later collection.
"""

from __future__ import annotations

import gc
import logging

log = logging.getLogger(__name__)

# (young, middle, old): CPython's default is (700, 10, 10).
THRESHOLDS = (10_000, 20, 50)
# Seconds after start-up before freezing: imports, first requests and lazy loads are done.
WARMUP_SECONDS = 10.0

_installed = False


def install(eio) -> None:
    """Tune the collector once per process and freeze the warmed-up heap in the background."""
    global _installed
    if _installed:
        return
    _installed = True
    gc.set_threshold(*THRESHOLDS)
    eio.start_background_task(_freeze_after_warmup, eio)


def _freeze_after_warmup(eio) -> None:
    eio.sleep(WARMUP_SECONDS)
    freeze()


def freeze() -> int:
    """Collect once, then keep every surviving object out of later collections; returns how
    many objects were frozen."""
    gc.collect()
    gc.freeze()
    frozen = gc.get_freeze_count()
    log.info("garbage collector: %d start-up objects frozen", frozen)
    return frozen
