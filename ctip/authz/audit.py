"""The audit log: every write, every sign-in and every read of a protected field.

Each row carries the hash of the previous row, so changing, inserting or deleting a row
breaks the chain at that row; `verify_chain` walks it and names the first broken row.
A one-row head table (last sequence number and hash) is updated in the same transaction as
each append, which serialises writers and catches rows deleted from the end.

Whoever can write the database could still rewrite a plain hash chain end to end. So each row
is chained with HMAC-SHA256 under a key the database does not hold (CTIP_AUDIT_KEY or
CTIP_AUDIT_KEY_FILE): a recomputed row does not match without the key. Rows written before
keyed hashing keep their plain SHA-256 (`scheme` 1) and still verify, but a plain row after a
keyed row, or after the first checkpoint, is a forgery. Signed checkpoints outside the
database (`ctip.authz.checkpoints`), written every N appends and after every verification,
catch the tail cut off and the head rewound, and let verification start from the last
point a verification found intact instead of walking millions of rows again.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from sqlalchemy import Connection, Executable, Table, bindparam, event, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import BindParameter

from ctip.authz import checkpoints
from ctip.authz.checkpoints import Checkpoint, CheckpointBook
from ctip.config import Settings, get_settings
from ctip.store.db import utc_now
from ctip.store.paging import Listing, ListingField
from ctip.store.tables import AuditEvent, AuditHead

GENESIS_HASH = "0" * 64
HEAD_ID = 1
VERIFY_BATCH = 5000
PLAIN = 1
"""Scheme of rows written before keyed hashing: SHA-256 of the row and the previous hash."""
KEYED = 2
"""Scheme of every row written now: HMAC-SHA256 under the audit key."""
VERIFY_ACTION = "audit.verify"
LOG_RESOURCE = "audit-log"
_PENDING = "ctip.audit.pending_checkpoints"
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Sealing:
    """How the chain is sealed: the key, where checkpoints go, and how often."""

    key: bytes
    checkpoint_every: int
    checkpoint_file: Path | None = None

    def checkpoint_path(self, session: Session) -> Path:
        """The configured checkpoint file, or the default beside this session's database."""
        if self.checkpoint_file is not None:
            return self.checkpoint_file
        return checkpoints.default_path(str(session.get_bind().engine.url))


_configured: Sealing | None = None
_from_settings: tuple[Settings, Sealing] | None = None


def configure(sealing: Sealing | None) -> None:
    """Seal with `sealing` instead of the process settings (None: back to the settings)."""
    global _configured
    _configured = sealing


def current_sealing() -> Sealing:
    """The sealing in force: configured, else read from the process settings (once each)."""
    global _from_settings
    if _configured is not None:
        return _configured
    settings = get_settings()
    if _from_settings is None or _from_settings[0] is not settings:
        _from_settings = (settings, sealing_from(settings))
    return _from_settings[1]


def sealing_from(settings: Settings) -> Sealing:
    """The sealing that settings describe."""
    return Sealing(
        settings.audit_signing_key(),
        settings.audit_checkpoint_every,
        settings.audit_checkpoint_file,
    )


def _payload(
    prev_hash: str, seq: int, at: str, actor: str, action: str, resource: str, detail: str
) -> bytes:
    return json.dumps(
        [prev_hash, seq, at, actor, action, resource, detail], ensure_ascii=False
    ).encode("utf-8")


def row_hash(
    prev_hash: str, seq: int, at: str, actor: str, action: str, resource: str, detail: str
) -> str:
    """The plain hash that chained rows before keyed hashing (scheme 1): anyone can compute
    it, which is why new rows are keyed."""
    return hashlib.sha256(_payload(prev_hash, seq, at, actor, action, resource, detail)).hexdigest()


def keyed_row_hash(
    key: bytes,
    prev_hash: str,
    seq: int,
    at: str,
    actor: str,
    action: str,
    resource: str,
    detail: str,
) -> str:
    """The keyed hash that chains a row to its predecessor (scheme 2)."""
    payload = _payload(prev_hash, seq, at, actor, action, resource, detail)
    return hmac.new(key, payload, hashlib.sha256).hexdigest()


