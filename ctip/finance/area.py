"""The finance area declared once: bank records, laundering typologies on the money graph,
FinCEN red flags, per-account scores with their explanation, and draft SAR narratives."""

from __future__ import annotations

from pathlib import Path

from ctip.finance import api, commands, demo, metrics, pages, tables
from ctip.finance.access import FinanceAction
from ctip.model.area import Area, DemoStep, NavEntry, grants_of
from ctip.store.tables import tables_in

HERE = Path(__file__).parent

AREA = Area(
    name="finance",
    title="Finance",
    grants=grants_of(FinanceAction),
    routers=(api.router,),
    pages=(pages.router,),
    nav=(
        NavEntry(
            "Finance",
            "/finance",
            FinanceAction.READ,
            "Bank accounts flagged for laundering typologies and FinCEN red flags, why, their "
            "money flows, and draft SAR narratives.",
        ),
    ),
    templates=HERE / "templates",
    command_groups={"finance": commands.app},
    tables=tables_in(tables),
    migrations=HERE / "migrations",
    demo=DemoStep(demo.seed_demo, order=60),
    metrics=metrics.METRICS,
    home=metrics.HOME,
)
