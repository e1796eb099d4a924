"""The intake migration builds exactly the tables the models declare, on both backends, and
comes down again."""

from __future__ import annotations

from alembic import command
from sqlalchemy import String, inspect

from ctip.intake.area import AREA
from ctip.store.db import Database, alembic_config


def test_the_migration_matches_the_models_and_downgrades(database: Database) -> None:
    found = inspect(database.engine)
    for model in AREA.tables:
        table = model.__table__  # type: ignore[attr-defined]
        columns = {c["name"]: c for c in found.get_columns(table.name)}
        assert set(columns) == {c.name for c in table.columns}, table.name
        for column in table.columns:
            if isinstance(column.type, String) and column.type.length:
                assert getattr(columns[column.name]["type"], "length", None) in (
                    column.type.length,
                    None,  # SQLite reports the declared length; some types have none
                ), (table.name, column.name)
    command.downgrade(
        alembic_config(str(database.engine.url.render_as_string(False))), "intake_0001_tables@-1"
    )
    assert not {t for t in inspect(database.engine).get_table_names() if t.startswith("intake_")}
