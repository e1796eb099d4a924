"""The one set of migrations builds the schema on both backends and matches the models."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from ctip.areas import REGISTRY
from ctip.store.db import Database
from ctip.store.tables import Base


@pytest.fixture(autouse=True)
def every_table() -> None:
    """The areas' models on the shared metadata (they load on first use, not at import)."""
    REGISTRY.table_models()


def test_upgrade_from_empty_creates_every_table(database: Database) -> None:
    tables = set(inspect(database.engine).get_table_names())
    assert set(Base.metadata.tables) <= tables
    assert "alembic_version" in tables


def test_models_and_migrations_do_not_drift(database: Database) -> None:
    with database.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"render_as_batch": True})
        differences = compare_metadata(context, Base.metadata)
    assert differences == []


def test_upgrade_twice_is_harmless(database: Database) -> None:
    database.upgrade()
    assert set(Base.metadata.tables) <= set(inspect(database.engine).get_table_names())


def test_every_area_table_is_declared_by_its_area() -> None:
    """A table on the shared metadata belongs to the foundation or to exactly one area."""
    declared = [name for area in REGISTRY.areas for name in area.table_names]
    assert len(declared) == len(set(declared))
    foundation = {
        "file_imports",
        "statements",
        "users",
        "user_sessions",
        "sign_in_throttle",
        "audit_log",
        "audit_head",
        "ledger_events",
        "jobs",
    }
    undeclared = set(Base.metadata.tables) - set(declared)
    assert {name for name in undeclared if not name.startswith("entity_")} <= foundation
