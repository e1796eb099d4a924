"""The trade area's fiscal-year figures and its home-page counts, computed from the records
every time they are asked for (the source document's CBP lines: shipments detained, seized,
their value, and the Withhold Release Orders issued).

A detention's outcome lives in its ledger stream. The figures need only when each detention
was opened, what its line was worth and its last decision: the detention rows and the
ledger's decision events (not every step of every stream, and no legal clock). A report asks
for seven trade figures (three over two years, and a breakdown), so that read is made once
per session and kept in the session until it writes, commits, rolls back or closes: one
report, one read, and never a figure older than the records the session itself changed.
Nothing here is stored.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import event, exists, func, select
from sqlalchemy.orm import ORMExecuteState, Session

from ctip.model.area import Metric
from ctip.model.calendar import fiscal_year as fiscal_year_of
from ctip.model.clock import SYSTEM_CLOCK
from ctip.store import ledger
from ctip.store.tables import LedgerEventRow
from ctip.trade import detentions, issuances
from ctip.trade.access import TradeAction
from ctip.trade.tables import DetentionRow, ScreeningRow

DUE_SOON_DAYS = 5
"""A detention whose next legal clock runs out within this many days is due."""
DECIDED_OUTCOMES = frozenset(o.value for o in detentions.Outcome)


def last_decisions(session: Session) -> dict[str, tuple[str, str]]:
    """Detention id -> (outcome, day decided) of its last decision: one read of the ledger's
    decision events (a later correction replaces an earlier decision, as in the state)."""
    query = (
        select(LedgerEventRow.stream_id, LedgerEventRow.payload)
        .where(
            LedgerEventRow.stream_kind == detentions.STREAM_KIND,
            LedgerEventRow.kind == detentions.EventKind.DECIDED.value,
        )
        .order_by(LedgerEventRow.stream_id, LedgerEventRow.seq)
    )
    decided: dict[str, tuple[str, str]] = {}
    for stream_id, payload in session.execute(query):
        body = json.loads(payload)
        decided[stream_id] = (str(body["detail"]["outcome"]), str(body["occurred_on"]))
    return decided


@dataclass(frozen=True)
class DetentionBook:
    """What the year figures read: each detention (id, day opened, value) and the last
    decision of those decided."""

    detentions: tuple[tuple[str, str, str], ...]
    decided: Mapping[str, tuple[str, str]]


BOOK_KEY = "ctip.trade.metrics.detention_book"
"""Where the session keeps its read of the book (`Session.info`)."""
FORGET_ON = ("after_flush", "after_transaction_end")
"""The session events after which the read may be stale: a write, a commit, a rollback (and
any INSERT, UPDATE or DELETE the session executes: the ledger appends through Core)."""


def detention_book(session: Session) -> DetentionBook:
    """The book as this session reads it, read once until the session next changes."""
    book = session.info.get(BOOK_KEY)
    if not isinstance(book, DetentionBook):
        book = _read_book(session)
        session.info[BOOK_KEY] = book
        _forget_on_change(session)
    return book


def _read_book(session: Session) -> DetentionBook:
    rows = select(DetentionRow.id, DetentionRow.opened_on, DetentionRow.value_usd)
    found = tuple((str(i), str(o), str(v)) for i, o, v in session.execute(rows))
    return DetentionBook(found, last_decisions(session))


def _forget_on_change(session: Session) -> None:
    for name in FORGET_ON:
        if not event.contains(session, name, _forget):
            event.listen(session, name, _forget)
    if not event.contains(session, "do_orm_execute", _forget_after_write):
        event.listen(session, "do_orm_execute", _forget_after_write)


def _forget_after_write(state: ORMExecuteState) -> None:
    """A statement that writes (a ledger step goes in as a Core INSERT, flushing nothing)."""
    if state.is_insert or state.is_update or state.is_delete:
        _forget(state.session)


def _forget(session: Session, *_event: Any) -> None:
    session.info.pop(BOOK_KEY, None)


def year_figures(session: Session, fiscal_year: int) -> detentions.YearFigures:
    """One fiscal year's detention figures: detained by the year opened; released, excluded
    and seized (and the value seized) by the year of the last decision."""
    counts = dict.fromkeys(("detained", "released", "excluded", "seized"), 0)
    value_detained, value_seized = Decimal(0), Decimal(0)
    book = detention_book(session)
    for det_id, opened_on, value_usd in book.detentions:
        if fiscal_year_of(opened_on) == fiscal_year:
            counts["detained"] += 1
            value_detained += Decimal(value_usd or 0)  # a value not read counts as none
        outcome, day = book.decided.get(det_id, ("", ""))
        if outcome in DECIDED_OUTCOMES and fiscal_year_of(day) == fiscal_year:
            counts[outcome] += 1
            if outcome == detentions.Outcome.SEIZED:
                value_seized += Decimal(value_usd or 0)
    return detentions.YearFigures(
        fiscal_year, **counts, value_detained=value_detained, value_seized=value_seized
    )


def shipments_detained(session: Session, fiscal_year: int) -> int:
    """Detentions opened in the fiscal year."""
    return year_figures(session, fiscal_year).detained


def shipments_seized(session: Session, fiscal_year: int) -> int:
    """Detentions decided as seizures in the fiscal year."""
    return year_figures(session, fiscal_year).seized


def seized_value_usd(session: Session, fiscal_year: int) -> float:
    """The declared value, in US dollars, of the lines seized in the fiscal year."""
    return float(year_figures(session, fiscal_year).value_seized)


def outcomes(session: Session, fiscal_year: int) -> Mapping[str, int]:
    """The year's decisions by outcome (released, excluded, seized)."""
    figures = year_figures(session, fiscal_year)
    return {"released": figures.released, "excluded": figures.excluded, "seized": figures.seized}


