"""The audit log: every write, every sign-in and every read of a protected field.

Each row carries the SHA-256 of the previous row, so changing, inserting or deleting a row
breaks the chain at that row; `verify_chain` walks it and names the first broken row.
A one-row head table (last sequence number and hash) is updated in the same transaction as
each append, which serialises writers and catches rows deleted from the end.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ctip.store.db import utc_now
from ctip.store.paging import Listing, ListingField
from ctip.store.tables import AuditEvent, AuditHead

GENESIS_HASH = "0" * 64
HEAD_ID = 1
VERIFY_BATCH = 5000


def row_hash(
    prev_hash: str, seq: int, at: str, actor: str, action: str, resource: str, detail: str
) -> str:
    """The hash that chains a row to its predecessor."""
    payload = json.dumps([prev_hash, seq, at, actor, action, resource, detail], ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _claim_next_seq(session: Session) -> tuple[int, str]:
    """Advance the head first (taking the write lock), then read the previous hash."""
    bumped = session.execute(
        update(AuditHead).where(AuditHead.id == HEAD_ID).values(seq=AuditHead.seq + 1)
    )
    if bumped.rowcount == 0:  # type: ignore[attr-defined]
        session.add(AuditHead(id=HEAD_ID, seq=1, hash=GENESIS_HASH))
        session.flush()
    head = session.execute(
        select(AuditHead).where(AuditHead.id == HEAD_ID).with_for_update()
    ).scalar_one()
    return head.seq, head.hash


def record(
    session: Session,
    actor: str,
    action: str,
    resource: str,
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event in the caller's transaction (it commits or rolls back with the work)."""
    seq, prev_hash = _claim_next_seq(session)
    at = utc_now()
    detail_text = json.dumps(detail or {}, sort_keys=True, ensure_ascii=False, default=str)
    digest = row_hash(prev_hash, seq, at, actor, action, resource, detail_text)
    event = AuditEvent(
        seq=seq,
        at=at,
        actor=actor,
        action=action,
        resource=resource,
        detail=detail_text,
        prev_hash=prev_hash,
        hash=digest,
    )
    session.add(event)
    session.execute(update(AuditHead).where(AuditHead.id == HEAD_ID).values(hash=digest))
    return event


@dataclass(frozen=True)
class ChainReport:
    """The result of walking the chain: `first_bad_seq` is None when it is intact."""

    rows_checked: int
    first_bad_seq: int | None = None
    problem: str | None = None

    @property
    def ok(self) -> bool:
        """Whether every row is as it was written."""
        return self.first_bad_seq is None


def _events(session: Session) -> Iterator[AuditEvent]:
    """All events in sequence order, fetched in batches."""
    last = 0
    while True:
        batch = (
            session.execute(
                select(AuditEvent)
                .where(AuditEvent.seq > last)
                .order_by(AuditEvent.seq)
                .limit(VERIFY_BATCH)
            )
            .scalars()
            .all()
        )
        if not batch:
            return
        yield from batch
        last = batch[-1].seq


def _row_problem(event: AuditEvent, expected_seq: int, prev_hash: str) -> str | None:
    """What is wrong with one row given what the chain expects, or None."""
    if event.seq != expected_seq:
        return f"rows {expected_seq}..{event.seq - 1} are missing (deleted)"
    if event.prev_hash != prev_hash:
        return "the previous-hash link does not match (a row was inserted, deleted or changed)"
    recomputed = row_hash(
        event.prev_hash,
        event.seq,
        event.at,
        event.actor,
        event.action,
        event.resource,
        event.detail,
    )
    if recomputed != event.hash:
        return "the row's content does not match its hash (the row was changed)"
    return None


def verify_chain(session: Session) -> ChainReport:
    """Walk the log from the first row and report the first row that is not as written."""
    expected_seq, prev_hash, checked = 1, GENESIS_HASH, 0
    for event in _events(session):
        problem = _row_problem(event, expected_seq, prev_hash)
        if problem is not None:
            return ChainReport(checked, min(event.seq, expected_seq), problem)
        checked += 1
        expected_seq, prev_hash = event.seq + 1, event.hash
    return _check_head(session, checked, expected_seq, prev_hash)


def _check_head(session: Session, checked: int, next_seq: int, last_hash: str) -> ChainReport:
    """The head must point at the last row; otherwise rows were cut from the end."""
    head = session.get(AuditHead, HEAD_ID)
    head_seq, head_hash = (head.seq, head.hash) if head else (0, GENESIS_HASH)
    if head_seq > next_seq - 1:
        return ChainReport(
            checked, next_seq, f"rows {next_seq}..{head_seq} at the end are missing (deleted)"
        )
    if head_seq != next_seq - 1 or head_hash != last_hash:
        return ChainReport(
            checked, next_seq - 1, "the last row does not match the head (rows were rewritten)"
        )
    return ChainReport(checked)


def recent_events(session: Session, limit: int = 100, offset: int = 0) -> list[AuditEvent]:
    """The newest events first, for the audit page and API."""
    query = select(AuditEvent).order_by(AuditEvent.seq.desc()).limit(limit).offset(offset)
    return list(session.execute(query).scalars().all())


def event_listing() -> Listing[AuditEvent]:
    """The log for the workbench's table, paged in SQL (newest first by default): a log of
    millions of rows is never read whole to show a page of it."""
    fields = {
        "seq": ListingField(AuditEvent.seq),
        "at": ListingField(AuditEvent.at),
        "actor": ListingField(AuditEvent.actor, match="contains", searched=True),
        "action": ListingField(AuditEvent.action, match="contains", searched=True),
        "resource": ListingField(AuditEvent.resource, searched=True),
        "detail": ListingField(AuditEvent.detail, sortable=False, searched=True),
    }
    return Listing(select(AuditEvent), fields, lambda row: row[0], (AuditEvent.seq.desc(),))
