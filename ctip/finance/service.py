"""The finance services the CLI, the API and the pages call: scan, flags, an account.

A scan reads every stored payment, runs the detector and the red-flag pack, looks the
account holders up in the entity store (a phone, e-mail or name another area knows, in
statements every reader of finance may see: the findings are stored once for all), scores
each account and stores the outcome as one scan: findings per account and the patterns.
The newest scan is what every listing reads; older scans stay for the record.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Final, TextIO

from sqlalchemy import Float, Select, cast, func, select
from sqlalchemy.orm import Session

from ctip.authz import audit
from ctip.authz.need_to_know import hidden_from_some_reader
from ctip.finance import detect, ftm, redflags, scoring
from ctip.finance.access import FinanceAction
from ctip.finance.detect import Pattern, Settings
from ctip.finance.readers import Account, Transaction, readable_amount
from ctip.finance.scoring import AccountScore, Link
from ctip.finance.tables import (
    AccountFindingRow,
    AccountRow,
    PatternMemberRow,
    PatternRow,
    ScanRow,
    TransactionRow,
)
from ctip.model.csvsafe import safe_text
from ctip.model.errors import NotFound
from ctip.model.explain import Explanation
from ctip.store import entities
from ctip.store.bulk import batched, insert_rows
from ctip.store.db import utc_now
from ctip.store.paging import Listing, ListingField

if TYPE_CHECKING:
    import pyarrow as pa  # type: ignore[import-untyped]

FLAG_COLUMNS: Final = ("account_id", "score", "flagged", "typologies", "red_flags", "explanation")
READ_BATCH: Final = 50_000
WRITE_BATCH: Final = 20_000
ENGINES: Final = ("local", "spark")
Progress = Callable[[int], None]


@dataclass(frozen=True)
class ScanOutcome:
    """What one scan stored."""

    scan_id: int
    transactions: int
    accounts: int
    flagged: int
    patterns: int


def stored_transactions(session: Session) -> Iterator[Transaction]:
    """Every stored payment, in id order, read in batches."""
    last = 0
    while True:
        rows = (
            session.execute(
                select(TransactionRow)
                .where(TransactionRow.id > last)
                .order_by(TransactionRow.id)
                .limit(READ_BATCH)
            )
            .scalars()
            .all()
        )
        if not rows:
            return
        for row in rows:
            yield Transaction(
                tx_id=row.tx_id,
                source=row.source,
                target=row.target,
                amount=row.amount,
                step=row.step,
                currency=row.currency,
                occurred_at=row.occurred_at,
                channel=row.channel,
                memo=row.memo,
                counterparty=row.counterparty,
            )
        last = rows[-1].id
        session.expunge_all()


DETECTOR_COLUMNS: Final = (
    "tx_id",
    "source",
    "target",
    "amount",
    "step",
    "channel",
    "memo",
    "counterparty",
    "occurred_at",
)


def stored_table(session: Session, progress: Progress | None = None) -> pa.Table:
    """Every stored payment as the detector's columns (those of `detect.arrow_table`), in
    id order: read in batches straight into Arrow, with no object per payment, so ten
    million payments cost their columns and one batch of rows, not two copies of each.
    `progress` is told how many payments were read, batch by batch."""
    import pyarrow as pa

    columns = [getattr(TransactionRow, name) for name in DETECTOR_COLUMNS]
    query = select(*columns).order_by(TransactionRow.id)
    advance = progress or (lambda _n: None)
    batches = []
    for rows in driver_batches(session, query):
        batches.append(_record_batch(rows))
        advance(len(rows))
    schema = pa.schema([(name, kind()) for name, kind in _detector_types().items()])
    return pa.Table.from_batches(batches, schema)


def driver_batches(session: Session, query: Select[Any]) -> Iterator[Sequence[Any]]:
    """A query's rows as the driver gives them (plain tuples, READ_BATCH at a time), in the
    session's transaction: a read of millions of rows skips the per-row work of result
    objects. PostgreSQL reads through a server-side cursor, so the rows are never all held
    at once."""
    bind = session.get_bind()
    sql = str(query.compile(bind, compile_kwargs={"literal_binds": True}))
    driver = session.connection().connection
    server_side = bind.dialect.name == "postgresql"
    cursor = driver.cursor(name="ctip_finance_read") if server_side else driver.cursor()
    try:
        cursor.execute(sql)
        while rows := cursor.fetchmany(READ_BATCH):
            yield rows
    finally:
        cursor.close()


def _detector_types() -> dict[str, Callable[[], Any]]:
    import pyarrow as pa

    text, number, whole = pa.string, pa.float64, pa.int64
    kinds = {"amount": number, "step": whole}
    return {name: kinds.get(name, text) for name in DETECTOR_COLUMNS}


def _record_batch(rows: Sequence[Any]) -> pa.RecordBatch:
    import pyarrow as pa

    values = list(zip(*rows, strict=True))
    arrays = []
    for (name, kind), column in zip(_detector_types().items(), values, strict=True):
        arrays.append(amounts(column) if name == "amount" else pa.array(column, kind()))
    return pa.RecordBatch.from_arrays(arrays, names=list(DETECTOR_COLUMNS))


def amounts(texts: Sequence[str]) -> pa.Array:
    """Stored amounts (decimal text) as numbers, as `readable_amount` reads each: a batch
    of plain numbers is cast at once; one that holds anything else is read value by value.
    A negative, infinite or unreadable amount is null (left out of the amount rules)."""
    import pyarrow as pa
    import pyarrow.compute as pc  # type: ignore[import-untyped]

    raw = pa.array(texts, pa.string())
    try:
        values = pc.cast(raw, pa.float64())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return pa.array([readable_amount(t) for t in texts], pa.float64())
    readable = pc.and_(pc.greater_equal(values, 0.0), pc.less(values, float("inf")))
    return pc.if_else(pc.fill_null(readable, False), values, pa.scalar(None, pa.float64()))


def stored_accounts(session: Session) -> Iterator[Account]:
    """Every stored account, in id order."""
    query = select(AccountRow).order_by(AccountRow.account_id)
    for row in session.execute(query.execution_options(yield_per=READ_BATCH)).scalars():
        yield Account(
            row.account_id,
            row.holder_name,
            row.holder_id,
            row.phone,
            row.email,
            row.bank,
            row.country,
            row.account_type,
            row.opened,
            row.balance,
        )


HOLDER_LOOKUP_LIMIT: Final = 5
"""Entities read per holder phone or e-mail (the holder itself among them)."""


def holder_links(
    session: Session, accounts: Sequence[AccountRow], hidden: entities.Hidden
) -> dict[str, list[Link]]:
    """Accounts whose holder's phone or e-mail another area's entity holds (in a statement
    of a source not `hidden`). Every holder's phone and e-mail are looked up at once
    (`entities.find_by_identifiers`): 20,000 holders, one by one, were 80,000 queries."""
    wanted = [(kind, value) for account in accounts for kind, value in _holder_identifiers(account)]
    holders = entities.find_by_identifiers(session, wanted, HOLDER_LOOKUP_LIMIT, hidden)
    found: dict[str, list[Link]] = {}
    for account in accounts:
        links = [
            _holder_link(kind, value, entity)
            for kind, value in _holder_identifiers(account)
            for entity in holders[(kind, value)]
            if entity.id != ftm.holder_entity_id(account.account_id)  # the holder itself
        ]
        if links:
            found[account.account_id] = links
    return found


def _holder_identifiers(account: AccountRow) -> list[tuple[str, str]]:
    return [
        (kind, value)
        for kind, value in (("phone", account.phone), ("email", account.email))
        if value
    ]


def _holder_link(kind: str, value: str, entity: entities.EntitySummary) -> Link:
    label = (
        f"The holder's {kind} {value} is also held by {entity.caption} "
        f"({entity.schema}, source {', '.join(entity.sources)})"
    )
    return Link(f"{kind}:{','.join(entity.sources)}", entity.id, label)


def scan(
    session: Session,
    actor: str,
    settings: Settings | None = None,
    progress: Progress | None = None,
    table: pa.Table | None = None,
    engine: str = "local",
) -> ScanOutcome:
    """Scan every stored payment and store the findings as one new scan. On the Spark
    engine the irregular payments and the fan-in and fan-out patterns are found by Spark
    (`ctip.finance.spark`)."""
    chosen = settings or Settings()
    advance = progress or (lambda _n: None)
    data = table if table is not None else stored_table(session)
    advance(1)
    if engine == "spark":  # the irregular payments and the fans found on Spark are stored
        from ctip.finance.spark import FAN_KINDS, fan_patterns, irregular_ids  # JVM on demand

        found = detect.detect(data, chosen, advance, irregular_ids(data, chosen))
        fans = fan_patterns(data, chosen)
        found.patterns = [p for p in found.patterns if p.kind not in FAN_KINDS] + fans
    else:
        found = detect.detect(data, chosen, advance, None)
    if table is None:
        found.accounts = _loaded_accounts(session, found.accounts)
    hits = redflags.evaluate(data)
    advance(1)
    with_holders = (
        session.execute(
            select(AccountRow).where((AccountRow.phone != "") | (AccountRow.email != ""))
        )
        .scalars()
        .all()
    )
    links = holder_links(session, with_holders, hidden_from_some_reader(FinanceAction.READ))
    scores = scoring.score_all(found, hits, links)
    advance(1)
    outcome = _store(session, actor, chosen, found, scores, engine)
    advance(1)
    return outcome


def _loaded_accounts(session: Session, accounts: Sequence[str]) -> list[str]:
    """The accounts the records name as accounts: a cash branch is a place money was paid in
    or out, a node of the graph but not an account to flag."""
    known = set(session.execute(select(AccountRow.account_id)).scalars())
    return [a for a in accounts if a in known]


SCAN_STAGES: Final = detect.STAGES + 3


def _store(
    session: Session,
    actor: str,
    settings: Settings,
    found: detect.Detection,
    scores: Sequence[AccountScore],
    engine: str,
) -> ScanOutcome:
    flagged = sum(1 for s in scores if s.flagged)
    row = ScanRow(
        scanned_at=utc_now(),
        scanned_by=actor[:100],
        engine=engine,
        transactions=found.transactions,
        accounts=len(scores),
        flagged=flagged,
        patterns=len(found.patterns),
        settings=json.dumps(settings.to_dict(), sort_keys=True),
    )
    session.add(row)
    session.flush()
    for batch in batched(scores, WRITE_BATCH):
        insert_rows(session, AccountFindingRow, [_finding(row.id, s) for s in batch])
    patterns = {p.id: p for p in found.patterns}
    insert_rows(session, PatternRow, [_pattern_row(row.id, p) for p in patterns.values()])
    members = {(p.id, m.account_id): m.role for p in patterns.values() for m in p.members}
    insert_rows(
        session,
        PatternMemberRow,
        [
            {"scan_id": row.id, "pattern_id": pid, "account_id": account, "role": role}
            for (pid, account), role in members.items()
        ],
    )
    detail = {"transactions": found.transactions, "flagged": flagged, "patterns": len(patterns)}
    audit.record(session, actor, f"{FinanceAction.WRITE}:scan", f"finance-scan:{row.id}", detail)
    return ScanOutcome(row.id, found.transactions, len(scores), flagged, len(patterns))


def _finding(scan_id: int, score: AccountScore) -> dict[str, str | int]:
    return {
        "scan_id": scan_id,
        "account_id": score.account_id,
        "score": f"{score.score:.4f}",
        "flagged": int(score.flagged),
        "typologies": ",".join(score.typologies),
        "red_flags": ",".join(score.red_flags),
        "explanation": score.explanation.to_json(),
    }


def _pattern_row(scan_id: int, pattern: Pattern) -> dict[str, str | int]:
    return {
        "scan_id": scan_id,
        "pattern_id": pattern.id,
        "kind": pattern.kind,
        "score": f"{pattern.score:.4f}",
        "first_step": pattern.first_step,
        "last_step": pattern.last_step,
        "total": f"{pattern.total:.2f}",
        "body": json.dumps(pattern.to_dict(), sort_keys=True),
    }


def latest_scan(session: Session) -> ScanRow | None:
    """The newest scan, if there was one."""
    return session.execute(select(ScanRow).order_by(ScanRow.id.desc()).limit(1)).scalar()


def _require_scan(session: Session) -> ScanRow:
    scan_row = latest_scan(session)
    if scan_row is None:
        raise NotFound("no finance scan yet: run `ctip finance scan` first")
    return scan_row


FlagRow = tuple[str, str, str, str, str, str]


@lru_cache(maxsize=4096)
def explanation_text(stored: str) -> str:
    """A stored explanation (JSON) as its one paragraph of text. Cached by the JSON itself:
    most accounts of a large scan share one explanation (nothing found), read once."""
    return Explanation.from_json(stored).text()


def flag_rows(
    session: Session, flagged: bool | None = None, progress: Progress | None = None
) -> Iterator[FlagRow]:
    """FLAGS.csv rows of the newest scan, one per account with any payment, in account
    order: one streamed query over the findings' key (no row objects, no query per account);
    `flagged` keeps only the flagged (True) or unflagged (False) ones. `progress` is told
    how many rows were read, batch by batch."""
    scan_row = _require_scan(session)
    finding = AccountFindingRow
    query = select(
        finding.account_id,
        finding.score,
        finding.flagged,
        finding.typologies,
        finding.red_flags,
        finding.explanation,
    ).where(finding.scan_id == scan_row.id)
    if flagged is not None:
        query = query.where(finding.flagged == int(flagged))
    query = query.order_by(finding.account_id).execution_options(yield_per=READ_BATCH)
    advance = progress or (lambda _n: None)
    for batch in session.execute(query).partitions():
        for account_id, score, is_flagged, typologies, red_flags, stored in batch:
            text = explanation_text(stored)
            yield (account_id, score, FLAG_VALUES[bool(is_flagged)], typologies, red_flags, text)
        advance(len(batch))


FLAG_VALUES: Final = {True: "true", False: "false"}


def flags_total(session: Session) -> int:
    """How many rows FLAGS.csv of the newest scan has (the scan counted them)."""
    return _require_scan(session).accounts


def flags_csv(session: Session, out: TextIO, progress: Progress | None = None) -> int:
    """Write FLAGS.csv (values made safe for spreadsheets) in one pass over the newest
    scan's findings; returns the rows written."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(FLAG_COLUMNS)
    count = 0
    for row in flag_rows(session, progress=progress):
        writer.writerow((*row[:5], safe_text(row[5])))
        count += 1
    return count