_HEAD = cast(Table, AuditHead.__table__)
_LOG = cast(Table, AuditEvent.__table__)
_ROW_HASH: BindParameter[str] = bindparam("row_hash")
_ROW_FIELDS = ("seq", "at", "actor", "action", "resource", "detail", "prev_hash", "scheme")

_CLAIM = (
    update(_HEAD)
    .where(_HEAD.c.id == HEAD_ID)
    .values(seq=_HEAD.c.seq + 1)
    .returning(_HEAD.c.seq, _HEAD.c.hash)
)
"""Advance the head and read the previous hash in one statement, taking the write lock."""
_MOVE_HEAD = update(_HEAD).where(_HEAD.c.id == HEAD_ID).values(hash=_ROW_HASH)
_APPEND = insert(_LOG).values(
    {**{field: bindparam(f"row_{field}") for field in _ROW_FIELDS}, "hash": _ROW_HASH}
)
_APPEND_AND_MOVE_HEAD = _MOVE_HEAD.add_cte(_APPEND.cte("appended"))
"""PostgreSQL: the row and the head's new hash in one statement (one round trip)."""
# The statements above are built once: SQLAlchemy then reuses their compiled form, where a
# statement built per call costs more than the database's own work on SQLite.


def _claim_next_seq(connection: Connection) -> tuple[int, str]:
    """Advance the head first (taking the write lock) and read the previous hash, in one
    `UPDATE ... RETURNING`. The first row of a new log starts the head at 0 (ignored when a
    concurrent first writer started it already: the claim then waits for that writer)."""
    claimed = connection.execute(_CLAIM).first()
    if claimed is None:
        _start_head(connection)
        claimed = connection.execute(_CLAIM).one()
    return int(claimed.seq), str(claimed.hash)


def _start_head(connection: Connection) -> None:
    """The head row of an empty log, unless a concurrent writer has just made it."""
    values = {"id": HEAD_ID, "seq": 0, "hash": GENESIS_HASH}
    start: Executable
    if connection.dialect.name == "postgresql":
        start = postgresql.insert(_HEAD).values(values).on_conflict_do_nothing()
    else:
        start = sqlite.insert(_HEAD).values(values).on_conflict_do_nothing()
    connection.execute(start)


def _append(connection: Connection, row: dict[str, Any]) -> None:
    """Write the row and move the head's hash to it."""
    params = {f"row_{f}": row[f] for f in _ROW_FIELDS}
    params["row_hash"] = row["hash"]
    if connection.dialect.name == "postgresql":
        connection.execute(_APPEND_AND_MOVE_HEAD, params)
        return
    connection.execute(_APPEND, params)
    connection.execute(_MOVE_HEAD, params)


