"""The networks area declared once: online ads, what they give away, and the networks behind
them."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ctip.model.area import Area, DemoStep, HomeTile, NavEntry, grants_of
from ctip.networks import api, commands, demo, ftm, pages, service, tables
from ctip.networks.access import NetworkAction
from ctip.networks.tables import AdNetwork
from ctip.store.tables import tables_in

HERE = Path(__file__).parent
HIGH_RISK_SCORE = 0.5
"""A network with an ad scoring this high on the indicator pack is worth an investigator's look."""


def high_risk_networks(session: Session, _username: str) -> int:
    """Active networks holding an ad whose indicator score reaches HIGH_RISK_SCORE."""
    query = select(func.count()).where(
        AdNetwork.status == service.ACTIVE, AdNetwork.max_indicator_score >= HIGH_RISK_SCORE
    )
    return int(session.scalar(query.select_from(AdNetwork)) or 0)


AREA = Area(
    name="networks",
    title="Networks",
    grants=grants_of(NetworkAction),
    routers=(api.router,),
    pages=(pages.router,),
    nav=(
        NavEntry(
            "Networks",
            "/networks",
            NetworkAction.READ,
            "Online ads joined by shared phones, accounts and reused text, drawn as networks.",
        ),
    ),
    templates=HERE / "templates",
    command_groups={"networks": commands.app},
    tables=tables_in(tables),
    migrations=HERE / "migrations",
    demo=DemoStep(demo.seed_demo),
    entity_sources={ftm.SOURCE: NetworkAction.READ},
    home=(
        HomeTile(
            "ad networks with a high indicator score",
            "/networks?sort=score&dir=desc",
            NetworkAction.READ,
            high_risk_networks,
        ),
    ),
)
