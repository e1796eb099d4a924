"""The cases migration creates the area's tables on both backends and takes them away again."""

from __future__ import annotations

from alembic import command
from sqlalchemy import inspect

import ctip.areas  # noqa: F401  (installs the areas' migrations)
from ctip.cases.area import AREA
from ctip.store.db import Database, alembic_config


def test_the_cases_branch_upgrades_and_downgrades(database_url: str) -> None:
    database = Database(database_url)
    database.upgrade()
    assert AREA.table_names <= set(inspect(database.engine).get_table_names())
    command.downgrade(alembic_config(database_url), "cases_0001_cases@0001")
    inspector = inspect(database.engine)
    assert not AREA.table_names & set(inspector.get_table_names())
    assert "ledger_events" in inspector.get_table_names()
    database.upgrade()
    assert AREA.table_names <= set(inspect(database.engine).get_table_names())
    database.dispose()
