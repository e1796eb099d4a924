"""The audit chain catches a changed, inserted or deleted row, on both backends; the key and
the checkpoints outside the database catch a rewritten chain and a cut-off tail."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session

from ctip.authz import audit, checkpoints
from ctip.store.db import Database
from ctip.store.tables import AuditEvent, AuditHead

KEY = b"k" * 40


@pytest.fixture(autouse=True)
def sealing(tmp_path: Path) -> Iterator[audit.Sealing]:
    """A known key and a checkpoint file of this test's own (checkpoints every 1000 rows)."""
    chosen = audit.Sealing(KEY, 1000, tmp_path / "checkpoints.jsonl")
    audit.configure(chosen)
    yield chosen
    audit.configure(None)


@pytest.fixture
def logged(database: Database) -> Database:
    """A log of ten events."""
    with database.session() as session:
        _append(session, 10)
    return database


def _append(session: Session, count: int, first: int = 1) -> None:
    for n in range(first, first + count):
        audit.record(session, f"user{n}", "entities.import", f"source:s{n}", {"n": n})


def _verify(database: Database, *, full: bool = False) -> audit.ChainReport:
    with database.session() as session:
        return audit.verify_chain(session, full=full)


def _verify_and_checkpoint(database: Database) -> audit.ChainReport:
    with database.session() as session:
        report = audit.run_verification(session, "cli:auditor")
    assert report.ok, report.problem
    return report


def _rewrite_without_key(session: Session) -> None:
    """What someone who can write the database but lacks the key can do: change a row and
    recompute every hash after it with plain SHA-256, then move the head to match."""
    prev = audit.GENESIS_HASH
    for row in session.execute(select(AuditEvent).order_by(AuditEvent.seq)).scalars():
        if row.seq == 2:
            row.detail = '{"n": 999}'
        row.scheme, row.prev_hash = audit.PLAIN, prev
        row.hash = audit.row_hash(
            prev, row.seq, row.at, row.actor, row.action, row.resource, row.detail
        )
        prev = row.hash
    session.flush()
    session.execute(update(AuditHead).values(hash=prev))


def test_intact_chain_verifies(logged: Database) -> None:
    report = _verify(logged)
    assert report.ok and report.rows_checked == 10


def test_new_rows_are_keyed(logged: Database) -> None:
    with logged.session() as session:
        row = session.execute(select(AuditEvent).where(AuditEvent.seq == 1)).scalar_one()
    assert row.scheme == audit.KEYED
    fields = (row.prev_hash, row.seq, row.at, row.actor, row.action, row.resource, row.detail)
    assert row.hash == audit.keyed_row_hash(KEY, *fields) != audit.row_hash(*fields)


def test_changed_row_is_named(logged: Database) -> None:
    with logged.session() as session:
        session.execute(update(AuditEvent).where(AuditEvent.seq == 4).values(actor="someone-else"))
    report = _verify(logged)
    assert (report.first_bad_seq, report.rows_checked) == (4, 3)
    assert "changed" in (report.problem or "")


def test_deleted_row_is_named(logged: Database) -> None:
    with logged.session() as session:
        session.execute(delete(AuditEvent).where(AuditEvent.seq == 6))
    report = _verify(logged)
    assert report.first_bad_seq == 6
    assert "missing" in (report.problem or "")


def test_deleted_last_rows_are_caught(logged: Database) -> None:
    with logged.session() as session:
        session.execute(delete(AuditEvent).where(AuditEvent.seq >= 9))
    report = _verify(logged)
    assert report.first_bad_seq == 9


def test_inserted_row_is_named(logged: Database) -> None:
    with logged.session() as session:
        row = session.execute(select(AuditEvent).where(AuditEvent.seq == 5)).scalar_one()
        session.execute(
            update(AuditEvent).where(AuditEvent.seq > 5).values(seq=AuditEvent.seq + 100)
        )
        forged = {c: getattr(row, c) for c in ("at", "actor", "action", "resource", "detail")}
        session.execute(
            insert(AuditEvent).values(seq=6, prev_hash=row.hash, hash="f" * 64, **forged)
        )
    report = _verify(logged)
    assert report.first_bad_seq == 6


