"""Database migrations: `faircast db upgrade`, and the start-up check that they were applied."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
UPGRADE_COMMAND = "faircast db upgrade"


class DatabaseNotMigrated(RuntimeError):
    """The database lacks migrations; the message names the command that applies them."""


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(url: str, revision: str = "head") -> None:
    """Apply every migration up to revision."""
    command.upgrade(alembic_config(url), revision)


def head_revision() -> str:
    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()


def current_revision(url: str) -> str | None:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()
    finally:
        engine.dispose()


def check_migrated(url: str) -> None:
    """Raise DatabaseNotMigrated unless the database is at the newest migration."""
    current, head = current_revision(url), head_revision()
    if current != head:
        state = (
            "has no FairCast tables"
            if current is None
            else f"is at migration {current}, not {head}"
        )
        raise DatabaseNotMigrated(
            f"The database {state}. Run `{UPGRADE_COMMAND}` "
            "(with the same FAIRCAST_DATABASE_URL) first."
        )
