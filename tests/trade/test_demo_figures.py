"""The demo's FY2020-FY2021 trade history gives the source document's figures from records,
plausibly spread, once."""

from __future__ import annotations

import statistics
from collections import Counter
from datetime import date

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from ctip.api.app import create_app
from ctip.config import Environment, Settings
from ctip.model.calendar import fiscal_year, is_working_day
from ctip.model.roles import Role
from ctip.store.db import Database
from ctip.trade import demo_figures, detentions, metrics
from ctip.trade.tables import DetentionRow
from tests.conftest import add_role_users
from tests.support.workbench import sign_in


def test_the_history_gives_the_fiscal_year_table(database: Database) -> None:
    with database.session() as session:
        demo_figures.seed_history(session)
    with database.session() as session:
        figures = {
            (m.id, fy): m.compute(session, fy) for m in metrics.METRICS for fy in (2020, 2021)
        }
    assert 1425 <= figures["cbp_shipments_detained", 2021] <= 1575
    assert figures["cbp_shipments_detained", 2020] == 324
    assert figures["cbp_shipments_seized", 2021] == 57
    assert 480e6 <= figures["cbp_seized_value_usd", 2021] <= 490e6
    assert 54e6 <= figures["cbp_seized_value_usd", 2020] <= 56e6
    assert figures["cbp_wros_issued", 2021] == 7


def test_a_rerun_adds_nothing_and_leaves_no_open_work(sqlite_database: Database) -> None:
    with sqlite_database.session() as session:
        demo_figures.seed_history(session)
    with sqlite_database.session() as session:
        demo_figures.seed_history(session)
        count = session.scalar(select(func.count()).select_from(DetentionRow))
        queue = detentions.list_detentions(session, open_only=True)
        state = detentions.detention_state(session, "DET-HST21000000-001")
    assert count == sum(year.detained for year in demo_figures.YEARS)
    assert queue == []
    assert state.status in ("released", "seized")
    assert [e.kind for e in state.events] == ["opened", "notice_sent", "presented", "decided"]


def test_the_records_are_spread_as_real_years_are() -> None:
    history = demo_figures.history()
    assert len({d.line.entry_number for d in history}) == len(history)
    assert all(is_working_day(d.opened_on) for d in history)
    assert all(fiscal_year(d.opened_on) == fiscal_year(d.decided_on) for d in history)
    assert all((d.decided_on - d.presented_on).days <= 30 for d in history)
    months = Counter(d.opened_on.month for d in history if fiscal_year(d.opened_on) == 2021)
    assert len(months) >= 10 and max(months.values()) < 0.2 * sum(months.values())
    seized = [float(d.line.value_usd) for d in history if d.outcome == "seized"]
    assert len(set(seized)) == len(seized) and statistics.pstdev(seized) > 1e6
    assert len({d.order.subject for d in history}) >= 8
    assert max(d.decided_on for d in history) < date(2021, 10, 1)


def test_the_queue_pages_a_fiscal_years_detentions_and_exports_them(
    sqlite_database: Database,
) -> None:
    """The report's link to FY2020 detentions opens them, paged, and exports every one."""
    with sqlite_database.session() as session:
        demo_figures.seed_history(session)
    add_role_users(sqlite_database)
    settings = Settings(env=Environment.TEST, database_url=sqlite_database.url)
    with TestClient(create_app(settings), follow_redirects=False) as web:
        sign_in(web, Role.TRADE_ANALYST)
        open_work = web.get("/trade/detentions")
        year = web.get("/trade/detentions", params={"fy": "2020"})
        export = web.get("/trade/detentions", params={"fy": "2020", "export": "csv"})
    assert "No detentions waiting." in open_work.text
    assert year.status_code == 200 and "of <strong>324</strong>" in year.text
    assert export.text.count("\r\n") == 324 + 1