def test_row_rehashed_without_the_key_is_named_at_the_row(logged: Database) -> None:
    """Behaviour changed with keyed hashing: a row rehashed with plain SHA-256 no longer
    passes as its own and breaks the next link; the forged row itself is named."""
    with logged.session() as session:
        row = session.execute(select(AuditEvent).where(AuditEvent.seq == 3)).scalar_one()
        row.detail = '{"n": 999}'
        row.hash = audit.row_hash(
            row.prev_hash, row.seq, row.at, row.actor, row.action, row.resource, row.detail
        )
    report = _verify(logged)
    assert report.first_bad_seq == 3
    assert "keyed hash" in (report.problem or "")


def test_row_rehashed_with_another_key_is_named(logged: Database) -> None:
    with logged.session() as session:
        row = session.execute(select(AuditEvent).where(AuditEvent.seq == 3)).scalar_one()
        row.detail = '{"n": 999}'
        fields = (row.prev_hash, row.seq, row.at, row.actor, row.action, row.resource, row.detail)
        row.hash = audit.keyed_row_hash(b"guessed-key", *fields)
    assert _verify(logged).first_bad_seq == 3


def test_plain_row_after_a_keyed_row_is_a_forgery(logged: Database) -> None:
    with logged.session() as session:
        row = session.execute(select(AuditEvent).where(AuditEvent.seq == 10)).scalar_one()
        row.scheme = audit.PLAIN
        row.hash = audit.row_hash(
            row.prev_hash, row.seq, row.at, row.actor, row.action, row.resource, row.detail
        )
        session.flush()
        session.execute(update(AuditHead).values(hash=row.hash))
    report = _verify(logged)
    assert report.first_bad_seq == 10
    assert "without the key" in (report.problem or "")


def test_rows_from_before_keyed_hashing_still_verify(database: Database) -> None:
    """Rows the plain SHA-256 chain wrote before the upgrade verify, and the chain goes on keyed."""
    with database.session() as session:
        _append(session, 4)
        _rewrite_without_key(session)
    with database.session() as session:
        _append(session, 3, first=5)
    report = _verify(database)
    assert report.ok and report.rows_checked == 7


def test_the_whole_chain_recomputed_without_the_key_is_caught(logged: Database) -> None:
    _verify_and_checkpoint(logged)
    with logged.session() as session:
        _rewrite_without_key(session)
    for full in (False, True):
        report = _verify(logged, full=full)
        assert not report.ok, full
    assert "rewritten" in (_verify(logged).problem or "")
    assert _verify(logged, full=True).first_bad_seq == 1


def test_tail_deleted_and_head_rewound_is_caught(logged: Database) -> None:
    _verify_and_checkpoint(logged)
    with logged.session() as session:
        seven = session.execute(select(AuditEvent).where(AuditEvent.seq == 7)).scalar_one()
        session.execute(delete(AuditEvent).where(AuditEvent.seq > 7))
        session.execute(update(AuditHead).values(seq=7, hash=seven.hash))
    for full in (False, True):
        report = _verify(logged, full=full)
        assert not report.ok and "cut from the end" in (report.problem or ""), full
    assert _verify(logged, full=True).first_bad_seq == 8


def test_tail_rewound_and_written_again_is_caught(logged: Database) -> None:
    """Cut back to row 7, then let the application append again past the checkpoint."""
    _verify_and_checkpoint(logged)
    with logged.session() as session:
        seven = session.execute(select(AuditEvent).where(AuditEvent.seq == 7)).scalar_one()
        session.execute(delete(AuditEvent).where(AuditEvent.seq > 7))
        session.execute(update(AuditHead).values(seq=7, hash=seven.hash))
    with logged.session() as session:
        _append(session, 6, first=100)
    assert not _verify(logged).ok
    report = _verify(logged, full=True)
    assert report.first_bad_seq == 10 and "checkpoint" in (report.problem or "")


def test_verification_resumes_from_the_last_verified_checkpoint(logged: Database) -> None:
    first = _verify_and_checkpoint(logged)
    assert (first.rows_walked, first.from_seq) == (10, 0)
    with logged.session() as session:
        _append(session, 3, first=11)
    report = _verify(logged)
    assert report.ok and report.from_seq == 10
    assert (report.rows_walked, report.rows_checked) == (4, 14)
    assert _verify(logged, full=True).rows_walked == 14


def test_changes_after_the_checkpoint_are_caught_incrementally(logged: Database) -> None:
    _verify_and_checkpoint(logged)
    with logged.session() as session:
        _append(session, 5, first=11)
        session.flush()
        session.execute(update(AuditEvent).where(AuditEvent.seq == 13).values(actor="someone"))
    assert _verify(logged).first_bad_seq == 13


def test_a_row_inserted_after_the_checkpoint_is_caught_incrementally(logged: Database) -> None:
    _verify_and_checkpoint(logged)
    with logged.session() as session:
        _append(session, 3, first=11)
    with logged.session() as session:
        row = session.execute(select(AuditEvent).where(AuditEvent.seq == 12)).scalar_one()
        session.execute(
            update(AuditEvent).where(AuditEvent.seq > 12).values(seq=AuditEvent.seq + 100)
        )
        forged = {c: getattr(row, c) for c in ("at", "actor", "action", "resource", "detail")}
        session.execute(
            insert(AuditEvent).values(
                seq=13, prev_hash=row.hash, hash="f" * 64, scheme=audit.KEYED, **forged
            )
        )
    assert _verify(logged).first_bad_seq == 13


def test_a_change_before_the_checkpoint_needs_the_full_walk(logged: Database) -> None:
    """Incremental verification trusts what an earlier verification found intact; --full
    re-reads it, and the change shows."""
    _verify_and_checkpoint(logged)
    with logged.session() as session:
        session.execute(update(AuditEvent).where(AuditEvent.seq == 4).values(actor="someone"))
    assert _verify(logged).ok
    assert _verify(logged, full=True).first_bad_seq == 4


def test_an_edited_checkpoint_line_is_reported(
    logged: Database, sealing: audit.Sealing, tmp_path: Path
) -> None:
    _verify_and_checkpoint(logged)
    path = tmp_path / "checkpoints.jsonl"
    line = json.loads(path.read_text())
    line["seq"] = 3
    path.write_text(json.dumps(line) + "\n")
    report = _verify(logged)
    assert not report.ok and "not signed" in (report.problem or "")


def test_verification_is_recorded_and_checkpointed(logged: Database, tmp_path: Path) -> None:
    report = _verify_and_checkpoint(logged)
    with logged.session() as session:
        last = audit.last_verification(session)
        latest = audit.latest_checkpoint(session)
    assert last is not None and last.ok and last.actor == "cli:auditor"
    assert last.rows_checked == report.rows_checked == 10
    assert latest is not None and (latest.seq, latest.kind) == (10, checkpoints.VERIFY)


def test_a_broken_chain_is_recorded_but_not_checkpointed(logged: Database, tmp_path: Path) -> None:
    with logged.session() as session:
        session.execute(update(AuditEvent).where(AuditEvent.seq == 4).values(actor="someone"))
    with logged.session() as session:
        report = audit.run_verification(session, "cli:auditor", full=True)
    assert not report.ok
    with logged.session() as session:
        last = audit.last_verification(session)
        assert audit.latest_checkpoint(session) is None
    assert last is not None and not last.ok and last.first_bad_seq == 4


def test_every_nth_append_is_checkpointed_once_committed(
    database: Database, tmp_path: Path
) -> None:
    audit.configure(audit.Sealing(KEY, 3, tmp_path / "every3.jsonl"))
    with database.session() as session:
        _append(session, 7)
    with pytest.raises(RuntimeError), database.session() as session:
        _append(session, 2, first=8)  # row 9 would be checkpointed, but rolls back
        raise RuntimeError("abort")
    book = checkpoints.read(tmp_path / "every3.jsonl", KEY)
    assert [(c.seq, c.kind) for c in book.checkpoints] == [
        (3, checkpoints.APPEND),
        (6, checkpoints.APPEND),
    ]
    assert _verify(database).ok


def test_rows_written_under_another_key_do_not_verify(logged: Database, tmp_path: Path) -> None:
    other = audit.Sealing(b"another-key" * 4, 1000, tmp_path / "other.jsonl")
    with logged.session() as session:
        report = audit.verify_chain(session, sealing=other)
    assert report.first_bad_seq == 1


def test_rolled_back_work_leaves_no_audit_row(logged: Database) -> None:
    with pytest.raises(RuntimeError), logged.session() as session:
        audit.record(session, "x", "user.add", "user:x")
        raise RuntimeError("abort")
    assert _verify(logged).rows_checked == 10
