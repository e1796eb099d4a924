"""Tables of the trade area: entry lines, screenings, supplier declarations, detentions.

Import entries and detentions are workflow records FtM does not model, so they are plain
rows that point at parties by name (and, where known, entity id). Money is kept as decimal
text so SQLite and PostgreSQL store the same cents. A detention's steps are events of its
stream in the shared append-only ledger (`ledger_events`); its state is computed from them,
never stored.
"""

from __future__ import annotations

from sqlalchemy import Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ctip.store.tables import TIMESTAMP, Base

DATE = String(10)
MONEY = String(32)


class EntryLineRow(Base):
    """One line of an import entry (CBP Form 7501): the goods, their origin and the parties."""

    __tablename__ = "trade_entry_lines"

    entry_number: Mapped[str] = mapped_column(String(20), primary_key=True)
    line_number: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    importer: Mapped[str] = mapped_column(String(300))
    manufacturer: Mapped[str] = mapped_column(String(300))
    manufacturer_address: Mapped[str] = mapped_column(Text)
    seller: Mapped[str] = mapped_column(String(300))
    shipper: Mapped[str] = mapped_column(String(300))
    country_of_origin: Mapped[str] = mapped_column(String(2))
    hts_code: Mapped[str] = mapped_column(String(10))
    description: Mapped[str] = mapped_column(Text)
    value_usd: Mapped[str] = mapped_column(MONEY)
    quantity: Mapped[str] = mapped_column(MONEY)
    unit: Mapped[str] = mapped_column(String(20))
    arrival_date: Mapped[str] = mapped_column(DATE)
    port: Mapped[str] = mapped_column(String(10))
    line_sha256: Mapped[str] = mapped_column(String(64))
    file_id: Mapped[int] = mapped_column(Integer)
    not_read: Mapped[str] = mapped_column(Text, default="{}", server_default="{}")
    """The values of the line that could not be read, as written in the file, as JSON
    ({column: text}): kept so an officer sees what the importer declared, never used as
    evidence. "{}" when every value was read (and for lines stored before it was kept)."""


class ScreeningRow(Base):
    """One screening of one entry line: decision, score and the features that explain it."""

    __tablename__ = "trade_screenings"
    __table_args__ = (Index("ix_trade_screenings_line", "entry_number", "line_number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    entry_number: Mapped[str] = mapped_column(String(20))
    line_number: Mapped[int] = mapped_column(Integer)
    decision: Mapped[str] = mapped_column(String(10))
    score: Mapped[str] = mapped_column(String(12))
    features: Mapped[str] = mapped_column(Text)
    engine: Mapped[str] = mapped_column(String(10))
    screened_at: Mapped[str] = mapped_column(TIMESTAMP)
    screened_by: Mapped[str] = mapped_column(String(100))
    list_editions: Mapped[str] = mapped_column(Text, default="[]", server_default="[]")
    """The list editions the screening read, as JSON (`EditionUsed.to_dict` each): replayable."""


class SupplierLinkRow(Base):
    """A declaration that `supplier` supplies `material` to `buyer` (one supply-chain edge)."""

    __tablename__ = "trade_supplier_links"
    __table_args__ = (Index("ix_trade_supplier_links_supplier_key", "supplier_key"),)

    buyer_key: Mapped[str] = mapped_column(String(300), primary_key=True)
    supplier_key: Mapped[str] = mapped_column(String(300), primary_key=True)
    material: Mapped[str] = mapped_column(String(200), primary_key=True)
    buyer: Mapped[str] = mapped_column(String(300))
    supplier: Mapped[str] = mapped_column(String(300))
    supplier_country: Mapped[str] = mapped_column(String(2))
    supplier_address: Mapped[str] = mapped_column(Text)
    file_id: Mapped[int] = mapped_column(Integer)


class DetentionRow(Base):
    """A detention of one entry line; what happened to it lives in the shared ledger."""

    __tablename__ = "trade_detentions"
    __table_args__ = (UniqueConstraint("entry_number", "line_number"),)

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    entry_number: Mapped[str] = mapped_column(String(20))
    line_number: Mapped[int] = mapped_column(Integer)
    value_usd: Mapped[str] = mapped_column(MONEY)
    opened_on: Mapped[str] = mapped_column(DATE)
    opened_at: Mapped[str] = mapped_column(TIMESTAMP)
    opened_by: Mapped[str] = mapped_column(String(100))
