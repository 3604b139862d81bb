"""Column types and engine set-up shared by every model: opaque ids, UTC times, SQLite tuning."""

from __future__ import annotations

import secrets
import sqlite3
import threading
from datetime import UTC, datetime

from sqlalchemy import DateTime, Enum, String, Table, TypeDecorator, event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine

from app.extensions import db

ID_LENGTH = 16
# Room for values added later without widening the column.
ENUM_LENGTH = 32
# Enough to wait out another process's write; writers inside one process queue on a lock.
SQLITE_BUSY_TIMEOUT_MS = 10_000


def new_id() -> str:
    """An opaque, unguessable identifier for anything that appears in a URL."""
    return secrets.token_hex(ID_LENGTH // 2)


def utcnow() -> datetime:
    """The current time, timezone-aware, in UTC."""
    return datetime.now(UTC)


def IdColumn() -> String:  # noqa: N802 - reads as a type
    """The column type of an opaque id."""
    return String(ID_LENGTH)


class UTCDateTime(TypeDecorator):
    """Stores aware datetimes as naive UTC and gives them back aware, on every database."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given where an aware one is required")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC)


class LockingSQLiteConnection(sqlite3.Connection):
    """A SQLite connection that lets one writer at a time into a transaction in this process.

    SQLite's busy handler sleeps inside C, which would freeze every green thread under
    eventlet while another green thread holds the write lock. Queueing writers on a Python
    lock (green once eventlet patches threading) makes them wait cooperatively instead.
    """

    write_lock = threading.RLock()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.holds_write_lock = False

    def acquire_write(self) -> None:
        if not self.holds_write_lock:
            self.write_lock.acquire()
            self.holds_write_lock = True

    def _release_write(self) -> None:
        if self.holds_write_lock:
            self.holds_write_lock = False
            self.write_lock.release()

    def commit(self) -> None:
        try:
            super().commit()
        finally:
            self._release_write()

    def rollback(self) -> None:
        try:
            super().rollback()
        finally:
            self._release_write()

    def close(self) -> None:
        try:
            super().close()
        finally:
            self._release_write()


def _is_write(statement: str) -> bool:
    head = statement.lstrip()[:7].upper()
    return not head.startswith(("SELECT", "PRAGMA", "WITH"))


def sqlite_engine_options(url: str) -> dict:
    """Engine options for a SQLite URL: the locking connection and a busy timeout."""
    return {
        "connect_args": {
            "factory": LockingSQLiteConnection,
            "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000,
            "check_same_thread": False,
        }
    }


def tune_engine(engine: Engine) -> None:
    """Install per-connection settings: WAL and foreign keys on SQLite."""
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        # WAL lets readers go on while one writer commits. FULL syncs the WAL at every commit,
        # so an acknowledged sign-up survives power loss and an OS crash, not only a killed
        # process; the group commit pays one sync per batch (docs/reliability.md).
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "before_cursor_execute")
    def _before_execute(conn, _cursor, statement, _params, _context, _many):
        dbapi = conn.connection.dbapi_connection
        if isinstance(dbapi, LockingSQLiteConnection) and _is_write(statement):
            dbapi.acquire_write()


def insert_for(table: Table):
    """INSERT for the session's database, with its ON CONFLICT clauses (SQLite or PostgreSQL)."""
    dialect = db.session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)


def enum_type(enum_class) -> Enum:
    """A string column holding an enumeration's values (not its Python names)."""
    return Enum(
        enum_class,
        native_enum=False,
        length=ENUM_LENGTH,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )
