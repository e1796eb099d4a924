"""The audit chain catches a changed, inserted or deleted row, on both backends."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, insert, select, update

from ctip.authz import audit
from ctip.store.db import Database
from ctip.store.tables import AuditEvent


@pytest.fixture
def logged(database: Database) -> Database:
    """A log of ten events."""
    with database.session() as session:
        for n in range(1, 11):
            audit.record(session, f"user{n}", "entities.import", f"source:s{n}", {"n": n})
    return database


def _verify(database: Database) -> audit.ChainReport:
    with database.session() as session:
        return audit.verify_chain(session)


def test_intact_chain_verifies(logged: Database) -> None:
    report = _verify(logged)
    assert report.ok and report.rows_checked == 10


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


def test_forged_row_with_recomputed_hash_breaks_the_next_link(logged: Database) -> None:
    with logged.session() as session:
        row = session.execute(select(AuditEvent).where(AuditEvent.seq == 3)).scalar_one()
        row.detail = '{"n": 999}'
        row.hash = audit.row_hash(
            row.prev_hash, row.seq, row.at, row.actor, row.action, row.resource, row.detail
        )
    report = _verify(logged)
    assert report.first_bad_seq == 4
    assert "previous-hash" in (report.problem or "")


def test_rolled_back_work_leaves_no_audit_row(logged: Database) -> None:
    with pytest.raises(RuntimeError), logged.session() as session:
        audit.record(session, "x", "user.add", "user:x")
        raise RuntimeError("abort")
    assert _verify(logged).rows_checked == 10
