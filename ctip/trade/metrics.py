"""The trade area's fiscal-year figures, computed from the detention records every time they
are asked for (the source document's CBP lines: shipments detained, seized, and their value).

The fiscal-year report reads them through the area registry; nothing here is stored.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from ctip.model.area import Metric
from ctip.trade import detentions


def _year(session: Session, fiscal_year: int) -> detentions.YearFigures | None:
    """The year's detention figures, or None when the year has no detention at all."""
    rows = detentions.figures(detentions.list_detentions(session))
    return next((row for row in rows if row.fiscal_year == fiscal_year), None)


def shipments_detained(session: Session, fiscal_year: int) -> int:
    """Detentions opened in the fiscal year."""
    year = _year(session, fiscal_year)
    return year.detained if year else 0


def shipments_seized(session: Session, fiscal_year: int) -> int:
    """Detentions decided as seizures in the fiscal year."""
    year = _year(session, fiscal_year)
    return year.seized if year else 0


def seized_value_usd(session: Session, fiscal_year: int) -> float:
    """The declared value, in US dollars, of the lines seized in the fiscal year."""
    year = _year(session, fiscal_year)
    return float(year.value_seized) if year else 0.0


METRICS = (
    Metric("cbp_shipments_detained", "CBP shipments detained", shipments_detained),
    Metric("cbp_shipments_seized", "CBP shipments seized", shipments_seized),
    Metric("cbp_seized_value_usd", "Value of CBP seizures (US dollars)", seized_value_usd),
)
