"""Storing bank records once, through the one file-import primitive.

The reader validates the whole load first (a structural fault rejects it with every bad
row); the write is bulk inserts in the caller's transaction, so 120,000 payments store in
seconds and a failure half way stores nothing. The same bytes loaded again are a no-op.
Account holders with a name, phone or e-mail are written to the entity store as FtM
`Person`/`BankAccount` entities so they meet ads, cases and shipments through its look-ups.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from ctip.finance import ftm
from ctip.finance.access import FinanceAction
from ctip.finance.readers import Account, BankRecords, Note, Transaction
from ctip.finance.tables import AccountRow, TransactionRow
from ctip.ingest.files import FileWrite, IncomingFile, import_file
from ctip.store.bulk import batched, bulk_write_cache, insert_ignoring_duplicates

KIND: Final = "finance-records"
BATCH: Final = 20_000
LOOKUP: Final = 500
"""Accounts looked up per query (SQLite bounds the bound parameters of one statement)."""


@dataclass(frozen=True)
class LoadOutcome:
    """What a load stored, and the values it kept but could not read."""

    file_name: str
    accounts: int
    accounts_new: int
    transactions: int
    already_loaded: bool
    notes: tuple[Note, ...] = ()


def content_of(files: Mapping[str, bytes]) -> bytes:
    """One byte string standing for a load of several files (their names and hashes)."""
    parts = [f"{name}:{hashlib.sha256(data).hexdigest()}" for name, data in sorted(files.items())]
    return "\n".join(parts).encode()


def load_records(
    session: Session,
    files: Mapping[str, bytes],
    label: str,
    read: Callable[[], BankRecords],
    actor: str,
    progress: Callable[[int], None] | None = None,
) -> LoadOutcome:
    """Read (all of it) then store (all or nothing) a load of bank records, once."""
    incoming = IncomingFile.of(
        content_of(files), label, kind=KIND, actor=actor, action=f"{FinanceAction.WRITE}:load"
    )
    read_records: list[BankRecords] = []

    def validate() -> BankRecords:
        records = read()
        read_records.append(records)
        return records

    outcome = import_file(session, incoming, validate, _write, progress)
    notes = tuple(read_records[0].notes) if read_records else ()
    return LoadOutcome(
        file_name=label,
        accounts=outcome.count("accounts"),
        accounts_new=outcome.count("accounts_new"),
        transactions=outcome.count("transactions"),
        already_loaded=outcome.already_imported,
        notes=notes,
    )


def _write(target: FileWrite, records: BankRecords) -> dict[str, int]:
    session = target.session
    with bulk_write_cache(session):
        new_accounts = _write_accounts(session, list(records.accounts.values()), target.file_id)
        for batch in batched(records.transactions, BATCH):
            insert_ignoring_duplicates(
                session, TransactionRow, [_tx_row(tx, target.file_id) for tx in batch]
            )
            target.progress(len(batch))
    holders = ftm.write_holders(
        session, records.accounts.values(), target.actor, f"finance-{target.file_id}"
    )
    target.notes["unreadable_values"] = str(len(records.notes))
    return {
        "holders": holders.entities if holders is not None else 0,
        "accounts": len(records.accounts),
        "accounts_new": new_accounts,
        "transactions": len(records.transactions),
        "unreadable_values": len(records.notes),
    }


def _write_accounts(session: Session, accounts: list[Account], file_id: int) -> int:
    """New accounts are added; a known account gains holder details it lacked."""
    new = 0
    for batch in batched(accounts, LOOKUP):
        ids = [a.account_id for a in batch]
        known = {
            row.account_id: row
            for row in session.execute(
                select(AccountRow).where(AccountRow.account_id.in_(ids))
            ).scalars()
        }
        fresh = [_account_row(a, file_id) for a in batch if a.account_id not in known]
        insert_ignoring_duplicates(session, AccountRow, fresh)
        new += len(fresh)
        for account in batch:
            row = known.get(account.account_id)
            if row is not None and account.holder_name and not row.holder_name:
                for name, value in _account_row(account, file_id).items():
                    if value and name != "file_id":
                        setattr(row, name, value)
    session.flush()
    return new


def _account_row(account: Account, file_id: int) -> dict[str, str | int]:
    return {
        "account_id": account.account_id,
        "holder_name": account.holder_name,
        "holder_id": account.holder_id,
        "phone": account.phone,
        "email": account.email,
        "bank": account.bank,
        "country": account.country,
        "account_type": account.account_type,
        "opened": account.opened,
        "balance": account.balance,
        "file_id": file_id,
    }


def _tx_row(tx: Transaction, file_id: int) -> dict[str, str | int]:
    return {
        "tx_id": tx.tx_id,
        "source": tx.source,
        "target": tx.target,
        "amount": tx.amount,
        "currency": tx.currency,
        "step": tx.step,
        "occurred_at": tx.occurred_at,
        "channel": tx.channel,
        "memo": tx.memo,
        "counterparty": tx.counterparty,
        "file_id": file_id,
    }
