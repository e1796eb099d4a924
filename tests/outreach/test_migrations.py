"""The outreach tables and the trade area's WRO issuances come and go with their revisions."""

from __future__ import annotations

from alembic import command
from sqlalchemy import inspect

import ctip.areas  # noqa: F401  (installs the areas' migrations)
from ctip.store.db import Database, alembic_config

OUTREACH = {"outreach_activities", "outreach_partners", "outreach_materials"}


def _tables(database: Database) -> set[str]:
    return set(inspect(database.engine).get_table_names())


def test_the_revisions_downgrade_and_upgrade_again(database: Database) -> None:
    config = alembic_config(str(database.engine.url.render_as_string(hide_password=False)))
    assert OUTREACH | {"trade_wro_issuances"} <= _tables(database)
    command.downgrade(config, "outreach_0001_records@-1")
    command.downgrade(config, "0010_trade_screening_editions")  # below the WRO issuances
    database.engine.dispose()
    left = _tables(database)
    assert not (OUTREACH | {"trade_wro_issuances"}) & left
    assert "trade_screenings" in left
    database.upgrade()
    assert OUTREACH | {"trade_wro_issuances"} <= _tables(database)
