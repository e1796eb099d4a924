"""The finance area declared once: bank records, laundering typologies on the money graph,
FinCEN red flags, per-account scores with their explanation, and draft SAR narratives.

Parts are named by where they live and imported on first use (`ctip.model.area.Ref`)."""

from __future__ import annotations

from pathlib import Path

from ctip.finance.access import FinanceAction
from ctip.model.area import (
    Area,
    CommandRef,
    DemoStep,
    FunctionRef,
    NavEntry,
    Ref,
    TablesIn,
    TupleRef,
    grants_of,
)

HERE = Path(__file__).parent

AREA = Area(
    name="finance",
    title="Finance",
    grants=grants_of(FinanceAction),
    routers=(Ref("ctip.finance.api:router"),),
    pages=(Ref("ctip.finance.pages:router"),),
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
    command_groups={
        "finance": CommandRef(
            "ctip.finance.commands:app", "Illicit finance: bank records, typologies, red flags."
        )
    },
    tables=TablesIn("ctip.finance.tables"),
    migrations=HERE / "migrations",
    demo=DemoStep(FunctionRef("ctip.finance.demo:seed_demo"), order=60),
    metrics=TupleRef("ctip.finance.metrics:METRICS"),
    home=TupleRef("ctip.finance.metrics:HOME"),
)