def record(
    session: Session,
    actor: str,
    action: str,
    resource: str,
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event in the caller's transaction (it commits or rolls back with the work);
    every N-th row is checkpointed outside the database once the transaction commits.

    The caller's pending objects are written first, as any ORM statement would (autoflush);
    the row itself goes in through Core statements built once, so an audited request pays
    two or three short statements for it, not the ORM's unit of work."""
    sealing = current_sealing()
    if session.autoflush:
        session.flush()
    connection = session.connection()
    seq, prev_hash = _claim_next_seq(connection)
    at = utc_now()
    detail_text = json.dumps(detail or {}, sort_keys=True, ensure_ascii=False, default=str)
    digest = keyed_row_hash(sealing.key, prev_hash, seq, at, actor, action, resource, detail_text)
    row: dict[str, Any] = {
        "seq": seq,
        "at": at,
        "actor": actor,
        "action": action,
        "resource": resource,
        "detail": detail_text,
        "prev_hash": prev_hash,
        "hash": digest,
        "scheme": KEYED,
    }
    _append(connection, row)
    if seq % sealing.checkpoint_every == 0:
        checkpoint = Checkpoint(
            seq, digest, seq, at, actor, checkpoints.APPEND, _first_keyed_row(session)
        )
        _checkpoint_on_commit(session, checkpoint)
    return AuditEvent(**row)


def record_read(
    session: Session,
    actor: str,
    action: str,
    resource: str,
    rows: int,
    **detail: Any,
) -> AuditEvent:
    """Record a read of entity data or a bulk export: who, what (`resource`) and how many
    rows left the store. An export is written to the log before its first line is sent, so a
    download cut short is still on record."""
    return record(session, actor, action, resource, {"rows": rows, **detail})


def _first_keyed_row(session: Session) -> int | None:
    """Where keyed hashing began (stops at the first keyed row, so it is quick)."""
    query = select(AuditEvent.seq).where(AuditEvent.scheme == KEYED).order_by(AuditEvent.seq)
    return session.scalar(query.limit(1))


def _checkpoint_on_commit(session: Session, checkpoint: Checkpoint) -> None:
    """Write `checkpoint` only if the transaction that made its row commits: a checkpoint of
    a rolled-back row would later look like rows cut from the log."""
    sealing = current_sealing()
    pending = session.info.setdefault(_PENDING, [])
    pending.append((sealing.checkpoint_path(session), sealing.key, checkpoint))


@event.listens_for(Session, "before_commit")
def _keep_checkpoints_of_rows_still_there(session: Session) -> None:
    """Drop checkpoints whose row a rolled-back savepoint took away."""
    pending = session.info.get(_PENDING)
    if not pending:
        return
    session.flush()
    session.info[_PENDING] = [
        item for item in pending if _row_hash_now(session, item[2].seq) == item[2].hash
    ]


def _row_hash_now(session: Session, seq: int) -> str | None:
    return session.scalar(select(AuditEvent.hash).where(AuditEvent.seq == seq))


@event.listens_for(Session, "after_commit")
def _write_pending_checkpoints(session: Session) -> None:
    """Append the committed rows' checkpoints. A failure is logged, not raised: the work is
    already committed, and the next verification reports the missing checkpoint's effect."""
    for path, key, checkpoint in session.info.pop(_PENDING, []):
        try:
            checkpoints.append(path, checkpoint, key)
        except OSError:
            log.exception("audit checkpoint of row %s not written to %s", checkpoint.seq, path)


@event.listens_for(Session, "after_rollback")
def _drop_pending_checkpoints(session: Session) -> None:
    session.info.pop(_PENDING, None)


@dataclass(frozen=True)
class ChainReport:
    """The result of checking the chain: `problem` is None when it is intact.

    `rows_checked` counts the rows known intact (those before the starting checkpoint were
    found intact by an earlier verification); `rows_walked` the rows read this time.
    """

    rows_checked: int
    first_bad_seq: int | None = None
    problem: str | None = None
    rows_walked: int = 0
    from_seq: int = 0
    head_seq: int = 0
    head_hash: str = GENESIS_HASH
    keyed_from: int | None = None

    @property
    def ok(self) -> bool:
        """Whether every row is as it was written."""
        return self.problem is None


@dataclass
class _Walk:
    """The state of a walk along the chain: what the next row must be."""

    key: bytes
    anchors: dict[int, Checkpoint]
    keyed_after: int | None
    expected_seq: int = 1
    prev_hash: str = GENESIS_HASH
    keyed_from: int | None = None
    checked: int = 0
    walked: int = 0
    first_bad: int | None = field(default=None)

    def step(self, row: AuditEvent) -> str | None:
        """Check one row; on success the walk moves past it."""
        problem = self._problem(row)
        if problem is not None:
            self.first_bad = min(row.seq, self.expected_seq)
            return problem
        if row.scheme == KEYED and self.keyed_from is None:
            self.keyed_from = row.seq
        self.expected_seq, self.prev_hash = row.seq + 1, row.hash
        self.checked += 1
        self.walked += 1
        return None

    def _problem(self, row: AuditEvent) -> str | None:
        if row.seq != self.expected_seq:
            return f"rows {self.expected_seq}..{row.seq - 1} are missing (deleted)"
        if row.prev_hash != self.prev_hash:
            return "the previous-hash link does not match (a row was inserted, deleted or changed)"
        return self._scheme_problem(row) or self._hash_problem(row) or self._anchor_problem(row)

    def _scheme_problem(self, row: AuditEvent) -> str | None:
        if row.scheme not in (PLAIN, KEYED):
            return f"the row names an unknown hash scheme {row.scheme}"
        after_keying = self.keyed_from is not None or (
            self.keyed_after is not None and row.seq > self.keyed_after
        )
        if row.scheme == PLAIN and after_keying:
            return (
                "the row is hashed without the key though keyed hashing had begun "
                "(its hash was recomputed without the key)"
            )
        return None

    def _hash_problem(self, row: AuditEvent) -> str | None:
        fields = (row.prev_hash, row.seq, row.at, row.actor, row.action, row.resource, row.detail)
        if row.scheme == PLAIN:
            if row_hash(*fields) != row.hash:
                return "the row's content does not match its hash (the row was changed)"
            return None
        if not hmac.compare_digest(keyed_row_hash(self.key, *fields), row.hash):
            return (
                "the row's content does not match its keyed hash (the row was changed, "
                "or its hash recomputed without the key)"
            )
        return None

    def _anchor_problem(self, row: AuditEvent) -> str | None:
        anchor = self.anchors.get(row.seq)
        if anchor is not None and anchor.hash != row.hash:
            return (
                f"the row does not match the checkpoint of {anchor.at} "
                "(the log was rewritten up to this row)"
            )
        return None


def _events(session: Session, after: int = 0) -> Iterator[AuditEvent]:
    """The events after row `after` in sequence order, fetched in batches."""
    last = after
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


def verify_chain(
    session: Session, *, full: bool = False, sealing: Sealing | None = None
) -> ChainReport:
    """Check the log against itself, the key and the checkpoints outside the database, and
    report the first row that is not as written.

    Starts from the last checkpoint a verification left (rows before it were found intact
    then); `full` walks from the first row. Writes nothing.
    """
    sealing = sealing or current_sealing()
    book = checkpoints.read(sealing.checkpoint_path(session), sealing.key)
    if book.bad_lines:
        return _forged_checkpoints(book)
    walk = _Walk(sealing.key, book.at_seq(), book.keyed_after)
    start = None if full else book.last_verified()
    if start is not None:
        problem = _start_from(session, walk, start)
        if problem is not None:
            return ChainReport(walk.checked, walk.first_bad, problem, walk.walked, start.seq)
    for row in _events(session, after=walk.expected_seq - 1):
        problem = walk.step(row)
        if problem is not None:
            return ChainReport(walk.checked, walk.first_bad, problem, walk.walked, _seq(start))
    report = _check_head(session, walk)
    return _check_latest_checkpoint(report, book, _seq(start))


def _seq(checkpoint: Checkpoint | None) -> int:
    return checkpoint.seq if checkpoint else 0


def _forged_checkpoints(book: CheckpointBook) -> ChainReport:
    lines = ", ".join(str(n) for n in book.bad_lines[:10])
    return ChainReport(
        0,
        problem=f"checkpoint file {book.path}: line(s) {lines} are not signed with the audit key "
        "(the file was edited, or the key changed)",
    )


def _start_from(session: Session, walk: _Walk, start: Checkpoint) -> str | None:
    """Resume at a verified checkpoint: its row must still be there with the same hash."""
    row = session.get(AuditEvent, start.seq)
    walk.first_bad = start.seq
    if row is None:
        return (
            f"row {start.seq}, found intact on {start.at}, is gone "
            "(rows were cut from the end and the head rewound)"
        )
    if row.hash != start.hash:
        return (
            f"row {start.seq} no longer has the hash it had when found intact on {start.at} "
            "(the log was rewritten)"
        )
    walk.first_bad = None
    walk.expected_seq, walk.prev_hash = start.seq + 1, start.hash
    walk.checked = start.rows
    walk.keyed_from = start.keyed_from or (start.seq if row.scheme == KEYED else None)
    return None


def _check_head(session: Session, walk: _Walk) -> ChainReport:
    """The head must point at the last row; otherwise rows were cut from the end."""
    head = session.get(AuditHead, HEAD_ID)
    head_seq, head_hash = (head.seq, head.hash) if head else (0, GENESIS_HASH)
    next_seq, last_hash = walk.expected_seq, walk.prev_hash
    if head_seq > next_seq - 1:
        problem = f"rows {next_seq}..{head_seq} at the end are missing (deleted)"
        return ChainReport(walk.checked, next_seq, problem, walk.walked)
    if head_seq != next_seq - 1 or head_hash != last_hash:
        problem = "the last row does not match the head (rows were rewritten)"
        return ChainReport(walk.checked, next_seq - 1, problem, walk.walked)
    return ChainReport(
        walk.checked,
        rows_walked=walk.walked,
        head_seq=head_seq,
        head_hash=head_hash,
        keyed_from=walk.keyed_from,
    )


def _check_latest_checkpoint(report: ChainReport, book: CheckpointBook, start: int) -> ChainReport:
    """Rows that a checkpoint saw must still be there: a shorter log was cut and rewound."""
    latest = book.latest
    if not report.ok or latest is None or latest.seq <= report.head_seq:
        return _from(report, start)
    problem = (
        f"rows {report.head_seq + 1}..{latest.seq} were checkpointed on {latest.at} but are gone "
        "(rows were cut from the end and the head rewound)"
    )
    return ChainReport(report.rows_checked, report.head_seq + 1, problem, report.rows_walked, start)


def _from(report: ChainReport, start: int) -> ChainReport:
    return ChainReport(
        report.rows_checked,
        report.first_bad_seq,
        report.problem,
        report.rows_walked,
        start,
        report.head_seq,
        report.head_hash,
        report.keyed_from,
    )


def run_verification(session: Session, actor: str, *, full: bool = False) -> ChainReport:
    """Verify, record who asked and what was found (an `audit.verify` row), and, when the
    chain is intact, checkpoint the verified head once the transaction commits, so the next
    verification starts there."""
    report = verify_chain(session, full=full)
    detail = {
        "ok": report.ok,
        "full": full,
        "rows_checked": report.rows_checked,
        "rows_walked": report.rows_walked,
        "from_seq": report.from_seq,
        "first_bad_seq": report.first_bad_seq,
        "problem": report.problem,
    }
    record(session, actor, VERIFY_ACTION, LOG_RESOURCE, detail)
    if report.ok and report.head_seq > 0:
        checkpoint = Checkpoint(
            report.head_seq,
            report.head_hash,
            report.rows_checked,
            utc_now(),
            actor,
            checkpoints.VERIFY,
            report.keyed_from,
        )
        _checkpoint_on_commit(session, checkpoint)
    return report


@dataclass(frozen=True)
class Verification:
    """The last verification as the log recorded it: when, by whom, what it found."""

    at: str
    actor: str
    ok: bool
    full: bool
    rows_checked: int
    rows_walked: int
    first_bad_seq: int | None
    problem: str | None


def last_verification(session: Session) -> Verification | None:
    """The newest `audit.verify` row, read without walking the chain."""
    row = session.scalar(
        select(AuditEvent)
        .where(AuditEvent.resource == LOG_RESOURCE, AuditEvent.action == VERIFY_ACTION)
        .order_by(AuditEvent.seq.desc())
        .limit(1)
    )
    if row is None:
        return None
    detail = json.loads(row.detail)
    return Verification(
        row.at,
        row.actor,
        bool(detail.get("ok")),
        bool(detail.get("full")),
        int(detail.get("rows_checked", 0)),
        int(detail.get("rows_walked", 0)),
        detail.get("first_bad_seq"),
        detail.get("problem"),
    )


def latest_checkpoint(session: Session) -> Checkpoint | None:
    """The furthest well-signed checkpoint outside the database, for the audit page."""
    sealing = current_sealing()
    return checkpoints.read(sealing.checkpoint_path(session), sealing.key).latest


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