@dataclass(frozen=True)
class AccountView:
    """One account with its finding, its patterns and its payments."""

    account: AccountRow | None
    account_id: str
    finding: AccountFindingRow | None
    explanation: Explanation | None
    patterns: list[tuple[Pattern, str]]
    transactions: list[TransactionRow]


def account_view(session: Session, account_id: str, actor: str, limit: int = 200) -> AccountView:
    """An account as an analyst opens it (the opening is audited: bank records are protected)."""
    account = session.get(AccountRow, account_id)
    sent = select(TransactionRow).where(
        (TransactionRow.source == account_id) | (TransactionRow.target == account_id)
    )
    transactions = list(
        session.execute(
            sent.order_by(TransactionRow.step, TransactionRow.id).limit(limit)
        ).scalars()
    )
    if account is None and not transactions:
        raise NotFound(f"no account {account_id!r}")
    scan_row = latest_scan(session)
    finding = None
    patterns: list[tuple[Pattern, str]] = []
    if scan_row is not None:
        finding = session.get(AccountFindingRow, (scan_row.id, account_id))
        query = (
            select(PatternRow, PatternMemberRow.role)
            .join(
                PatternMemberRow,
                (PatternMemberRow.scan_id == PatternRow.scan_id)
                & (PatternMemberRow.pattern_id == PatternRow.pattern_id),
            )
            .where(
                PatternMemberRow.scan_id == scan_row.id, PatternMemberRow.account_id == account_id
            )
        )
        patterns = [
            (Pattern.from_dict(json.loads(row.body)), role) for row, role in session.execute(query)
        ]
    audit.record(session, actor, f"{FinanceAction.READ}:account", f"finance-account:{account_id}")
    explanation = Explanation.from_json(finding.explanation) if finding else None
    return AccountView(account, account_id, finding, explanation, patterns, transactions)


