"""The append-only ledger: numbered streams, audited appends, state folded from the events."""

from __future__ import annotations

import threading
import time
from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy import func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ctip.authz import audit
from ctip.model.clock import FixedClock
from ctip.model.errors import InvalidInput
from ctip.store import ledger
from ctip.store.db import Database
from ctip.store.ledger import LedgerEvent, Stream
from ctip.store.tables import AuditEvent, LedgerEventRow

CASE = Stream("case", "C-1")
OTHER = Stream("case", "C-2")
CLOCK = FixedClock(datetime(2025, 4, 4, 9, 30, tzinfo=UTC))


def append(
    session: Session, stream: Stream, kind: str, actor: str, reason: str, *args: Any, **kw: Any
) -> LedgerEvent:
    """The ledger's append with the audit log every caller hands in."""
    return ledger.append(session, stream, kind, actor, reason, *args, audit=audit.record, **kw)


def _count(database: Database) -> int:
    with database.session() as session:
        return int(session.scalar(select(func.count()).select_from(LedgerEventRow)) or 0)


def test_events_are_numbered_per_stream_and_read_back_in_order(database: Database) -> None:
    with database.session() as session:
        append(session, CASE, "opened", "ana", "tip 17", {"tip": 17}, clock=CLOCK)
        append(session, OTHER, "opened", "bob", "referral", clock=CLOCK)
        append(session, CASE, "assigned", "sup", "workload", {"to": "cy"}, clock=CLOCK)
    with database.session() as session:
        case = ledger.events(session, CASE)
        other = ledger.events(session, OTHER)
    assert [(e.seq, e.kind, e.actor, e.reason, e.payload) for e in case] == [
        (1, "opened", "ana", "tip 17", {"tip": 17}),
        (2, "assigned", "sup", "workload", {"to": "cy"}),
    ]
    assert [(e.seq, e.kind, e.payload) for e in other] == [(1, "opened", {})]
    assert case[0].at == "2025-04-04T09:30:00.000000Z" and case[0].stream == CASE
    assert case[0].id < other[0].id < case[1].id


def test_every_append_writes_an_audit_row_and_the_chain_holds(database: Database) -> None:
    with database.session() as session:
        append(session, CASE, "opened", "ana", "tip 17", {"tip": 17})
        append(session, CASE, "closed", "sup", "no crime", audit_action="case.close")
    with database.session() as session:
        rows = session.scalars(select(AuditEvent).order_by(AuditEvent.seq)).all()
        report = audit.verify_chain(session)
    assert [(r.actor, r.action, r.resource) for r in rows] == [
        ("ana", "case.opened", "case:C-1"),
        ("sup", "case.close", "case:C-1"),
    ]
    assert '"why": "tip 17"' in rows[0].detail and '"tip": 17' in rows[0].detail
    assert report.ok and report.rows_checked == 2


def _status(state: dict[str, str], event: LedgerEvent) -> dict[str, str]:
    if event.kind == "assigned":
        return {**state, "officer": str(event.payload["to"])}
    return {**state, "status": event.kind}


def test_fold_computes_the_current_state_from_the_events(database: Database) -> None:
    with database.session() as session:
        append(session, CASE, "opened", "ana", "tip")
        append(session, CASE, "assigned", "sup", "load", {"to": "cy"})
        append(session, CASE, "assigned", "sup", "cy on leave", {"to": "di"})
        append(session, CASE, "closed", "di", "no crime")
        state = ledger.fold(session, CASE, _status, {"status": "new"})
        empty = ledger.fold(session, Stream("case", "none"), _status, {"status": "new"})
    assert state == {"status": "closed", "officer": "di"}
    assert empty == {"status": "new"}


def test_latest_gives_each_streams_newest_event_for_a_queue(database: Database) -> None:
    with database.session() as session:
        append(session, CASE, "opened", "ana", "tip")
        append(session, OTHER, "opened", "bob", "referral")
        append(session, CASE, "closed", "ana", "done")
        append(session, Stream("tip", "C-1"), "received", "web", "form")
        newest = ledger.latest(session, "case")
        every = ledger.streams(session, "case")
        some = ledger.streams(session, "case", ["C-2"])
        counted = ledger.count(session, "case")
    assert {k: (e.seq, e.kind) for k, e in newest.items()} == {
        "C-1": (2, "closed"),
        "C-2": (1, "opened"),
    }
    assert {k: [e.kind for e in v] for k, v in every.items()} == {
        "C-1": ["opened", "closed"],
        "C-2": ["opened"],
    }
    assert list(some) == ["C-2"] and counted == 3


def test_an_event_cannot_be_changed_or_removed(sqlite_database: Database) -> None:
    with sqlite_database.session() as session:
        append(session, CASE, "opened", "ana", "tip")
    with pytest.raises(ledger.AppendOnly), sqlite_database.session() as session:
        row = session.scalars(select(LedgerEventRow)).one()
        row.reason = "rewritten"
        session.flush()
    with pytest.raises(ledger.AppendOnly), sqlite_database.session() as session:
        session.delete(session.scalars(select(LedgerEventRow)).one())
        session.flush()
    with sqlite_database.session() as session:
        assert [e.reason for e in ledger.events(session, CASE)] == ["tip"]


@pytest.mark.parametrize(
    ("stream", "actor"),
    [(Stream("case", ""), "ana"), (Stream("case", "C-1"), "  "), (Stream("x" * 41, "1"), "a")],
)
def test_what_the_table_cannot_hold_is_refused_before_anything_is_written(
    sqlite_database: Database, stream: Stream, actor: str
) -> None:
    with pytest.raises(InvalidInput), sqlite_database.session() as session:
        append(session, stream, "opened", actor, "why")
    assert _count(sqlite_database) == 0


def test_two_events_can_never_share_a_number_in_a_stream(database: Database) -> None:
    with database.session() as session:
        append(session, CASE, "opened", "ana", "tip")
    row = {"stream_kind": "case", "stream_id": "C-1", "seq": 1, "kind": "forged"}
    row |= {"actor": "eve", "at": "2025-01-01T00:00:00.000000Z", "reason": "", "payload": "{}"}
    with pytest.raises(IntegrityError), database.session() as session:
        session.execute(insert(LedgerEventRow).values(row))
    assert _count(database) == 1


def test_concurrent_appends_to_one_stream_take_consecutive_numbers(database: Database) -> None:
    """The second writer waits for the first to commit, then takes the next number."""
    done: list[int] = []
    with database.session() as session:  # the audit chain's head row exists from now on
        append(session, OTHER, "opened", "bob", "referral")

    def second_writer() -> None:
        with database.session() as session:
            done.append(append(session, CASE, "note", "bob", "meanwhile").seq)

    with database.session() as session:
        first = append(session, CASE, "opened", "ana", "tip").seq
        writer = threading.Thread(target=second_writer)
        writer.start()
        time.sleep(0.5)  # the second append is now waiting on the first transaction
        assert done == []
    writer.join(timeout=30)
    with database.session() as session:
        numbers = [e.seq for e in ledger.events(session, CASE)]
    assert (first, done, numbers) == (1, [2], [1, 2])


def test_the_clock_decides_when_an_event_is_stamped(sqlite_database: Database) -> None:
    with sqlite_database.session() as session:
        event = append(session, CASE, "opened", "ana", "tip", clock=FixedClock.on(date(2030, 1, 2)))
    assert event.at == "2030-01-02T12:00:00.000000Z"