def wros_issued(session: Session, fiscal_year: int) -> int:
    """Withhold Release Orders CBP issued in the fiscal year (Findings not counted)."""
    return issuances.issued_in(session, fiscal_year)


def _undecided(session: Session) -> list[DetentionRow]:
    """Detentions not released or seized: the only ones that can still be open work (the
    history of decided ones is skipped without reading its steps)."""
    final = {
        det_id
        for det_id, (outcome, _day) in last_decisions(session).items()
        if outcome in detentions.FINAL
    }
    rows = session.scalars(select(DetentionRow).order_by(DetentionRow.id))
    return [row for row in rows if row.id not in final]


def detentions_due(session: Session, _username: str, today: date | None = None) -> int:
    """Open detentions whose next legal clock runs out within DUE_SOON_DAYS or has run out."""
    day = today or SYSTEM_CLOCK.today()
    horizon = (day + timedelta(days=DUE_SOON_DAYS)).isoformat()
    rows = _undecided(session)
    streams = ledger.streams(session, detentions.STREAM_KIND, [row.id for row in rows])
    due = 0
    for row in rows:
        events = [detentions.DetentionEvent.of(e) for e in streams.get(row.id, [])]
        state = detentions.compute_state(row, events, day)
        due += bool(state.is_open and state.next_due and state.next_due.due <= horizon)
    return due


def lines_to_review(session: Session, _username: str) -> int:
    """Lines whose latest screening says review (or detain) and that no detention holds yet."""
    latest = (
        select(func.max(ScreeningRow.id))
        .group_by(ScreeningRow.entry_number, ScreeningRow.line_number)
        .scalar_subquery()
    )
    detained = exists().where(
        DetentionRow.entry_number == ScreeningRow.entry_number,
        DetentionRow.line_number == ScreeningRow.line_number,
    )
    query = (
        select(func.count())
        .select_from(ScreeningRow)
        .where(
            ScreeningRow.id.in_(latest),
            ScreeningRow.decision.in_(tuple(detentions.FLAGGED)),
            ~detained,
        )
    )
    return int(session.scalar(query) or 0)


METRICS = (
    Metric(
        "cbp_shipments_detained",
        "CBP shipments detained",
        shipments_detained,
        records="/trade/detentions?fy={year}",
        action=TradeAction.READ,
    ),
    Metric(
        "cbp_shipments_seized",
        "CBP shipments seized",
        shipments_seized,
        records="/trade/detentions?fy={year}",
        action=TradeAction.READ,
        breakdown=outcomes,
    ),
    Metric(
        "cbp_seized_value_usd",
        "Value of CBP seizures (US dollars)",
        seized_value_usd,
        records="/trade/detentions?fy={year}",
        action=TradeAction.READ,
    ),
    Metric(
        "cbp_wros_issued",
        "CBP Withhold Release Orders issued",
        wros_issued,
        breakdown=issuances.by_country,
    ),
)
