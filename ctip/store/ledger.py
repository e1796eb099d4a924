"""The append-only ledger: human decisions and workflow steps as events, state computed from them.

A stream is one thing whose history is kept (a detention, a pair of records an analyst
judged; later a case, a relief request, a tip). Each event says who, when, what, why, with a
JSON payload, and takes the next number in its stream. Nothing here updates or deletes an
event (the mapper refuses it too): the current state is always a fold over the events, so a
wrong step is corrected by a later one and the record of the mistake stays.

Every append writes an audit row in the same transaction: the caller hands in the audit
log's `record` (`ctip.authz.audit.record`, which sits above the store, so the store does not
import it), and `append` cannot be called without one. The audit append runs first and takes
the audit head's write lock, which serialises appends, so the next number read afterwards is
current; the unique (stream, seq) constraint is the backstop that makes a duplicate
impossible rather than merely unlikely.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from sqlalchemy import event, func, insert, select
from sqlalchemy.orm import Session

from ctip.model.clock import SYSTEM_CLOCK, Clock, iso_utc
from ctip.model.errors import InvalidInput
from ctip.store.tables import LedgerEventRow

State = TypeVar("State")
MAX_KIND = 40
MAX_STREAM_ID = 520
MAX_ACTOR = 100


@dataclass(frozen=True)
class Stream:
    """Whose history: a kind of record ("trade_detention") and its id."""

    kind: str
    id: str

    @property
    def resource(self) -> str:
        """How the audit log names the stream."""
        return f"{self.kind}:{self.id}"


@dataclass(frozen=True)
class LedgerEvent:
    """One event as read back: its number in the stream, who, when, what, why, payload."""

    id: int
    stream: Stream
    seq: int
    kind: str
    actor: str
    at: str
    reason: str
    payload: dict[str, Any]


class Auditor(Protocol):
    """The audit log's append (`ctip.authz.audit.record`): one row in the caller's
    transaction, taking the audit chain's write lock."""

    def __call__(
        self,
        session: Session,
        actor: str,
        action: str,
        resource: str,
        detail: dict[str, Any] | None = None,
    ) -> object:
        """Append one audit row."""
        ...


class AppendOnly(RuntimeError):
    """Code tried to change or remove a ledger event (a bug, never the user's doing)."""


def _refuse_change(_mapper: Any, _connection: Any, target: LedgerEventRow) -> None:
    raise AppendOnly(f"ledger event {target.id} cannot be changed or removed: append instead")


event.listen(LedgerEventRow, "before_update", _refuse_change)
event.listen(LedgerEventRow, "before_delete", _refuse_change)


def _check(stream: Stream, kind: str, actor: str) -> None:
    """Refuse what the table could not hold, before anything is written."""
    for name, value, limit in (
        ("stream kind", stream.kind, MAX_KIND),
        ("stream id", stream.id, MAX_STREAM_ID),
        ("event kind", kind, MAX_KIND),
        ("actor", actor, MAX_ACTOR),
    ):
        if not value.strip() or len(value) > limit:
            raise InvalidInput(f"{name} {value[:60]!r}: 1 to {limit} characters")


def append(
    session: Session,
    stream: Stream,
    kind: str,
    actor: str,
    reason: str,
    payload: dict[str, Any] | None = None,
    *,
    audit: Auditor,
    audit_action: str | None = None,
    clock: Clock = SYSTEM_CLOCK,
) -> LedgerEvent:
    """Add one event at the end of a stream, audited in the caller's transaction by `audit`.

    `audit_action` names the audit row (default "<stream kind>.<event kind>").
    """
    _check(stream, kind, actor)
    body = payload or {}
    detail = {"event": kind, "why": reason, **body}
    audit(session, actor, audit_action or f"{stream.kind}.{kind}", stream.resource, detail)
    at = iso_utc(clock.now())
    text = json.dumps(body, sort_keys=True, ensure_ascii=False)
    event_id, seq = session.execute(_insert(stream, kind, actor, at, reason, text)).one()
    return LedgerEvent(event_id, stream, seq, kind, actor, at, reason, body)


def _insert(stream: Stream, kind: str, actor: str, at: str, reason: str, payload: str) -> Any:
    """One statement that numbers and writes the event (no gap between read and write)."""
    next_seq = (
        select(func.coalesce(func.max(LedgerEventRow.seq), 0) + 1)
        .where(LedgerEventRow.stream_kind == stream.kind, LedgerEventRow.stream_id == stream.id)
        .scalar_subquery()
    )
    values = {"stream_kind": stream.kind, "stream_id": stream.id, "seq": next_seq}
    values |= {"kind": kind, "actor": actor, "at": at, "reason": reason, "payload": payload}
    return insert(LedgerEventRow).values(values).returning(LedgerEventRow.id, LedgerEventRow.seq)


def _event(row: LedgerEventRow) -> LedgerEvent:
    return LedgerEvent(
        row.id,
        Stream(row.stream_kind, row.stream_id),
        row.seq,
        row.kind,
        row.actor,
        row.at,
        row.reason,
        json.loads(row.payload),
    )


def events(session: Session, stream: Stream) -> list[LedgerEvent]:
    """A stream's events in the order they were appended."""
    rows = session.scalars(
        select(LedgerEventRow)
        .where(LedgerEventRow.stream_kind == stream.kind, LedgerEventRow.stream_id == stream.id)
        .order_by(LedgerEventRow.seq)
    )
    return [_event(row) for row in rows]


def streams(
    session: Session, stream_kind: str, ids: Iterable[str] | None = None
) -> dict[str, list[LedgerEvent]]:
    """Stream id -> its events in order, for every stream of a kind (or the given ids)."""
    query = select(LedgerEventRow).where(LedgerEventRow.stream_kind == stream_kind)
    if ids is not None:
        query = query.where(LedgerEventRow.stream_id.in_(list(ids)))
    grouped: dict[str, list[LedgerEvent]] = {}
    for row in session.scalars(query.order_by(LedgerEventRow.stream_id, LedgerEventRow.seq)):
        grouped.setdefault(row.stream_id, []).append(_event(row))
    return grouped


def fold(
    session: Session,
    stream: Stream,
    reducer: Callable[[State, LedgerEvent], State],
    initial: State,
) -> State:
    """The stream's current state: `reducer` applied to each event in order from `initial`."""
    state = initial
    for item in events(session, stream):
        state = reducer(state, item)
    return state


def count(session: Session, stream_kind: str) -> int:
    """How many events the streams of a kind hold."""
    query = select(func.count()).where(LedgerEventRow.stream_kind == stream_kind)
    return int(session.scalar(query) or 0)


def latest(session: Session, stream_kind: str) -> dict[str, LedgerEvent]:
    """Stream id -> its newest event, for every stream of a kind (what a queue shows)."""
    newest = (
        select(LedgerEventRow.stream_id, func.max(LedgerEventRow.seq).label("seq"))
        .where(LedgerEventRow.stream_kind == stream_kind)
        .group_by(LedgerEventRow.stream_id)
        .subquery()
    )
    rows = session.scalars(
        select(LedgerEventRow)
        .join(
            newest,
            (LedgerEventRow.stream_id == newest.c.stream_id) & (LedgerEventRow.seq == newest.c.seq),
        )
        .where(LedgerEventRow.stream_kind == stream_kind)
        .order_by(LedgerEventRow.stream_id)
    )
    return {row.stream_id: _event(row) for row in rows}
