"""The trade area's fiscal-year figures move with the records: computed, never stored."""

from __future__ import annotations

from sqlalchemy.orm import Session

from ctip.areas import REGISTRY
from ctip.store.db import Database
from ctip.trade import detentions, entries, service
from ctip.trade.metrics import METRICS
from ctip.trade.screening import Screener
from tests.trade.conftest import LISTED, entry_csv, raw_row


def _figures(session: Session, fiscal_year: int) -> dict[str, float]:
    return {metric.id: metric.compute(session, fiscal_year) for metric in METRICS}


def _detain_a_line(session: Session, opened_on: str) -> str:
    data = entry_csv([raw_row(manufacturer_address="Urumqi", value_usd="5000.00")])
    entries.load_entry_lines(session, data, "e.csv", "tester")
    decisions = service.screen_lines(entries.read_entry_lines(data, "e.csv"), Screener(LISTED))
    service.record_screenings(session, decisions, "tester", "local")
    state = detentions.open_detention(session, "ABC12345671", 1, "ana", "XUAR address", opened_on)
    return state.id


def test_a_detention_and_its_seizure_move_the_figures_of_their_years(database: Database) -> None:
    with database.session() as session:
        before = _figures(session, 2021)
        det_id = _detain_a_line(session, "2020-11-02")
        opened = _figures(session, 2021)
        detentions.decide(session, det_id, "seized", "sup", "forced labour", "2021-10-04")
        assert _figures(session, 2021) == opened
        seized = _figures(session, 2022)
    assert before == {
        "cbp_shipments_detained": 0,
        "cbp_shipments_seized": 0,
        "cbp_seized_value_usd": 0,
    }
    assert opened["cbp_shipments_detained"] == 1 and opened["cbp_shipments_seized"] == 0
    assert seized["cbp_shipments_seized"] == 1 and seized["cbp_seized_value_usd"] == 5000.0
    assert seized["cbp_shipments_detained"] == 0


def test_the_registry_offers_the_trade_figures() -> None:
    offered = {(area, metric.id) for area, metric in REGISTRY.metrics()}
    assert {("trade", metric.id) for metric in METRICS} <= offered
