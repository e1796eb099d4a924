"""The PostgreSQL test support hands out a real, empty, disposable database."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from tests.support.postgres import fresh_database

pytestmark = pytest.mark.postgres


def _database_exists(server_url: str, name: str) -> bool:
    """Ask the server's catalogue, not our own bookkeeping, whether ``name`` exists."""
    engine = create_engine(server_url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            found = conn.execute(
                text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}
            ).first()
    finally:
        engine.dispose()
    return found is not None


def test_fresh_database_is_empty_postgres_and_dropped_afterwards(
    postgres_server_url: str,
) -> None:
    with fresh_database(postgres_server_url) as url:
        name = make_url(url).database
        assert name is not None
        assert name.startswith("ctip_test_")
        engine = create_engine(url, poolclass=NullPool)
        with engine.connect() as conn:
            version = conn.execute(text("SELECT version()")).scalar_one()
            current = conn.execute(text("SELECT current_database()")).scalar_one()
            tables = conn.execute(
                text("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'")
            ).scalar_one()
        engine.dispose()
        assert str(version).startswith("PostgreSQL ")
        assert current == name
        assert tables == 0
        assert _database_exists(postgres_server_url, name)
    assert not _database_exists(postgres_server_url, name)


def test_fresh_database_is_dropped_even_with_a_connection_left_open(
    postgres_server_url: str,
) -> None:
    with fresh_database(postgres_server_url) as url:
        name = make_url(url).database
        assert name is not None
        engine = create_engine(url)
        leftover = engine.connect()
        leftover.execute(text("SELECT 1"))
    try:
        assert not _database_exists(postgres_server_url, name)
    finally:
        leftover.invalidate()
        engine.dispose()
