"""Tables of the watchlists area: list editions, their entries, and goods x place rules.

A list (UFLPA, CBP WROs, a sanctions file, a case team's own) is loaded as editions; an
edition is never overwritten, so the previous one stays for comparison. List values that
are lists themselves (aliases, countries) are JSON text: the same bytes on SQLite and
PostgreSQL, and an entry is always read whole.
"""

from __future__ import annotations

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ctip.store.tables import TIMESTAMP, Base


class ListEdition(Base):
    """One loaded edition of a list, made from one file.

    The file (its content hash, which makes a re-load of the same bytes a no-op) is a row of
    the store's one file table, `file_imports`, under kind `list-edition` and the list's name.
    """

    __tablename__ = "list_editions"
    __table_args__ = (UniqueConstraint("list_name", "edition"), UniqueConstraint("file_id"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    list_name: Mapped[str] = mapped_column(String(100))
    edition: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(20))
    file_id: Mapped[int] = mapped_column(ForeignKey("file_imports.id"))
    file_name: Mapped[str] = mapped_column(String(500))
    entry_count: Mapped[int] = mapped_column(Integer)
    rule_count: Mapped[int] = mapped_column(Integer)
    loaded_at: Mapped[str] = mapped_column(TIMESTAMP)
    loaded_by: Mapped[str] = mapped_column(String(100))


class ListEntryRow(Base):
    """One listed party of one edition."""

    __tablename__ = "list_entries"
    __table_args__ = (UniqueConstraint("edition_id", "entry_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    edition_id: Mapped[int] = mapped_column(ForeignKey("list_editions.id"))
    entry_id: Mapped[str] = mapped_column(String(255))
    entity_id: Mapped[str] = mapped_column(String(255))
    schema: Mapped[str] = mapped_column(String(50))
    name: Mapped[str] = mapped_column(Text)
    aliases: Mapped[str] = mapped_column(Text)
    countries: Mapped[str] = mapped_column(Text)
    birth_dates: Mapped[str] = mapped_column(Text)
    addresses: Mapped[str] = mapped_column(Text)
    identifiers: Mapped[str] = mapped_column(Text)
    includes_subsidiaries: Mapped[bool] = mapped_column(Boolean, default=False)
    notes: Mapped[str] = mapped_column(Text)
    extra: Mapped[str] = mapped_column(Text)
    content_sha256: Mapped[str] = mapped_column(String(64))


class GoodsPlaceRule(Base):
    """Goods from a place under a list: a country-wide WRO, or a TVPRA good x country."""

    __tablename__ = "list_goods_rules"
    __table_args__ = (
        UniqueConstraint("edition_id", "rule_id"),
        Index("ix_list_goods_rules_country", "country"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    edition_id: Mapped[int] = mapped_column(ForeignKey("list_editions.id"))
    rule_id: Mapped[str] = mapped_column(String(255))
    goods: Mapped[str] = mapped_column(String(200))
    hts_headings: Mapped[str] = mapped_column(Text)
    country: Mapped[str] = mapped_column(String(10))
    place: Mapped[str] = mapped_column(String(500))
    labour: Mapped[str] = mapped_column(String(100))
    basis: Mapped[str] = mapped_column(Text)
