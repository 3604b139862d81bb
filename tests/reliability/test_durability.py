"""Acknowledged means stored, beyond a killed process: SQLite syncs the write-ahead log at every
commit (synchronous=FULL), so a sign-up acknowledged just before power loss or an OS crash is
still there. (NORMAL, used before, survives kill -9 only.)"""

from __future__ import annotations

import threading

from sqlalchemy import text

SQLITE_FULL = 2  # PRAGMA synchronous: 0 OFF, 1 NORMAL, 2 FULL, 3 EXTRA


def pragmas(connection) -> tuple[str, int]:
    mode = connection.execute(text("PRAGMA journal_mode")).scalar()
    sync = connection.execute(text("PRAGMA synchronous")).scalar()
    return mode, sync


def test_every_sqlite_connection_syncs_each_commit(db):
    engine = db.engine
    with engine.connect() as connection:
        assert pragmas(connection) == ("wal", SQLITE_FULL)
    # Connections opened in other threads (the group-commit writer, request threads) too.
    seen = []

    def other_thread():
        with engine.connect() as connection:
            seen.append(pragmas(connection))

    workers = [threading.Thread(target=other_thread) for _ in range(3)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert seen == [("wal", SQLITE_FULL)] * 3
