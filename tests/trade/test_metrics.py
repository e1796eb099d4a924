"""The trade area's fiscal-year figures move with the records: computed, never stored."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy.orm import Session

from ctip.areas import REGISTRY
from ctip.model.errors import Conflict
from ctip.store.db import Database
from ctip.trade import detentions, entries, issuances, metrics, service
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
        "cbp_wros_issued": 0,
    }
    assert opened["cbp_shipments_detained"] == 1 and opened["cbp_shipments_seized"] == 0
    assert seized["cbp_shipments_seized"] == 1 and seized["cbp_seized_value_usd"] == 5000.0
    assert seized["cbp_shipments_detained"] == 0


def test_the_registry_offers_the_trade_figures() -> None:
    offered = {(area, metric.id) for area, metric in REGISTRY.metrics()}
    assert {("trade", metric.id) for metric in METRICS} <= offered


def test_a_later_correction_replaces_the_decision_in_the_figures(database: Database) -> None:
    with database.session() as session:
        det_id = _detain_a_line(session, "2021-01-04")
        detentions.decide(session, det_id, "seized", "sup", "forced labour", "2021-02-01")
        detentions.decide(
            session, det_id, "released", "sup", "proof accepted", "2021-02-10", correction=True
        )
        figures = _figures(session, 2021)
        computed = detentions.figures(detentions.list_detentions(session))
        read_once = metrics.year_figures(session, 2021)
    assert figures["cbp_shipments_seized"] == 0 and figures["cbp_seized_value_usd"] == 0
    assert next(row for row in computed if row.fiscal_year == 2021) == read_once


def test_a_wro_issuance_counts_in_its_fiscal_year_and_twice_is_refused(
    database: Database,
) -> None:
    with database.session() as session:
        issuances.record_issuance(session, "wro", "Acme Mill", "cotton", "cn", "2020-10-01", "ana")
        issuances.record_issuance(
            session, "finding", "Acme Mill", "cotton", "CN", "2021-03-01", "ana"
        )
        assert _figures(session, 2021)["cbp_wros_issued"] == 1
        assert _figures(session, 2020)["cbp_wros_issued"] == 0
        with pytest.raises(Conflict):
            issuances.record_issuance(
                session, "wro", "Acme Mill", "cotton", "CN", "2020-10-01", "ana"
            )


def test_the_home_counts_of_trade_work(sqlite_database: Database) -> None:
    with sqlite_database.session() as session:
        _detain_a_line(session, date.today().isoformat())
        assert metrics.lines_to_review(session, "ana") == 0
        today = metrics.detentions_due(session, "ana")
        soon = metrics.detentions_due(session, "ana", date.today() + timedelta(days=4))
        overdue = metrics.detentions_due(session, "ana", date.today() + timedelta(days=40))
    assert today == 0  # the notice is due in five working days: a week away
    assert soon == 1 and overdue == 1


def test_a_report_reads_the_detention_book_once_until_the_session_writes(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    reads: list[int] = []
    read_book = metrics._read_book

    def counted(session: Session) -> metrics.DetentionBook:
        reads.append(1)
        return read_book(session)

    monkeypatch.setattr(metrics, "_read_book", counted)
    with database.session() as session:
        det_id = _detain_a_line(session, "2021-01-04")
        session.flush()
        first, _before = _figures(session, 2021), _figures(session, 2020)
        assert metrics.outcomes(session, 2021) == {"released": 0, "excluded": 0, "seized": 0}
        assert len(reads) == 1  # seven figures, one read
        detentions.decide(session, det_id, "seized", "sup", "forced labour", "2021-02-01")
        seized = _figures(session, 2021)
        assert len(reads) == 2  # the session wrote: read again
    with database.session() as session:
        again = _figures(session, 2021)
    assert first["cbp_shipments_detained"] == 1 and first["cbp_shipments_seized"] == 0
    assert seized["cbp_shipments_seized"] == 1 == again["cbp_shipments_seized"]
    assert len(reads) == 3  # a new session reads for itself
