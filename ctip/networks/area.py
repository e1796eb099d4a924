"""The networks area declared once: online ads, what they give away, and the networks behind
them.

Parts are named by where they live and imported on first use (`ctip.model.area.Ref`)."""

from __future__ import annotations

from pathlib import Path

from ctip.model.area import (
    Area,
    CommandRef,
    DemoStep,
    FunctionRef,
    HomeTile,
    NavEntry,
    Ref,
    TablesIn,
    grants_of,
)
from ctip.networks.access import NetworkAction

HERE = Path(__file__).parent
AD_SOURCE = "ads"
"""The FtM source the ads' entities are written under (`ctip.networks.ftm.SOURCE`)."""

AREA = Area(
    name="networks",
    title="Networks",
    grants=grants_of(NetworkAction),
    routers=(Ref("ctip.networks.api:router"),),
    pages=(Ref("ctip.networks.pages:router"),),
    nav=(
        NavEntry(
            "Networks",
            "/networks",
            NetworkAction.READ,
            "Online ads joined by shared phones, accounts and reused text, drawn as networks.",
        ),
    ),
    templates=HERE / "templates",
    command_groups={
        "networks": CommandRef(
            "ctip.networks.commands:app", "Online ads and the networks behind them."
        )
    },
    tables=TablesIn("ctip.networks.tables"),
    migrations=HERE / "migrations",
    demo=DemoStep(FunctionRef("ctip.networks.demo:seed_demo")),
    entity_sources={AD_SOURCE: NetworkAction.READ},
    home=(
        HomeTile(
            "ad networks with a high indicator score",
            "/networks?sort=score&dir=desc",
            NetworkAction.READ,
            FunctionRef("ctip.networks.home:high_risk_networks"),
        ),
    ),
)
