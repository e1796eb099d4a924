"""Tables of the finance area: accounts, transactions, scans and what a scan found.

Money travels as decimal text (the same cents on SQLite and PostgreSQL); the detector casts
it. `step` is the time as a whole number (an AMLSim step, or the day number of a timestamp)
so windows are plain integer ranges; `occurred_at` keeps the time as the file gave it.
Findings are rows of one scan: a new scan replaces nothing, the newest scan is read.
"""

from __future__ import annotations

from sqlalchemy import Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ctip.store.tables import TIMESTAMP, Base

MONEY = String(32)
KEY = String(100)


class AccountRow(Base):
    """A bank account as loaded: its id as given, its holder and where it is held."""

    __tablename__ = "finance_accounts"

    account_id: Mapped[str] = mapped_column(KEY, primary_key=True)
    holder_name: Mapped[str] = mapped_column(String(300), default="")
    holder_id: Mapped[str] = mapped_column(String(100), default="")
    phone: Mapped[str] = mapped_column(String(60), default="")
    email: Mapped[str] = mapped_column(String(200), default="")
    bank: Mapped[str] = mapped_column(String(200), default="")
    country: Mapped[str] = mapped_column(String(2), default="")
    account_type: Mapped[str] = mapped_column(String(40), default="")
    opened: Mapped[str] = mapped_column(String(32), default="")
    balance: Mapped[str] = mapped_column(MONEY, default="")
    file_id: Mapped[int] = mapped_column(Integer)


class TransactionRow(Base):
    """One payment from one account to another (or cash in or out: the other side empty)."""

    __tablename__ = "finance_transactions"
    __table_args__ = (
        UniqueConstraint("tx_id"),
        Index("ix_finance_transactions_source", "source"),
        Index("ix_finance_transactions_target", "target"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    tx_id: Mapped[str] = mapped_column(KEY)
    source: Mapped[str] = mapped_column(KEY)
    target: Mapped[str] = mapped_column(KEY)
    amount: Mapped[str] = mapped_column(MONEY)
    currency: Mapped[str] = mapped_column(String(3), default="")
    step: Mapped[int] = mapped_column(Integer)
    occurred_at: Mapped[str] = mapped_column(String(32), default="")
    channel: Mapped[str] = mapped_column(String(20), default="")
    memo: Mapped[str] = mapped_column(Text, default="")
    counterparty: Mapped[str] = mapped_column(String(300), default="")
    file_id: Mapped[int] = mapped_column(Integer)


class ScanRow(Base):
    """One run of the detector over every stored transaction."""

    __tablename__ = "finance_scans"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    scanned_at: Mapped[str] = mapped_column(TIMESTAMP)
    scanned_by: Mapped[str] = mapped_column(String(100))
    engine: Mapped[str] = mapped_column(String(10))
    transactions: Mapped[int] = mapped_column(Integer)
    accounts: Mapped[int] = mapped_column(Integer)
    flagged: Mapped[int] = mapped_column(Integer)
    patterns: Mapped[int] = mapped_column(Integer)
    settings: Mapped[str] = mapped_column(Text)


class AccountFindingRow(Base):
    """One account's score in one scan, with its explanation (JSON) and what fired."""

    __tablename__ = "finance_account_findings"
    __table_args__ = (Index("ix_finance_account_findings_scan", "scan_id", "flagged"),)

    scan_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    account_id: Mapped[str] = mapped_column(KEY, primary_key=True)
    score: Mapped[str] = mapped_column(String(12))
    flagged: Mapped[int] = mapped_column(Integer)
    typologies: Mapped[str] = mapped_column(Text)
    red_flags: Mapped[str] = mapped_column(Text)
    explanation: Mapped[str] = mapped_column(Text)


class PatternRow(Base):
    """One laundering pattern a scan found: type, accounts with roles, transactions, score."""

    __tablename__ = "finance_patterns"
    __table_args__ = (Index("ix_finance_patterns_scan", "scan_id"),)

    scan_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    pattern_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))
    score: Mapped[str] = mapped_column(String(12))
    first_step: Mapped[int] = mapped_column(Integer)
    last_step: Mapped[int] = mapped_column(Integer)
    total: Mapped[str] = mapped_column(MONEY)
    body: Mapped[str] = mapped_column(Text)
    """JSON: accounts with roles, transaction ids, features."""


class PatternMemberRow(Base):
    """Which accounts a pattern holds (so an account's page finds its patterns by index)."""

    __tablename__ = "finance_pattern_members"
    __table_args__ = (Index("ix_finance_pattern_members_account", "scan_id", "account_id"),)

    scan_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    pattern_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    account_id: Mapped[str] = mapped_column(KEY, primary_key=True)
    role: Mapped[str] = mapped_column(String(10))
