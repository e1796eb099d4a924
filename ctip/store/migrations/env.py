"""Alembic environment: one set of migrations for SQLite and PostgreSQL."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from ctip.store.db import make_engine
from ctip.store.tables import Base

# The areas' models are on Base.metadata once their tables are loaded (REGISTRY.table_models(),
# or create_app); the migrations themselves are plain DDL and need none of them.
target_metadata = Base.metadata


def run_migrations_offline() -> None:
    """Emit SQL without a connection."""
    context.configure(
        url=context.config.get_main_option("sqlalchemy.url"),
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Apply migrations over a live connection (batch mode so SQLite can alter tables)."""
    url = context.config.get_main_option("sqlalchemy.url")
    assert url is not None
    engine = make_engine(url)
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            _sqlite_foreign_keys(connection, enforced=False)
        context.configure(
            connection=connection, target_metadata=target_metadata, render_as_batch=True
        )
        with context.begin_transaction():
            context.run_migrations()
            if sqlite:
                _check_sqlite_foreign_keys(connection)
        if sqlite:
            _sqlite_foreign_keys(connection, enforced=True)
    engine.dispose()


def _sqlite_foreign_keys(connection: Connection, enforced: bool) -> None:
    """Switch SQLite's foreign-key enforcement (only possible outside a transaction).

    Batch mode rebuilds a table SQLite cannot alter in place (copy, drop, rename); dropping a
    table other rows point at fails while enforcement is on, so it is off while migrating and
    the whole store is checked before the migrations commit.
    """
    connection.exec_driver_sql(f"PRAGMA foreign_keys={'ON' if enforced else 'OFF'}")
    connection.commit()


def _check_sqlite_foreign_keys(connection: Connection) -> None:
    """Refuse to commit migrations that left a row pointing at nothing."""
    dangling = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    if dangling:
        raise RuntimeError(f"the migrations left rows pointing at nothing: {dangling[:10]}")


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
