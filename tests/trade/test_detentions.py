"""Detentions: an append-only ledger, state and legal clocks computed from it, FY figures."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ctip.store.db import Database
from ctip.store.tables import AuditEvent
from ctip.trade import detentions, entries, service
from ctip.trade.detentions import DetentionConflict, add_days, fiscal_year
from ctip.trade.screening import Screener
from ctip.trade.tables import DetentionEventRow
from tests.trade.conftest import LISTED, entry_csv, raw_row

DET = "DET-ABC12345671-001"


def _flag_lines(session: Session) -> None:
    """Line 1 made in Urumqi (detain), line 2 ordinary (release)."""
    data = entry_csv(
        [raw_row(manufacturer_address="Urumqi", value_usd="5000.00"), raw_row(line_number="2")]
    )
    lines = entries.read_entry_lines(data, "e.csv")
    entries.load_entry_lines(session, data, "e.csv", "tester")
    decisions = service.screen_lines(lines, Screener(LISTED))
    service.record_screenings(session, decisions, "tester", "local")


def test_only_a_flagged_line_can_be_detained(sqlite_database: Database) -> None:
    with sqlite_database.session() as session:
        _flag_lines(session)
        with pytest.raises(DetentionConflict, match="not flagged"):
            detentions.open_detention(session, "ABC12345671", 2, "ana", "hunch")
        with pytest.raises(detentions.DetentionNotFound):
            detentions.open_detention(session, "ABC12345671", 9, "ana", "hunch")
        state = detentions.open_detention(
            session, "ABC12345671", 1, "ana", "XUAR address", "2025-03-05"
        )
        same = detentions.open_detention(session, "ABC12345671", 1, "bob", "again", "2025-03-06")
    assert state.id == same.id == DET
    assert [e.kind for e in same.events] == ["opened"]


def test_the_ledger_walks_a_line_to_a_decision_and_keeps_every_step(database: Database) -> None:
    with database.session() as session:
        _flag_lines(session)
        detentions.open_detention(session, "ABC12345671", 1, "ana", "XUAR address", "2025-03-05")
        detentions.record_step(session, DET, "presented", "ana", "at CES", "2025-03-07")
        detentions.record_step(
            session,
            DET,
            "document",
            "ana",
            "received",
            "2025-03-10",
            {"title": "Cotton trace", "dated": "2025-03-09"},
        )
        with pytest.raises(DetentionConflict, match="only an exclusion"):
            detentions.record_step(session, DET, "protest_filed", "ana", "too early", "2025-03-11")
        detentions.decide(session, DET, "excluded", "sup", "no proof of origin", "2025-03-20")
        detentions.record_step(
            session, DET, "protest_filed", "ana", "importer protests", "2025-04-01"
        )
        detentions.decide(session, DET, "seized", "sup", "forfeiture", "2025-05-01")
        with pytest.raises(DetentionConflict, match="already seized"):
            detentions.decide(session, DET, "released", "sup", "oops", "2025-05-02")
        state = detentions.detention_state(session, DET, date(2025, 6, 1))
        rows = session.execute(select(func.count()).select_from(DetentionEventRow)).scalar_one()
        audited = session.execute(
            select(func.count()).where(AuditEvent.resource == f"trade_detention:{DET}")
        ).scalar_one()
    assert state.status == "seized" and state.decided_on == "2025-05-01"
    assert [e.kind for e in state.events] == [
        "opened",
        "presented",
        "document",
        "decided",
        "protest_filed",
        "decided",
    ]
    assert [d.detail["title"] for d in state.documents] == ["Cotton trace"]
    assert rows == audited == 6
    assert all(c.state == "stopped" for c in state.clocks)


def test_no_decision_within_30_days_of_presentation_is_a_deemed_exclusion(
    sqlite_database: Database,
) -> None:
    with sqlite_database.session() as session:
        _flag_lines(session)
        detentions.open_detention(session, "ABC12345671", 1, "ana", "XUAR", "2025-03-03")
        detentions.record_step(session, DET, "presented", "ana", "exam", "2025-03-04")
        day_30 = detentions.detention_state(session, DET, date(2025, 4, 3))
        day_31 = detentions.detention_state(session, DET, date(2025, 4, 4))
    decision_clock = next(c for c in day_30.clocks if c.deadline.id == "admissibility_decision")
    assert (decision_clock.due, decision_clock.days_left, day_30.status) == (
        "2025-04-03",
        0,
        "detained",
    )
    assert day_31.status == "deemed_excluded"
    protest = next(c for c in day_31.clocks if c.deadline.id == "protest_of_exclusion")
    assert protest.started == "2025-04-03" and protest.due == "2025-09-30"


def test_clocks_are_data_that_cite_the_law() -> None:
    clocks = {d.id: d for d in detentions.deadlines()}
    assert (clocks["admissibility_decision"].days, clocks["protest_of_exclusion"].days) == (30, 180)
    assert all("U.S.C." in d.citation or "CFR" in d.citation for d in clocks.values())
    # 5 working days from Friday 2025-03-07 is Friday 2025-03-14
    assert add_days(date(2025, 3, 7), 5, "business") == date(2025, 3, 14)


@pytest.mark.parametrize(
    ("opened", "due"),
    [
        (date(2026, 11, 25), date(2026, 12, 3)),  # Thanksgiving, Thursday 26 November
        (date(2027, 12, 22), date(2027, 12, 30)),  # Christmas kept on Friday 24 December
        (date(2027, 12, 27), date(2028, 1, 4)),  # New Year's Day kept on Friday 31 December
        (date(2026, 6, 29), date(2026, 7, 7)),  # Independence Day kept on Friday 3 July
        (date(2026, 3, 2), date(2026, 3, 9)),  # no holiday: five weekdays
    ],
)
def test_working_days_skip_federal_holidays_as_observed(opened: date, due: date) -> None:
    assert add_days(opened, 5, "business") == due


def test_fiscal_years_start_on_the_first_of_october() -> None:
    assert (fiscal_year("2021-09-30"), fiscal_year("2021-10-01")) == (2021, 2022)


def test_figures_count_per_fiscal_year(sqlite_database: Database) -> None:
    with sqlite_database.session() as session:
        _flag_lines(session)
        detentions.open_detention(session, "ABC12345671", 1, "ana", "XUAR", "2025-09-20")
        detentions.decide(session, DET, "seized", "sup", "forfeiture", "2025-10-02")
        rows = detentions.figures(detentions.list_detentions(session, date(2025, 11, 1)))
    assert [(r.fiscal_year, r.detained, r.seized) for r in rows] == [(2025, 1, 0), (2026, 0, 1)]
    assert str(rows[0].value_detained) == "5000.00" and str(rows[1].value_seized) == "5000.00"


def test_a_line_held_under_a_cbp_order_gets_three_months_to_prove_admissibility(
    sqlite_database: Database,
) -> None:
    """The WRO-listed manufacturer (line 3) starts the 19 CFR 12.43 clock from importation;
    the XUAR address alone (line 1, UFLPA) does not."""
    with sqlite_database.session() as session:
        _flag_lines(session)
        data = entry_csv(
            [
                raw_row(
                    line_number="3",
                    manufacturer="Marlow Sea Harvest Ltd",
                    arrival_date="2025-01-31",
                )
            ]
        )
        lines = entries.read_entry_lines(data, "wro.csv")
        entries.load_entry_lines(session, data, "wro.csv", "tester")
        service.record_screenings(
            session, service.screen_lines(lines, Screener(LISTED)), "tester", "local"
        )
        held = detentions.open_detention(session, "ABC12345671", 3, "ana", "WRO", "2025-02-03")
        xuar = detentions.open_detention(session, "ABC12345671", 1, "ana", "XUAR", "2025-02-03")
        proof = next(c for c in held.clocks if c.deadline.id == "proof_of_admissibility")
        assert (proof.started, proof.due) == ("2025-01-31", "2025-04-30")
        assert "proof_of_admissibility" not in {c.deadline.id for c in xuar.clocks}
        detentions.record_step(session, held.id, "submission", "ana", "certificate", "2025-03-01")
        stopped = detentions.detention_state(session, held.id, date(2025, 6, 1))
    proof = next(c for c in stopped.clocks if c.deadline.id == "proof_of_admissibility")
    assert proof.state == "stopped" and proof.stopped == "2025-03-01"


def test_months_end_on_the_same_day_or_the_last_of_a_shorter_month() -> None:
    assert add_days(date(2025, 1, 31), 3, "months") == date(2025, 4, 30)
    assert add_days(date(2023, 11, 30), 3, "months") == date(2024, 2, 29)
    assert add_days(date(2025, 10, 15), 3, "months") == date(2026, 1, 15)