def pattern(session: Session, pattern_id: str) -> Pattern:
    """A pattern of the newest scan."""
    scan_row = _require_scan(session)
    row = session.get(PatternRow, (scan_row.id, pattern_id))
    if row is None:
        raise NotFound(f"no pattern {pattern_id!r} in the newest scan")
    return Pattern.from_dict(json.loads(row.body))


def pattern_transactions(session: Session, found: Pattern) -> list[TransactionRow]:
    """The payments of a pattern, in time order."""
    ids = list(found.transactions)
    rows: list[TransactionRow] = []
    for batch in batched(ids, 500):
        rows += session.execute(
            select(TransactionRow).where(TransactionRow.tx_id.in_(batch))
        ).scalars()
    return sorted(rows, key=lambda r: (r.step, r.id))


def flagged_count(session: Session) -> int:
    """Accounts flagged by the newest scan (0 with no scan)."""
    scan_row = latest_scan(session)
    if scan_row is None:
        return 0
    query = select(func.count()).where(
        AccountFindingRow.scan_id == scan_row.id, AccountFindingRow.flagged == 1
    )
    return int(session.execute(query).scalar_one())


@dataclass(frozen=True)
class QueueEntry:
    """A row of the flagged-accounts queue."""

    account_id: str
    holder: str
    score: float
    flagged: bool
    typologies: str
    red_flags: str


def queue_listing(flagged_only: bool = True) -> Listing[QueueEntry]:
    """The newest scan's accounts for the workbench queue: paged, sorted, filtered in SQL,
    highest score first."""
    newest = select(func.max(ScanRow.id)).scalar_subquery()
    statement = (
        select(AccountFindingRow, AccountRow.holder_name)
        .outerjoin(AccountRow, AccountRow.account_id == AccountFindingRow.account_id)
        .where(AccountFindingRow.scan_id == newest)
    )
    if flagged_only:
        statement = statement.where(AccountFindingRow.flagged == 1)
    fields = {
        "account": ListingField(AccountFindingRow.account_id, searched=True),
        "holder": ListingField(AccountRow.holder_name, searched=True),
        "score": ListingField(cast(AccountFindingRow.score, Float)),
        "typologies": ListingField(AccountFindingRow.typologies, match="contains"),
        "red_flags": ListingField(AccountFindingRow.red_flags, match="contains"),
    }
    return Listing(
        statement,
        fields,
        lambda row: QueueEntry(
            row[0].account_id,
            row[1] or "",
            float(row[0].score),
            bool(row[0].flagged),
            row[0].typologies,
            row[0].red_flags,
        ),
        (AccountFindingRow.account_id,),
    )
