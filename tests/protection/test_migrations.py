"""The protection migration builds its tables on SQLite and PostgreSQL and takes them away."""

from __future__ import annotations

from alembic import command
from sqlalchemy import create_engine, inspect

import ctip.areas  # noqa: F401  (installs the areas' migrations)
from ctip.protection.area import AREA
from ctip.store.db import alembic_config, normalise_url


def test_upgrade_and_downgrade(database_url: str) -> None:
    config = alembic_config(database_url)
    command.upgrade(config, "protection_0001_victims")
    engine = create_engine(normalise_url(database_url))
    try:
        assert AREA.table_names <= set(inspect(engine).get_table_names())
        command.downgrade(config, "protection_0001_victims-1")
        assert not AREA.table_names & set(inspect(engine).get_table_names())
    finally:
        engine.dispose()
