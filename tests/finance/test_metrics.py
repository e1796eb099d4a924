"""Fiscal-year figures and the home tile count the newest scan's flags."""

from __future__ import annotations

from ctip.finance import metrics, service
from ctip.finance.area import AREA
from ctip.model.calendar import fiscal_year
from ctip.store.db import Database, utc_now
from tests.finance.conftest import fan_in_records
from tests.finance.test_service import _load


def test_flagged_accounts_figure_and_home_tile(sqlite_database: Database) -> None:
    accounts, txs = fan_in_records()
    year = fiscal_year(utc_now()[:10])
    with sqlite_database.session() as session:
        assert metrics.accounts_flagged(session, year) == 0
        _load(session, accounts, txs)
        outcome = service.scan(session, "ana")
    with sqlite_database.session() as session:
        assert metrics.accounts_flagged(session, year) == outcome.flagged > 0
        assert metrics.scans_run(session, year) == 1
        assert metrics.flagged_by_typology(session, year)["fan_in"] >= 1
        assert metrics.scans_run(session, year - 1) == 0
        (tile,) = AREA.home
        assert tile.count(session, "ana") == outcome.flagged
