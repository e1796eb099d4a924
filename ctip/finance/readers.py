"""Readers of bank records: plain CSV, IBM's AMLSim (both schemas) and IBM's AMLworld.

Every reader returns the same `BankRecords`: accounts, transactions and the notes about
values it could not read. The rules are those of every ctip reader:

- a structural fault (no source or target account, a missing column, a row with too few
  cells, a transaction id seen twice) rejects the file, naming each row, column and reason;
- a value that cannot be read (an amount that is not a number, a time that is not a time) is
  kept as given and reported; the detector leaves that transaction out of amount rules;
- labels a simulator writes (`isFraud`, `fraudStep`, `suspicious`, `alerts.csv`) are never
  read: they are the answers, not evidence.
"""

from __future__ import annotations

import csv
import gzip
import io
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path
from typing import Final

from ctip.ingest.errors import FileRejected, RowError

FORMATS: Final = ("csv", "amlsim", "amlworld", "ftm")
MAX_KEY = 100
EPOCH: Final = date(1970, 1, 1)
CHANNELS: Final = frozenset({"cash", "wire", "card", "ach", "p2p", "prepaid", "crypto", "check"})


@dataclass(frozen=True, slots=True)
class Account:
    """An account as loaded (holder details empty when the file has none)."""

    account_id: str
    holder_name: str = ""
    holder_id: str = ""
    phone: str = ""
    email: str = ""
    bank: str = ""
    country: str = ""
    account_type: str = ""
    opened: str = ""
    balance: str = ""


@dataclass(frozen=True, slots=True)
class Transaction:
    """A payment as loaded: `amount` is the text given; `step` the time as a whole number.
    Slotted: a load of ten million payments holds ten million of these."""

    tx_id: str
    source: str
    target: str
    amount: str
    step: int
    currency: str = ""
    occurred_at: str = ""
    channel: str = ""
    memo: str = ""
    counterparty: str = ""

    @property
    def value(self) -> float | None:
        """The amount as a number, None when it could not be read."""
        return readable_amount(self.amount)


@dataclass(frozen=True)
class Note:
    """A value kept as given but not understood: where, and why."""

    file_name: str
    row: int
    column: str
    reason: str

    def __str__(self) -> str:
        return f"{self.file_name} line {self.row}, {self.column}: {self.reason}"


@dataclass
class BankRecords:
    """What a reader read from one load: accounts, transactions, notes on unread values."""

    accounts: dict[str, Account] = field(default_factory=dict)
    transactions: list[Transaction] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)

    def add_account(self, account: Account) -> None:
        """Keep the first full record of an account; a bare mention never hides details."""
        known = self.accounts.get(account.account_id)
        if known is None or (not known.holder_name and account.holder_name):
            self.accounts[account.account_id] = account

    def mention(self, account_id: str) -> None:
        """An account named only by a transaction."""
        if account_id and account_id not in self.accounts:
            self.accounts[account_id] = Account(account_id)


def readable_amount(text: str) -> float | None:
    """A non-negative finite amount, or None."""
    try:
        quick = float(text)
    except ValueError:
        pass
    else:
        return quick if 0 <= quick < float("inf") else None
    try:
        number = Decimal(text.replace(",", "").strip())
    except (InvalidOperation, ValueError):
        return None
    if not number.is_finite() or number < 0:
        return None
    return float(number)


class _Rows:
    """A CSV file read as dictionaries, its structural faults collected with row numbers."""

    def __init__(self, data: bytes, file_name: str, required: Iterable[str]) -> None:
        self.file_name = file_name
        self.errors: list[RowError] = []
        text = _decode(data, file_name)
        self.reader = csv.reader(io.StringIO(text, newline=""))
        header = [h.strip() for h in next(self.reader, [])]
        self.header = header
        missing = [c for c in required if c not in header]
        if missing:
            raise FileRejected(file_name, [RowError(1, f"missing column(s) {', '.join(missing)}")])

    def __iter__(self) -> Iterator[tuple[int, Mapping[str, str]]]:
        width = len(self.header)
        for row in self.reader:
            line = self.reader.line_num
            if len(row) != width:
                if any(cell.strip() for cell in row):
                    self.errors.append(RowError(line, "wrong number of cells"))
                continue
            yield line, dict(zip(self.header, map(str.strip, row), strict=True))

    def fault(self, line: int, column: str, reason: str) -> None:
        """A structural fault in a row: the row is rejected (and with it the file)."""
        self.errors.append(RowError(line, f"{column}: {reason}"))


