"""The demo's bank: loaded and scanned within its budget, joined to an ad network's phone."""

from __future__ import annotations

import time

from ctip.finance import demo, service
from ctip.store.db import Database


def test_demo_bank_is_scanned_in_budget_and_idempotent(sqlite_database: Database) -> None:
    with sqlite_database.session() as session:
        started = time.perf_counter()
        said = demo.seed_demo(session)
        elapsed = time.perf_counter() - started
    assert "flagged" in said
    assert elapsed < 10, elapsed
    with sqlite_database.session() as session:
        assert demo.seed_demo(session) == "demo bank records already loaded"
        view = service.account_view(session, demo.CONTROLLER, "test")
        assert view.finding is not None and view.finding.flagged
        assert "escort_ad_payments" in view.finding.red_flags
