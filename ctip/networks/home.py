"""The networks area's count on an investigator's home page: networks worth a look now."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ctip.networks import service
from ctip.networks.tables import AdNetwork

HIGH_RISK_SCORE = 0.5
"""A network with an ad scoring this high on the indicator pack is worth an investigator's look."""


def high_risk_networks(session: Session, _username: str) -> int:
    """Active networks holding an ad whose indicator score reaches HIGH_RISK_SCORE."""
    query = select(func.count()).where(
        AdNetwork.status == service.ACTIVE, AdNetwork.max_indicator_score >= HIGH_RISK_SCORE
    )
    return int(session.scalar(query.select_from(AdNetwork)) or 0)