def _decode(data: bytes, file_name: str) -> str:
    if file_name.endswith(".gz") or data[:2] == b"\x1f\x8b":
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError) as error:
            raise FileRejected(file_name, [RowError(1, f"not a gzip file: {error}")]) from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise FileRejected(file_name, [RowError(1, f"not UTF-8 text: {error.reason}")]) from None


def _key(rows: _Rows, line: int, column: str, value: str) -> str | None:
    """An account or transaction id: present and short enough, else a structural fault."""
    if not value:
        rows.fault(line, column, "empty")
        return None
    if len(value) > MAX_KEY:
        rows.fault(line, column, f"longer than {MAX_KEY} characters")
        return None
    return value


def _step(records: BankRecords, rows: _Rows, line: int, column: str, value: str) -> int:
    """A time as a whole number: an integer step as is, a date or timestamp as its day number.

    An unreadable time is kept (in `occurred_at`) and reported; its step is -1, outside
    every window.
    """
    text = value.strip()
    if text.lstrip("-").isdigit() and len(text) < 8:
        return int(text)
    parsed = _parse_time(text)
    if parsed is None:
        records.notes.append(Note(rows.file_name, line, column, f"unreadable time {text!r}"))
        return -1
    return (parsed.date() - EPOCH).days


def _parse_time(text: str) -> datetime | None:
    for candidate in (text.replace("Z", "+00:00"), text.replace("/", "-")):
        try:
            parsed = datetime.fromisoformat(candidate)
        except ValueError:
            continue
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    if len(text) == 8 and text.isdigit():
        try:
            return datetime.strptime(text, "%Y%m%d").replace(tzinfo=UTC)
        except ValueError:
            return None
    return None


def _amount(records: BankRecords, rows: _Rows, line: int, column: str, value: str) -> str:
    if readable_amount(value) is None:
        records.notes.append(Note(rows.file_name, line, column, f"unreadable amount {value!r}"))
    return value


@lru_cache(maxsize=1024)
def _channel(value: str) -> str:
    """The payment channel in ctip's words; cached, so a load's millions of payments share
    the few channel strings instead of each holding its own copy."""
    lowered = value.strip().lower().replace("-", "_")
    aliases = {"cash_in": "cash", "cash_out": "cash", "credit": "ach", "check": "check"}
    lowered = aliases.get(lowered, lowered)
    return lowered[:20]


def _finish(records: BankRecords, readers: Iterable[_Rows]) -> BankRecords:
    """Reject the load when any file had structural faults; else the records."""
    for rows in readers:
        if rows.errors:
            raise FileRejected(rows.file_name, rows.errors)
    seen: set[str] = set()
    duplicates: list[RowError] = []
    for number, tx in enumerate(records.transactions, start=1):
        if tx.tx_id in seen:
            duplicates.append(RowError(number, f"transaction id {tx.tx_id!r} given twice"))
        seen.add(tx.tx_id)
    if duplicates:
        raise FileRejected("transactions", duplicates)
    return records


# --- plain CSV --------------------------------------------------------------------------

ACCOUNT_COLUMNS: Final = ("account_id",)
TX_COLUMNS: Final = ("source", "target", "amount")


def read_csv(accounts: bytes | None, accounts_name: str, tx: bytes, tx_name: str) -> BankRecords:
    """Accounts (account_id, holder_name, holder_id, phone, email, bank, country,
    account_type, opened) and transactions (tx_id, source, target, amount, currency, time,
    channel, memo, counterparty). Only account_id, source, target and amount are required."""
    records = BankRecords()
    readers: list[_Rows] = []
    if accounts is not None:
        rows = _Rows(accounts, accounts_name, ACCOUNT_COLUMNS)
        readers.append(rows)
        for line, row in rows:
            key = _key(rows, line, "account_id", row["account_id"])
            if key is not None:
                records.add_account(_account_of(key, row))
    rows = _Rows(tx, tx_name, TX_COLUMNS)
    readers.append(rows)
    for line, row in rows:
        source = _key(rows, line, "source", row["source"])
        target = _key(rows, line, "target", row["target"])
        tx_id = row.get("tx_id") or f"{tx_name}:{line}"
        if source is None or target is None or _key(rows, line, "tx_id", tx_id) is None:
            continue
        records.mention(source)
        records.mention(target)
        time = row.get("time", "") or row.get("timestamp", "")
        records.transactions.append(
            Transaction(
                tx_id=tx_id,
                source=source,
                target=target,
                amount=_amount(records, rows, line, "amount", row["amount"]),
                step=_step(records, rows, line, "time", time) if time else -1,
                currency=row.get("currency", "")[:3].upper(),
                occurred_at=time[:32],
                channel=_channel(row.get("channel", "")),
                memo=row.get("memo", ""),
                counterparty=row.get("counterparty", "")[:300],
            )
        )
    return _finish(records, readers)


