"""Withhold Release Orders and Findings as CBP issued them: one record per issuance.

The lists area keeps what an order says (whose goods, which goods, from where) as list
editions for screening; this is the record that CBP issued an order on a day, which is what
the fiscal-year figure "WROs issued" counts. A Finding (19 CFR 12.42(f)) follows an order
when CBP has probable cause turned into evidence; it is recorded here too, told apart by kind.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from sqlalchemy import Index, Integer, String, Text, UniqueConstraint, func, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from ctip.authz import audit
from ctip.model.calendar import FiscalYear
from ctip.model.clock import SYSTEM_CLOCK, Clock, iso_utc
from ctip.model.errors import Conflict, InvalidInput
from ctip.store.tables import TIMESTAMP, Base

MAX_TEXT = 300


class OrderKind(StrEnum):
    """A Withhold Release Order, or the Finding that may follow it."""

    WRO = "wro"
    FINDING = "finding"


class WroIssuanceRow(Base):
    """CBP issued an order (or a Finding) against a party's goods on a day."""

    __tablename__ = "trade_wro_issuances"
    __table_args__ = (
        UniqueConstraint("kind", "subject", "goods", "issued_on"),
        Index("ix_trade_wro_issuances_issued_on", "issued_on"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(10))
    subject: Mapped[str] = mapped_column(String(300))
    goods: Mapped[str] = mapped_column(String(300))
    country: Mapped[str] = mapped_column(String(2))
    issued_on: Mapped[str] = mapped_column(String(10))
    notice: Mapped[str] = mapped_column(Text)
    recorded_by: Mapped[str] = mapped_column(String(100))
    recorded_at: Mapped[str] = mapped_column(TIMESTAMP)


@dataclass(frozen=True)
class Issuance:
    """An order as recorded."""

    id: int
    kind: str
    subject: str
    goods: str
    country: str
    issued_on: str
    notice: str


def _text(value: str, name: str, limit: int = MAX_TEXT) -> str:
    text = " ".join(value.split())
    if not text or len(text) > limit or "\x00" in text:
        raise InvalidInput(f"{name}: 1 to {limit} characters, no NUL")
    return text


def record_issuance(
    session: Session,
    kind: OrderKind | str,
    subject: str,
    goods: str,
    country: str,
    issued_on: str | date,
    actor: str,
    notice: str = "",
    clock: Clock = SYSTEM_CLOCK,
) -> Issuance:
    """Record one issuance (audited); the same order recorded twice is refused."""
    try:
        which = OrderKind(str(kind).lower())
    except ValueError:
        raise InvalidInput(f"kind {kind!r}: expected wro or finding") from None
    day = issued_on if isinstance(issued_on, date) else _day(issued_on)
    if day > clock.today():
        raise InvalidInput(f"issued_on {day}: an order is recorded once it is issued")
    values = {
        "kind": which.value,
        "subject": _text(subject, "subject"),
        "goods": _text(goods, "goods"),
        "country": _text(country, "country", 2).upper(),
        "issued_on": day.isoformat(),
    }
    if session.scalar(select(WroIssuanceRow.id).filter_by(**values)) is not None:
        raise Conflict(f"{which.value} against {values['subject']} on {day} is already recorded")
    row = WroIssuanceRow(**values, notice=notice.strip()[:2000], recorded_by=actor)
    row.recorded_at = iso_utc(clock.now())
    session.add(row)
    session.flush()
    audit.record(session, actor, f"trade.{which.value}.record", f"trade_wro:{row.id}", values)
    return _issuance(row)


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput(f"issued_on {text!r}: expected YYYY-MM-DD") from None


def _issuance(row: WroIssuanceRow) -> Issuance:
    return Issuance(
        row.id, row.kind, row.subject, row.goods, row.country, row.issued_on, row.notice
    )


def issued_in(session: Session, fiscal_year: int, kind: OrderKind = OrderKind.WRO) -> int:
    """How many orders of a kind CBP issued in the fiscal year."""
    year = FiscalYear(fiscal_year)
    query = select(func.count()).where(
        WroIssuanceRow.kind == kind.value,
        WroIssuanceRow.issued_on >= year.start.isoformat(),
        WroIssuanceRow.issued_on <= year.end.isoformat(),
    )
    return int(session.scalar(query.select_from(WroIssuanceRow)) or 0)


def by_country(session: Session, fiscal_year: int) -> dict[str, int]:
    """Orders issued in the fiscal year, by the country the goods come from."""
    year = FiscalYear(fiscal_year)
    query = (
        select(WroIssuanceRow.country, func.count())
        .where(
            WroIssuanceRow.kind == OrderKind.WRO.value,
            WroIssuanceRow.issued_on >= year.start.isoformat(),
            WroIssuanceRow.issued_on <= year.end.isoformat(),
        )
        .group_by(WroIssuanceRow.country)
    )
    return {str(country): int(n) for country, n in session.execute(query)}
