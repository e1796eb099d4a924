"""A store as it was before the one file table, to test that upgrading moves old rows.

Each branch (the foundation and every area) is brought to its last revision before
`0007_file_imports`; a test then writes rows the old way, upgrades to head and looks for them.
"""

from __future__ import annotations

from typing import Any

from alembic import command
from sqlalchemy import text

from ctip.areas import REGISTRY
from ctip.store.db import Database, alembic_config

BEFORE_FILE_IMPORTS = (
    "0006_audit_resource_index",
    "0002_watchlists",
    "0003_trade",
    "0004_networks",
    "0005_resolve",
)
"""The last revision of each branch before the one file table."""

OLD_TIME = "2025-06-30T12:00:00.000000Z"


def database_before_file_imports(url: str) -> Database:
    """A database at the revisions before `file_imports` (the areas' folders installed)."""
    assert REGISTRY.migration_dirs(), "the area registry installs the areas' migrations"
    config = alembic_config(url)
    for revision in BEFORE_FILE_IMPORTS:
        command.upgrade(config, revision)
    return Database(url)


def insert(database: Database, table: str, **values: Any) -> None:
    """One row written as the old code wrote it, straight into the table."""
    columns = ", ".join(values)
    params = ", ".join(f":{name}" for name in values)
    with database.engine.begin() as connection:
        connection.execute(text(f"INSERT INTO {table} ({columns}) VALUES ({params})"), values)


def old_ftm_import(database: Database, import_id: int, source: str, sha256: str) -> None:
    """An FtM import of one entity with one statement, as the `imports` table held it."""
    insert(
        database,
        "imports",
        id=import_id,
        source=source,
        file_name=f"{source}.ijson",
        content_sha256=sha256,
        entity_count=1,
        statement_count=1,
        imported_at=OLD_TIME,
        imported_by="old-loader",
    )