def _account_of(key: str, row: Mapping[str, str]) -> Account:
    return Account(
        account_id=key,
        holder_name=row.get("holder_name", "")[:300],
        holder_id=row.get("holder_id", "")[:100],
        phone=row.get("phone", "")[:60],
        email=row.get("email", "")[:200],
        bank=row.get("bank", "")[:200],
        country=row.get("country", "")[:2].upper(),
        account_type=row.get("account_type", row.get("type", ""))[:40],
        opened=row.get("opened", "")[:32],
        balance=row.get("balance", "")[:32],
    )


# --- AMLSim ----------------------------------------------------------------------------


def amlsim_files(directory: Path) -> dict[str, Path]:
    """The files of an AMLSim output folder, either schema (labels files left out)."""
    names = ("nodes.csv", "transactions.csv.gz", "transactions.csv", "accounts.csv", "tx.csv")
    found = {n: directory / n for n in (*names, "cash_tx.csv") if (directory / n).is_file()}
    if not set(found) & {"transactions.csv.gz", "transactions.csv", "tx.csv"}:
        raise FileRejected(
            str(directory), [RowError(0, "no transactions.csv.gz, transactions.csv or tx.csv")]
        )
    return found


def read_amlsim(files: Mapping[str, bytes]) -> BankRecords:
    """AMLSim's graph output (nodes.csv + transactions.csv.gz) or its later schema
    (accounts.csv, tx.csv, cash_tx.csv). `isFraud`, `fraudStep`, `suspicious` are ignored."""
    if "tx.csv" in files:
        return _read_amlsim_later(files)
    records = BankRecords()
    readers: list[_Rows] = []
    if "nodes.csv" in files:
        rows = _Rows(files["nodes.csv"], "nodes.csv", ("nodeid",))
        readers.append(rows)
        for line, row in rows:
            key = _key(rows, line, "nodeid", row["nodeid"])
            if key is not None:
                records.add_account(Account(key, balance=row.get("init_balance", "")[:32]))
    name = "transactions.csv.gz" if "transactions.csv.gz" in files else "transactions.csv"
    rows = _Rows(files[name], name, ("sourceNodeId", "targetNodeId", "value", "time"))
    readers.append(rows)
    append = records.transactions.append
    for line, row in rows:
        source = _key(rows, line, "sourceNodeId", row["sourceNodeId"])
        target = _key(rows, line, "targetNodeId", row["targetNodeId"])
        if source is None or target is None:
            continue
        records.mention(source)
        records.mention(target)
        time = row["time"]
        append(
            Transaction(
                tx_id=f"{line - 1}",
                source=source,
                target=target,
                amount=_amount(records, rows, line, "value", row["value"]),
                step=_step(records, rows, line, "time", time),
                occurred_at=time[:32],
                channel="wire",
            )
        )
    return _finish(records, readers)


