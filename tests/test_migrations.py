"""Migrations build the whole schema from empty, on SQLite and on PostgreSQL."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine

import app.models  # noqa: F401 - every table
from app.extensions import db
from app.migrate import DatabaseNotMigrated, check_migrated, head_revision, upgrade


def assert_schema_matches_models(url: str) -> None:
    engine = create_engine(url)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, db.metadata)
    engine.dispose()
    assert differences == [], f"models and migrations disagree: {differences}"


def test_sqlite_from_empty(tmp_path):
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    with pytest.raises(DatabaseNotMigrated, match="faircast db upgrade"):
        check_migrated(url)
    upgrade(url)
    check_migrated(url)
    assert_schema_matches_models(url)


@pytest.mark.postgres
def test_postgresql_from_empty(postgres_url):
    with pytest.raises(DatabaseNotMigrated):
        check_migrated(postgres_url)
    upgrade(postgres_url)
    check_migrated(postgres_url)
    assert_schema_matches_models(postgres_url)


def test_head_is_a_single_revision():
    assert head_revision()
