"""Detentions: an append-only ledger, state and legal clocks computed from it, FY figures."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ctip.model.clock import FixedClock
from ctip.model.errors import Conflict, InvalidInput, NotFound
from ctip.store import ledger
from ctip.store.db import Database
from ctip.store.tables import AuditEvent
from ctip.trade import detentions, entries, service
from ctip.trade.detentions import DetentionConflict
from ctip.trade.screening import Screener
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
        rows = ledger.count(session, detentions.STREAM_KIND)
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
    assert (clocks["admissibility_decision"].amount, clocks["protest_of_exclusion"].amount) == (
        30,
        180,
    )
    assert (clocks["notice_of_detention"].unit, clocks["proof_of_admissibility"].unit) == (
        "working_days",
        "calendar_months",
    )
    assert all("U.S.C." in d.citation or "CFR" in d.citation for d in clocks.values())
    # 5 working days from Friday 2025-03-07 is Friday 2025-03-14
    assert clocks["notice_of_detention"].due(date(2025, 3, 7)) == date(2025, 3, 14)


@pytest.mark.parametrize(
    ("opened", "due"),
    [
        ("2026-11-25", "2026-12-03"),  # Thanksgiving, Thursday 26 November
        ("2027-12-22", "2027-12-30"),  # Christmas kept on Friday 24 December
        ("2027-12-27", "2028-01-04"),  # New Year's Day kept on Friday 31 December
        ("2026-06-29", "2026-07-07"),  # Independence Day kept on Friday 3 July
        ("2026-03-02", "2026-03-09"),  # no holiday: five weekdays
    ],
)
def test_the_notice_clock_counts_working_days_without_federal_holidays(
    sqlite_database: Database, opened: str, due: str
) -> None:
    with sqlite_database.session() as session:
        _flag_lines(session)
        state = detentions.open_detention(
            session, "ABC12345671", 1, "ana", "XUAR", opened, clock=FixedClock.on(date(2028, 2, 1))
        )
    notice = next(c for c in state.clocks if c.deadline.id == "notice_of_detention")
    assert (notice.started, notice.due) == (opened, due)


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


def test_a_fixed_clock_sees_the_notice_clock_run_out(sqlite_database: Database) -> None:
    """Opened Friday 2025-03-07: notice due Friday 2025-03-14 (five working days)."""
    opened = FixedClock.on(date(2025, 3, 7))
    with sqlite_database.session() as session:
        _flag_lines(session)
        detentions.open_detention(session, "ABC12345671", 1, "ana", "XUAR", clock=opened)
        on_due_day = detentions.list_detentions(session, clock=FixedClock.on(date(2025, 3, 14)))
        day_after = detentions.list_detentions(session, clock=FixedClock.on(date(2025, 3, 15)))
    notice = [
        next(c for c in q[0].clocks if c.deadline.id == "notice_of_detention")
        for q in (on_due_day, day_after)
    ]
    assert [(c.due, c.days_left, c.state) for c in notice] == [
        ("2025-03-14", 0, "running"),
        ("2025-03-14", -1, "overdue"),
    ]
    assert on_due_day[0].opened_on == "2025-03-07"


def test_a_step_dated_after_the_clocks_today_is_refused(sqlite_database: Database) -> None:
    today = FixedClock.on(date(2025, 3, 7))
    with sqlite_database.session() as session:
        _flag_lines(session)
        with pytest.raises(InvalidInput, match="before it happens"):
            detentions.open_detention(
                session, "ABC12345671", 1, "ana", "XUAR", "2025-03-08", clock=today
            )
        detentions.open_detention(session, "ABC12345671", 1, "ana", "XUAR", clock=today)
        with pytest.raises(InvalidInput, match="unknown step"):
            detentions.record_step(session, DET, "teleported", "ana", "?", clock=today)
        with pytest.raises(InvalidInput, match="unknown outcome"):
            detentions.decide(session, DET, "lost", "sup", "?", clock=today)
        with pytest.raises(InvalidInput, match="say why"):
            detentions.decide(session, DET, "released", "sup", "  ", clock=today)
        events = ledger.count(session, detentions.STREAM_KIND)
    assert events == 1


def test_detention_errors_are_the_shared_user_errors(sqlite_database: Database) -> None:
    with sqlite_database.session() as session:
        _flag_lines(session)
        with pytest.raises(NotFound):
            detentions.detention_state(session, "DET-NOPE-001")
        with pytest.raises(Conflict, match="not flagged"):
            detentions.open_detention(session, "ABC12345671", 2, "ana", "hunch")


def test_steps_are_events_of_the_detention_stream_numbered_from_one(
    sqlite_database: Database,
) -> None:
    with sqlite_database.session() as session:
        _flag_lines(session)
        detentions.open_detention(session, "ABC12345671", 1, "ana", "XUAR", "2025-03-05")
        detentions.record_step(session, DET, "notice_sent", "ana", "mailed", "2025-03-06")
        events = ledger.events(session, ledger.Stream(detentions.STREAM_KIND, DET))
    assert [(e.seq, e.kind, e.payload["occurred_on"]) for e in events] == [
        (1, "opened", "2025-03-05"),
        (2, "notice_sent", "2025-03-06"),
    ]
    assert events[0].payload["detail"]["screening"] == "detain"