def _read_amlsim_later(files: Mapping[str, bytes]) -> BankRecords:
    records = BankRecords()
    readers: list[_Rows] = []
    if "accounts.csv" in files:
        rows = _Rows(files["accounts.csv"], "accounts.csv", ("ACCOUNT_ID",))
        readers.append(rows)
        for line, row in rows:
            key = _key(rows, line, "ACCOUNT_ID", row["ACCOUNT_ID"])
            if key is not None:
                records.add_account(
                    Account(
                        key,
                        holder_id=row.get("PRIMARY_CUSTOMER_ID", "")[:100],
                        country=row.get("country", "")[:2].upper(),
                        account_type=row.get("business", "")[:40],
                        balance=row.get("init_balance", "")[:32],
                    )
                )
    columns = ("TXN_ID", "ACCOUNT_ID", "COUNTER_PARTY_ACCOUNT_NUM", "TXN_AMOUNT_ORIG", "start")
    rows = _Rows(files["tx.csv"], "tx.csv", columns)
    readers.append(rows)
    for line, row in rows:
        source = _key(rows, line, "ACCOUNT_ID", row["ACCOUNT_ID"])
        target = _key(rows, line, "COUNTER_PARTY_ACCOUNT_NUM", row["COUNTER_PARTY_ACCOUNT_NUM"])
        tx_id = _key(rows, line, "TXN_ID", row["TXN_ID"])
        if source is None or target is None or tx_id is None:
            continue
        records.mention(source)
        records.mention(target)
        records.transactions.append(
            Transaction(
                tx_id=f"tx:{tx_id}",
                source=source,
                target=target,
                amount=_amount(records, rows, line, "TXN_AMOUNT_ORIG", row["TXN_AMOUNT_ORIG"]),
                step=_step(records, rows, line, "start", row["start"]),
                occurred_at=row["start"][:32],
                channel=_channel(row.get("TXN_SOURCE_TYPE_CODE", "")),
            )
        )
    if "cash_tx.csv" in files:
        readers.append(_read_cash(records, files["cash_tx.csv"]))
    return _finish(records, readers)


def _read_cash(records: BankRecords, data: bytes) -> _Rows:
    """Cash in and out: the other side is the branch (`branch:ID`), the channel cash."""
    columns = ("TXN_ID", "ACCOUNT_ID", "TXN_SOURCE_TYPE_CODE", "TXN_AMOUNT_ORIG", "RUN_DATE")
    rows = _Rows(data, "cash_tx.csv", columns)
    for line, row in rows:
        account = _key(rows, line, "ACCOUNT_ID", row["ACCOUNT_ID"])
        tx_id = _key(rows, line, "TXN_ID", row["TXN_ID"])
        if account is None or tx_id is None:
            continue
        branch = f"branch:{row.get('BRANCH_ID', '') or '?'}"
        cash_in = row["TXN_SOURCE_TYPE_CODE"].upper() == "CASH-IN"
        source, target = (branch, account) if cash_in else (account, branch)
        records.mention(account)
        records.transactions.append(
            Transaction(
                tx_id=f"cash:{tx_id}",
                source=source,
                target=target,
                amount=_amount(records, rows, line, "TXN_AMOUNT_ORIG", row["TXN_AMOUNT_ORIG"]),
                step=_step(records, rows, line, "RUN_DATE", row["RUN_DATE"]),
                occurred_at=row["RUN_DATE"][:32],
                channel="cash",
                counterparty=branch,
            )
        )
    return rows


# --- AMLworld -----------------------------------------------------------------------------

AMLWORLD_COLUMNS: Final = (
    "Timestamp",
    "From Bank",
    "Account",
    "To Bank",
    "Account.1",
    "Amount Paid",
    "Payment Currency",
    "Payment Format",
)


def read_amlworld(data: bytes, file_name: str) -> BankRecords:
    """IBM's AMLworld transactions (Altman et al. 2023). The header names two columns
    `Account`; the second is read as the receiving account. `Is Laundering` is ignored."""
    text = _decode(data, file_name)
    first, _, rest = text.partition("\n")
    header = [h.strip() for h in first.split(",")]
    if header.count("Account") == 2:
        header[header.index("Account", header.index("Account") + 1)] = "Account.1"
    renamed = (",".join(header) + "\n" + rest).encode()
    rows = _Rows(renamed, file_name, AMLWORLD_COLUMNS)
    records = BankRecords()
    for line, row in rows:
        source = _key(rows, line, "Account", row["Account"])
        target = _key(rows, line, "Account.1", row["Account.1"])
        if source is None or target is None:
            continue
        for account, bank in ((source, row["From Bank"]), (target, row["To Bank"])):
            records.add_account(Account(account, bank=bank[:200]))
        records.transactions.append(
            Transaction(
                tx_id=f"{file_name}:{line}",
                source=source,
                target=target,
                amount=_amount(records, rows, line, "Amount Paid", row["Amount Paid"]),
                step=_step(records, rows, line, "Timestamp", row["Timestamp"]),
                currency=_currency(row["Payment Currency"]),
                occurred_at=row["Timestamp"][:32],
                channel=_channel(row["Payment Format"]),
            )
        )
    return _finish(records, [rows])


def _currency(name: str) -> str:
    known = {"us dollar": "USD", "euro": "EUR", "uk pound": "GBP", "bitcoin": "XBT"}
    return known.get(name.strip().lower(), name.strip()[:3].upper())
