"""Fiscal-year figures of the finance area, computed from the scans every time."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ctip.finance import service
from ctip.finance.access import FinanceAction
from ctip.finance.tables import AccountFindingRow, ScanRow
from ctip.model.area import HomeTile, Metric
from ctip.model.calendar import FiscalYear


def _bounds(fiscal_year: int) -> tuple[str, str]:
    """The fiscal year as ISO text bounds (timestamps are stored as ISO text)."""
    year = FiscalYear(fiscal_year)
    return year.start.isoformat(), f"{year.end.isoformat()}T99"


def _scans_in(session: Session, fiscal_year: int) -> list[ScanRow]:
    start, end = _bounds(fiscal_year)
    query = select(ScanRow).where(ScanRow.scanned_at >= start, ScanRow.scanned_at < end)
    return list(session.execute(query).scalars())


def accounts_flagged(session: Session, fiscal_year: int) -> int:
    """Accounts flagged by the last scan run in the fiscal year."""
    scans = _scans_in(session, fiscal_year)
    return max(scans, key=lambda s: s.id).flagged if scans else 0


def flagged_by_typology(session: Session, fiscal_year: int) -> dict[str, int]:
    """The flagged accounts of the year's last scan by typology (an account in several
    counts in each; "none" when only red flags or links flagged it). Published with cells
    under 11 suppressed by the report."""
    scans = _scans_in(session, fiscal_year)
    if not scans:
        return {}
    newest = max(scans, key=lambda s: s.id).id
    query = select(AccountFindingRow.typologies).where(
        AccountFindingRow.scan_id == newest, AccountFindingRow.flagged == 1
    )
    counts: Counter[str] = Counter()
    for typologies in session.execute(query).scalars():
        counts.update(typologies.split(",") if typologies else ["none"])
    return dict(counts)


def scans_run(session: Session, fiscal_year: int) -> int:
    """Scans run in the fiscal year."""
    start, end = _bounds(fiscal_year)
    query = select(func.count()).where(ScanRow.scanned_at >= start, ScanRow.scanned_at < end)
    return int(session.execute(query).scalar_one())


METRICS = (
    Metric(
        "finance.accounts_flagged",
        "Bank accounts flagged for review",
        accounts_flagged,
        records="/finance",
        action=FinanceAction.READ,
        breakdown=flagged_by_typology,
    ),
    Metric("finance.scans", "Financial scans run", scans_run),
)

HOME = (
    HomeTile(
        "Flagged accounts to review",
        "/finance",
        FinanceAction.READ,
        lambda session, _username: service.flagged_count(session),
    ),
)
