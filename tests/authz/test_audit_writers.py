"""Writers appending to the audit chain at the same time, on both backends: each claims its
own sequence number, chains to the row before it, and a writer that rolls back leaves its
number to the next one, so the chain verifies with no gap and no fork."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from ctip.authz import audit
from ctip.store.db import Database
from ctip.store.tables import AuditEvent, AuditHead

KEY = b"w" * 40
WRITERS = 6
ROWS_EACH = 15
WAIT_S = 0.5


@pytest.fixture(autouse=True)
def sealing(tmp_path: Path) -> Iterator[audit.Sealing]:
    """A known key and this test's own checkpoint file, checkpointing every 7 rows so that
    concurrent writers also cross checkpoints."""
    chosen = audit.Sealing(KEY, 7, tmp_path / "checkpoints.jsonl")
    audit.configure(chosen)
    yield chosen
    audit.configure(None)


def _verified(database: Database) -> audit.ChainReport:
    with database.session() as session:
        report = audit.verify_chain(session, full=True)
    assert report.ok, report.problem
    return report


def _rows(database: Database) -> list[AuditEvent]:
    with database.session() as session:
        query = select(AuditEvent).order_by(AuditEvent.seq)
        return list(session.execute(query).scalars().all())


def _record_in_thread(database: Database, actor: str, seqs: list[int]) -> threading.Thread:
    """Start a writer appending one row in its own session; its number lands in `seqs`."""

    def write() -> None:
        with database.session() as session:
            seqs.append(audit.record(session, actor, "screen.run", "list:uflpa").seq)

    writer = threading.Thread(target=write)
    writer.start()
    return writer


def test_concurrent_writers_leave_one_chain_with_no_gap_or_fork(database: Database) -> None:
    """Writers start together on an empty log (so they also race to create its head)."""
    start = threading.Barrier(WRITERS)
    failures: list[BaseException] = []

    def writer(number: int) -> None:
        try:
            start.wait(10)
            for n in range(ROWS_EACH):
                with database.session() as session:
                    audit.record(session, f"writer{number}", "screen.run", "list:x", {"n": n})
        except BaseException as error:  # reported below, with the chain's state
            failures.append(error)

    threads = [threading.Thread(target=writer, args=(w,)) for w in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert failures == []
    report = _verified(database)
    total = WRITERS * ROWS_EACH
    assert report.rows_checked == report.head_seq == total
    rows = _rows(database)
    assert [row.seq for row in rows] == list(range(1, total + 1))
    assert len({row.hash for row in rows}) == total
    for number in range(WRITERS):
        own = [row.detail for row in rows if row.actor == f"writer{number}"]
        assert own == [f'{{"n": {n}}}' for n in range(ROWS_EACH)]


def test_a_second_writer_waits_for_the_first_and_chains_to_its_row(database: Database) -> None:
    """On an empty log: the first writer makes the head; the second waits, then follows."""
    seqs: list[int] = []
    with database.session() as session:
        first = audit.record(session, "ana", "screen.run", "list:uflpa")
        second = _record_in_thread(database, "bob", seqs)
        second.join(WAIT_S)
        assert seqs == []  # held on the first writer's transaction
    second.join(30)
    rows = _rows(database)
    assert (first.seq, seqs) == (1, [2])
    assert [(row.actor, row.prev_hash) for row in rows] == [
        ("ana", audit.GENESIS_HASH),
        ("bob", first.hash),
    ]
    assert _verified(database).head_seq == 2


def test_a_writer_that_rolls_back_leaves_its_number_to_the_next(database: Database) -> None:
    with database.session() as session:
        audit.record(session, "ana", "user.add", "user:x")
    seqs: list[int] = []
    with pytest.raises(RuntimeError), database.session() as session:
        audit.record(session, "eve", "user.add", "user:y")
        second = _record_in_thread(database, "bob", seqs)
        second.join(WAIT_S)
        assert seqs == []
        raise RuntimeError("the work failed")
    second.join(30)
    assert seqs == [2]
    assert [row.actor for row in _rows(database)] == ["ana", "bob"]
    assert _verified(database).head_seq == 2


def test_a_row_in_a_rolled_back_savepoint_is_gone_with_it(database: Database) -> None:
    with database.session() as session:
        audit.record(session, "ana", "cases.add", "case:1")
        with pytest.raises(RuntimeError), session.begin_nested():
            audit.record(session, "eve", "cases.add", "case:2")
            raise RuntimeError("undo this part")
        after = audit.record(session, "ana", "cases.add", "case:3")
    assert after.seq == 2
    assert [row.resource for row in _rows(database)] == ["case:1", "case:3"]
    assert _verified(database).head_seq == 2


def test_the_returned_event_is_the_stored_row(database: Database) -> None:
    with database.session() as session:
        audit.record(session, "ana", "user.add", "user:x")
        event = audit.record(session, "ana", "entity.read", "entity:Q1", {"rows": 3, "é": "ü"})
    with database.session() as session:
        stored = session.get(AuditEvent, event.seq)
        head = session.get(AuditHead, audit.HEAD_ID)
    assert stored is not None and head is not None
    columns = ("seq", "at", "actor", "action", "resource", "detail", "prev_hash", "hash")
    assert [getattr(stored, c) for c in (*columns, "scheme")] == [
        getattr(event, c) for c in (*columns, "scheme")
    ]
    assert (head.seq, head.hash) == (event.seq, event.hash)
    assert stored.detail == '{"rows": 3, "é": "ü"}'
